-- Staff case search (issue 13): a full-text index over each case's description, address and caller
-- phone with FTS5's trigram tokenizer, so any substring of three or more characters (Chinese text, an
-- address, part of a phone number) is an index lookup. Contentless (the text lives only in `cases`;
-- rows are keyed by `cases.id`, deletable by rowid). Each value is indexed with two U+0001 after it,
-- so every character of the text begins at least one trigram: a one- or two-character word is found
-- through the index too, as the OR of the trigrams it begins (listed by `case_search_terms`).
-- The holding unit is a fourth column (`unit`, the code between two U+0002), so a unit's staff search
-- intersects with it inside the index instead of reading each match's row.
-- Triggers keep it in step with every writer (stores, seeders, later migrations); a projection update
-- that leaves these columns alone (a state change without a new unit) does not touch the index. A migration that rebuilds `cases`
-- (`__new_cases`) drops these triggers with the old table and must create them again (pinned by
-- packages/db/src/stores/case-search-store.test.ts).
CREATE VIRTUAL TABLE `case_search` USING fts5(`description`, `address`, `caller_phone`, `unit`, content='', contentless_delete=1, tokenize='trigram');
--> statement-breakpoint
CREATE VIRTUAL TABLE `case_search_terms` USING fts5vocab(`case_search`, 'row');
--> statement-breakpoint
CREATE TRIGGER `case_search_ai` AFTER INSERT ON `cases` BEGIN
  INSERT INTO `case_search`(`rowid`, `description`, `address`, `caller_phone`, `unit`) VALUES (new.`id`, new.`description` || char(1, 1), new.`address` || char(1, 1), new.`caller_phone` || char(1, 1), char(2) || new.`unit_code` || char(2));
END;
--> statement-breakpoint
CREATE TRIGGER `case_search_ad` AFTER DELETE ON `cases` BEGIN
  DELETE FROM `case_search` WHERE `rowid` = old.`id`;
END;
--> statement-breakpoint
CREATE TRIGGER `case_search_au` AFTER UPDATE OF `description`, `address`, `caller_phone`, `unit_code` ON `cases` BEGIN
  DELETE FROM `case_search` WHERE `rowid` = old.`id`;
  INSERT INTO `case_search`(`rowid`, `description`, `address`, `caller_phone`, `unit`) VALUES (new.`id`, new.`description` || char(1, 1), new.`address` || char(1, 1), new.`caller_phone` || char(1, 1), char(2) || new.`unit_code` || char(2));
END;
--> statement-breakpoint
INSERT INTO `case_search`(`rowid`, `description`, `address`, `caller_phone`, `unit`) SELECT `id`, `description` || char(1, 1), `address` || char(1, 1), `caller_phone` || char(1, 1), char(2) || `unit_code` || char(2) FROM `cases`;
