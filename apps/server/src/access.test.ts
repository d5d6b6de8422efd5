import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appRouter } from '@citygrid/api';
import { ROLES, type Role } from '@citygrid/domain';
import { CITY_CENTRE, Session, errorOf, loginAs, startTestServer, type TestServer } from './test-support.ts';

/** The access policy, written out independently of the code that enforces it. */
const ALL: readonly (Role | 'anonymous')[] = [...ROLES, 'anonymous'];
const STAFF = ROLES;
const WATCHERS: Role[] = ['supervisor', 'shift_lead', 'dispatcher', 'operator', 'inspector', 'admin'];
const POLICY: Record<string, readonly (Role | 'anonymous')[]> = {
  'auth.login': ALL,
  'auth.me': ALL,
  'auth.logout': STAFF,
  'reference.bootstrap': STAFF,
  'reference.places': STAFF,
  'intake.preview': ['operator', 'shift_lead'],
  'intake.create': ['operator', 'shift_lead'],
  'intake.callerHistory': ['operator', 'shift_lead'],
  'intake.nearby': ['operator', 'shift_lead'],
  'dispatch.queue': ['dispatcher', 'shift_lead'],
  'unitWork.queue': ['unit_staff'],
  'review.queue': ['inspector', 'shift_lead', 'operator'],
  'cases.get': STAFF,
  // every role with at least one case action; which action is the case-action matrix's business
  'cases.act': ['operator', 'inspector', 'shift_lead', 'dispatcher', 'unit_staff', 'supervisor'],
  'citizen.reportOf': STAFF,
  'cases.search': WATCHERS,
  'dashboard.openCases': WATCHERS,
  'dashboard.openCaseMarkers': WATCHERS,
  'dashboard.cellCounts': WATCHERS,
  'dashboard.today': WATCHERS,
  'dashboard.trend': WATCHERS,
  'dashboard.evaluation': WATCHERS,
  'admin.users': ['admin'],
  'admin.createUser': ['admin'],
  'admin.updateUser': ['admin'],
  'admin.upsertUnit': ['admin'],
  'admin.routingRules': ['admin'],
  'admin.replaceRoutingRules': ['admin'],
  'admin.setTimeLimit': ['admin'],
  'admin.importGrid': ['admin'],
  'admin.securityLog': ['admin'],
  'admin.upsertDepartment': ['admin'],
  'admin.testRoute': ['admin'],
  'admin.calendarStatus': ['admin'],
  'admin.calendarYear': ['admin'],
  'admin.loadCalendarYear': ['admin'],
  'admin.apiKeys': ['admin'],
  'admin.createApiKey': ['admin'],
  'admin.revokeApiKey': ['admin'],
  'admin.auditLog': ['admin'],
  'reports.build': ['supervisor', 'shift_lead', 'admin', 'dispatcher'],
  'wall.recent': WATCHERS,
  'live.onCaseEvent': STAFF,
};

const USER_OF: Record<Role, string> = {
  operator: 'operator', inspector: 'inspector', shift_lead: 'lead', dispatcher: 'dispatcher', unit_staff: 'unit-u09', supervisor: 'supervisor', admin: 'admin',
};

let server: TestServer;
const sessions = new Map<string, Session>();
let caseNumber = '';

beforeAll(async () => {
  server = await startTestServer();
  for (const r of ROLES) sessions.set(r, await loginAs(server, USER_OF[r]));
  sessions.set('anonymous', new Session(server.url));
  const created = await sessions.get('operator')!.client.intake.create.mutate({ nature: 'complaint', minorClassCode: 'C0302', description: '垃圾箱满溢', urgency: 'normal', location: CITY_CENTRE });
  caseNumber = created.caseNumber;
});
afterAll(async () => server?.stop());

/** Raw HTTP call so every procedure can be reached by name with a harmless input. */
async function call(s: Session, path: string, type: string): Promise<number> {
  const input = path === 'cases.get' || path === 'citizen.reportOf' ? { caseNumber } : path === 'auth.login' ? { username: 'nobody', password: 'x' } : {};
  const json = encodeURIComponent(JSON.stringify({ json: input }));
  const headers: Record<string, string> = { 'x-csrf-token': s.csrf, 'content-type': 'application/json' };
  if (s.cookie) headers.cookie = s.cookie;
  if (type === 'subscription') {
    const ctl = new AbortController();
    const res = await fetch(`${server.url}/api/trpc/${path}?input=${json}`, { headers: { ...headers, accept: 'text/event-stream' }, signal: ctl.signal });
    const status = res.status;
    if (status === 200) {
      // an SSE error arrives inside the stream; read the first chunk
      const reader = res.body!.getReader();
      const { value } = await reader.read();
      ctl.abort();
      const text = new TextDecoder().decode(value);
      if (text.includes('UNAUTHORIZED')) return 401;
      if (text.includes('FORBIDDEN')) return 403;
    } else ctl.abort();
    return status;
  }
  const res = type === 'query'
    ? await fetch(`${server.url}/api/trpc/${path}?input=${json}`, { headers })
    : await fetch(`${server.url}/api/trpc/${path}`, { method: 'POST', headers, body: JSON.stringify({ json: input }) });
  await res.arrayBuffer();
  return res.status;
}

