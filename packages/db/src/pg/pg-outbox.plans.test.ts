import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPgDatabase, type PgDatabase } from './client.ts';
import { PgCitizenStore } from './pg-citizen-store.ts';
import { pgTestAvailability, startTestCluster, type TestCluster } from './test-cluster.ts';

/*
 * The SMS sender's claim on PostgreSQL between two vacuums (migration 0009): every message leaves
 * 'pending' by an update, and under MVCC each update leaves the old row version and its index
 * entries behind until vacuum. The claim must not visit them all each time.
 */

const pg = pgTestAvailability();
const MESSAGES = 6000;
const LEFT_PENDING = 30;
const AT = '2026-12-03T08:00:00.000Z';

describe.runIf(pg.available)('PgCitizenStore.claimDue between vacuums', () => {
  let cluster: TestCluster;
  let db: PgDatabase;
  let store: PgCitizenStore;

  beforeAll(async () => {
    cluster = await startTestCluster();
    db = await openPgDatabase(cluster.createDatabase('outbox'), { max: 2 });
    store = new PgCitizenStore(db);
    // no autovacuum on the table: what a busy minute looks like before the launcher comes round
    await db.sql`alter table notification_outbox set (autovacuum_enabled = false)`;
    await db.sql`
      insert into notification_outbox (case_id, event_id, kind, phone, lang, params, status, attempts, next_attempt_at, created_at)
      select g, g, 'received', '13800000000', 'zh', '{}'::jsonb, 'pending', 0, ${AT}, ${AT}
      from generate_series(1, ${MESSAGES}) g`;
    // the sender's own path: claim a batch, record it sent, until only the last few are pending
    for (;;) {
      const rows = await store.claimDue(AT, '2026-12-03T08:01:00.000Z', 500);
      const sendable = rows.filter((r) => r.id <= MESSAGES - LEFT_PENDING);
      await store.recordOutcomes(sendable.map((r) => ({ id: r.id, sent: true as const, at: AT })));
      if (sendable.length < rows.length || rows.length === 0) break;
    }
    // the claims above locked the last rows for a minute; free them as an expired lock would be
    await db.sql`update notification_outbox set locked_until = null where status = 'pending'`;
  }, 120_000);
  afterAll(async () => {
    await db?.close();
    cluster?.stop();
  });

  it('claims exactly the pending messages, in id order', async () => {
    const rows = await store.claimDue(AT, '2026-12-03T08:02:00.000Z', 100);
    expect(rows.map((r) => r.id)).toEqual(
      Array.from({ length: LEFT_PENDING }, (_, i) => MESSAGES - LEFT_PENDING + 1 + i),
    );
    expect(rows.every((r) => r.status === 'pending')).toBe(true);
    await db.sql`update notification_outbox set locked_until = null where status = 'pending'`;
  });

  it('reads a few pages, not every message sent since the last vacuum', async () => {
    const [{ dead }] = await db.sql<[{ dead: number }]>`
      select n_dead_tup::int as dead from pg_stat_user_tables where relname = 'notification_outbox'`;
    // statistics are reported a moment after the statements; the dead versions are there either way
    expect(dead === 0 || dead >= MESSAGES / 2).toBe(true);
    // the claim's select as the store sends it (its row locks end with the statement)
    const [row] = await db.sql.unsafe(
      `explain (analyze, buffers, format json)
       select id from notification_outbox
       where status = 'pending' and next_attempt_at <= $1 and (locked_until is null or locked_until <= $1)
       order by id limit 100 for update skip locked`,
      [AT],
    );
    const plan = (row as unknown as { 'QUERY PLAN': Array<{ Plan: Record<string, unknown> }> })[
      'QUERY PLAN'
    ][0]!.Plan;
    const scans: Array<Record<string, unknown>> = [];
    const walk = (n: Record<string, unknown>) => {
      if (n['Index Name']) scans.push(n);
      for (const c of (n.Plans as Array<Record<string, unknown>> | undefined) ?? []) walk(c);
    };
    walk(plan);
    expect(scans.map((n) => n['Index Name'])).toEqual(['notification_outbox_pending']);
    // index entries the claim went through: the pending ones, not one per message sent (the old
    // (status, next_attempt_at) index returned 7,263 here, each a heap visit)
    expect(Number(scans[0]!['Actual Rows'])).toBeLessThan(MESSAGES / 20);
  });
});
