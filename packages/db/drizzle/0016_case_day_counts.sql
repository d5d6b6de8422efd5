-- Cases reported per local day, per cell and per minor class (issue 14): the reports' hotspots read
-- seven windows of counts and the daily intake one; from here they read a few thousand day rows
-- instead of every case of those windows (a monthly report's hotspots over 1,000,000 cases: 170 ms).
-- `reported` counts every case, `counted` those neither voided nor merged (the hotspot rule). The
-- day is the Beijing date, UTC+8 written here: `CASE_DAY_COUNTS_OFFSET_MINUTES` (stores/case-day-counts.ts)
-- must say the same, and the reads use the table only for windows of whole days at that offset.
-- Triggers keep it in step with every writer; a state change that neither voids nor merges, the
-- commonest update, leaves it alone. A migration that rebuilds `cases` drops these triggers with the
-- old table and must create them again (pinned by stores/case-reads.contract.test.ts).
CREATE TABLE `case_day_counts` (
	`dimension` text NOT NULL,
	`day` text NOT NULL,
	`key` text NOT NULL,
	`reported` integer NOT NULL,
	`counted` integer NOT NULL,
	PRIMARY KEY(`dimension`, `day`, `key`)
);
--> statement-breakpoint
CREATE TRIGGER `case_day_counts_ai` AFTER INSERT ON `cases` BEGIN
  INSERT INTO `case_day_counts` (`dimension`, `day`, `key`, `reported`, `counted`)
    VALUES ('cell', date(new.`reported_at`, '+480 minutes'), coalesce(new.`cell_code`, ''), 1, (new.`state` not in ('voided', 'merged'))),
           ('class', date(new.`reported_at`, '+480 minutes'), coalesce(new.`minor_class_code`, ''), 1, (new.`state` not in ('voided', 'merged')))
    ON CONFLICT DO UPDATE SET `reported` = `reported` + excluded.`reported`, `counted` = `counted` + excluded.`counted`;
END;
--> statement-breakpoint
CREATE TRIGGER `case_day_counts_ad` AFTER DELETE ON `cases` BEGIN
  UPDATE `case_day_counts` SET `reported` = `reported` - 1, `counted` = `counted` - (old.`state` not in ('voided', 'merged'))
   WHERE `dimension` = 'cell' AND `day` = date(old.`reported_at`, '+480 minutes') AND `key` = coalesce(old.`cell_code`, '');
  UPDATE `case_day_counts` SET `reported` = `reported` - 1, `counted` = `counted` - (old.`state` not in ('voided', 'merged'))
   WHERE `dimension` = 'class' AND `day` = date(old.`reported_at`, '+480 minutes') AND `key` = coalesce(old.`minor_class_code`, '');
END;
--> statement-breakpoint
CREATE TRIGGER `case_day_counts_au` AFTER UPDATE OF `reported_at`, `cell_code`, `minor_class_code`, `state` ON `cases`
  WHEN old.`reported_at` IS NOT new.`reported_at` OR old.`cell_code` IS NOT new.`cell_code` OR old.`minor_class_code` IS NOT new.`minor_class_code` OR (old.`state` in ('voided', 'merged')) <> (new.`state` in ('voided', 'merged'))
BEGIN
  UPDATE `case_day_counts` SET `reported` = `reported` - 1, `counted` = `counted` - (old.`state` not in ('voided', 'merged'))
   WHERE `dimension` = 'cell' AND `day` = date(old.`reported_at`, '+480 minutes') AND `key` = coalesce(old.`cell_code`, '');
  UPDATE `case_day_counts` SET `reported` = `reported` - 1, `counted` = `counted` - (old.`state` not in ('voided', 'merged'))
   WHERE `dimension` = 'class' AND `day` = date(old.`reported_at`, '+480 minutes') AND `key` = coalesce(old.`minor_class_code`, '');
  INSERT INTO `case_day_counts` (`dimension`, `day`, `key`, `reported`, `counted`)
    VALUES ('cell', date(new.`reported_at`, '+480 minutes'), coalesce(new.`cell_code`, ''), 1, (new.`state` not in ('voided', 'merged'))),
           ('class', date(new.`reported_at`, '+480 minutes'), coalesce(new.`minor_class_code`, ''), 1, (new.`state` not in ('voided', 'merged')))
    ON CONFLICT DO UPDATE SET `reported` = `reported` + excluded.`reported`, `counted` = `counted` + excluded.`counted`;
END;
--> statement-breakpoint
INSERT INTO `case_day_counts` (`dimension`, `day`, `key`, `reported`, `counted`)
  SELECT 'cell', date(`reported_at`, '+480 minutes'), coalesce(`cell_code`, ''), count(*), sum(`state` not in ('voided', 'merged'))
  FROM `cases` GROUP BY 2, 3;
--> statement-breakpoint
INSERT INTO `case_day_counts` (`dimension`, `day`, `key`, `reported`, `counted`)
  SELECT 'class', date(`reported_at`, '+480 minutes'), coalesce(`minor_class_code`, ''), count(*), sum(`state` not in ('voided', 'merged'))
  FROM `cases` GROUP BY 2, 3;
