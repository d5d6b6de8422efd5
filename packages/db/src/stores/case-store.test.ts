import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DomainError, replayCaseEvents, type Actor, type CaseAction, type UnitCode } from '@citygrid/domain';
import { openDatabase, type CitygridDatabase } from '../client.ts';
import { GroupCommitWriter } from '../writer.ts';
import { CaseStore, snapshotOf, type CreateCaseInput } from './case-store.ts';
import { CitizenStore } from './citizen-store.ts';
import type { NewCaseFields } from './case-types.ts';
import { bareCaseFields } from './case-fields.ts';

/** 01:00 on 2 December in Beijing (UTC+8): the case number's day is 20261202, not the UTC date. */
const AT = '2026-12-01T17:00:00.000Z';
const U09 = 'U09' as UnitCode;
const operator = { actor: { userId: 1, role: 'operator', unitCode: null } as Actor, actorName: '受理员' };
const system = { actor: { userId: null, role: 'system', unitCode: null } as Actor, actorName: '自动派遣' };
const staff = { actor: { userId: 7, role: 'unit_staff', unitCode: U09 } as Actor, actorName: '九号单位' };

const fields = (description = '井盖破损'): NewCaseFields =>
  bareCaseFields(description, AT, {
    hotlineCategory: 'public_facilities',
    callerPhone: '13800000000',
    lat: 43.93,
    lng: 116.07,
    limitUnit: 'working_days',
  });

const filed = (description?: string): CreateCaseInput => ({
  fields: fields(description),
  events: [
    { ...operator, at: AT, action: { type: 'report' } },
    { ...operator, at: AT, action: { type: 'file' } },
    {
      ...system,
      at: AT,
      action: {
        type: 'dispatch',
        unitCode: U09,
        dueAt: '2026-12-03T09:00:00.000Z',
        route: { ruleId: 'R1', explanation: '先属地' },
      },
    },
  ],
});

/** The domain error a promise rejects with (fails the test if it resolves). */
async function refusal(p: Promise<unknown>): Promise<DomainError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(DomainError);
  return e as DomainError;
}

