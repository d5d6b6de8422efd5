import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import ExcelJS from 'exceljs';
import {
  CITY_CENTRE,
  TestClock,
  errorOf,
  loginAs,
  loginMany,
  startTestServer,
  type Session,
  type TestServer,
} from './testing/index.ts';

// Tuesday 2026-11-24 09:00 Beijing time
const clock = new TestClock(Date.parse('2026-11-24T01:00:00Z'));
let server: TestServer;
let admin: Session;
let operator: Session;
let supervisor: Session;
let unit09: Session;

/** Everyone signs in (again): the tests jump the clock past the 2 h idle timeout of staff sessions. */
async function signIn() {
  [admin, operator, supervisor, unit09] = await loginMany(server, [
    'admin',
    'operator',
    'supervisor',
    'unit-u09',
  ] as const);
}

beforeAll(async () => {
  server = await startTestServer({}, { clock });
  await signIn();
});
afterAll(async () => server?.stop());

const lastAudit = async (target: string) =>
  (await admin.client.admin.auditLog.query({ target, limit: 1 }))[0]!;

describe('users in the admin console', () => {
  it('creates a user who can log in, and audits it without the password', async () => {
    const u = await admin.client.admin.createUser.mutate({
      username: 'wang.li',
      displayName: '王丽',
      role: 'operator',
      unitCode: null,
      password: 'a-long-password-1',
    });
    expect(u.active).toBe(true);
    const s = await loginAs(server, 'wang.li').catch(() => null);
    expect(s).toBeNull(); // loginAs uses the demo password: the new user has her own
    const entry = await lastAudit('user:wang.li');
    expect(entry).toMatchObject({
      action: 'user.create',
      actorName: expect.stringContaining('admin'),
      before: null,
      after: { username: 'wang.li', role: 'operator' },
    });
    expect(JSON.stringify(entry)).not.toMatch(/argon2|password-1/);
  });

  it('disables a user: the open session ends and the login is refused; the audit shows before and after', async () => {
    const victim = await loginAs(server, 'operator2');
    const id = (await admin.client.admin.users.query()).find((u) => u.username === 'operator2')!.id;
    await admin.client.admin.updateUser.mutate({ id, active: false });
    expect(await victim.client.auth.me.query()).toBeNull();
    expect((await errorOf(loginAs(server, 'operator2'))).code).toBe('UNAUTHORIZED');
    const entry = await lastAudit('user:operator2');
    expect(entry).toMatchObject({
      action: 'user.disable',
      before: { active: true },
      after: { active: false },
    });
  });

  it('resets a password: the new one works, and the log says only that it was reset', async () => {
    const id = (await admin.client.admin.users.query()).find((u) => u.username === 'inspector')!.id;
    await admin.client.admin.updateUser.mutate({ id, password: 'brand-new-secret-9' });
    const s = new (await import('./testing/index.ts')).Session(server.url);
    await expect(s.login('inspector', 'brand-new-secret-9')).resolves.toMatchObject({
      username: 'inspector',
    });
    expect((await lastAudit('user:inspector')).after).toMatchObject({ password: '(reset)' });
  });

  it('refuses unit staff without a unit, naming the field, and stores nothing', async () => {
    const before = (await admin.client.admin.auditLog.query({})).length;
    const e = await errorOf(
      admin.client.admin.createUser.mutate({
        username: 'no.unit',
        displayName: '无单位',
        role: 'unit_staff',
        unitCode: null,
        password: 'a-long-password-1',
      }),
    );
    expect(
      e.fields.concat(e.domain ? [{ field: String(e.domain.field), message: '' }] : []).map((f) => f.field),
    ).toContain('unitCode');
    expect((await admin.client.admin.auditLog.query({})).length).toBe(before);
  });

  it('is for administrators only', async () => {
    expect((await errorOf(supervisor.client.admin.auditLog.query({}))).code).toBe('FORBIDDEN');
  });
});

