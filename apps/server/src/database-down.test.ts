import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgTestAvailability, startTestCluster, type TestCluster } from '@citygrid/db';
import { errorOf, loginMany, startTestServer, type Session, type TestServer } from './testing/index.ts';

/*
 * A node whose PostgreSQL is gone (crashed, restarting, unreachable): every call says 503 "try
 * again", in the one error model, with nothing of the driver's text (hosts, ports) in it; /health
 * takes the node out of the balancer's rotation; when the database is back, the same sessions work.
 */

const pg = pgTestAvailability();

describe.runIf(pg.available)('while the database cannot be reached', () => {
  let cluster: TestCluster;
  let server: TestServer;
  let supervisor: Session;
  let operator: Session;
  beforeAll(async () => {
    cluster = await startTestCluster({ bin: pg.available ? pg.bin : undefined });
    server = await startTestServer({ DATABASE_URL: cluster.createDatabase('city'), DATABASE_POOL: 4 });
    [supervisor, operator] = await loginMany(server, ['supervisor', 'operator'] as const);
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
    cluster?.stop();
  });

  it('answers 503 SERVICE_UNAVAILABLE without the driver’s text, /health 503, and works again after', async () => {
    expect((await supervisor.client.dashboard.today.query()).open).toBeGreaterThanOrEqual(0);
    await cluster.crash();
    try {
      const address = `127.0.0.1:${cluster.port}`;
      // a query, a mutation (the session is read first) and a plain HTTP route
      for (const call of [
        () => supervisor.client.dashboard.today.query(),
        () =>
          operator.client.intake.create.mutate({
            nature: 'complaint',
            minorClassCode: 'C0302',
            description: '垃圾箱满溢',
            urgency: 'normal',
            location: { lat: 43.94, lng: 116.08 },
          }),
      ]) {
        const e = await errorOf(call());
        expect(e).toMatchObject({ code: 'SERVICE_UNAVAILABLE', httpStatus: 503 });
        expect(e.message).not.toContain(String(cluster.port));
        expect(e.message).not.toMatch(/ECONNREFUSED|127\.0\.0\.1/);
      }
      const open311 = await fetch(`${server.url}/open311/v2/requests.json`);
      expect(open311.status).toBe(503);
      const body = await open311.text();
      expect(body).not.toContain(address);
      expect(JSON.parse(body)).toMatchObject([{ code: 503 }]); // GeoReport v2's error list
      // an Express route: the live stream reads the session first
      const live = await fetch(`${server.url}/api/live`, {
        headers: { cookie: supervisor.cookie, accept: 'text/event-stream' },
      });
      expect(live.status).toBe(503);
      const liveBody = await live.text();
      expect(liveBody).not.toContain(address);
      expect(JSON.parse(liveBody)).toMatchObject({ error: { code: 'UNAVAILABLE' } });
      const health = await fetch(`${server.url}/health`);
      expect(health.status).toBe(503);
      expect(await health.json()).toMatchObject({ status: 'unavailable', reason: 'database' });
    } finally {
      cluster.restart();
    }
    // the same sessions, once PostgreSQL is back (the pool reconnects by itself)
    await expect(supervisor.client.dashboard.today.query()).resolves.toMatchObject({ intake: 0 });
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  });
});
