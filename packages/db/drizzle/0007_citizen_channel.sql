CREATE TABLE `citizen_reports` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`case_id` integer NOT NULL,
	`tracking_code` text NOT NULL,
	`lang` text NOT NULL,
	`public_ok` integer DEFAULT false NOT NULL,
	`photos` text DEFAULT '[]' NOT NULL,
	`coord_system` text DEFAULT 'wgs84' NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `citizen_reports_caseId_unique` ON `citizen_reports` (`case_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `citizen_reports_trackingCode_unique` ON `citizen_reports` (`tracking_code`);--> statement-breakpoint
CREATE TABLE `notification_outbox` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`case_id` integer NOT NULL,
	`event_id` integer,
	`kind` text NOT NULL,
	`phone` text NOT NULL,
	`lang` text NOT NULL,
	`params` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` text NOT NULL,
	`locked_until` text,
	`last_error` text,
	`sent_at` text,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `notification_outbox_event_kind` ON `notification_outbox` (`event_id`,`kind`);--> statement-breakpoint
CREATE INDEX `notification_outbox_due` ON `notification_outbox` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE TABLE `rate_limits` (
	`key` text PRIMARY KEY NOT NULL,
	`points` integer DEFAULT 0 NOT NULL,
	`expire` integer
);
--> statement-breakpoint
CREATE TABLE `sms_sink` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`outbox_id` integer NOT NULL,
	`phone` text NOT NULL,
	`lang` text NOT NULL,
	`kind` text NOT NULL,
	`template_id` text NOT NULL,
	`params` text NOT NULL,
	`text` text NOT NULL,
	`sent_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sms_sink_outboxId_unique` ON `sms_sink` (`outbox_id`);