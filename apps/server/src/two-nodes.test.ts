import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { EventSource } from 'eventsource';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LiveCaseEvent } from '@citygrid/api';
import { openPgDatabase, pgTestAvailability, startTestCluster, type TestCluster } from '@citygrid/db';
import {
  CITY_CENTRE,
  errorOf,
  freePort,
  loginAs,
  sleep,
  startChildServer,
  waitFor,
  Session,
  type ChildServer,
} from './testing/index.ts';

/*
 * Two real nodes (the product's own entry, in child processes) on one PostgreSQL database, behind
 * Debian's HAProxy with the shipped config: sessions, intake and live streams cross nodes, and a
 * node killed with `kill -9` loses its stream clients to the other node with no event missed or
 * repeated. Nothing is mocked: a throwaway cluster, real HTTP, real SSE clients.
 */

const HAPROXY = ['/usr/sbin/haproxy', '/usr/bin/haproxy'].find((p) => existsSync(p)) ?? null;
const CI = process.env.CI === 'true' || process.env.CI === '1';
if (!HAPROXY && CI) throw new Error('haproxy not found and CI is set: CI must install haproxy (see .ci/run)');
const pg = pgTestAvailability();
const CONFIG = fileURLToPath(new URL('../../../deploy/haproxy.cfg', import.meta.url));

let cluster: TestCluster;
let url: string;
let nodeA: ChildServer;
let nodeB: ChildServer;
let haproxy: ChildProcess;
let balancer: string;

const NODE_ENV = (databaseUrl: string) => ({
  DATABASE_PATH: '/nonexistent/not-used-with-postgres.db',
  DATABASE_URL: databaseUrl,
  DATABASE_POOL: '4',
  // a stopping node answers 503 for a moment first, as behind the balancer in production
  DRAIN_GRACE_MS: '0',
});

const complaint = (description: string) => ({
  nature: 'complaint' as const,
  minorClassCode: 'C0302',
  description,
  urgency: 'normal' as const,
  location: CITY_CENTRE,
});

/** An EventSource on `base`/api/live with a session's cookie; it reconnects by itself with Last-Event-ID. */
function liveSource(base: string, s: Session) {
  const got: LiveCaseEvent[] = [];
  const es = new EventSource(`${base}/api/live`, {
    fetch: (input, init) =>
      fetch(input, { ...init, headers: { ...(init?.headers as Record<string, string>), cookie: s.cookie } }),
  });
  es.onmessage = (m) => got.push(JSON.parse(m.data as string) as LiveCaseEvent);
  const opened = new Promise<void>((r) => (es.onopen = () => r()));
  return { got, opened, es, close: () => es.close() };
}

