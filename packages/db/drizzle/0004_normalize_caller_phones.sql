-- Caller phone numbers are stored in one normal form (domain normalizePhoneNumber: the national
-- number for Chinese numbers, e.g. 13800000001 and 4798221234 for 0479-8221234) so the caller-history
-- lookup finds the same caller however the number was typed. Rows written before are brought to that
-- form here; a number that does not fit any rule below is left as it was (nothing is dropped).
UPDATE `cases` SET `caller_phone` = replace(replace(replace(replace(`caller_phone`, ' ', ''), '-', ''), '(', ''), ')', '') WHERE `caller_phone` IS NOT NULL;--> statement-breakpoint
UPDATE `cases` SET `caller_phone` = substr(`caller_phone`, 4) WHERE `caller_phone` GLOB '+86[1-9]*';--> statement-breakpoint
UPDATE `cases` SET `caller_phone` = substr(`caller_phone`, 5) WHERE `caller_phone` GLOB '0086[1-9]*';--> statement-breakpoint
UPDATE `cases` SET `caller_phone` = substr(`caller_phone`, 2) WHERE `caller_phone` GLOB '0[1-9]*' AND length(`caller_phone`) BETWEEN 10 AND 12 AND `caller_phone` NOT GLOB '*[^0-9]*';--> statement-breakpoint
UPDATE `cases` SET `caller_phone` = '479' || `caller_phone` WHERE `caller_phone` GLOB '[2-9]*' AND length(`caller_phone`) IN (7, 8) AND `caller_phone` NOT GLOB '*[^0-9]*';--> statement-breakpoint
UPDATE `cases` SET `caller_phone` = NULL WHERE `caller_phone` = '';
