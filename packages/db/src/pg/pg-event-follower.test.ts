import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '@citygrid/domain';
import type { StoredCaseEvent } from '../stores/case-types.ts';
import { bareCaseFields } from '../stores/case-fields.ts';
import { openPgDatabase, type PgDatabase } from './client.ts';
import { PgCaseStore } from './pg-case-store.ts';
import { PgEventFollower } from './pg-event-follower.ts';
import { pgTestAvailability, startTestCluster, type TestCluster } from './test-cluster.ts';

/* Two "nodes" (two pools on one database): node A follows what node B writes, through LISTEN/NOTIFY. */

const pg = pgTestAvailability();
const operator: Actor = { userId: 1, role: 'operator', unitCode: null };
const AT = '2026-11-24T02:00:00.000Z';
const fields = (description: string) => bareCaseFields(description, AT);
const file = (store: PgCaseStore, description: string) =>
  store.createCase({
    fields: fields(description),
    events: [
      { actor: operator, actorName: '受理员', at: AT, action: { type: 'report' } },
      { actor: operator, actorName: '受理员', at: AT, action: { type: 'file' } },
    ],
  });

async function until(check: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 10));
  }
  return check();
}

describe.runIf(pg.available)('following events across nodes with LISTEN/NOTIFY', () => {
  let cluster: TestCluster;
  let n = 0;
  beforeAll(async () => {
    cluster = await startTestCluster();
  });
  afterAll(() => cluster?.stop());

  async function twoNodes(): Promise<{ a: PgDatabase; b: PgDatabase; close: () => Promise<void> }> {
    const url = cluster.createDatabase(`follow_${++n}`);
    const a = await openPgDatabase(url, { max: 2 });
    const b = await openPgDatabase(url, { max: 4, migrate: false });
    return { a, b, close: async () => void (await Promise.all([a.close(), b.close()])) };
  }

  it('delivers events another node commits, in id order, by notification alone', async () => {
    const { a, b, close } = await twoNodes();
    const got: StoredCaseEvent[] = [];
    const follower = new PgEventFollower(a.sql, new PgCaseStore(a), {
      afterId: 0,
      pollMs: 600_000,
      onEvents: (e) => void got.push(...e),
    });
    try {
      await follower.start();
      const writer = new PgCaseStore(b);
      await Promise.all(Array.from({ length: 10 }, (_, i) => file(writer, `通知 ${i}`)));
      expect(await until(() => got.length === 20, 5000)).toBe(true);
      const all = await writer.listEventsAfter(0);
      expect(got.map((e) => e.id)).toEqual(all.map((e) => e.id));
      expect(follower.stats.notifications).toBeGreaterThan(0);
    } finally {
      await follower.stop();
      await close();
    }
  });

  it('delivers an event whose notification was lost with the next notification, once', async () => {
    const { a, b, close } = await twoNodes();
    const got: StoredCaseEvent[] = [];
    const follower = new PgEventFollower(a.sql, new PgCaseStore(a), {
      afterId: 0,
      pollMs: 600_000,
      onEvents: (e) => void got.push(...e),
    });
    try {
      await follower.start();
      const silent = await file(new PgCaseStore(b, { notify: false }), '通知丢失');
      await new Promise((r) => setTimeout(r, 300));
      expect(got).toEqual([]);
      const loud = await file(new PgCaseStore(b), '下一个通知');
      expect(await until(() => got.length === 4, 5000)).toBe(true);
      expect(got.map((e) => e.id)).toEqual([...silent.events, ...loud.events].map((e) => e.id));
    } finally {
      await follower.stop();
      await close();
    }
  });

  it('catches up by polling when no notification comes at all', async () => {
    const { a, b, close } = await twoNodes();
    const got: StoredCaseEvent[] = [];
    const follower = new PgEventFollower(a.sql, new PgCaseStore(a), {
      afterId: 0,
      pollMs: 200,
      onEvents: (e) => void got.push(...e),
    });
    try {
      await follower.start();
      await file(new PgCaseStore(b, { notify: false }), '只靠轮询');
      expect(await until(() => got.length === 2, 5000)).toBe(true);
    } finally {
      await follower.stop();
      await close();
    }
  });

  it('resumes after its listening connection is killed, missing nothing written meanwhile', async () => {
    const { a, b, close } = await twoNodes();
    const got: StoredCaseEvent[] = [];
    const follower = new PgEventFollower(a.sql, new PgCaseStore(a), {
      afterId: 0,
      pollMs: 600_000,
      onEvents: (e) => void got.push(...e),
    });
    try {
      await follower.start();
      const writer = new PgCaseStore(b);
      await file(writer, '断线前');
      expect(await until(() => got.length === 2, 5000)).toBe(true);
      const killed =
        await b.sql`select pg_terminate_backend(pid) as ok from pg_stat_activity where query ilike 'listen%' and datname = current_database()`;
      expect(killed.length).toBe(1);
      await file(writer, '断线期间');
      await file(writer, '断线之后');
      expect(await until(() => got.length === 6, 10_000)).toBe(true);
      expect(got.map((e) => e.id)).toEqual((await writer.listEventsAfter(0)).map((e) => e.id));
    } finally {
      await follower.stop();
      await close();
    }
  });

  it('starts from a Last-Event-ID and delivers only what came after it', async () => {
    const { a, b, close } = await twoNodes();
    const writer = new PgCaseStore(b);
    await file(writer, '之前');
    const resumeFrom = await writer.lastEventId();
    await file(writer, '之后');
    const got: StoredCaseEvent[] = [];
    const follower = new PgEventFollower(a.sql, new PgCaseStore(a), {
      afterId: resumeFrom,
      pollMs: 600_000,
      onEvents: (e) => void got.push(...e),
    });
    try {
      await follower.start();
      expect(got.map((e) => e.id)).toEqual([resumeFrom + 1, resumeFrom + 2]);
    } finally {
      await follower.stop();
      await close();
    }
  });
});

if (!pg.available) {
  describe('following events across nodes with LISTEN/NOTIFY', () => {
    it.skip(pg.reason, () => {});
  });
}
