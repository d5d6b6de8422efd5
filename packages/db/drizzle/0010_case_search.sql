-- Staff case search (issue 13): a full-text index over each case's description, address and caller
-- phone with FTS5's trigram tokenizer, so any substring of three or more characters (Chinese text, an
-- address, part of a phone number) is an index lookup. External content: the text lives only in
-- `cases`, the index holds trigrams keyed by `cases.id`. Triggers keep it in step with every writer
-- (stores, seeders, later migrations); a projection update that leaves these three columns alone
-- does not touch the index. A migration that rebuilds `cases` (`__new_cases`) drops these triggers
-- with the old table and must create them again (pinned by case-search.test.ts).
CREATE VIRTUAL TABLE `case_search` USING fts5(`description`, `address`, `caller_phone`, content='cases', content_rowid='id', tokenize='trigram');
--> statement-breakpoint
CREATE TRIGGER `case_search_ai` AFTER INSERT ON `cases` BEGIN
  INSERT INTO `case_search`(`rowid`, `description`, `address`, `caller_phone`) VALUES (new.`id`, new.`description`, new.`address`, new.`caller_phone`);
END;
--> statement-breakpoint
CREATE TRIGGER `case_search_ad` AFTER DELETE ON `cases` BEGIN
  INSERT INTO `case_search`(`case_search`, `rowid`, `description`, `address`, `caller_phone`) VALUES ('delete', old.`id`, old.`description`, old.`address`, old.`caller_phone`);
END;
--> statement-breakpoint
CREATE TRIGGER `case_search_au` AFTER UPDATE OF `description`, `address`, `caller_phone` ON `cases` BEGIN
  INSERT INTO `case_search`(`case_search`, `rowid`, `description`, `address`, `caller_phone`) VALUES ('delete', old.`id`, old.`description`, old.`address`, old.`caller_phone`);
  INSERT INTO `case_search`(`rowid`, `description`, `address`, `caller_phone`) VALUES (new.`id`, new.`description`, new.`address`, new.`caller_phone`);
END;
--> statement-breakpoint
INSERT INTO `case_search`(`case_search`) VALUES ('rebuild');