describe('CaseStore on a migrated SQLite file', () => {
  let dir: string;
  let database: CitygridDatabase;
  let store: CaseStore;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'citygrid-cases-'));
    database = openDatabase(join(dir, 'cases.db'));
    store = new CaseStore(database, new GroupCommitWriter(database.sqlite));
  });
  afterEach(() => {
    database.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('files a case with its events: numbered by the Beijing day, the row the replay of its log', async () => {
    const { record, events, replayed } = await store.createCase(filed());
    expect(replayed).toBe(false);
    expect(record.caseNumber).toBe('20261202-0001');
    expect(record).toMatchObject({
      state: 'dispatched',
      version: 3,
      unitCode: 'U09',
      dispatchCount: 1,
      routeRuleId: 'R1',
      dueAt: '2026-12-03T09:00:00.000Z',
    });
    expect(events.map((e) => [e.seq, e.type, e.fromState, e.toState, e.actorName])).toEqual([
      [1, 'report', null, 'reported', '受理员'],
      [2, 'file', 'reported', 'filed', '受理员'],
      [3, 'dispatch', 'filed', 'dispatched', '自动派遣'],
    ]);
    const stored = await store.listEvents(record.id);
    expect(stored).toEqual(events);
    expect(snapshotOf((await store.getByNumber(record.caseNumber))!)).toEqual(
      replayCaseEvents(
        stored.map((e) => ({
          action: e.action,
          at: e.at,
          actor: {
            userId: e.actorUserId,
            role: e.actorRole as Actor['role'],
            unitCode: e.actorUnitCode as UnitCode | null,
          },
        })),
      ),
    );
    expect((await store.createCase(filed('第二件'))).record.caseNumber).toBe('20261202-0002');
  });

  it('applies an action at the version the actor saw and appends exactly one event', async () => {
    const { record } = await store.createCase(filed());
    const {
      record: after,
      event,
      followed,
    } = await store.applyAction({
      caseNumber: record.caseNumber,
      expectedVersion: 3,
      viewer: staff.actor,
      event: { ...staff, at: '2026-12-02T01:00:00.000Z' },
      action: { type: 'accept' },
    });
    expect(after).toMatchObject({ state: 'accepted', version: 4 });
    expect(event).toMatchObject({
      seq: 4,
      type: 'accept',
      fromState: 'dispatched',
      toState: 'accepted',
      actorUnitCode: 'U09',
    });
    expect(followed).toEqual([]);
    expect((await store.listEvents(record.id)).map((e) => e.seq)).toEqual([1, 2, 3, 4]);
  });

  it('refuses a stale expected version with the current state, leaving the row and the log unchanged', async () => {
    const { record } = await store.createCase(filed());
    const e = await refusal(
      store.applyAction({
        caseNumber: record.caseNumber,
        expectedVersion: 2,
        viewer: staff.actor,
        event: { ...staff, at: AT },
        action: { type: 'accept' },
      }),
    );
    expect(e.code).toBe('CONFLICT');
    expect(e.details).toMatchObject({ field: 'expectedVersion', state: 'dispatched', version: 3 });
    expect(await store.getByNumber(record.caseNumber)).toEqual(record);
    expect(await store.listEvents(record.id)).toHaveLength(3);
  });

  it('refuses another unit before it compares versions, so the refusal says nothing of the case', async () => {
    const { record } = await store.createCase(filed());
    const other = { userId: 8, role: 'unit_staff', unitCode: 'U01' as UnitCode } as Actor;
    const e = await refusal(
      store.applyAction({
        caseNumber: record.caseNumber,
        expectedVersion: 1,
        viewer: other,
        event: { actor: other, actorName: '一号单位', at: AT },
        action: { type: 'accept' },
      }),
    );
    expect(e.code).toBe('FORBIDDEN');
    expect(e.details).not.toHaveProperty('version');
    expect(await store.getByNumber(record.caseNumber)).toEqual(record);
  });

  it('refuses an action the state machine forbids and stores nothing of it', async () => {
    const { record } = await store.createCase(filed());
    const e = await refusal(
      store.applyAction({
        caseNumber: record.caseNumber,
        expectedVersion: 3,
        event: { ...operator, at: AT },
        action: { type: 'close' },
      }),
    );
    expect(e.code).toBe('ILLEGAL_TRANSITION');
    expect(await store.getByNumber(record.caseNumber)).toEqual(record);
    const bad = await refusal(
      store.createCase({
        fields: fields(),
        events: [
          { ...operator, at: AT, action: { type: 'report' } },
          { ...operator, at: AT, action: { type: 'close' } },
        ],
      }),
    );
    expect(bad.code).toBe('ILLEGAL_TRANSITION');
    expect(await store.count({})).toBe(1);
  });

  it('returns the same case for a retried idempotency key and refuses the key for a different request', async () => {
    const input = { ...filed(), idempotency: { key: 'k-1', requestHash: 'h-1' } };
    const first = await store.createCase(input);
    const again = await store.createCase(input);
    expect(again).toMatchObject({ replayed: true, events: [], followed: [] });
    expect(again.record).toEqual(first.record);
    const e = await refusal(
      store.createCase({ ...filed('另一件事'), idempotency: { key: 'k-1', requestHash: 'h-2' } }),
    );
    expect(e.code).toBe('IDEMPOTENCY_MISMATCH');
    expect(await store.count({})).toBe(1);
    expect(await store.listEventsAfter(0)).toHaveLength(3);
  });

  it('makes the original record a call merged into it, in the same change (the domain follow-up)', async () => {
    const original = (await store.createCase(filed())).record;
    const merge: CaseAction = {
      type: 'merge',
      targetCaseNumber: original.caseNumber,
      reason: '来电反映同一问题',
    };
    const dup = await store.createCase({
      fields: fields('同一井盖'),
      events: [
        { ...operator, at: AT, action: { type: 'report' } },
        { ...operator, at: AT, action: merge },
      ],
    });
    expect(dup.record).toMatchObject({ state: 'merged', mergedInto: original.caseNumber });
    expect(dup.followed).toHaveLength(1);
    expect(dup.followed[0]!.record).toMatchObject({
      caseNumber: original.caseNumber,
      duplicateCount: 1,
      version: 4,
    });
    const last = (await store.listEvents(original.id)).at(-1)!;
    expect(last).toMatchObject({
      type: 'link_duplicate',
      actorName: '受理员',
      action: { duplicateCaseNumber: dup.record.caseNumber },
    });
  });

  it('writes an online report’s citizen row with the case, and not again on a replay', async () => {
    const citizenReport = {
      trackingCode: 'ABCD2345',
      lang: 'zh',
      publicOk: true,
      photos: [],
      coordSystem: 'gcj02',
      createdAt: AT,
    };
    const input = { ...filed(), idempotency: { key: 'citizen:1', requestHash: 'h' }, citizenReport };
    const { record } = await store.createCase(input);
    await store.createCase(input);
    const citizens = new CitizenStore(database);
    expect(await citizens.reportByCaseId(record.id)).toMatchObject({
      caseId: record.id,
      trackingCode: 'ABCD2345',
    });
    expect((await citizens.reportByCode('ABCD2345'))?.caseId).toBe(record.id);
  });

  it('reads the event log after an id in id order (the live backlog), in pages, and knows the last id', async () => {
    await store.createCase(filed());
    const second = await store.createCase(filed('第二件'));
    const all = await store.listEventsAfter(0);
    expect(all.map((e) => e.id)).toEqual([...all.map((e) => e.id)].sort((a, b) => a - b));
    expect(all).toHaveLength(6);
    expect(await store.lastEventId()).toBe(all.at(-1)!.id);
    const after = await store.listEventsAfter(all[2]!.id);
    expect(after.map((e) => e.caseNumber)).toEqual(Array(3).fill(second.record.caseNumber));
    expect((await store.listEventsAfter(0, 2)).map((e) => e.id)).toEqual(all.slice(0, 2).map((e) => e.id));
    expect(await store.listEventsAfter(all.at(-1)!.id)).toEqual([]);
  });

  it('finds open cases of a class in several boxes with one read', async () => {
    const a = (await store.createCase(filed())).record;
    const box = (lat: number, lng: number) => ({
      minorClassCode: 'C0302',
      south: lat - 0.001,
      north: lat + 0.001,
      west: lng - 0.001,
      east: lng + 0.001,
    });
    expect(
      (await store.listInBoxes([box(43.93, 116.07), box(44.5, 116.5)], ['dispatched'])).map(
        (r) => r.caseNumber,
      ),
    ).toEqual([a.caseNumber]);
    expect(
      await store.listInBoxes([{ ...box(43.93, 116.07), minorClassCode: 'C0101' }], ['dispatched']),
    ).toEqual([]);
    expect(await store.listInBoxes([box(43.93, 116.07)], ['closed'])).toEqual([]);
  });
});
