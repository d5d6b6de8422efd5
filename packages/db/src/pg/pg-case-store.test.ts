import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '@citygrid/domain';
import { bareCaseFields } from '../stores/case-fields.ts';
import { openPgDatabase, type PgDatabase } from './client.ts';
import { EVENT_APPEND_LOCK, PgCaseStore } from './pg-case-store.ts';
import { pgTestAvailability, startTestCluster, type TestCluster } from './test-cluster.ts';

/* PostgreSQL-only guarantees of the case store, on a throwaway cluster. */

const pg = pgTestAvailability();
const operator: Actor = { userId: 1, role: 'operator', unitCode: null };
const AT = '2026-11-24T02:00:00.000Z';
const fields = (description: string) => bareCaseFields(description, AT);

describe.runIf(pg.available)('PostgreSQL case store', () => {
  let cluster: TestCluster;
  let db: PgDatabase;
  beforeAll(async () => {
    cluster = await startTestCluster();
    db = await openPgDatabase(cluster.createDatabase('pgstore'), { max: 4 });
  });
  afterAll(async () => {
    await db?.close();
    cluster?.stop();
  });

  it('does not let an event commit while an earlier event id is still uncommitted', async () => {
    const store = new PgCaseStore(db);
    // another node's transaction that is appending events and has not committed yet
    const other = await db.sql.reserve();
    await other`begin`;
    await other`select pg_advisory_xact_lock(${EVENT_APPEND_LOCK})`;
    const [{ id: held }] = await other<
      [{ id: number }]
    >`select nextval(pg_get_serial_sequence('case_events', 'id'))::bigint as id`;
    let done = false;
    const filing = store
      .createCase({
        fields: fields('等待中'),
        events: [{ actor: operator, actorName: '受理员', at: AT, action: { type: 'report' } }],
      })
      .then((r) => {
        done = true;
        return r;
      });
    await new Promise((r) => setTimeout(r, 400));
    expect(done).toBe(false);
    expect(await store.listEventsAfter(0)).toEqual([]);
    await other`commit`;
    other.release();
    const { events } = await filing;
    expect(events[0]!.id).toBeGreaterThan(held);
  });

  it('numbers cases across connections under a pool larger than the work', async () => {
    const second = await openPgDatabase(db.url, { max: 8, migrate: false });
    try {
      const stores = [new PgCaseStore(db), new PgCaseStore(second)];
      const acked = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          stores[i % 2]!.createCase({
            fields: fields(`号 ${i}`),
            events: [{ actor: operator, actorName: '受理员', at: AT, action: { type: 'report' } }],
          }),
        ),
      );
      expect(new Set(acked.map((a) => a.record.caseNumber)).size).toBe(40);
      const [{ n }] = await db.sql<[{ n: number }]>`select count(*)::bigint as n from cases`;
      expect(n).toBe(41);
    } finally {
      await second.close();
    }
  });

  it('takes the event-append lock only after every row lock, so a merge waiting for its original holds up no filing of another day', async () => {
    const store = new PgCaseStore(db);
    const { record: original } = await store.createCase({
      fields: fields('原案'),
      events: [{ actor: operator, actorName: '受理员', at: AT, action: { type: 'report' } }],
    });
    // another node's transaction holds the original's row (an action on it, not yet committed)
    const other = await db.sql.reserve();
    await other`begin`;
    await other`select id from cases where id = ${original.id} for update`;
    const merging = store.createCase({
      fields: fields('重复来电'),
      events: [
        { actor: operator, actorName: '受理员', at: AT, action: { type: 'report' } },
        {
          actor: operator,
          actorName: '受理员',
          at: AT,
          action: { type: 'merge', targetCaseNumber: original.caseNumber },
        },
      ],
    });
    await new Promise((r) => setTimeout(r, 300));
    // a filing of another day (another counter row) appends its events meanwhile
    const NEXT_DAY = '2026-11-25T02:00:00.000Z';
    const otherDay = store.createCase({
      fields: bareCaseFields('次日', NEXT_DAY),
      events: [{ actor: operator, actorName: '受理员', at: NEXT_DAY, action: { type: 'report' } }],
    });
    const first = await Promise.race([
      otherDay.then(() => 'appended'),
      new Promise((r) => setTimeout(() => r('blocked'), 3000)),
    ]);
    await other`commit`;
    other.release();
    expect(first).toBe('appended');
    const merged = await merging;
    expect(merged.followed.map((f) => [f.record.caseNumber, f.record.duplicateCount])).toEqual([
      [original.caseNumber, 1],
    ]);
  });
});

if (!pg.available) {
  describe('PostgreSQL case store', () => {
    it.skip(pg.reason, () => {});
  });
}
