import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DomainError, type Actor, type CaseAction, type UnitCode } from '@citygrid/domain';
import { PgCaseStore } from '../pg/pg-case-store.ts';
import { contractBackends } from '../pg/test-backends.ts';
import { verifyEveryCaseReplays, type CaseCoreStore, type CoreCreateInput } from './case-core.ts';
import { bareCaseFields } from './case-fields.ts';
import type { NewCaseFields } from './case-types.ts';
import { SqliteCaseCore } from './sqlite-case-core.ts';

/*
 * One contract, two backends: the same cases run against the SQLite store (through its async
 * adapter) and the PostgreSQL store on a throwaway cluster (real Debian PostgreSQL, nothing mocked).
 * "Second connection" is another pool on the same database, as another node would have.
 */

interface Opened {
  store: CaseCoreStore;
  /** The same database through another connection (pool). */
  second: CaseCoreStore;
  /** Run raw SQL that changes a row behind the store's back (to show the replay check can fail). */
  tamper(statement: string): Promise<void>;
  close(): Promise<void>;
}

const backends = contractBackends('core');

async function open(backend: 'sqlite' | 'postgres'): Promise<Opened> {
  const d = await backends.open(backend);
  if (d.backend === 'sqlite')
    return {
      store: new SqliteCaseCore(d.a),
      second: new SqliteCaseCore(d.b),
      tamper: async (s) => void d.a.sqlite.exec(s),
      close: d.close,
    };
  return {
    store: new PgCaseStore(d.a),
    second: new PgCaseStore(d.b),
    tamper: async (s) => void (await d.a.sql.unsafe(s)),
    close: d.close,
  };
}

beforeAll(() => backends.start());
afterAll(() => backends.stop());

const operator: Actor = { userId: 1, role: 'operator', unitCode: null };
const system: Actor = { userId: null, role: 'system', unitCode: null };
const U1 = 'U01' as UnitCode;
const U2 = 'U02' as UnitCode;
const AT = '2026-11-24T02:00:00.000Z';
const DUE = '2026-11-25T02:00:00.000Z';

function fields(description: string): NewCaseFields {
  // caller, place and grid set, so that each is seen to round-trip
  return bareCaseFields(description, AT, {
    callerName: '测试',
    callerPhone: '13800000000',
    lat: 43.934123456789,
    lng: 116.086987654321,
    address: '锡林浩特市',
    gridVersionId: 1,
    cellCode: '152502001001',
    communityCode: 'C01',
    subDistrictCode: 'S01',
  });
}

const filing = (description: string, extra: Partial<CoreCreateInput> = {}): CoreCreateInput => ({
  fields: fields(description),
  events: [
    { actor: operator, actorName: '受理员', at: AT, action: { type: 'report' } },
    { actor: operator, actorName: '受理员', at: AT, action: { type: 'file' } },
  ],
  ...extra,
});

const dispatch = (caseNumber: string, unitCode: UnitCode, expectedVersion?: number) => ({
  caseNumber,
  expectedVersion,
  event: { actor: system, actorName: '自动派遣', at: '2026-11-24T02:01:00.000Z' },
  action: { type: 'dispatch', unitCode, dueAt: DUE } as CaseAction,
});

const codeOf = (e: unknown) => (e instanceof DomainError ? e.code : String(e));