describe('routing rules and the route tester', () => {
  it('shows which rule wins at a point and why, and follows a replaced rule set', async () => {
    const t0 = await admin.client.admin.testRoute.query({ ...CITY_CENTRE, minorClassCode: 'C0302' });
    expect(t0.decision?.unitCode).toBe('U09');
    expect(t0.placement.cellCode).toMatch(/^152502\d{8}$/);
    const winner = t0.candidates.find((c) => c.wins);
    expect(winner?.id ?? null).toBe(t0.decision!.ruleId);

    // a cell-specific rule beats the wider ones
    const rules = await admin.client.admin.routingRules.query();
    const extra = {
      id: 'R9990',
      minorClassCode: 'C0302',
      scope: { kind: 'cell', code: t0.placement.cellCode },
      unitCode: 'U05',
      note: '试点：本网格垃圾箱由 U05 负责',
    };
    await admin.client.admin.replaceRoutingRules.mutate({ rules: [...rules, extra] });
    const t1 = await admin.client.admin.testRoute.query({ ...CITY_CENTRE, minorClassCode: 'C0302' });
    expect(t1.decision).toMatchObject({ unitCode: 'U05', ruleId: 'R9990', matchedBy: 'cell' });
    expect(t1.candidates[0]).toMatchObject({ id: 'R9990', covers: true, wins: true });
    // in effect for intake
    const preview = await operator.client.intake.preview.query({
      minorClassCode: 'C0302',
      location: CITY_CENTRE,
    });
    expect(JSON.stringify(preview)).toContain('R9990');
    const entry = await lastAudit('routing_rules');
    expect(entry).toMatchObject({
      action: 'routing.replace',
      before: { count: rules.length, changed: [] },
      after: { count: rules.length + 1, changed: [extra] },
    });

    await admin.client.admin.replaceRoutingRules.mutate({ rules });
    expect(
      (await admin.client.admin.testRoute.query({ ...CITY_CENTRE, minorClassCode: 'C0302' })).decision
        ?.unitCode,
    ).toBe('U09');
  });
});

describe('time limits and the working calendar', () => {
  it('a changed time limit is audited and sets the deadline of the next case', async () => {
    await admin.client.admin.setTimeLimit.mutate({
      minorClassCode: 'C0302',
      timeLimit: { amount: 2, unit: 'working_hours' },
    });
    const entry = await lastAudit('minor_class:C0302');
    expect(entry).toMatchObject({
      action: 'time_limit.set',
      before: { timeLimit: { amount: 4, unit: 'working_hours' } },
      after: { timeLimit: { amount: 2, unit: 'working_hours' } },
    });
    const c = await operator.client.intake.create.mutate({
      nature: 'complaint',
      minorClassCode: 'C0302',
      description: '垃圾箱满溢',
      urgency: 'normal',
      location: CITY_CENTRE,
    });
    expect(c.dueAt).toBe('2026-11-24T03:00:00.000Z'); // 09:00 + 2 working hours = 11:00 Beijing
    await admin.client.admin.setTimeLimit.mutate({
      minorClassCode: 'C0302',
      timeLimit: { amount: 4, unit: 'working_hours' },
    });
  });

  it('warns weeks before the loaded calendar runs out, and loading next year ends the warning and moves deadlines', async () => {
    clock.set('2026-11-24T01:00:00Z');
    expect(await admin.client.admin.calendarStatus.query()).toMatchObject({
      coveredUntil: '2027-12-31',
      warning: false,
      nextYear: 2028,
    });
    clock.set('2027-11-15T01:00:00Z'); // 46 days before the end of 2027: inside the 8-week warning
    // a year later the morning's sessions have long expired
    const admin2 = await loginAs(server, 'admin');
    const status = await admin2.client.admin.calendarStatus.query();
    expect(status).toMatchObject({ warning: true, daysLeft: 46 });

    const bad = await errorOf(
      admin2.client.admin.loadCalendarYear.mutate({
        year: 2028,
        holidays: [{ date: '2029-01-01', name: '元旦' }],
        makeUpWorkdays: [],
      }),
    );
    expect(bad.domain?.field).toBe('holidays.0.date');

    const loaded = await admin2.client.admin.loadCalendarYear.mutate({
      year: 2028,
      holidays: [{ date: '2028-01-03', name: '元旦（调休）' }],
      makeUpWorkdays: [],
    });
    expect(loaded).toMatchObject({ coveredUntil: '2028-12-31', warning: false });
    expect(
      (await admin2.client.admin.auditLog.query({ target: 'calendar:2028', limit: 1 }))[0],
    ).toMatchObject({
      action: 'calendar.load_year',
      before: null,
      after: { holidays: [{ date: '2028-01-03' }] },
    });
    // Friday 2027-12-31 17:00 Beijing + 4 working hours: 1 h on Friday, Monday 3 Jan is now a holiday → Tuesday 4 Jan 11:30
    clock.set('2027-12-31T09:00:00Z');
    const operator3 = await loginAs(server, 'operator');
    const c = await operator3.client.intake.create.mutate({
      nature: 'complaint',
      minorClassCode: 'C0302',
      description: '垃圾箱满溢',
      urgency: 'normal',
      location: CITY_CENTRE,
    });
    expect(c.dueAt).toBe('2028-01-04T03:30:00.000Z');
  });
});

