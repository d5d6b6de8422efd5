import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Session, TestClock, errorOf, loginAs, startTestServer, type TestServer } from './testing/index.ts';

const HOUR = 3600_000;
const DAY = 24 * HOUR;

/** Session lifetimes, the wall-display session and housekeeping, on a real server with a test clock. */
describe('session policy', () => {
  let server: TestServer;
  const clock = new TestClock(Date.parse('2026-03-02T01:00:00Z'));

  beforeAll(async () => {
    server = await startTestServer({}, { clock });
  });
  afterAll(async () => server?.stop());

  const sessionRows = () =>
    (server.services.database!.sqlite.prepare('select count(*) as n from sessions').get() as { n: number }).n;
  const securityKinds = (username: string) =>
    (
      server.services
        .database!.sqlite.prepare('select kind from security_log where username = ? order by id')
        .all(username) as Array<{ kind: string }>
    ).map((r) => r.kind);

  it('renews a staff session while it is used, so a shift of steady work is not cut off at a fixed time', async () => {
    const s = await loginAs(server, 'operator');
    // used every 90 minutes for 9 hours: each use slides the expiry forward
    for (let i = 0; i < 6; i++) {
      clock.advance(90 * 60_000);
      expect((await s.client.auth.me.query())?.user.username).toBe('operator');
    }
  });

  it('ends a staff session after 2 hours unused', async () => {
    const s = await loginAs(server, 'inspector');
    clock.advance(HOUR + 59 * 60_000);
    expect(await s.client.auth.me.query()).not.toBeNull();
    clock.advance(2 * HOUR + 60_000);
    expect(await s.client.auth.me.query()).toBeNull();
    expect((await errorOf(s.client.review.queue.query())).httpStatus).toBe(401);
  });

  it('caps a staff session at 12 hours however busy it is', async () => {
    const s = await loginAs(server, 'lead');
    for (let i = 0; i < 11; i++) {
      clock.advance(HOUR);
      expect(await s.client.auth.me.query()).not.toBeNull();
    }
    clock.advance(HOUR + 1000);
    expect(await s.client.auth.me.query()).toBeNull();
  });

  it('keeps a wall-display session through the night and for days while the display polls', async () => {
    const wall = new Session(server.url);
    const r = await wall.client.auth.login.mutate({
      username: 'supervisor',
      password: 'citygrid-demo',
      wall: true,
    });
    wall.csrf = r.csrfToken;
    expect(r.kind).toBe('wall');
    for (let i = 0; i < 10 * 24; i++) {
      clock.advance(HOUR);
      expect(await wall.client.dashboard.today.query()).toBeTypeOf('object');
    }
    expect((await wall.client.auth.me.query())?.kind).toBe('wall');
  });

  it('lets a wall-display session read the map and dashboard but refuses every change and every case detail', async () => {
    const wall = new Session(server.url);
    wall.csrf = (
      await wall.client.auth.login.mutate({ username: 'lead', password: 'citygrid-demo', wall: true })
    ).csrfToken;
    expect(Array.isArray(await wall.client.dashboard.openCases.query({}))).toBe(true);
    expect((await wall.client.reference.bootstrap.query()).units.length).toBeGreaterThan(0);

    // the same account in a staff session may do all of this; the wall session may not
    const refusedMutation = await errorOf(
      wall.client.cases.act.mutate({
        caseNumber: '20260302-0001',
        expectedVersion: 1,
        action: { type: 'file' },
      } as never),
    );
    expect(refusedMutation.httpStatus).toBe(403);
    expect(refusedMutation.message).toMatch(/read-only/);
    expect((await errorOf(wall.client.cases.get.query({ caseNumber: '20260302-0001' }))).httpStatus).toBe(
      403,
    );
    expect((await errorOf(wall.client.dispatch.queue.query())).httpStatus).toBe(403);
    const exportRes = await fetch(
      `${server.url}/api/export/evaluation.csv?from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z`,
      { headers: { cookie: wall.cookie } },
    );
    expect(exportRes.status).toBe(403);
    const upload = await fetch(`${server.url}/api/attachments`, {
      method: 'POST',
      headers: { cookie: wall.cookie, 'x-csrf-token': wall.csrf },
      body: Buffer.from('x'),
    });
    expect(upload.status).toBe(403);
    const log = securityKinds('lead');
    expect(log.filter((k) => k === 'denied').length).toBeGreaterThanOrEqual(3);

    // and it can still end itself
    await wall.client.auth.logout.mutate();
    expect(await wall.client.auth.me.query()).toBeNull();
  });

  it('refuses a wall-display session to an account without the map', async () => {
    const e = await errorOf(
      new Session(server.url).client.auth.login.mutate({
        username: 'unit-u01',
        password: 'citygrid-demo',
        wall: true,
      }),
    );
    expect(e.httpStatus).toBe(403);
    expect(e.domain?.field).toBe('wall');
  });

  it('writes successful logins and logouts to the security log', async () => {
    const s = await loginAs(server, 'dispatcher');
    await s.client.auth.logout.mutate();
    const kinds = securityKinds('dispatcher');
    expect(kinds.slice(-2)).toEqual(['login', 'logout']);
    expect(await s.client.auth.me.query()).toBeNull();
  });

  it('purges expired sessions, and the server does it by itself', async () => {
    await server.services.auth.purgeExpired(); // what the tests above left expired
    await loginAs(server, 'admin');
    const before = sessionRows();
    expect(before).toBeGreaterThan(0);

    // nothing is stale yet: a purge now keeps everything
    const fresh = await server.services.auth.purgeExpired();
    expect(fresh).toEqual({ sessions: 0 });
    expect(sessionRows()).toBe(before);

    clock.advance(200 * DAY);
    const purged = await server.services.auth.purgeExpired();
    expect(purged.sessions).toBe(before);
    expect(sessionRows()).toBe(0);
  });

  it('runs the purge on a timer (SESSION_PURGE_INTERVAL_MS)', async () => {
    const c = new TestClock(Date.parse('2026-03-02T01:00:00Z'));
    const s2 = await startTestServer({ SESSION_PURGE_INTERVAL_MS: 1000 }, { clock: c });
    try {
      await loginAs(s2, 'supervisor');
      const rows = () =>
        (s2.services.database!.sqlite.prepare('select count(*) as n from sessions').get() as { n: number }).n;
      expect(rows()).toBe(1);
      c.advance(13 * HOUR);
      const t0 = Date.now();
      while (rows() > 0 && Date.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 100));
      expect(rows()).toBe(0);
    } finally {
      await s2.stop();
    }
  });
});
