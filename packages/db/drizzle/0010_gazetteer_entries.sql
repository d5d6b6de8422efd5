-- The city's own gazetteer (compounds, buildings, door numbers, landmarks) imported in the admin console.
CREATE TABLE `gazetteer_entries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`name` text NOT NULL,
	`address` text DEFAULT '' NOT NULL,
	`lng` real NOT NULL,
	`lat` real NOT NULL,
	`source` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `gazetteer_entries_key` ON `gazetteer_entries` (`kind`,`name`,`address`);