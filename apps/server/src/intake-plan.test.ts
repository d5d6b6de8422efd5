import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { bboxOf, replayCaseEvents, wgs84ToBd09, wgs84ToGcj02, type LatLng } from '@citygrid/domain';
import {
  CITY_CENTRE,
  OUTSIDE_GRID,
  loginMany,
  startTestServer,
  TestClock,
  type Session,
  type TestServer,
} from './testing/index.ts';

let server: TestServer;
let operator: Session;
let lead: Session;
let dispatcher: Session;
let unit09: Session;
const clock = new TestClock(Date.now());

const base = {
  callerPhone: '13800000002',
  nature: 'complaint' as const,
  minorClassCode: 'C0302',
  description: '垃圾箱破损，垃圾散落一地',
  urgency: 'normal' as 'normal' | 'urgent',
  location: CITY_CENTRE as { lat: number; lng: number; crs?: 'wgs84' | 'gcj02' | 'bd09' },
};
const intake = (s: Session, extra: Partial<typeof base> & { duplicateOf?: string } = {}) =>
  s.client.intake.create.mutate({ ...base, ...extra });

beforeAll(async () => {
  server = await startTestServer({}, { clock });
  [operator, lead, dispatcher, unit09] = await loginMany(server, [
    'operator',
    'lead',
    'dispatcher',
    'unit-u09',
  ] as const);
});
afterAll(async () => server?.stop());

describe('one intake planner: the preview is what gets filed', () => {
  it('sends a component report outside the grid to the manual dispatch queue with its reason, no unit assigned', async () => {
    // C0302 is owner-first: the router alone would hand it to the class's owner even without a cell
    const preview = await operator.client.intake.preview.query({
      minorClassCode: 'C0302',
      location: OUTSIDE_GRID,
    });
    expect(preview.outsideGrid).toBe(true);
    expect(preview.unitCode).toBeNull();
    const created = await intake(operator, { location: OUTSIDE_GRID });
    expect(created.outsideGrid).toBe(true);
    expect(created.state).toBe('filed');
    expect(created.unitCode).toBeNull();
    expect(created.dueAt).toBeNull();
    const view = await lead.client.cases.get.query({ caseNumber: created.caseNumber });
    expect(view.events.map((e) => e.type)).toEqual(['report', 'file']);
    expect(view.events[1]!.action).toMatchObject({ type: 'file', manualDispatch: 'outside_grid' });
    const queue = await lead.client.dispatch.queue.query({ search: created.caseNumber });
    expect(queue.items.find((q) => q.caseNumber === created.caseNumber)).toMatchObject({
      reasonCode: 'outside_grid',
      unitCode: null,
    });
  });

  it('previews and files a GCJ-02 point near a cell boundary into the same cell', async () => {
    const ref = server.services.reference;
    // a WGS84 point whose GCJ-02 coordinates, read as WGS84, fall into another cell
    let chosen: { p: LatLng; g: LatLng; cell: string } | null = null;
    for (const cell of ref.snapshot.cells) {
      const b = bboxOf(cell.ring);
      const p = { lat: (b.minLat + b.maxLat) / 2, lng: (b.minLng + b.maxLng) / 2 };
      const here = ref.place(p).cell?.code;
      const g = wgs84ToGcj02(p);
      const naive = ref.place(g).cell?.code;
      if (here && naive && naive !== here) {
        chosen = { p, g, cell: here };
        break;
      }
    }
    expect(chosen).not.toBeNull();
    const { g, cell } = chosen!;
    const location = { lat: g.lat, lng: g.lng, crs: 'gcj02' as const };
    const preview = await operator.client.intake.preview.query({ minorClassCode: 'C0302', location });
    const created = await intake(operator, { location });
    expect(preview.cellCode).toBe(cell);
    expect(created.cellCode).toBe(cell);
    expect(created.unitCode).toBe(preview.unitCode);
    expect(created.dueAt).toBe(preview.dueAt);
  });

  it('files exactly what the preview showed, for any point, coordinate system, class and urgency', async () => {
    const snap = server.services.reference.snapshot;
    const all = snap.cells.map((c) => bboxOf(c.ring));
    const box = {
      minLat: Math.min(...all.map((b) => b.minLat)) - 0.01,
      maxLat: Math.max(...all.map((b) => b.maxLat)) + 0.01,
      minLng: Math.min(...all.map((b) => b.minLng)) - 0.01,
      maxLng: Math.max(...all.map((b) => b.maxLng)) + 0.01,
    };
    const classes = snap.minorClasses.map((m) => m.code);
    await fc.assert(
      fc.asyncProperty(
        fc.double({ min: box.minLat, max: box.maxLat, noNaN: true }),
        fc.double({ min: box.minLng, max: box.maxLng, noNaN: true }),
        fc.constantFrom('wgs84' as const, 'gcj02' as const, 'bd09' as const),
        fc.constantFrom(...classes),
        fc.constantFrom('normal' as const, 'urgent' as const),
        async (lat, lng, crs, minorClassCode, urgency) => {
          const w = { lat, lng };
          const input = crs === 'gcj02' ? wgs84ToGcj02(w) : crs === 'bd09' ? wgs84ToBd09(w) : w;
          const location = { lat: input.lat, lng: input.lng, crs };
          const preview = await operator.client.intake.preview.query({ minorClassCode, location, urgency });
          const created = await intake(operator, { minorClassCode, location, urgency });
          expect({
            cell: created.cellCode,
            unit: created.unitCode,
            rule: created.routeRuleId,
            due: created.dueAt,
            outside: created.outsideGrid,
          }).toEqual({
            cell: preview.cellCode,
            unit: preview.unitCode,
            rule: preview.ruleId,
            due: preview.dueAt,
            outside: preview.outsideGrid,
          });
          expect(created.state).toBe(preview.unitCode ? 'dispatched' : 'filed');
        },
      ),
      { numRuns: 30, seed: 20261202 },
    );
  });

  it('finds nearby open cases where a GCJ-02 point really is', async () => {
    const p = { lat: 43.9391, lng: 116.0812 };
    const first = await intake(operator, { location: p, description: '附近重复检查：原案' });
    const g = wgs84ToGcj02(p);
    const preview = await operator.client.intake.preview.query({
      minorClassCode: 'C0302',
      location: { ...g, crs: 'gcj02' },
    });
    expect(preview.nearby.map((n) => n.caseNumber)).toContain(first.caseNumber);
    const nearby = await operator.client.intake.nearby.query({
      minorClassCode: 'C0302',
      location: { ...g, crs: 'gcj02' },
    });
    expect(nearby.map((n) => n.caseNumber)).toContain(first.caseNumber);
  });
});

