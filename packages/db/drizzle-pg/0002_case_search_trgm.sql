-- Staff case search on PostgreSQL (issue 11; SQLite's FTS5 trigram index is migration 0011 there):
-- pg_trgm (a trusted extension since PostgreSQL 13, so the database owner may create it) and one GIN
-- trigram index per searched column, so `ilike '%term%'` with a term of three or more characters is
-- an index lookup (a BitmapOr over the columns; the heap rows are rechecked). pg_trgm only makes
-- trigrams of characters the database's LC_CTYPE classes as letters or digits: Chinese text needs a
-- UTF-8 ctype (e.g. `C.UTF-8`); under `C` it yields no trigram and a search reads the rows instead.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "cases_description_trgm" ON "cases" USING gin ("description" gin_trgm_ops);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "cases_address_trgm" ON "cases" USING gin ("address" gin_trgm_ops);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "cases_caller_phone_trgm" ON "cases" USING gin ("caller_phone" gin_trgm_ops);
