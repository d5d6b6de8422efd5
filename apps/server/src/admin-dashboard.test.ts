import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadShippedGrid } from '@citygrid/domain';
import type { OpenCaseMarkers } from '@citygrid/api';
import {
  loginMany,
  CITY_CENTRE,
  TestClock,
  errorOf,
  loginAs,
  startTestServer,
  type Session,
  type TestServer,
} from './testing/index.ts';

// Tuesday 2026-11-24 09:00 Beijing time: a working day
const clock = new TestClock(Date.parse('2026-11-24T01:00:00Z'));
let server: TestServer;
let operator: Session;
let lead: Session;
let unit09: Session;
let admin: Session;
let supervisor: Session;

beforeAll(async () => {
  server = await startTestServer({}, { clock });
  [operator, lead, unit09, admin, supervisor] = await loginMany(server, [
    'operator',
    'lead',
    'unit-u09',
    'admin',
    'supervisor',
  ] as const);
});
afterAll(async () => server?.stop());

const file = (extra: Record<string, unknown> = {}) =>
  operator.client.intake.create.mutate({
    nature: 'complaint',
    minorClassCode: 'C0302',
    description: '垃圾箱满溢',
    urgency: 'normal',
    location: CITY_CENTRE,
    ...extra,
  });

async function dispose(caseNumber: string, version: number) {
  const v = await unit09.client.cases.act.mutate({
    caseNumber,
    expectedVersion: version,
    action: { type: 'report_disposal', note: '已处置', attachments: [] },
  });
  return lead.client.cases.act.mutate({
    caseNumber,
    expectedVersion: v.record.version,
    action: { type: 'close' },
  });
}

describe('deadlines on the working calendar', () => {
  it('counts a 4-working-hour limit over the lunch break', async () => {
    const c = await file();
    // 09:00 + 4 working hours = 12:00 is 3 h; 1 h more after 14:30 → 15:30 Beijing = 07:30Z
    expect(c.dueAt).toBe('2026-11-24T07:30:00.000Z');
  });
});

describe('the evaluation figures (综合考评)', () => {
  it('computes close, on-time, rework and accurate-dispatch rates per unit from the events', async () => {
    clock.set('2026-11-24T01:00:00Z');
    const onTime = await file();
    const late = await file();
    const reworked = await file();
    const open = await file();
    clock.advance(60 * 60_000); // 1 h later: within the 4 h limit
    await dispose(onTime.caseNumber, onTime.version);
    let v = await unit09.client.cases.act.mutate({
      caseNumber: reworked.caseNumber,
      expectedVersion: reworked.version,
      action: { type: 'report_disposal', note: '已处置', attachments: [] },
    });
    v = await lead.client.cases.act.mutate({
      caseNumber: reworked.caseNumber,
      expectedVersion: v.record.version,
      action: { type: 'rework', reason: '未到位' },
    });
    await dispose(reworked.caseNumber, v.record.version);
    clock.set('2026-11-24T09:00:00Z'); // 17:00 Beijing: past the 15:30 deadline, the others are overdue now
    // eight hours on, past the 2 h idle timeout of staff sessions: everyone signs in again
    [operator, lead, unit09, admin, supervisor] = await loginMany(server, [
      'operator',
      'lead',
      'unit-u09',
      'admin',
      'supervisor',
    ] as const);
    await dispose(late.caseNumber, late.version);

    const rows = await supervisor.client.dashboard.evaluation.query({
      period: { from: '2026-11-24T00:00:00+08:00', to: '2026-11-25T00:00:00+08:00' },
      groupBy: 'unit',
    });
    const u09 = rows.find((r) => r.key === 'U09')!;
    expect(u09.name).toBe('环境卫生服务中心');
    // the first test's case is in this cohort too: 5 dispatched (4 here + 1), 3 closed
    expect(u09.dispatched).toBe(5);
    expect(u09.closed).toBe(3);
    expect(u09.closedOnTime).toBe(2);
    expect(u09.reworked).toBe(1);
    expect(u09.overdueOpen).toBe(2);
    expect(u09.closeRate).toBeCloseTo(3 / 5);
    expect(u09.onTimeCloseRate).toBeCloseTo(2 / 5);
    expect(u09.reworkRate).toBeCloseTo(1 / 3);
    expect(u09.accurateDispatchRate).toBe(1);

    const today = await supervisor.client.dashboard.today.query();
    expect(today.closed).toBe(3);
    expect(today.overdue).toBe(2);
    const open311 = await supervisor.client.dashboard.openCases.query({});
    const mine = open311.find((c) => c.caseNumber === open.caseNumber)!;
    expect(mine.light).toBe('red');
    const cells = await supervisor.client.dashboard.cellCounts.query({});
    expect(cells.overdue[open.cellCode!]).toBe(2);
  });

  it('refuses a period that ends before it starts, naming the field', async () => {
    const e = await errorOf(
      supervisor.client.dashboard.evaluation.query({
        period: { from: '2026-11-25T00:00:00+08:00', to: '2026-11-24T00:00:00+08:00' },
        groupBy: 'unit',
      }),
    );
    expect(e.httpStatus).toBe(400);
    expect(e.fields[0]!.field).toBe('period.to');
  });
});