describe('the history tells the whole story', () => {
  it('records how long an extension is and the new deadline', async () => {
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
    v = await lead.client.cases.act.mutate({
      caseNumber: created.caseNumber,
      expectedVersion: v.record.version,
      action: { type: 'approve_extension' },
    });
    const ev = v.events.find((e) => e.type === 'approve_extension')!;
    expect(ev.action).toMatchObject({
      type: 'approve_extension',
      amount: 4,
      unit: v.record.limitUnit,
      dueAt: v.record.dueAt,
    });
  });

  it('shows on the original case every call merged into it, at intake and by a dispatcher', async () => {
    const original = await intake(operator, { description: '原案：垃圾箱破损' });
    const dup1 = await intake(operator, {
      duplicateOf: original.caseNumber,
      description: '同一问题再次来电',
    });
    const filedDup = await intake(operator, { location: OUTSIDE_GRID, description: '同一问题（位置不准）' });
    const current = await lead.client.cases.get.query({ caseNumber: original.caseNumber });
    await dispatcher.client.cases.act.mutate({
      caseNumber: filedDup.caseNumber,
      expectedVersion: filedDup.version,
      action: { type: 'merge', targetCaseNumber: original.caseNumber },
    });
    const view = await lead.client.cases.get.query({ caseNumber: original.caseNumber });
    const links = view.events
      .filter((e) => e.type === 'link_duplicate')
      .map((e) => (e.action as { duplicateCaseNumber: string }).duplicateCaseNumber);
    expect(links).toEqual([dup1.caseNumber, filedDup.caseNumber]);
    expect(view.record.duplicateCount).toBe(2);
    expect(view.record.state).toBe(current.record.state);
    expect(view.allowedActions).not.toContain('link_duplicate');
    const replayed = replayCaseEvents(
      view.events.map((e) => ({
        action: e.action,
        actor: { userId: e.actorUserId, role: e.actorRole as never, unitCode: e.actorUnitCode as never },
        at: e.at,
      })),
    );
    expect(replayed.version).toBe(view.record.version);
    expect(replayed.duplicateCount).toBe(2);
  });

  it('shows no routing rule on a merged call, which was never routed', async () => {
    const original = await intake(operator);
    const dup = await intake(operator, { duplicateOf: original.caseNumber });
    expect(original.routeRuleId ?? original.routeExplanation).toBeTruthy();
    const view = await lead.client.cases.get.query({ caseNumber: dup.caseNumber });
    expect(view.record.state).toBe('merged');
    expect(view.record.routeRuleId).toBeNull();
    expect(view.record.routeExplanation).toBeNull();
  });

  it('replaces the routing basis when a person redispatches, and names the unit in the event', async () => {
    const created = await intake(operator);
    expect(created.routeExplanation).toContain('环境卫生服务中心');
    const v = await dispatcher.client.cases.act.mutate({
      caseNumber: created.caseNumber,
      expectedVersion: created.version,
      action: { type: 'redispatch', unitCode: 'U12', reason: '改派自来水公司' },
    });
    expect(v.record.unitCode).toBe('U12');
    expect(v.record.routeRuleId).toBeNull();
    expect(v.record.routeExplanation).toBeNull();
    expect(v.events.at(-1)!.action).toMatchObject({ type: 'redispatch', unitCode: 'U12' });
  });

  it('never suggests the unit that has just returned the case', async () => {
    const created = await intake(operator);
    expect(created.unitCode).toBe('U09');
    const v = await unit09.client.cases.act.mutate({
      caseNumber: created.caseNumber,
      expectedVersion: created.version,
      action: { type: 'request_return', reason: '不属于本单位职责' },
    });
    let row = (await dispatcher.client.dispatch.queue.query({ search: created.caseNumber })).items.find(
      (q) => q.caseNumber === created.caseNumber,
    )!;
    expect(row.state).toBe('return_requested');
    expect(row.suggestedUnitCode).not.toBe('U09');
    await dispatcher.client.cases.act.mutate({
      caseNumber: created.caseNumber,
      expectedVersion: v.record.version,
      action: { type: 'approve_return' },
    });
    row = (await dispatcher.client.dispatch.queue.query({ search: created.caseNumber })).items.find(
      (q) => q.caseNumber === created.caseNumber,
    )!;
    expect(row.state).toBe('filed');
    expect(row.suggestedUnitCode).not.toBe('U09');
  });
});