describe('Open311 API keys', () => {
  beforeAll(async () => {
    clock.set('2026-11-24T01:00:00Z');
    await signIn();
  });
  const post = (key: string) =>
    fetch(`${server.url}/open311/v2/requests.json`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        api_key: key,
        service_code: 'C0302',
        lat: '43.934',
        long: '116.086',
        description: '垃圾箱满溢',
      }),
    });

  it('a created key works at once and stops working when revoked; both are audited, the key itself never stored', async () => {
    const { key, info } = await admin.client.admin.createApiKey.mutate({ name: '随手拍 app' });
    expect((await admin.client.admin.apiKeys.query()).map((k) => k.name)).toContain('随手拍 app');
    expect((await post(key)).status).toBe(200);
    await admin.client.admin.revokeApiKey.mutate({ id: info.id });
    expect((await post(key)).status).toBe(403);
    const log = await admin.client.admin.auditLog.query({ target: `api_key:${info.id}` });
    expect(log.map((e) => e.action)).toEqual(['api_key.revoke', 'api_key.create']);
    expect(JSON.stringify(log)).not.toContain(key);
  });
});

describe('催办 and 督办', () => {
  it('a supervisor urges an overdue case: one event, no state change, the unit gets it live, the report counts it', async () => {
    clock.set('2026-11-24T01:00:00Z');
    const c = await operator.client.intake.create.mutate({
      nature: 'complaint',
      minorClassCode: 'C0302',
      description: '垃圾箱满溢，多日无人清理',
      urgency: 'normal',
      location: CITY_CENTRE,
    });
    const refused = await errorOf(
      supervisor.client.cases.act.mutate({
        caseNumber: c.caseNumber,
        expectedVersion: c.version,
        action: { type: 'urge', reason: '请尽快处置' },
      }),
    );
    expect(refused.code).toBe('UNPROCESSABLE_CONTENT');

    clock.set('2026-11-24T09:00:00Z'); // past the 15:30 deadline
    await signIn();
    const seen: string[] = [];
    const unsubscribe = server.services.bus.subscribe((e) => {
      if (e.caseNumber === c.caseNumber) seen.push(e.type);
    });
    const v = await supervisor.client.cases.act.mutate({
      caseNumber: c.caseNumber,
      expectedVersion: c.version,
      action: { type: 'urge', reason: '已超期，请今日内处置' },
    });
    const v2 = await supervisor.client.cases.act.mutate({
      caseNumber: c.caseNumber,
      expectedVersion: v.record.version,
      action: { type: 'escalate', reason: '超期未处置，列入督办' },
    });
    // On PostgreSQL the bus is fed by the event relay after COMMIT, so wait for the events.
    await vi.waitFor(() => expect(seen).toHaveLength(2), { timeout: 5_000 });
    unsubscribe();
    expect(seen).toEqual(['urge', 'escalate']);
    expect(v2.record.state).toBe('dispatched');
    const view = await unit09.client.cases.get.query({ caseNumber: c.caseNumber });
    expect(view.events.slice(-2).map((e) => [e.type, e.actorRole, e.reason])).toEqual([
      ['urge', 'supervisor', '已超期，请今日内处置'],
      ['escalate', 'supervisor', '超期未处置，列入督办'],
    ]);
    expect(
      (
        await errorOf(
          unit09.client.cases.act.mutate({
            caseNumber: c.caseNumber,
            expectedVersion: v2.record.version,
            action: { type: 'urge', reason: '自己催自己' },
          }),
        )
      ).code,
    ).toBe('FORBIDDEN');

    const report = await supervisor.client.reports.build.query({
      kind: 'daily',
      date: '2026-11-24',
      groupBy: 'unit',
    });
    expect(report.rows.find((r) => r.key === 'U09')).toMatchObject({ urged: 1, escalated: 1 });
    expect(report.totals).toMatchObject({ urged: 1, escalated: 1 });
  });
});