describe('administration', () => {
  it('routes by a new cell-specific rule and explains the match', async () => {
    const preview = await operator.client.intake.preview.query({
      minorClassCode: 'C0302',
      location: CITY_CENTRE,
    });
    const rules = await admin.client.admin.routingRules.query();
    await admin.client.admin.replaceRoutingRules.mutate({
      rules: [
        ...rules,
        {
          id: 'R900',
          minorClassCode: 'C0302',
          scope: { kind: 'cell', code: preview.cellCode },
          unitCode: 'U22',
          note: '试点：社区自管垃圾箱',
        },
      ],
    });
    const c = await file();
    expect(c.unitCode).toBe('U22');
    expect(c.routeRuleId).toBe('R900');
    expect(c.routeExplanation).toContain(preview.cellCode!);
    const bad = await errorOf(
      admin.client.admin.replaceRoutingRules.mutate({
        rules: [{ id: 'R901', minorClassCode: 'C0302', scope: { kind: 'city' }, unitCode: 'U99', note: '' }],
      }),
    );
    expect(bad.httpStatus).toBe(400);
    expect(bad.fields[0]!.field).toContain('unitCode');
    await admin.client.admin.replaceRoutingRules.mutate({ rules });
  });

  it('applies a changed time limit to new cases only', async () => {
    clock.set('2026-11-24T01:00:00Z');
    const before = await file();
    await admin.client.admin.setTimeLimit.mutate({
      minorClassCode: 'C0302',
      timeLimit: { amount: 2, unit: 'calendar_hours' },
    });
    const after = await file();
    expect(after.dueAt).toBe('2026-11-24T03:00:00.000Z');
    expect((await lead.client.cases.get.query({ caseNumber: before.caseNumber })).record.dueAt).toBe(
      before.dueAt,
    );
    await admin.client.admin.setTimeLimit.mutate({
      minorClassCode: 'C0302',
      timeLimit: { amount: 4, unit: 'working_hours' },
    });
  });

  it('imports a new grid version while old cases keep the cell of their version', async () => {
    const old = await file();
    const oldCase = await lead.client.cases.get.query({ caseNumber: old.caseNumber });
    const doc = structuredClone(
      await import('../../../packages/domain/src/reference/data/grid.json', { with: { type: 'json' } }),
    ).default as Record<string, unknown>;
    doc.version = '2027.1-surveyed';
    doc.validFrom = '2027-01-01';
    const res = await admin.client.admin.importGrid.mutate({ document: doc });
    expect(res.cells).toBe(loadShippedGrid().cells.length);
    const fresh = await file();
    const freshCase = await lead.client.cases.get.query({ caseNumber: fresh.caseNumber });
    expect(freshCase.record.gridVersionId).toBe(res.gridVersionId);
    expect(oldCase.record.gridVersionId).not.toBe(res.gridVersionId);
    expect((await lead.client.cases.get.query({ caseNumber: old.caseNumber })).record).toMatchObject({
      gridVersionId: oldCase.record.gridVersionId,
      cellCode: oldCase.record.cellCode,
    });
    const dup = await errorOf(admin.client.admin.importGrid.mutate({ document: doc }));
    expect(dup.httpStatus).toBeLessThan(500);
  });

  it('creates a unit staff user who lands in their unit’s queue', async () => {
    const e = await errorOf(
      admin.client.admin.createUser.mutate({
        username: 'x',
        displayName: '新人',
        role: 'unit_staff',
        unitCode: 'U09',
        password: 'short',
      }),
    );
    expect(e.fields.map((f) => f.field)).toEqual(expect.arrayContaining(['username', 'password']));
    await admin.client.admin.createUser.mutate({
      username: 'new.staff',
      displayName: '环卫 新同事',
      role: 'unit_staff',
      unitCode: 'U09',
      password: 'a-long-password',
    });
    const s = await loginAs(server, 'new.staff').catch(() => null);
    expect(s).toBeNull(); // demo password is not theirs
    const real = await (async () => {
      const { Session } = await import('./testing/index.ts');
      const x = new Session(server.url);
      await x.login('new.staff', 'a-long-password');
      return x;
    })();
    expect((await real.client.unitWork.queue.query({})).total).toBeGreaterThan(0);
  });
});