describe.each(backends.names)('case core on %s', (backend) => {
  let db: Opened;
  beforeEach(async () => {
    db = await open(backend);
  });
  afterEach(async () => {
    await db.close();
  });

  it('files a case with its first events in one transaction and reads them back', async () => {
    const { record, events, replayed } = await db.store.createCase(filing('垃圾箱满溢'));
    expect(replayed).toBe(false);
    expect(record.caseNumber).toMatch(/^20261124-0001$/);
    expect(record).toMatchObject({
      state: 'filed',
      version: 2,
      lat: 43.934123456789,
      publicConsent: false,
      verified: false,
    });
    expect(events.map((e) => [e.seq, e.type, e.fromState, e.toState])).toEqual([
      [1, 'report', null, 'reported'],
      [2, 'file', 'reported', 'filed'],
    ]);
    expect(await db.second.getByNumber(record.caseNumber)).toEqual(record);
    expect(await db.second.listEvents(record.id)).toEqual(events);
  });

  it('refuses an action whose expected version moved and leaves the row and the log unchanged', async () => {
    const { record } = await db.store.createCase(filing('井盖缺失'));
    const moved = await db.store.applyAction(dispatch(record.caseNumber, U1, 2));
    expect(moved.record).toMatchObject({ state: 'dispatched', version: 3, unitCode: U1, dueAt: DUE });
    const stale = await db.store.applyAction(dispatch(record.caseNumber, U2, 2)).catch((e: unknown) => e);
    expect(codeOf(stale)).toBe('CONFLICT');
    expect(await db.store.getByNumber(record.caseNumber)).toEqual(moved.record);
    expect((await db.store.listEvents(record.id)).map((e) => e.seq)).toEqual([1, 2, 3]);
  });

  it("refuses another unit's staff before comparing versions, and changes nothing", async () => {
    const { record } = await db.store.createCase(filing('外单位'));
    const held = await db.store.applyAction(dispatch(record.caseNumber, U1, 2));
    const outsider = {
      actor: { userId: 7, role: 'unit_staff', unitCode: U2 } as Actor,
      actorName: '别的单位',
      at: '2026-11-24T04:00:00.000Z',
    };
    const refused = await db.second
      .applyAction({
        caseNumber: record.caseNumber,
        expectedVersion: 1,
        viewer: { role: 'unit_staff', unitCode: U2 },
        event: outsider,
        action: { type: 'accept' },
      })
      .catch((e: unknown) => e);
    expect(codeOf(refused)).toBe('FORBIDDEN');
    expect(await db.store.getByNumber(record.caseNumber)).toEqual(held.record);
  });

  it('lets exactly one of two connections apply an action at the same version', async () => {
    const { record } = await db.store.createCase(filing('路灯不亮'));
    const outcomes = await Promise.allSettled([
      db.store.applyAction(dispatch(record.caseNumber, U1, 2)),
      db.second.applyAction(dispatch(record.caseNumber, U2, 2)),
    ]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const refused = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
    expect(codeOf(refused.reason)).toBe('CONFLICT');
    const now = await db.store.getByNumber(record.caseNumber);
    expect(now?.version).toBe(3);
    expect((await db.store.listEvents(record.id)).map((e) => e.seq)).toEqual([1, 2, 3]);
  });

  it('answers a repeated idempotency key with the first case and refuses the key for a different request', async () => {
    const first = await db.store.createCase(
      filing('噪音扰民', { idempotency: { key: 'k-1', requestHash: 'h-1' } }),
    );
    const again = await db.second.createCase(
      filing('噪音扰民', { idempotency: { key: 'k-1', requestHash: 'h-1' } }),
    );
    expect(again.replayed).toBe(true);
    expect(again.record.id).toBe(first.record.id);
    const other = await db.store
      .createCase(filing('别的事', { idempotency: { key: 'k-1', requestHash: 'h-2' } }))
      .catch((e: unknown) => e);
    expect(codeOf(other)).toBe('IDEMPOTENCY_MISMATCH');
    expect((await db.store.casesWithEvents(0, 100)).length).toBe(1);
  });

  it('keeps one case per idempotency key when two connections file it at the same moment', async () => {
    const input = () => filing('占道经营', { idempotency: { key: 'k-race', requestHash: 'h' } });
    const [a, b] = await Promise.all([db.store.createCase(input()), db.second.createCase(input())]);
    expect(a.record.id).toBe(b.record.id);
    expect([a.replayed, b.replayed].sort()).toEqual([false, true]);
    expect((await db.store.casesWithEvents(0, 100)).length).toBe(1);
  });

  it('numbers cases uniquely when two connections file at once, and every acknowledged case is stored', async () => {
    const n = 15;
    const acked = await Promise.all(
      Array.from({ length: 2 * n }, (_, i) =>
        (i % 2 ? db.second : db.store).createCase(filing(`并发受理 ${i}`)),
      ),
    );
    const numbers = acked.map((r) => r.record.caseNumber).sort();
    expect(new Set(numbers).size).toBe(2 * n);
    expect(numbers).toEqual(
      Array.from({ length: 2 * n }, (_, i) => `20261124-${String(i + 1).padStart(4, '0')}`),
    );
    for (const r of acked)
      expect((await db.second.getByNumber(r.record.caseNumber))?.description).toBe(r.record.description);
    const { checked, problems } = await verifyEveryCaseReplays(db.second);
    expect({ checked, problems }).toEqual({ checked: 2 * n, problems: [] });
  });

  it('reads the event log after an event id in id order, and a reader following it misses nothing', async () => {
    const seen: number[] = [];
    let cursor = await db.store.lastEventId();
    expect(cursor).toBe(0);
    let writing = true;
    const follow = (async () => {
      while (writing || (await db.second.lastEventId()) > cursor) {
        for (const e of await db.second.listEventsAfter(cursor, 7)) {
          expect(e.id).toBeGreaterThan(cursor);
          seen.push(e.id);
          cursor = e.id;
        }
        await new Promise((r) => setTimeout(r, 2));
      }
    })();
    const filed = await Promise.all(
      Array.from({ length: 12 }, (_, i) => (i % 2 ? db.second : db.store).createCase(filing(`事件流 ${i}`))),
    );
    await Promise.all(
      filed.map((f, i) => (i % 2 ? db.store : db.second).applyAction(dispatch(f.record.caseNumber, U1, 2))),
    );
    writing = false;
    await follow;
    const all = await db.store.listEventsAfter(0, 10_000);
    expect(all).toHaveLength(36);
    expect(seen).toEqual(all.map((e) => e.id));
    expect(await db.store.lastEventId()).toBe(all[all.length - 1]!.id);
    const after = all[10]!.id;
    expect((await db.store.listEventsAfter(after, 5)).map((e) => e.id)).toEqual(
      all.slice(11, 16).map((e) => e.id),
    );
  });

  it('replays every case to its row, and finds a row changed behind the log', async () => {
    const a = await db.store.createCase(filing('一号'));
    const b = await db.store.createCase(filing('二号'));
    await db.store.applyAction(dispatch(a.record.caseNumber, U1, 2));
    await db.store.applyAction({
      caseNumber: a.record.caseNumber,
      expectedVersion: 3,
      event: {
        actor: { userId: 9, role: 'unit_staff', unitCode: U1 },
        actorName: '处置员',
        at: '2026-11-24T03:00:00.000Z',
      },
      action: { type: 'accept' },
    });
    expect(await verifyEveryCaseReplays(db.store, { pageSize: 1 })).toEqual({ checked: 2, problems: [] });
    await db.tamper(`update cases set unit_code = 'U99' where id = ${b.record.id}`);
    const { problems } = await verifyEveryCaseReplays(db.store);
    expect(problems).toEqual([`${b.record.caseNumber}: unitCode stored "U99" but replays to null`]);
  });
});

const pg = backends.pg;
if (!pg.available) {
  describe('case core on postgres', () => {
    it.skip(pg.reason, () => {});
  });
}
