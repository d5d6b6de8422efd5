import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replayCaseEvents } from '@citygrid/domain';
import {
  loginMany,
  CITY_CENTRE,
  OUTSIDE_GRID,
  errorOf,
  loginAs,
  startTestServer,
  TEST_BACKEND,
  type Session,
  type TestServer,
} from './testing/index.ts';

let server: TestServer;
let operator: Session;
let lead: Session;
let dispatcher: Session;
let inspector: Session;
let unit09: Session;
let unit12: Session;

const intake = (s: Session, extra: Record<string, unknown> = {}) =>
  s.client.intake.create.mutate({
    callerPhone: '13800000001',
    callerName: '王先生',
    nature: 'complaint',
    minorClassCode: 'C0302',
    description: '垃圾箱破损，垃圾散落一地',
    urgency: 'normal',
    location: CITY_CENTRE,
    ...extra,
  });

beforeAll(async () => {
  server = await startTestServer();
  [operator, lead, dispatcher, inspector, unit09, unit12] = await loginMany(server, [
    'operator',
    'lead',
    'dispatcher',
    'inspector',
    'unit-u09',
    'unit-u12',
  ] as const);
});
afterAll(async () => server?.stop());

describe(`the closed loop over HTTP on a real ${TEST_BACKEND === 'postgres' ? 'PostgreSQL database' : 'SQLite file'}`, () => {
  it('runs on the backend its test project names (unit: SQLite; postgres: PostgreSQL)', async () => {
    expect(server.services.stores.backend).toBe(TEST_BACKEND);
    expect(((await (await fetch(`${server.url}/health`)).json()) as { backend: string }).backend).toBe(
      TEST_BACKEND,
    );
  });

  it('files a call, routes it to the owner unit with a deadline, and closes the loop to a callback', async () => {
    const created = await intake(operator);
    expect(created.caseNumber).toMatch(/^\d{8}-\d{4}$/);
    expect(created.state).toBe('dispatched');
    expect(created.unitCode).toBe('U09');
    expect(created.cellCode).toMatch(/^152502\d{8}$/);
    expect(created.communityName).toBeTruthy();
    expect(created.routeExplanation).toContain('环境卫生服务中心');
    expect(Date.parse(created.dueAt!)).toBeGreaterThan(Date.now());

    const queue = (await unit09.client.unitWork.queue.query({})).items;
    const row = queue.find((q) => q.caseNumber === created.caseNumber);
    expect(row).toBeDefined();
    expect(row!.light).toBe('green');

    let view = await unit09.client.cases.act.mutate({
      caseNumber: created.caseNumber,
      expectedVersion: row!.version,
      action: { type: 'accept' },
    });
    expect(view.record.state).toBe('accepted');
    expect(view.allowedActions).toEqual(
      expect.arrayContaining(['report_disposal', 'request_return', 'request_extension', 'request_park']),
    );
    view = await unit09.client.cases.act.mutate({
      caseNumber: created.caseNumber,
      expectedVersion: view.record.version,
      action: { type: 'report_disposal', note: '已更换垃圾箱并清扫', attachments: [] },
    });
    expect(view.record.state).toBe('disposed');

    view = await inspector.client.cases.act.mutate({
      caseNumber: created.caseNumber,
      expectedVersion: view.record.version,
      action: { type: 'rework', reason: '现场仍有散落垃圾' },
    });
    expect(view.record.state).toBe('dispatched');
    expect(view.record.unitCode).toBe('U09');
    expect(view.record.reworkCount).toBe(1);

    view = await unit09.client.cases.act.mutate({
      caseNumber: created.caseNumber,
      expectedVersion: view.record.version,
      action: { type: 'report_disposal', note: '返工：已清扫干净', attachments: [] },
    });
    view = await lead.client.cases.act.mutate({
      caseNumber: created.caseNumber,
      expectedVersion: view.record.version,
      action: { type: 'close', note: '核查通过' },
    });
    expect(view.record.state).toBe('closed');
    view = await operator.client.cases.act.mutate({
      caseNumber: created.caseNumber,
      expectedVersion: view.record.version,
      action: { type: 'callback', satisfaction: 4, note: '基本满意' },
    });
    expect(view.record.state).toBe('callback_done');
    expect(view.record.satisfaction).toBe(4);

    // every state change is an event with actor, time and reason; the events replay to the row
    const full = await lead.client.cases.get.query({ caseNumber: created.caseNumber });
    expect(full.events.map((e) => e.type)).toEqual([
      'report',
      'file',
      'dispatch',
      'accept',
      'report_disposal',
      'rework',
      'report_disposal',
      'close',
      'callback',
    ]);
    expect(full.events.find((e) => e.type === 'rework')).toMatchObject({
      actorName: '监督员 巴特尔',
      actorRole: 'inspector',
      reason: '现场仍有散落垃圾',
    });
    const replayed = replayCaseEvents(
      full.events.map((e) => ({
        action: e.action,
        actor: { userId: e.actorUserId, role: e.actorRole as never, unitCode: e.actorUnitCode as never },
        at: e.at,
      })),
    );
    expect(replayed.state).toBe(full.record.state);
    expect(replayed.version).toBe(full.record.version);
    expect(replayed.reworkCount).toBe(1);
  });

  it('sends a case outside the grid to the manual dispatch queue, where a dispatcher routes it', async () => {
    const created = await intake(operator, {
      location: OUTSIDE_GRID,
      minorClassCode: 'E0102',
      description: '城外路边暴露垃圾',
    });
    expect(created.outsideGrid).toBe(true);
    expect(created.state).toBe('filed');
    expect(created.unitCode).toBeNull();
    const queue = (await dispatcher.client.dispatch.queue.query()).items;
    const item = queue.find((q) => q.caseNumber === created.caseNumber);
    expect(item?.reasonCode).toBe('outside_grid');
    const view = await dispatcher.client.cases.act.mutate({
      caseNumber: created.caseNumber,
      expectedVersion: item!.version,
      action: { type: 'dispatch', unitCode: 'U09' },
    });
    expect(view.record.state).toBe('dispatched');
    expect(view.record.dueAt).not.toBeNull();
  });

  it('returns a case on request and redispatches it to the right unit, counting the redispatch', async () => {
    const created = await intake(operator);
    let v = await unit09.client.cases.act.mutate({
      caseNumber: created.caseNumber,
      expectedVersion: created.version,
      action: { type: 'request_return', reason: '属于自来水公司管辖' },
    });
    expect(v.record.state).toBe('return_requested');
    v = await dispatcher.client.cases.act.mutate({
      caseNumber: created.caseNumber,
      expectedVersion: v.record.version,
      action: { type: 'approve_return' },
    });
    expect(v.record.state).toBe('filed');
    v = await dispatcher.client.cases.act.mutate({
      caseNumber: created.caseNumber,
      expectedVersion: v.record.version,
      action: { type: 'dispatch', unitCode: 'U12' },
    });
    expect(v.record.unitCode).toBe('U12');
    expect(v.record.redispatchCount).toBe(1);
    // the old unit no longer sees it; the new one does
    expect(
      (await unit09.client.unitWork.queue.query({})).items.some((q) => q.caseNumber === created.caseNumber),
    ).toBe(false);
    expect(
      (await unit12.client.unitWork.queue.query({})).items.some((q) => q.caseNumber === created.caseNumber),
    ).toBe(true);
  });

  it('refuses a return request and keeps the case with the unit', async () => {
    const created = await intake(operator);
    let v = await unit09.client.cases.act.mutate({
      caseNumber: created.caseNumber,
      expectedVersion: created.version,
      action: { type: 'request_return', reason: '不是我们的' },
    });
    v = await lead.client.cases.act.mutate({
      caseNumber: created.caseNumber,
      expectedVersion: v.record.version,
      action: { type: 'refuse_return', reason: '垃圾箱属环卫中心' },
    });
    expect(v.record.state).toBe('accepted');
    expect(v.record.unitCode).toBe('U09');
  });

  it('extends the deadline once on approval and refuses a second request', async () => {
    const created = await intake(operator);
    let v = await unit09.client.cases.act.mutate({
      caseNumber: created.caseNumber,
      expectedVersion: created.version,
      action: { type: 'accept' },
    });
    v = await unit09.client.cases.act.mutate({
      caseNumber: created.caseNumber,
      expectedVersion: v.record.version,
      action: { type: 'request_extension', reason: '需要订购新垃圾箱', amount: 4 },
    });
    expect(v.record.state).toBe('extension_requested');
    const oldDue = Date.parse(v.record.dueAt!);
    v = await lead.client.cases.act.mutate({
      caseNumber: created.caseNumber,
      expectedVersion: v.record.version,
      action: { type: 'approve_extension' },
    });
    expect(v.record.state).toBe('accepted');
    expect(Date.parse(v.record.dueAt!)).toBeGreaterThan(oldDue);
    expect(v.record.extensionCount).toBe(1);
    const err = await errorOf(
      unit09.client.cases.act.mutate({
        caseNumber: created.caseNumber,
        expectedVersion: v.record.version,
        action: { type: 'request_extension', reason: '还需要时间', amount: 4 },
      }),
    );
    expect(err.httpStatus).toBe(422);
  });

  it('refuses an extension and leaves the deadline unchanged', async () => {
    const created = await intake(operator);
    let v = await unit09.client.cases.act.mutate({
      caseNumber: created.caseNumber,
      expectedVersion: created.version,
      action: { type: 'accept' },
    });
    v = await unit09.client.cases.act.mutate({
      caseNumber: created.caseNumber,
      expectedVersion: v.record.version,
      action: { type: 'request_extension', reason: '人手不足', amount: 8 },
    });
    const due = v.record.dueAt;
    v = await lead.client.cases.act.mutate({
      caseNumber: created.caseNumber,
      expectedVersion: v.record.version,
      action: { type: 'refuse_extension', reason: '可以按期完成' },
    });
    expect(v.record.state).toBe('accepted');
    expect(v.record.dueAt).toBe(due);
  });

  it('parks seasonal work on approval and resumes it with a fresh deadline', async () => {
    const created = await intake(operator, { minorClassCode: 'C0205', description: '路面破损需冬季后修补' });
    let v = await unit09.client.cases.act
      .mutate({
        caseNumber: created.caseNumber,
        expectedVersion: created.version,
        action: { type: 'accept' },
      })
      .catch(() => null);
    expect(v).toBeNull(); // C0205 belongs to U10, not to U09
    const u10 = await loginAs(server, 'unit-u10');
    v = await u10.client.cases.act.mutate({
      caseNumber: created.caseNumber,
      expectedVersion: created.version,
      action: { type: 'accept' },
    });
    v = await u10.client.cases.act.mutate({
      caseNumber: created.caseNumber,
      expectedVersion: v.record.version,
      action: { type: 'request_park', reason: '冬季冻土无法施工' },
    });
    const refused = await lead.client.cases.act.mutate({
      caseNumber: created.caseNumber,
      expectedVersion: v.record.version,
      action: { type: 'refuse_park', reason: '可临时修补' },
    });
    expect(refused.record.state).toBe('accepted');
    v = await u10.client.cases.act.mutate({
      caseNumber: created.caseNumber,
      expectedVersion: refused.record.version,
      action: { type: 'request_park', reason: '冬季冻土无法施工，来年4月处理' },
    });
    v = await lead.client.cases.act.mutate({
      caseNumber: created.caseNumber,
      expectedVersion: v.record.version,
      action: { type: 'approve_park' },
    });
    expect(v.record.state).toBe('parked');
    v = await u10.client.cases.act.mutate({
      caseNumber: created.caseNumber,
      expectedVersion: v.record.version,
      action: { type: 'resume', note: '已开工' },
    });
    expect(v.record.state).toBe('accepted');
  });

  it('voids a report that does not meet the filing criteria, with its reason', async () => {
    const created = await intake(operator, { location: null, address: '不详', minorClassCode: 'E0102' });
    expect(created.state).toBe('filed');
    const v = await lead.client.cases.act.mutate({
      caseNumber: created.caseNumber,
      expectedVersion: created.version,
      action: { type: 'void', reason: '重复来电，无具体地点' },
    });
    expect(v.record.state).toBe('voided');
    expect(v.events.at(-1)).toMatchObject({
      type: 'void',
      reason: '重复来电，无具体地点',
      actorRole: 'shift_lead',
    });
  });
});

