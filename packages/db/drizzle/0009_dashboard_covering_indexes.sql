DROP INDEX `cases_state`;--> statement-breakpoint
DROP INDEX `cases_reported_at`;--> statement-breakpoint
DROP INDEX `cases_first_dispatched_at`;--> statement-breakpoint
DROP INDEX `cases_open_due`;--> statement-breakpoint
CREATE INDEX `cases_state` ON `cases` (`state`,`due_at`,`cell_code`);--> statement-breakpoint
CREATE INDEX `cases_reported_at` ON `cases` (`reported_at`,`state`,`unit_code`,`community_code`,`hotline_category`,`cell_code`);--> statement-breakpoint
CREATE INDEX `cases_first_dispatched_at` ON `cases` (`first_dispatched_at`,`unit_code`,`community_code`,`hotline_category`,`cell_code`,`state`,`disposed_at`,`disposed_late`,`closed_at`,`due_at`,`rework_count`,`redispatch_count`,`satisfaction`);--> statement-breakpoint
CREATE INDEX `cases_open_due` ON `cases` (`due_at`,`state`,`version`,`unit_code`,`lat`,`lng`,`cell_code`,`community_code`,`minor_class_code`,`hotline_category`,`urgency`,`reported_at`,`dispatched_at`,`limit_unit`,`case_number`,`description`) WHERE state not in ('closed', 'callback_done', 'voided', 'merged');