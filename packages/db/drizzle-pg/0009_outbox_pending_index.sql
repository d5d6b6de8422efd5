-- The SMS sender's claim (issue 14): `status = 'pending' and next_attempt_at <= now … order by id
-- limit n for update skip locked`. The index on (status, next_attempt_at) was read by a bitmap scan,
-- which visits every index entry a message left behind when its status changed (under MVCC the old
-- 'pending' entry stays until vacuum): after a minute at 200 cases/s, 19,558 entries and 5.3 ms per
-- claim, growing until autovacuum came. A partial index of the pending rows in id order is read by a
-- plain index scan, which marks the dead entries it passes, so a claim stays short between vacuums.
DROP INDEX "notification_outbox_due";--> statement-breakpoint
CREATE INDEX "notification_outbox_pending" ON "notification_outbox" USING btree ("id") WHERE "notification_outbox"."status" = 'pending';