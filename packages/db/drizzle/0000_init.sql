CREATE TABLE `api_keys` (
	`key_hash` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `attachments` (
	`sha256` text PRIMARY KEY NOT NULL,
	`mime` text NOT NULL,
	`size` integer NOT NULL,
	`case_id` integer,
	`uploaded_by` integer,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `case_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`case_id` integer NOT NULL,
	`case_number` text NOT NULL,
	`seq` integer NOT NULL,
	`type` text NOT NULL,
	`actor_user_id` integer,
	`actor_role` text NOT NULL,
	`actor_name` text NOT NULL,
	`actor_unit_code` text,
	`at` text NOT NULL,
	`from_state` text,
	`to_state` text NOT NULL,
	`reason` text,
	`note` text,
	`attachments` text DEFAULT '[]' NOT NULL,
	`action` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `case_events_case_seq` ON `case_events` (`case_id`,`seq`);--> statement-breakpoint
CREATE INDEX `case_events_at` ON `case_events` (`at`);--> statement-breakpoint
CREATE TABLE `case_number_counters` (
	`day` text PRIMARY KEY NOT NULL,
	`last` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `cases` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`case_number` text NOT NULL,
	`source` text NOT NULL,
	`nature` text NOT NULL,
	`minor_class_code` text NOT NULL,
	`hotline_category` text NOT NULL,
	`description` text NOT NULL,
	`urgency` text NOT NULL,
	`caller_name` text,
	`caller_phone` text,
	`lat` real,
	`lng` real,
	`address` text,
	`grid_version_id` integer,
	`cell_code` text,
	`community_code` text,
	`sub_district_code` text,
	`route_rule_id` text,
	`route_explanation` text,
	`limit_amount` real NOT NULL,
	`limit_unit` text NOT NULL,
	`state` text NOT NULL,
	`unit_code` text,
	`version` integer NOT NULL,
	`verified` integer DEFAULT false NOT NULL,
	`dispatch_count` integer DEFAULT 0 NOT NULL,
	`redispatch_count` integer DEFAULT 0 NOT NULL,
	`rework_count` integer DEFAULT 0 NOT NULL,
	`extension_count` integer DEFAULT 0 NOT NULL,
	`return_count` integer DEFAULT 0 NOT NULL,
	`extension_amount` real DEFAULT 0 NOT NULL,
	`pending_extension_amount` real DEFAULT 0 NOT NULL,
	`satisfaction` integer,
	`merged_into` text,
	`reported_at` text NOT NULL,
	`first_dispatched_at` text,
	`dispatched_at` text,
	`due_at` text,
	`disposed_at` text,
	`closed_at` text,
	`disposed_late` integer DEFAULT false NOT NULL,
	`updated_at` text NOT NULL,
	`reporter_email` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `cases_caseNumber_unique` ON `cases` (`case_number`);--> statement-breakpoint
CREATE INDEX `cases_state` ON `cases` (`state`);--> statement-breakpoint
CREATE INDEX `cases_unit_state` ON `cases` (`unit_code`,`state`);--> statement-breakpoint
CREATE INDEX `cases_cell` ON `cases` (`cell_code`);--> statement-breakpoint
CREATE INDEX `cases_reported_at` ON `cases` (`reported_at`);--> statement-breakpoint
CREATE INDEX `cases_caller_phone` ON `cases` (`caller_phone`);--> statement-breakpoint
CREATE INDEX `cases_class_state` ON `cases` (`minor_class_code`,`state`);--> statement-breakpoint
CREATE INDEX `cases_due_at` ON `cases` (`due_at`);--> statement-breakpoint
CREATE INDEX `cases_closed_at` ON `cases` (`closed_at`);--> statement-breakpoint
CREATE TABLE `cells` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`grid_version_id` integer NOT NULL,
	`code` text NOT NULL,
	`community_code` text NOT NULL,
	`sub_district_code` text NOT NULL,
	`name` text NOT NULL,
	`ring` text NOT NULL,
	`valid_from` text NOT NULL,
	`valid_to` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `cells_version_code` ON `cells` (`grid_version_id`,`code`);--> statement-breakpoint
CREATE TABLE `communities` (
	`code` text PRIMARY KEY NOT NULL,
	`sub_district_code` text NOT NULL,
	`name` text NOT NULL,
	`name_en` text NOT NULL,
	`ring` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `departments` (
	`code` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`name_en` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `grid_versions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`version` text NOT NULL,
	`valid_from` text NOT NULL,
	`valid_to` text,
	`generated` integer DEFAULT false NOT NULL,
	`note` text DEFAULT '' NOT NULL,
	`imported_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `grid_versions_version_unique` ON `grid_versions` (`version`);--> statement-breakpoint
CREATE TABLE `hotline_categories` (
	`code` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`name_en` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `idempotency_keys` (
	`key` text PRIMARY KEY NOT NULL,
	`request_hash` text NOT NULL,
	`case_id` integer NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `minor_classes` (
	`code` text PRIMARY KEY NOT NULL,
	`data` text NOT NULL,
	`hotline_category` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `reference_documents` (
	`name` text PRIMARY KEY NOT NULL,
	`data` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `routing_rules` (
	`id` text PRIMARY KEY NOT NULL,
	`minor_class_code` text NOT NULL,
	`scope_kind` text NOT NULL,
	`scope_code` text,
	`unit_code` text NOT NULL,
	`note` text DEFAULT '' NOT NULL
);
--> statement-breakpoint
CREATE TABLE `security_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` text NOT NULL,
	`kind` text NOT NULL,
	`username` text,
	`user_id` integer,
	`detail` text NOT NULL,
	`ip` text
);
--> statement-breakpoint
CREATE TABLE `sessions` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`user_id` integer NOT NULL,
	`csrf_token` text NOT NULL,
	`created_at` text NOT NULL,
	`expires_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `sub_districts` (
	`code` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`name_en` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `units` (
	`code` text PRIMARY KEY NOT NULL,
	`department_code` text NOT NULL,
	`name` text NOT NULL,
	`name_en` text NOT NULL,
	`sub_district_code` text,
	`phone` text
);
--> statement-breakpoint
CREATE TABLE `users` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`username` text NOT NULL,
	`display_name` text NOT NULL,
	`role` text NOT NULL,
	`unit_code` text,
	`password_hash` text NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_username_unique` ON `users` (`username`);