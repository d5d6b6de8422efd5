import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DomainError, type Actor, type CaseAction, type UnitCode } from '@citygrid/domain';
import { openDatabase } from '../client.ts';
import { openPgDatabase } from '../pg/client.ts';
import { PgCaseStore } from '../pg/pg-case-store.ts';
import { pgTestAvailability, startTestCluster, type TestCluster } from '../pg/test-cluster.ts';
import { verifyEveryCaseReplays, type CaseCoreStore } from './case-core.ts';
import { bareCaseFields } from './case-fields.ts';
import type { CaseStorePort } from './case-store-port.ts';
import { CaseStore, type CaseEventHook, type CreateCaseInput } from './case-store.ts';
import type { CitizenReportRow, NewOutboxEntry } from './citizen-store.ts';
import { sqliteCasesWithEvents } from './sqlite-case-core.ts';

/*
 * The write side of the case store on both backends: what a filing or an action writes besides the
 * case and its events (the citizen report, the hooks' outbox rows, the follow-ups on other cases),
 * all in the one transaction. SQLite runs `CaseStore` itself (the case-core adapter drops `followed`);
 * PostgreSQL runs `PgCaseStore` on a throwaway cluster. "second" is another pool on the same
 * database, as another node would have.
 */

type WriteStore = Pick<
  CaseStorePort,
  'addEventHook' | 'createCase' | 'applyAction' | 'createCasesBulk' | 'getByNumber' | 'listEvents'
>;

type OutboxSeen = Omit<NewOutboxEntry, 'at'>;

interface Opened {
  store: WriteStore;
  second: WriteStore;
  replays: Pick<CaseCoreStore, 'casesWithEvents'>;
  outbox(): Promise<OutboxSeen[]>;
  reports(): Promise<Array<Omit<CitizenReportRow, 'id'>>>;
  caseCount(): Promise<number>;
  close(): Promise<void>;
}

const pg = pgTestAvailability();
let cluster: TestCluster | null = null;
let dbCounter = 0;