describe('duplicates, idempotency and concurrency', () => {
  it('suggests a nearby open case of the same category and links a duplicate call to it', async () => {
    const first = await intake(operator, { location: { lat: 43.9401, lng: 116.0702 } });
    const preview = await operator.client.intake.preview.query({
      minorClassCode: 'C0302',
      location: { lat: 43.9402, lng: 116.0703 },
    });
    expect(preview.nearby.map((n) => n.caseNumber)).toContain(first.caseNumber);
    expect(preview.nearby.find((n) => n.caseNumber === first.caseNumber)!.distanceM).toBeLessThan(250);
    const far = await operator.client.intake.preview.query({
      minorClassCode: 'C0302',
      location: { lat: 43.95, lng: 116.1 },
    });
    expect(far.nearby.map((n) => n.caseNumber)).not.toContain(first.caseNumber);

    const dup = await intake(operator, {
      location: { lat: 43.9402, lng: 116.0703 },
      duplicateOf: first.caseNumber,
    });
    expect(dup.state).toBe('merged');
    expect(dup.mergedInto).toBe(first.caseNumber);
    expect(dup.caseNumber).not.toBe(first.caseNumber);
  });

  it('lets a dispatcher merge a filed duplicate into an open case', async () => {
    const original = await intake(operator);
    const dup = await intake(operator, { location: null, minorClassCode: 'E0102' });
    const v = await dispatcher.client.cases.act.mutate({
      caseNumber: dup.caseNumber,
      expectedVersion: dup.version,
      action: { type: 'merge', targetCaseNumber: original.caseNumber },
    });
    expect(v.record.state).toBe('merged');
    const self = await errorOf(
      dispatcher.client.cases.act.mutate({
        caseNumber: original.caseNumber,
        expectedVersion: 3,
        action: { type: 'merge', targetCaseNumber: original.caseNumber },
      }),
    );
    expect(self.httpStatus).toBe(400);
  });

  it('creates exactly one case for retried submissions with the same idempotency key', async () => {
    const key = `retry-${Date.now()}`;
    const results = await Promise.all(
      Array.from({ length: 5 }, () => intake(operator, { idempotencyKey: key })),
    );
    expect(new Set(results.map((r) => r.caseNumber)).size).toBe(1);
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    const again = await intake(operator, { idempotencyKey: key });
    expect(again.caseNumber).toBe(results[0]!.caseNumber);
    expect(again.replayed).toBe(true);
    const mismatch = await errorOf(intake(operator, { idempotencyKey: key, description: '另一个问题' }));
    expect(mismatch.httpStatus).toBe(422);
    expect(mismatch.fields[0]?.field).toBe('idempotencyKey');
  });

  it('lets exactly one of two conflicting actors win and tells the other the current state', async () => {
    const created = await intake(operator);
    const [a, b] = await Promise.allSettled([
      unit09.client.cases.act.mutate({
        caseNumber: created.caseNumber,
        expectedVersion: created.version,
        action: { type: 'accept' },
      }),
      dispatcher.client.cases.act.mutate({
        caseNumber: created.caseNumber,
        expectedVersion: created.version,
        action: { type: 'redispatch', unitCode: 'U12', reason: '改派自来水公司' },
      }),
    ]);
    const outcomes = [a, b].map((r) => r.status);
    expect(outcomes.filter((s) => s === 'fulfilled')).toHaveLength(1);
    const loser = [a, b].find((r) => r.status === 'rejected') as PromiseRejectedResult;
    const err = await errorOf(Promise.reject(loser.reason));
    // which one wins is the database's to decide (PostgreSQL runs both at once, on two connections)
    if (a.status === 'fulfilled') {
      // the dispatcher acted on the version before the unit's accept: 409 with the current version
      expect(err.httpStatus).toBe(409);
      expect(err.domain).toMatchObject({ code: 'CONFLICT', version: created.version + 1 });
    } else {
      // the case went to U12 first: U09 may no longer see it, so it is refused as not its case,
      // before the version is compared (a refusal reveals nothing of the case's new state)
      expect(err.httpStatus).toBe(403);
      expect(err.code).toBe('FORBIDDEN');
    }
    const full = await lead.client.cases.get.query({ caseNumber: created.caseNumber });
    expect(full.events).toHaveLength(4);
  });
});