describe('reports', () => {
  it('a monthly report of the running month compares its days so far with the same days before, and downloads as a real .xlsx', async () => {
    const r = await supervisor.client.reports.build.query({
      kind: 'monthly',
      date: '2026-11-24',
      groupBy: 'unit',
    });
    // today is 24 November: the month so far against 1–24 October and 1–24 November 2025
    expect(r.partial).toBe(true);
    expect(r.period).toMatchObject({
      from: '2026-10-31T16:00:00.000Z',
      to: '2026-11-24T16:00:00.000Z',
      label: '2026-11-01 — 2026-11-24',
    });
    expect(r.previous.label).toBe('2026-10-01 — 2026-10-24');
    expect(r.lastYear.label).toBe('2025-11-01 — 2025-11-24');
    expect(r.totals.dispatched).toBe(r.rows.reduce((n, x) => n + x.dispatched, 0));
    expect(r.daily).toHaveLength(24);
    expect(r.hotspotRule.zh).toContain('标准差');

    const res = await fetch(
      `${server.url}/api/export/report.xlsx?kind=monthly&date=2026-11-24&groupBy=unit`,
      { headers: { cookie: supervisor.cookie } },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as never);
    const ws = wb.getWorksheet('考评')!;
    expect(String(ws.getCell('A1').value)).toContain('月报');
    expect(ws.getRow(4).getCell(3).value).toBe('应结案(派遣)');
    const u09 = r.rows.find((x) => x.key === 'U09')!;
    const row = ws.getRows(5, r.rows.length)!.find((x) => x.getCell(2).value === 'U09')!;
    expect(row.getCell(3).value).toBe(u09.dispatched);
    expect(row.getCell(7).value).toBeCloseTo(u09.closeRate!);
    expect(wb.getWorksheet('每日受理')!.rowCount).toBe(25);
  });

  it('the CSV neutralises a formula in a name, and bad input names the field', async () => {
    await admin.client.admin.upsertUnit.mutate({
      code: 'U09',
      departmentCode: 'D09',
      name: '=HYPERLINK("http://x","点我")',
      nameEn: 'Sanitation',
    });
    const csv = await (
      await fetch(`${server.url}/api/export/report.csv?kind=daily&date=2026-11-24&groupBy=unit`, {
        headers: { cookie: supervisor.cookie },
      })
    ).text();
    expect(csv).toContain(`"'=HYPERLINK(""http://x"",""点我"")"`);
    expect(csv).not.toMatch(/(^|,)=HYPERLINK/m);
    const evalCsv = await (
      await fetch(
        `${server.url}/api/export/evaluation.csv?groupBy=unit&from=2026-11-01T00:00:00%2B08:00&to=2026-12-01T00:00:00%2B08:00`,
        { headers: { cookie: supervisor.cookie } },
      )
    ).text();
    expect(evalCsv).not.toMatch(/(^|,)"?=HYPERLINK/m);
    expect(await lastAudit('unit:U09')).toMatchObject({
      action: 'unit.update',
      before: { name: '环境卫生服务中心' },
      after: { name: '=HYPERLINK("http://x","点我")' },
    });
    const bad = await fetch(`${server.url}/api/export/report.xlsx?kind=weekly&date=2026-13-45`, {
      headers: { cookie: supervisor.cookie },
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { field: string } }).error.field).toBe('date');
    expect(
      (
        await fetch(`${server.url}/api/export/report.xlsx?kind=daily&date=2026-11-24`, {
          headers: { cookie: unit09.cookie },
        })
      ).status,
    ).toBe(403);
  });
});
