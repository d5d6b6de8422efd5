ALTER TABLE `sessions` ADD `kind` text DEFAULT 'staff' NOT NULL;--> statement-breakpoint
ALTER TABLE `sessions` ADD `absolute_expires_at` text;