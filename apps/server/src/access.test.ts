import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type Role } from '@citygrid/domain';
import { CITY_CENTRE, Session, errorOf, loginAs, startTestServer, type TestServer } from './testing/index.ts';

/**
 * The access policy itself (every procedure × every role × own/other unit) is written out once, in
 * tests/reliability/access-matrix.test.ts. These are the mechanisms around it: unit scope, CSRF, the
 * security log, login throttling, the session cookie.
 */
const USER_OF: Record<Role, string> = {
  operator: 'operator',
  inspector: 'inspector',
  shift_lead: 'lead',
  dispatcher: 'dispatcher',
  unit_staff: 'unit-u09',
  supervisor: 'supervisor',
  admin: 'admin',
};

let server: TestServer;
const sessions = new Map<string, Session>();
let caseNumber = '';

beforeAll(async () => {
  server = await startTestServer();
  for (const r of ROLES) sessions.set(r, await loginAs(server, USER_OF[r]));
  sessions.set('anonymous', new Session(server.url));
  const created = await sessions.get('operator')!.client.intake.create.mutate({
    nature: 'complaint',
    minorClassCode: 'C0302',
    description: '垃圾箱满溢',
    urgency: 'normal',
    location: CITY_CENTRE,
  });
  caseNumber = created.caseNumber;
});
afterAll(async () => server?.stop());

describe('access control around the policy', () => {
  it('keeps unit staff out of another unit’s case', async () => {
    const other = await loginAs(server, 'unit-u12');
    const read = await errorOf(other.client.cases.get.query({ caseNumber }));
    expect(read.httpStatus).toBe(403);
    const act = await errorOf(
      other.client.cases.act.mutate({ caseNumber, expectedVersion: 3, action: { type: 'accept' } }),
    );
    expect(act.httpStatus).toBe(403);
    const own = await sessions.get('unit_staff')!.client.cases.get.query({ caseNumber });
    expect(own.record.unitCode).toBe('U09');
  });

  it('refuses a mutation without the CSRF header even with a valid session cookie', async () => {
    const s = sessions.get('operator')!;
    const res = await fetch(`${server.url}/api/trpc/intake.create`, {
      method: 'POST',
      headers: { cookie: s.cookie, 'content-type': 'application/json' },
      body: JSON.stringify({
        json: {
          nature: 'complaint',
          minorClassCode: 'C0302',
          description: '伪造请求',
          urgency: 'normal',
          location: null,
        },
      }),
    });
    expect(res.status).toBe(403);
    const wrongToken = await fetch(`${server.url}/api/trpc/intake.create`, {
      method: 'POST',
      headers: { cookie: s.cookie, 'content-type': 'application/json', 'x-csrf-token': 'guess' },
      body: JSON.stringify({
        json: {
          nature: 'complaint',
          minorClassCode: 'C0302',
          description: '伪造请求',
          urgency: 'normal',
          location: null,
        },
      }),
    });
    expect(wrongToken.status).toBe(403);
  });

  it('logs denied actions and failed logins in the security log', async () => {
    await errorOf(sessions.get('operator')!.client.admin.users.query());
    await errorOf(new Session(server.url).login('admin', 'wrong-password'));
    const log = await sessions.get('admin')!.client.admin.securityLog.query();
    expect(
      log.some((e) => e.kind === 'denied' && e.username === 'operator' && e.detail.includes('admin.users')),
    ).toBe(true);
    expect(log.some((e) => e.kind === 'login_failed' && e.username === 'admin')).toBe(true);
  });

  it('throttles repeated failed logins before checking the password', async () => {
    const s = new Session(server.url);
    for (let i = 0; i < 5; i++)
      expect((await errorOf(s.login('inspector', `bad-${i}`))).httpStatus).toBe(401);
    const throttled = await errorOf(s.login('inspector', 'citygrid-demo'));
    expect(throttled.httpStatus).toBe(429);
  });

  it('sets an httpOnly SameSite=Strict session cookie and security headers, and logs out', async () => {
    const res = await fetch(`${server.url}/api/trpc/auth.login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': 'login' },
      body: JSON.stringify({ json: { username: 'supervisor', password: 'citygrid-demo' } }),
    });
    const cookie = res.headers.getSetCookie().join('; ');
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const s = await loginAs(server, 'supervisor');
    await s.client.auth.logout.mutate();
    expect(await s.client.auth.me.query()).toBeNull();
  });
});
