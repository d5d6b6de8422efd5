import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  openPgDatabase,
  pgTestAvailability,
  startReplicatedPair,
  type PgSql,
  type ReplicatedPair,
} from '@citygrid/db';
import { CITY_CENTRE, loginMany, startTestServer, type Session, type TestServer } from './testing/index.ts';

/*
 * Dashboards reading a standby (DATABASE_READ_URL): a real primary and a streaming standby made by
 * deploy/postgres/make-standby.sh, and a node whose figures over past periods (evaluation, reports,
 * trend) read the standby while the map, today's figures and every case read the primary. Replay on
 * the standby is paused to tell the two apart.
 */

const pg = pgTestAvailability();

describe.runIf(pg.available)('figures over past periods read from a standby (DATABASE_READ_URL)', () => {
  let pair: ReplicatedPair | undefined;
  let server: TestServer | undefined;
  let operator: Session;
  let supervisor: Session;

  beforeAll(async () => {
    pair = await startReplicatedPair({ bin: pg.available ? pg.bin : undefined });
    const primaryUrl = pair.createDatabase('city');
    server = await startTestServer({
      DATABASE_URL: primaryUrl,
      DATABASE_READ_URL: pair.serverUrl(pair.standbyPort, 'city'),
      DATABASE_POOL: 4,
    });
    [operator, supervisor] = await loginMany(server, ['operator', 'supervisor'] as const);
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
    pair?.stop();
  }, 60_000);

  async function onStandby<T>(work: (sql: PgSql) => Promise<T>): Promise<T> {
    const direct = await openPgDatabase(pair!.serverUrl(pair!.standbyPort, 'city'), {
      migrate: false,
      max: 1,
    });
    try {
      return await work(direct.sql);
    } finally {
      await direct.close();
    }
  }

  const file = () =>
    operator.client.intake.create.mutate({
      nature: 'complaint',
      minorClassCode: 'C0302',
      description: '垃圾箱满溢',
      urgency: 'normal',
      location: CITY_CENTRE,
    });
  /** Today's (Beijing) count in the trend, and the whole day's dispatched cases in the evaluation. */
  async function pastFigures(): Promise<{ trendToday: number; dispatched: number }> {
    const trend = await supervisor.client.dashboard.trend.query({ days: 7 });
    const day = trend.at(-1)!.day;
    const [total] = await supervisor.client.dashboard.evaluation.query({
      period: { from: `${day}T00:00:00+08:00`, to: `${day}T23:59:59+08:00` },
      groupBy: 'none',
    });
    return { trendToday: trend.at(-1)!.n, dispatched: total?.dispatched ?? 0 };
  }

  it('answers the trend and the evaluation from the standby and the map and today’s figures from the primary', async () => {
    await file();
    // the standby replays the first case within a moment
    await vi.waitFor(async () => expect((await pastFigures()).trendToday).toBe(1), { timeout: 10_000 });
    const before = await pastFigures();
    expect(before.dispatched).toBe(1);

    await onStandby((sql) => sql`select pg_wal_replay_pause()`);
    try {
      const second = await file();
      // the primary has it: today's figures and the map
      expect((await supervisor.client.dashboard.today.query()).intake).toBe(2);
      const markers = JSON.parse(await supervisor.client.dashboard.openCaseMarkers.query({})) as {
        markers: unknown[];
      };
      expect(markers.markers).toHaveLength(2);
      const view = await operator.client.cases.get.query({ caseNumber: second.caseNumber });
      expect(view.record.caseNumber).toBe(second.caseNumber);
      // the standby, paused, does not yet: the figures over past periods still show one case
      expect(await pastFigures()).toEqual(before);
    } finally {
      await onStandby((sql) => sql`select pg_wal_replay_resume()`);
    }
    await vi.waitFor(async () => expect(await pastFigures()).toEqual({ trendToday: 2, dispatched: 2 }), {
      timeout: 10_000,
    });
  });

  it('reads from the primary while the standby is down', async () => {
    pair!.stopStandby();
    await file();
    // at once: a read the standby cannot answer is answered by the primary
    expect(await pastFigures()).toEqual({ trendToday: 3, dispatched: 3 });
  });
});
