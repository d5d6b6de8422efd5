-- Cases reported per local day, per cell and per minor class (issue 14): the reports' hotspots read
-- seven windows of counts and the daily intake one; from here they read a few thousand day rows
-- instead of every case of those windows (a monthly report's hotspots over 1,000,000 cases: 170 ms).
-- `reported` counts every case, `counted` those neither voided nor merged (the hotspot rule). The
-- day is the Beijing date, UTC+8 written here: `CASE_DAY_COUNTS_OFFSET_MINUTES` (stores/case-day-counts.ts)
-- must say the same, and the reads use the table only for windows of whole days at that offset.
-- Deferred constraint triggers keep it in step with every writer, at COMMIT and under the
-- event-append advisory lock (EVENT_APPEND_LOCK, pg-case-tx.ts: the case store already holds it then),
-- so no two transactions ever hold rows of this table at once: no deadlock between transactions
-- that change several cases, and no wait beyond the one the event log already has.
-- A state change that neither voids nor merges, the commonest update, queues nothing. `db:copy` sets
-- `citygrid.copying_counts` and copies the table's rows instead (pinned by stores/case-reads.contract.test.ts).
CREATE TABLE "case_day_counts" (
	"dimension" text NOT NULL,
	"day" text NOT NULL,
	"key" text NOT NULL,
	"reported" integer NOT NULL,
	"counted" integer NOT NULL,
	CONSTRAINT "case_day_counts_dimension_day_key_pk" PRIMARY KEY("dimension","day","key")
);
--> statement-breakpoint
CREATE FUNCTION "case_day_counts_keep"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  d text;
BEGIN
  IF current_setting('citygrid.copying_counts', true) = 'on' THEN
    RETURN NULL;
  END IF;
  PERFORM pg_advisory_xact_lock(7310002);
  IF TG_OP <> 'INSERT' THEN
    d := to_char((OLD.reported_at::timestamptz AT TIME ZONE 'UTC') + interval '480 minutes', 'YYYY-MM-DD');
    UPDATE case_day_counts SET reported = reported - 1, counted = counted - (CASE WHEN OLD.state IN ('voided', 'merged') THEN 0 ELSE 1 END)
     WHERE dimension = 'cell' AND day = d AND key = coalesce(OLD.cell_code, '');
    UPDATE case_day_counts SET reported = reported - 1, counted = counted - (CASE WHEN OLD.state IN ('voided', 'merged') THEN 0 ELSE 1 END)
     WHERE dimension = 'class' AND day = d AND key = coalesce(OLD.minor_class_code, '');
  END IF;
  IF TG_OP <> 'DELETE' THEN
    d := to_char((NEW.reported_at::timestamptz AT TIME ZONE 'UTC') + interval '480 minutes', 'YYYY-MM-DD');
    INSERT INTO case_day_counts AS c (dimension, day, key, reported, counted)
      VALUES ('cell', d, coalesce(NEW.cell_code, ''), 1, CASE WHEN NEW.state IN ('voided', 'merged') THEN 0 ELSE 1 END),
             ('class', d, coalesce(NEW.minor_class_code, ''), 1, CASE WHEN NEW.state IN ('voided', 'merged') THEN 0 ELSE 1 END)
      ON CONFLICT (dimension, day, key) DO UPDATE SET reported = c.reported + excluded.reported, counted = c.counted + excluded.counted;
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER "case_day_counts_insert_delete" AFTER INSERT OR DELETE ON "cases" DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION "case_day_counts_keep"();
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER "case_day_counts_update" AFTER UPDATE OF "reported_at", "cell_code", "minor_class_code", "state" ON "cases" DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW WHEN (OLD.reported_at IS DISTINCT FROM NEW.reported_at OR OLD.cell_code IS DISTINCT FROM NEW.cell_code
    OR OLD.minor_class_code IS DISTINCT FROM NEW.minor_class_code
    OR (OLD.state IN ('voided', 'merged')) <> (NEW.state IN ('voided', 'merged')))
  EXECUTE FUNCTION "case_day_counts_keep"();
--> statement-breakpoint
INSERT INTO "case_day_counts" (dimension, day, key, reported, counted)
  SELECT 'cell', to_char((reported_at::timestamptz AT TIME ZONE 'UTC') + interval '480 minutes', 'YYYY-MM-DD'), coalesce(cell_code, ''), count(*), sum(CASE WHEN state IN ('voided', 'merged') THEN 0 ELSE 1 END)
  FROM "cases" GROUP BY 2, 3;
--> statement-breakpoint
INSERT INTO "case_day_counts" (dimension, day, key, reported, counted)
  SELECT 'class', to_char((reported_at::timestamptz AT TIME ZONE 'UTC') + interval '480 minutes', 'YYYY-MM-DD'), coalesce(minor_class_code, ''), count(*), sum(CASE WHEN state IN ('voided', 'merged') THEN 0 ELSE 1 END)
  FROM "cases" GROUP BY 2, 3;