describe('access control: every procedure × every role', () => {
  // the record is typed by nested router, but at runtime it is flat: path → procedure with its kind
  const procedures: Array<[string, { _def: { type: string } }]> = Object.entries(appRouter._def.procedures).map(([path, p]) => [path, { _def: { type: String(Reflect.get(Reflect.get(Object(p), '_def'), 'type')) } }]);

  it('has a policy entry for every procedure, and no stale ones', () => {
    expect(procedures.map(([p]) => p).sort()).toEqual(Object.keys(POLICY).sort());
  });

  it('gives zero unauthorised successes and refuses with 401/403 exactly where the policy says', async () => {
    const wrong: string[] = [];
    for (const [path, proc] of procedures) {
      for (const role of ALL) {
        const s = sessions.get(role)!;
        // logout would end the sessions used by the other checks, and login answers 401 for bad
        // credentials whoever asks: both are covered by their own tests below
        if (path === 'auth.logout' || path === 'auth.login') continue;
        const status = await call(s, path, proc._def.type);
        const allowed = POLICY[path]!.includes(role);
        const refused = status === 401 || status === 403;
        if (allowed === refused) wrong.push(`${path} as ${role}: HTTP ${status}`);
        if (status >= 500) wrong.push(`${path} as ${role}: HTTP ${status} (server error)`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('keeps unit staff out of another unit’s case', async () => {
    const other = await loginAs(server, 'unit-u12');
    const read = await errorOf(other.client.cases.get.query({ caseNumber }));
    expect(read.httpStatus).toBe(403);
    const act = await errorOf(other.client.cases.act.mutate({ caseNumber, expectedVersion: 3, action: { type: 'accept' } }));
    expect(act.httpStatus).toBe(403);
    const own = await sessions.get('unit_staff')!.client.cases.get.query({ caseNumber });
    expect(own.record.unitCode).toBe('U09');
  });

  it('refuses a mutation without the CSRF header even with a valid session cookie', async () => {
    const s = sessions.get('operator')!;
    const res = await fetch(`${server.url}/api/trpc/intake.create`, {
      method: 'POST',
      headers: { cookie: s.cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ json: { nature: 'complaint', minorClassCode: 'C0302', description: '伪造请求', urgency: 'normal', location: null } }),
    });
    expect(res.status).toBe(403);
    const wrongToken = await fetch(`${server.url}/api/trpc/intake.create`, {
      method: 'POST',
      headers: { cookie: s.cookie, 'content-type': 'application/json', 'x-csrf-token': 'guess' },
      body: JSON.stringify({ json: { nature: 'complaint', minorClassCode: 'C0302', description: '伪造请求', urgency: 'normal', location: null } }),
    });
    expect(wrongToken.status).toBe(403);
  });

  it('logs denied actions and failed logins in the security log', async () => {
    await errorOf(sessions.get('operator')!.client.admin.users.query());
    await errorOf(new Session(server.url).login('admin', 'wrong-password'));
    const log = await sessions.get('admin')!.client.admin.securityLog.query();
    expect(log.some((e) => e.kind === 'denied' && e.username === 'operator' && e.detail.includes('admin.users'))).toBe(true);
    expect(log.some((e) => e.kind === 'login_failed' && e.username === 'admin')).toBe(true);
  });

  it('throttles repeated failed logins before checking the password', async () => {
    const s = new Session(server.url);
    for (let i = 0; i < 5; i++) expect((await errorOf(s.login('inspector', `bad-${i}`))).httpStatus).toBe(401);
    const throttled = await errorOf(s.login('inspector', 'citygrid-demo'));
    expect(throttled.httpStatus).toBe(429);
  });

  it('sets an httpOnly SameSite=Strict session cookie and security headers, and logs out', async () => {
    const res = await fetch(`${server.url}/api/trpc/auth.login`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': 'login' }, body: JSON.stringify({ json: { username: 'supervisor', password: 'citygrid-demo' } }) });
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