describe.runIf(pg.available && HAPROXY)(
  'two nodes on one PostgreSQL behind the shipped HAProxy config',
  () => {
    beforeAll(async () => {
      cluster = await startTestCluster();
      url = cluster.createDatabase('city');
      // both start at once: migrations and first-start seeding must not trip over each other
      [nodeA, nodeB] = await Promise.all([
        startChildServer(NODE_ENV(url), { readyTimeoutMs: 120_000 }),
        startChildServer(NODE_ENV(url), { readyTimeoutMs: 120_000 }),
      ]);
      const port = await freePort();
      balancer = `http://127.0.0.1:${port}`;
      haproxy = spawn(HAPROXY!, ['-db', '-f', CONFIG], {
        env: {
          ...process.env,
          CITYGRID_LISTEN: `127.0.0.1:${port}`,
          CITYGRID_NODE1: `127.0.0.1:${nodeA.port}`,
          CITYGRID_NODE2: `127.0.0.1:${nodeB.port}`,
        },
        stdio: 'ignore',
      });
      await waitFor(
        async () => (await fetch(`${balancer}/health`).catch(() => null))?.ok === true,
        'the balancer',
      );
    }, 240_000);

    afterAll(async () => {
      haproxy?.kill('SIGKILL');
      await Promise.all([nodeA?.stop(), nodeB?.stop()]);
      cluster?.stop();
    });

    it('seeded the city once although both nodes started on the empty database together', async () => {
      const probe = await openPgDatabase(url, { max: 1, migrate: false });
      const sql = probe.sql;
      try {
        const [users] = await sql<[{ n: number }]>`select count(*)::int as n from users`;
        const [cells] = await sql<[{ n: number }]>`select count(*)::int as n from cells`;
        const [versions] = await sql<[{ n: number }]>`select count(*)::int as n from grid_versions`;
        expect(versions!.n).toBe(1);
        expect(cells!.n).toBe(180);
        // the demo accounts once, not twice
        const [dupes] = await sql<[{ n: number }]>`
        select count(*)::int as n from (select username from users group by username having count(*) > 1) d`;
        expect(dupes!.n).toBe(0);
        expect(users!.n).toBeGreaterThan(20);
      } finally {
        await probe.close();
      }
    });

    it('keeps a session made on node A on node B, and a logout on B ends it on A at once', async () => {
      const s = await loginAs(nodeA, 'operator');
      const onB = await fetch(`${nodeB.url}/api/trpc/auth.me`, { headers: { cookie: s.cookie } });
      expect(onB.status).toBe(200);
      expect(JSON.stringify(await onB.json())).toContain('operator');
      const out = await fetch(`${nodeB.url}/api/trpc/auth.logout`, {
        method: 'POST',
        headers: { cookie: s.cookie, 'x-csrf-token': s.csrf, 'content-type': 'application/json' },
        body: '{}',
      });
      expect(out.status).toBe(200);
      const onA = await fetch(`${nodeA.url}/api/trpc/auth.me`, { headers: { cookie: s.cookie } });
      expect(JSON.stringify(await onA.json())).not.toContain('"username":"operator"');
    });

    it('throttles failed logins across nodes: the limit holds once, not once per node', async () => {
      // five wrong passwords spread over both nodes, as a balancer would spread them
      for (let i = 0; i < 5; i++) {
        const node = i % 2 === 0 ? nodeA : nodeB;
        expect((await errorOf(new Session(node.url).login('inspector', `wrong-${i}`))).httpStatus).toBe(401);
      }
      // the right password is refused on either node before it is checked
      for (const node of [nodeA, nodeB])
        expect((await errorOf(new Session(node.url).login('inspector', 'citygrid-demo'))).httpStatus).toBe(
          429,
        );
    });

    it('shows an administrator’s change made on node A on node B within a second', async () => {
      const admin = await loginAs(nodeA, 'admin');
      const onB = await loginAs(nodeB, 'supervisor');
      const limitOnB = async () =>
        (await onB.client.reference.bootstrap.query()).minorClasses.find((m) => m.code === 'C0303')!
          .timeLimit;
      expect(await limitOnB()).not.toEqual({ amount: 9, unit: 'working_days' });
      const t0 = Date.now();
      await admin.client.admin.setTimeLimit.mutate({
        minorClassCode: 'C0303',
        timeLimit: { amount: 9, unit: 'working_days' },
      });
      await waitFor(
        async () => isDeepStrictEqual(await limitOnB(), { amount: 9, unit: 'working_days' }),
        'node B to use the new time limit',
        5000,
      );
      expect(Date.now() - t0).toBeLessThan(1000);
    });

    it('streams a case filed on node A to a map on node B within a second', async () => {
      const operator = await loginAs(nodeA, 'operator');
      const supervisor = await loginAs(nodeB, 'supervisor');
      const map = liveSource(nodeB.url, supervisor);
      await map.opened;
      const t0 = Date.now();
      const filed = await operator.client.intake.create.mutate(complaint('两节点：A 受理，B 的地图'));
      await waitFor(
        () => map.got.some((e) => e.caseNumber === filed.caseNumber && e.type === 'dispatch'),
        'the dispatch on node B',
        5000,
      );
      const took = Date.now() - t0;
      map.close();
      expect(took).toBeLessThan(1000);
      expect(map.got.find((e) => e.caseNumber === filed.caseNumber)!.case.state).toBeDefined();
    });

    it('moves the streams of a killed node to the other with no event missed or repeated', async () => {
      const supervisor = await loginAs({ url: balancer }, 'supervisor');
      const operator = await loginAs(nodeA, 'operator');
      // leastconn spreads the maps over both nodes
      const maps = [0, 1, 2, 3].map(() => liveSource(balancer, supervisor));
      await Promise.all(maps.map((m) => m.opened));
      const first = await operator.client.intake.create.mutate(complaint('两节点：宕机之前'));
      await waitFor(
        () =>
          maps.every((m) => m.got.some((e) => e.caseNumber === first.caseNumber && e.type === 'dispatch')),
        'every map to see the first case',
      );
      const startId = Math.min(...maps.map((m) => m.got[0]!.id)) - 1;
      const streamsOnB = ((await (await fetch(`${nodeB.url}/health`)).json()) as { liveConnections: number })
        .liveConnections;
      expect(streamsOnB).toBeGreaterThan(0);
      await nodeB.kill();
      // intake goes on on node A while the clients reconnect
      const filed: string[] = [];
      for (let i = 0; i < 10; i++) {
        filed.push(
          (await operator.client.intake.create.mutate(complaint(`两节点：宕机之后 ${i}`))).caseNumber,
        );
        await sleep(100);
      }
      const last = filed.at(-1)!;
      await waitFor(
        () => maps.every((m) => m.got.some((e) => e.caseNumber === last && e.type === 'dispatch')),
        'every map to catch up on node A',
        20_000,
      );
      for (const m of maps) m.close();
      const probe = await openPgDatabase(url, { max: 1, migrate: false });
      const sql = probe.sql;
      try {
        const ids = (
          await sql<Array<{ id: number }>>`
        select id::int as id from case_events where id > ${startId} order by id`
        ).map((r) => r.id);
        for (const m of maps) {
          // every event once, in id order, none skipped, across the move from B to A
          expect(m.got.map((e) => e.id).filter((id) => id > startId && id <= ids.at(-1)!)).toEqual(ids);
        }
      } finally {
        await probe.close();
      }
    }, 60_000);
  },
);