const backends: Array<{ name: 'sqlite' | 'postgres'; open: () => Promise<Opened> }> = [
  {
    name: 'sqlite',
    open: async () => {
      const dir = mkdtempSync(join(tmpdir(), 'citygrid-writes-'));
      const a = openDatabase(join(dir, 'city.db'), { checkpoint: 'inline' });
      const b = openDatabase(join(dir, 'city.db'), { checkpoint: 'inline' });
      return {
        store: new CaseStore(a, a.writer),
        second: new CaseStore(b, b.writer),
        replays: { casesWithEvents: async (after, limit) => sqliteCasesWithEvents(a.sqlite, after, limit) },
        outbox: async () =>
          (
            a.sqlite
              .prepare(
                'select case_id as caseId, event_id as eventId, kind, phone, lang, params from notification_outbox order by id',
              )
              .all() as Array<OutboxSeen & { params: string }>
          ).map((r) => ({ ...r, params: JSON.parse(r.params) as Record<string, string> })),
        reports: async () =>
          (
            a.sqlite
              .prepare(
                'select case_id as caseId, tracking_code as trackingCode, lang, public_ok as publicOk, photos, coord_system as coordSystem, created_at as createdAt from citizen_reports order by id',
              )
              .all() as Array<Record<string, unknown>>
          ).map((r) => ({
            ...(r as unknown as Omit<CitizenReportRow, 'id'>),
            publicOk: r.publicOk === 1,
            photos: JSON.parse(r.photos as string) as string[],
          })),
        caseCount: async () => (a.sqlite.prepare('select count(*) as n from cases').get() as { n: number }).n,
        close: async () => {
          a.close();
          b.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  },
  {
    name: 'postgres',
    open: async () => {
      const url = cluster!.createDatabase(`writes_${++dbCounter}`);
      const a = await openPgDatabase(url, { max: 4 });
      const b = await openPgDatabase(url, { max: 4, migrate: false });
      const store = new PgCaseStore(a);
      return {
        store,
        second: new PgCaseStore(b),
        replays: store,
        outbox: async () =>
          (
            await a.sql<
              OutboxSeen[]
            >`select case_id as "caseId", event_id as "eventId", kind, phone, lang, params
            from notification_outbox order by id`
          ).map((r) => ({ ...r })),
        reports: async () =>
          (
            await a.sql<Array<Omit<CitizenReportRow, 'id'>>>`select case_id as "caseId",
            tracking_code as "trackingCode", lang, public_ok as "publicOk", photos,
            coord_system as "coordSystem", created_at as "createdAt" from citizen_reports order by id`
          ).map((r) => ({ ...r })),
        caseCount: async () => (await a.sql<[{ n: number }]>`select count(*)::int as n from cases`)[0].n,
        close: async () => {
          await a.close();
          await b.close();
        },
      };
    },
  },
];

beforeAll(async () => {
  if (pg.available) cluster = await startTestCluster({ bin: pg.bin });
});
afterAll(() => cluster?.stop());

const operator: Actor = { userId: 1, role: 'operator', unitCode: null };
const system: Actor = { userId: null, role: 'system', unitCode: null };
const citizen: Actor = { userId: null, role: 'public', unitCode: null };
const U1 = 'U01' as UnitCode;
const U2 = 'U02' as UnitCode;
const AT = '2026-11-24T02:00:00.000Z';
const LATER = '2026-11-24T02:05:00.000Z';
const DUE = '2026-11-25T02:00:00.000Z';
const MISSING = '20261124-9999';

const filing = (description: string, extra: Partial<CreateCaseInput> = {}): CreateCaseInput => ({
  fields: bareCaseFields(description, AT, { callerPhone: '13800000000' }),
  events: [
    { actor: operator, actorName: '受理员', at: AT, action: { type: 'report' } },
    { actor: operator, actorName: '受理员', at: AT, action: { type: 'file' } },
  ],
  ...extra,
});

/** A call taken in as a duplicate of `target`: reported, then merged into it. */
const mergedCall = (description: string, target: string, extra: Partial<CreateCaseInput> = {}) =>
  filing(description, {
    events: [
      { actor: operator, actorName: '受理员', at: LATER, action: { type: 'report' } },
      {
        actor: operator,
        actorName: '受理员',
        at: LATER,
        action: { type: 'merge', targetCaseNumber: target, reason: '来电反映同一问题' },
      },
    ],
    ...extra,
  });

const onlineReport = (trackingCode: string) =>
  filing('网上反映：路灯不亮', {
    fields: bareCaseFields('网上反映：路灯不亮', AT, { source: 'online', callerPhone: '13900000000' }),
    events: [{ actor: citizen, actorName: '市民', at: AT, action: { type: 'report' } }],
    citizenReport: {
      trackingCode,
      lang: 'en',
      publicOk: true,
      photos: ['a'.repeat(64)],
      coordSystem: 'gcj02',
      createdAt: AT,
    },
  });

const dispatch = (caseNumber: string, unitCode: UnitCode, expectedVersion?: number) => ({
  caseNumber,
  expectedVersion,
  event: { actor: system, actorName: '自动派遣', at: '2026-11-24T02:10:00.000Z' },
  action: { type: 'dispatch', unitCode, dueAt: DUE } as CaseAction,
});

/** A hook queueing one message per event, to the case's caller (or the online reporter's language). */
const perEventHook =
  (
    seen: Array<{ caseNumber: string; types: string[]; report: CitizenReportRow | null }> = [],
  ): CaseEventHook =>
  (record, events, report) => {
    seen.push({ caseNumber: record.caseNumber, types: events.map((e) => e.type), report });
    return events.map((e): NewOutboxEntry => ({
      caseId: record.id,
      eventId: e.id,
      kind: e.type,
      phone: record.callerPhone ?? '',
      lang: report?.lang ?? 'zh',
      params: { caseNumber: record.caseNumber, version: String(e.seq) },
      at: e.at,
    }));
  };

const codeOf = (e: unknown) => (e instanceof DomainError ? e.code : String(e));

describe.each(backends.filter((b) => b.name === 'sqlite' || pg.available))(
  'case writes on $name',
  ({ open }) => {
    let db: Opened;
    beforeEach(async () => {
      db = await open();
    });
    afterEach(async () => {
      await db.close();
    });

    it("writes an online case's citizen report with the case and hands it to the hooks", async () => {
      const seen: Parameters<typeof perEventHook>[0] = [];
      db.store.addEventHook(perEventHook(seen));
      const input = { ...onlineReport('XL7K2M9Q'), idempotency: { key: 'web-1', requestHash: 'h' } };
      const { record } = await db.store.createCase(input);
      const again = await db.second.createCase(input);
      expect(again).toMatchObject({ replayed: true, record: { id: record.id } });
      expect(await db.reports()).toEqual([
        {
          caseId: record.id,
          trackingCode: 'XL7K2M9Q',
          lang: 'en',
          publicOk: true,
          photos: ['a'.repeat(64)],
          coordSystem: 'gcj02',
          createdAt: AT,
        },
      ]);
      expect(seen).toHaveLength(1);
      expect(seen[0]!.report).toMatchObject({ caseId: record.id, trackingCode: 'XL7K2M9Q', lang: 'en' });
      expect(await db.outbox()).toMatchObject([{ caseId: record.id, kind: 'report', lang: 'en' }]);
    });

    it("writes the hooks' outbox rows with the events, and none on an idempotent replay", async () => {
      const seen: Parameters<typeof perEventHook>[0] = [];
      db.store.addEventHook(perEventHook(seen));
      db.second.addEventHook(perEventHook());
      const input = filing('噪音扰民', { idempotency: { key: 'k-1', requestHash: 'h-1' } });
      const filed = await db.store.createCase(input);
      // what the filing answers is what is stored (PostgreSQL files this case in one statement)
      expect(filed.record).toEqual(await db.store.getByNumber(filed.record.caseNumber));
      expect(filed.events).toEqual(await db.store.listEvents(filed.record.id));
      expect(await db.second.createCase(input)).toMatchObject({ replayed: true, events: [], followed: [] });
      expect(await db.store.createCase(input)).toMatchObject({ replayed: true });
      const moved = await db.store.applyAction(dispatch(filed.record.caseNumber, U1, 2));
      expect(moved.followed).toEqual([]);
      const events = await db.store.listEvents(filed.record.id);
      expect(await db.outbox()).toEqual(
        events.map((e) => ({
          caseId: filed.record.id,
          eventId: e.id,
          kind: e.type,
          phone: '13800000000',
          lang: 'zh',
          params: { caseNumber: filed.record.caseNumber, version: String(e.seq) },
        })),
      );
      expect(seen).toEqual([
        { caseNumber: filed.record.caseNumber, types: ['report', 'file'], report: null },
        { caseNumber: filed.record.caseNumber, types: ['dispatch'], report: null },
      ]);
    });

    it('keeps one outbox row per event and kind when two hooks queue the same message', async () => {
      db.store.addEventHook(perEventHook());
      db.store.addEventHook(perEventHook());
      const { events } = await db.store.createCase(filing('重复通知'));
      expect((await db.outbox()).map((o) => o.eventId)).toEqual(events.map((e) => e.id));
    });

    it('writes no outbox row, case or report when a later step of the filing fails', async () => {
      db.store.addEventHook(perEventHook());
      const refused = await db.store
        .createCase(
          mergedCall('重复来电', MISSING, { citizenReport: onlineReport('XL000001').citizenReport }),
        )
        .catch((e: unknown) => e);
      expect(codeOf(refused)).toBe('NOT_FOUND');
      expect(await db.caseCount()).toBe(0);
      expect(await db.outbox()).toEqual([]);
      expect(await db.reports()).toEqual([]);
    });

    it('writes no outbox row and leaves the case as it was when the follow-up of an action fails', async () => {
      const { record } = await db.store.createCase(filing('待合并'));
      db.store.addEventHook(perEventHook());
      const refused = await db.store
        .applyAction({
          caseNumber: record.caseNumber,
          expectedVersion: 2,
          event: { actor: operator, actorName: '受理员', at: LATER },
          action: { type: 'merge', targetCaseNumber: MISSING },
        })
        .catch((e: unknown) => e);
      expect(codeOf(refused)).toBe('NOT_FOUND');
      expect(await db.store.getByNumber(record.caseNumber)).toEqual(record);
      expect((await db.store.listEvents(record.id)).map((e) => e.type)).toEqual(['report', 'file']);
      expect(await db.outbox()).toEqual([]);
    });

    it('files nothing when the database refuses a row a hook queued', async () => {
      db.store.addEventHook((record, events) => [
        { ...perEventHook()(record, events, null)[0]!, phone: null as unknown as string },
      ]);
      const refused = await db.store.createCase(filing('坏的通知')).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(Error);
      expect(await db.caseCount()).toBe(0);
      expect(await db.outbox()).toEqual([]);
    });

    it('records a call merged at intake on the original in the same transaction, and both replay', async () => {
      const seen: Parameters<typeof perEventHook>[0] = [];
      db.store.addEventHook(perEventHook(seen));
      const original = await db.store.createCase(filing('井盖缺失'));
      await db.store.applyAction(dispatch(original.record.caseNumber, U1, 2));
      const call = await db.store.createCase(mergedCall('井盖缺失（再次来电）', original.record.caseNumber));
      expect(call.record).toMatchObject({ state: 'merged', mergedInto: original.record.caseNumber });
      expect(call.followed).toHaveLength(1);
      const [followed] = call.followed;
      expect(followed!.record).toMatchObject({
        caseNumber: original.record.caseNumber,
        state: 'dispatched',
        version: 4,
        duplicateCount: 1,
      });
      expect(followed!.events.map((e) => [e.seq, e.type, e.action])).toEqual([
        [4, 'link_duplicate', { type: 'link_duplicate', duplicateCaseNumber: call.record.caseNumber }],
      ]);
      expect(await db.second.getByNumber(original.record.caseNumber)).toEqual(followed!.record);
      expect(await db.second.listEvents(original.record.id)).toEqual(
        (await db.store.listEvents(original.record.id)).slice(0, 3).concat(followed!.events),
      );
      expect(seen.map((s) => [s.caseNumber, s.types])).toEqual([
        [original.record.caseNumber, ['report', 'file']],
        [original.record.caseNumber, ['dispatch']],
        [call.record.caseNumber, ['report', 'merge']],
        [original.record.caseNumber, ['link_duplicate']],
      ]);
      expect((await db.outbox()).filter((o) => o.kind === 'link_duplicate')).toMatchObject([
        { caseId: original.record.id, eventId: followed!.events[0]!.id },
      ]);
      expect(await verifyEveryCaseReplays(db.replays)).toEqual({ checked: 2, problems: [] });
    });

    it('records a merge action on the original and returns it as followed', async () => {
      const original = await db.store.createCase(filing('路面塌陷'));
      const dup = await db.store.createCase(filing('路面塌陷（重复）'));
      const merged = await db.second.applyAction({
        caseNumber: dup.record.caseNumber,
        expectedVersion: 2,
        event: { actor: { userId: 3, role: 'dispatcher', unitCode: null }, actorName: '派遣员', at: LATER },
        action: { type: 'merge', targetCaseNumber: original.record.caseNumber, reason: '同一问题' },
      });
      expect(merged.record).toMatchObject({ state: 'merged', version: 3 });
      expect(
        merged.followed.map((f) => [f.record.caseNumber, f.record.duplicateCount, f.record.version]),
      ).toEqual([[original.record.caseNumber, 1, 3]]);
      expect(await db.store.getByNumber(original.record.caseNumber)).toEqual(merged.followed[0]!.record);
      expect(await verifyEveryCaseReplays(db.replays)).toEqual({ checked: 2, problems: [] });
    });

    it("refuses another unit's staff before comparing versions, and changes neither case", async () => {
      db.store.addEventHook(perEventHook());
      const original = await db.store.createCase(filing('原案'));
      const held = await db.store.applyAction(dispatch(original.record.caseNumber, U1, 2));
      const dup = await db.store.createCase(filing('重复'));
      const before = (await db.outbox()).length;
      const refused = await db.second
        .applyAction({
          caseNumber: dup.record.caseNumber,
          expectedVersion: 1,
          viewer: { role: 'unit_staff', unitCode: U2 },
          event: { actor: { userId: 7, role: 'unit_staff', unitCode: U2 }, actorName: '别的单位', at: LATER },
          action: { type: 'merge', targetCaseNumber: original.record.caseNumber },
        })
        .catch((e: unknown) => e);
      expect(codeOf(refused)).toBe('FORBIDDEN');
      expect(await db.store.getByNumber(dup.record.caseNumber)).toEqual(dup.record);
      expect(await db.store.getByNumber(original.record.caseNumber)).toEqual(held.record);
      expect((await db.outbox()).length).toBe(before);
    });

    it('files many cases with their histories and reports in one call, without hooks, and they replay', async () => {
      db.store.addEventHook(perEventHook());
      const n = 25;
      const jobs: CreateCaseInput[] = Array.from({ length: n }, (_, i) =>
        i === 3
          ? onlineReport('XLBULK03')
          : i === 7
            ? mergedCall('批量重复', '20261124-0002')
            : filing(`批量 ${i}`, {
                events: [
                  ...filing('').events,
                  ...(i % 2
                    ? [
                        {
                          actor: system,
                          actorName: '自动派遣',
                          at: LATER,
                          action: { type: 'dispatch', unitCode: U1, dueAt: DUE } as CaseAction,
                        },
                      ]
                    : []),
                ],
              }),
      );
      await db.store.createCasesBulk(jobs);
      expect(await db.caseCount()).toBe(n);
      for (let i = 1; i <= n; i++)
        expect(await db.second.getByNumber(`20261124-${String(i).padStart(4, '0')}`)).not.toBeNull();
      expect(await db.store.getByNumber('20261124-0002')).toMatchObject({ duplicateCount: 1, version: 4 });
      expect(await db.reports()).toMatchObject([{ trackingCode: 'XLBULK03' }]);
      expect(await db.outbox()).toEqual([]);
      expect(await verifyEveryCaseReplays(db.replays, { pageSize: 7 })).toEqual({ checked: n, problems: [] });
    });

    it('skips a bulk job whose idempotency key was used for the same request, and refuses a different one', async () => {
      const key = (k: string, h = 'h') => ({ idempotency: { key: k, requestHash: h } });
      await db.store.createCase(filing('已受理', key('k-1')));
      await db.store.createCasesBulk([
        filing('重复提交', key('k-1')),
        filing('新的', key('k-2')),
        filing('批内重复', key('k-2')),
        filing('无键'),
      ]);
      expect(await db.caseCount()).toBe(3);
      expect((await db.store.getByNumber('20261124-0002'))?.description).toBe('新的');
      expect((await db.store.getByNumber('20261124-0003'))?.description).toBe('无键');
      const refused = await db.store
        .createCasesBulk([filing('另一个', key('k-3')), filing('不同请求', key('k-2', 'other'))])
        .catch((e: unknown) => e);
      expect(codeOf(refused)).toBe('IDEMPOTENCY_MISMATCH');
      expect(await db.caseCount()).toBe(3);
    });

    it('files nothing of a bulk whose one job fails', async () => {
      const refused = await db.store
        .createCasesBulk([filing('第一'), mergedCall('第二', MISSING)])
        .catch((e: unknown) => e);
      expect(codeOf(refused)).toBe('NOT_FOUND');
      // as one by one: a merge cannot name the case of a later job
      const early = await db.store
        .createCasesBulk([mergedCall('先合并', '20261124-0002'), filing('后受理')])
        .catch((e: unknown) => e);
      expect(codeOf(early)).toBe('NOT_FOUND');
      expect(await db.caseCount()).toBe(0);
    });

    it('keeps case numbers unique and every history whole when two nodes file and merge at once', async () => {
      db.store.addEventHook(perEventHook());
      db.second.addEventHook(perEventHook());
      const original = await db.store.createCase(filing('同一处积水'));
      const n = 12;
      // the original is dispatched while the calls are merged into it: row locks and the event-append
      // lock are taken in an order that cannot deadlock
      const [dispatched, ...acked] = await Promise.all([
        db.second.applyAction(dispatch(original.record.caseNumber, U1)),
        ...Array.from({ length: 2 * n }, (_, i) =>
          (i % 2 ? db.second : db.store).createCase(
            i % 3 === 0 ? mergedCall(`积水 ${i}`, original.record.caseNumber) : filing(`并发 ${i}`),
          ),
        ),
      ]);
      expect(dispatched.record.state).toBe('dispatched');
      const numbers = acked.map((r) => r.record.caseNumber).concat(original.record.caseNumber);
      expect(new Set(numbers).size).toBe(2 * n + 1);
      expect(numbers.sort()).toEqual(
        Array.from({ length: 2 * n + 1 }, (_, i) => `20261124-${String(i + 1).padStart(4, '0')}`),
      );
      const merges = acked.filter((r) => r.record.state === 'merged').length;
      expect(merges).toBe(8);
      expect(await db.store.getByNumber(original.record.caseNumber)).toMatchObject({
        state: 'dispatched',
        duplicateCount: merges,
        version: 3 + merges,
      });
      const eventCount = 3 + 2 * 2 * n + merges;
      expect(await db.outbox()).toHaveLength(eventCount);
      expect(await verifyEveryCaseReplays(db.replays)).toEqual({ checked: 2 * n + 1, problems: [] });
    });
  },
);

if (!pg.available) {
  describe('case writes on postgres', () => {
    it.skip(pg.reason, () => {});
  });
}