describe('photos of disposal', () => {
  const PNG = Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
    'base64',
  );
  const upload = (s: Session, body: Buffer, type = 'image/png') =>
    fetch(`${server.url}/api/attachments`, {
      method: 'POST',
      headers: { cookie: s.cookie, 'x-csrf-token': s.csrf, 'content-type': type },
      body,
    });

  it('accepts an image, refuses anything else naming the file, and serves it only to those who may see the case', async () => {
    const bad = await upload(unit09, Buffer.from('<script>alert(1)</script>'), 'image/png');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { field: string } }).error.field).toBe('file');
    const res = await upload(unit09, PNG);
    expect(res.status).toBe(201);
    const { sha256 } = (await res.json()) as { sha256: string };
    const c = await file({ minorClassCode: 'C0303', description: '转运站异味' });
    const v = await unit09.client.cases.act.mutate({
      caseNumber: c.caseNumber,
      expectedVersion: c.version,
      action: { type: 'report_disposal', note: '已清洗', attachments: [sha256] },
    });
    expect(v.events.at(-1)!.attachments).toEqual([sha256]);

    const get = (s: Session) =>
      fetch(`${server.url}/api/attachments/${sha256}`, { headers: { cookie: s.cookie } });
    const mine = await get(lead);
    expect(mine.status).toBe(200);
    expect(mine.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await mine.arrayBuffer()).equals(PNG)).toBe(true);
    const other = await loginAs(server, 'unit-u12');
    expect((await get(other)).status).toBe(403);
    expect((await fetch(`${server.url}/api/attachments/${sha256}`)).status).toBe(401);
  });
});

describe('evaluation export for Excel', () => {
  it('downloads the unit table as UTF-8 CSV with a BOM, and refuses unit staff and bad periods naming the field', async () => {
    const url = `${server.url}/api/export/evaluation.csv?groupBy=unit&from=2026-11-24T00:00:00%2B08:00&to=2026-11-25T00:00:00%2B08:00`;
    const res = await fetch(url, { headers: { cookie: supervisor.cookie } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // UTF-8 BOM for Excel
    const text = bytes.toString('utf8');
    const lines = text.trim().split('\r\n');
    expect(lines[1]).toContain('按期结案率%');
    expect(lines.some((l) => l.startsWith('环境卫生服务中心,U09,'))).toBe(true);
    expect((await fetch(url, { headers: { cookie: unit09.cookie } })).status).toBe(403);
    const bad = await fetch(
      `${server.url}/api/export/evaluation.csv?from=2026-11-25T00:00:00Z&to=2026-11-24T00:00:00Z`,
      { headers: { cookie: supervisor.cookie } },
    );
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { field: string } }).error.field).toBe('to');
  });
});

describe('the map markers (dashboard.openCaseMarkers)', () => {
  it('lists every located open case as a slim tuple that matches the full open-case row, and drops a case once closed', async () => {
    const fresh = await file();
    const markersOf = async (
      filter: Parameters<typeof supervisor.client.dashboard.openCaseMarkers.query>[0],
    ) => {
      const got = JSON.parse(
        await supervisor.client.dashboard.openCaseMarkers.query(filter),
      ) as OpenCaseMarkers;
      // far below the limit: nothing cut
      expect(got).toMatchObject({ truncated: false, limit: 100_000 });
      return got.markers;
    };
    const [full, markers] = await Promise.all([
      supervisor.client.dashboard.openCases.query({}),
      markersOf({}),
    ]);
    const located = full.filter((c) => c.lat !== null && c.lng !== null);
    expect(markers.map((m) => m[0]).sort()).toEqual(located.map((c) => c.caseNumber).sort());
    const row = located.find((c) => c.caseNumber === fresh.caseNumber)!;
    expect(markers.find((m) => m[0] === fresh.caseNumber)).toEqual([
      row.caseNumber,
      row.lat,
      row.lng,
      row.state,
      row.version,
      row.dispatchedAt,
      row.dueAt,
      row.limitUnit,
      row.minorClassCode,
    ]);
    // the filter is the same as the full list's
    const filtered = await markersOf({ unitCode: 'U12' });
    expect(filtered.every((m) => full.find((c) => c.caseNumber === m[0])?.unitCode === 'U12')).toBe(true);
    expect(filtered.some((m) => m[0] === fresh.caseNumber)).toBe(false);

    await dispose(fresh.caseNumber, fresh.version);
    const after = await markersOf({});
    expect(after.some((m) => m[0] === fresh.caseNumber)).toBe(false);
    expect(after).toHaveLength(markers.length - 1);
  });
});
