ALTER TABLE `cases` ADD `media_url` text;--> statement-breakpoint
ALTER TABLE `cases` ADD `open311_token` text;--> statement-breakpoint
ALTER TABLE `cases` ADD `public_consent` integer DEFAULT false NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX `cases_open311_token` ON `cases` (`open311_token`);