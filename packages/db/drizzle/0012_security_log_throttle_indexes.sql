CREATE INDEX `security_log_username_at` ON `security_log` (`username`,`at`);--> statement-breakpoint
CREATE INDEX `security_log_ip_at` ON `security_log` (`ip`,`at`);