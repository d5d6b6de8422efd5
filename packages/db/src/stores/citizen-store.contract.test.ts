import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Actor } from '@citygrid/domain';
import { openDatabase } from '../client.ts';
import { openPgDatabase } from '../pg/client.ts';
import { PgCaseStore } from '../pg/pg-case-store.ts';
import { PgCitizenStore, pgEnqueueOutbox, pgInsertCitizenReport } from '../pg/pg-citizen-store.ts';
import { pgTestAvailability, startTestCluster, type TestCluster } from '../pg/test-cluster.ts';
import { bareCaseFields } from './case-fields.ts';
import { CaseStore } from './case-store.ts';
import type { CitizenStorePort } from './citizen-store-port.ts';
import { CitizenStore, type CitizenReportRow, type NewOutboxEntry, type OutboxRow } from './citizen-store.ts';

/*
 * One contract, two backends, for the citizen channel's rows: reports (written with the case),
 * the SMS outbox (claims by two connections, as two nodes would hold, never overlap) and the sink.
 * "second" is another connection (pool) on the same database.
 */

type Report = Omit<CitizenReportRow, 'id' | 'caseId'>;

interface Opened {
  store: CitizenStorePort;
  second: CitizenStorePort;
  /** File an online case carrying this citizen report (with an idempotency key). */
  fileOnline(
    description: string,
    report: Report,
    idempotencyKey: string,
  ): Promise<{ id: number; caseNumber: string }>;
  /** Queue outbox rows as a case write's hook would. */
  enqueue(entries: readonly NewOutboxEntry[]): Promise<void>;
  close(): Promise<void>;
}

const AT = '2026-11-24T02:00:00.000Z';
const citizen: Actor = { userId: null, role: 'public', unitCode: null };
const filing = (description: string) => ({
  fields: bareCaseFields(description, AT, { source: 'online', nature: 'report', callerPhone: '13900000001' }),
  events: [{ actor: citizen, actorName: '市民', at: AT, action: { type: 'report' as const } }],
});

const pg = pgTestAvailability();
let cluster: TestCluster | null = null;
let dbCounter = 0;

const backends: Array<{ name: 'sqlite' | 'postgres'; open: () => Promise<Opened> }> = [
  {
    name: 'sqlite',
    open: async () => {
      const dir = mkdtempSync(join(tmpdir(), 'citygrid-citizen-'));
      const a = openDatabase(join(dir, 'city.db'), { checkpoint: 'inline' });
      const b = openDatabase(join(dir, 'city.db'), { checkpoint: 'inline' });
      const cases = new CaseStore(a, a.writer);
      const store = new CitizenStore(a);
      return {
        store,
        second: new CitizenStore(b),
        fileOnline: async (description, citizenReport, key) => {
          const { record } = await cases.createCase({
            ...filing(description),
            idempotency: { key, requestHash: key },
            citizenReport,
          });
          return { id: record.id, caseNumber: record.caseNumber };
        },
        enqueue: async (entries) => {
          for (const e of entries) store.enqueueNow(e);
        },
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
      const url = cluster!.createDatabase(`citizen_${++dbCounter}`);
      const a = await openPgDatabase(url, { max: 4 });
      const b = await openPgDatabase(url, { max: 4, migrate: false });
      const cases = new PgCaseStore(a);
      return {
        store: new PgCitizenStore(a),
        second: new PgCitizenStore(b),
        fileOnline: async (description, report, key) => {
          // the report row as the case store's transaction writes it (PgCaseStore's citizenReport is another helper's)
          const { record } = await cases.createCase({
            ...filing(description),
            idempotency: { key, requestHash: key },
          });
          await pgInsertCitizenReport(a.sql, { ...report, caseId: record.id });
          return { id: record.id, caseNumber: record.caseNumber };
        },
        enqueue: (entries) => pgEnqueueOutbox(a.sql, entries),
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

const SHA_A = 'a'.repeat(64);
const SHA_B = 'b'.repeat(64);
const SHA_C = 'c'.repeat(64);
const report = (trackingCode: string, photos: string[]): Report => ({
  trackingCode,
  lang: 'mn',
  publicOk: true,
  photos,
  coordSystem: 'gcj02',
  createdAt: AT,
});
const entry = (caseId: number, eventId: number, kind = 'received', at = AT): NewOutboxEntry => ({
  caseId,
  eventId,
  kind,
  phone: '13900000001',
  lang: 'mn',
  params: { code: `T${eventId}`, url: 'https://x/track/T' },
  at,
});
const plus = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();

describe.each(backends.filter((b) => b.name === 'sqlite' || pg.available))(
  'citizen store on $name',
  ({ open }) => {
    let db: Opened;
    beforeEach(async () => {
      db = await open();
    });
    afterEach(async () => {
      await db.close();
    });

    it('finds a report by code, by case, by photo and by idempotency key, from another connection', async () => {
      const one = await db.fileOnline('垃圾箱满溢', report('ABCDEFGH2345', [SHA_A, SHA_B]), 'citizen:k-1');
      const two = await db.fileOnline('井盖缺失', report('ZZZZYYYY2345', [SHA_A]), 'citizen:k-2');
      const expected = { caseId: one.id, ...report('ABCDEFGH2345', [SHA_A, SHA_B]) };
      expect(await db.second.reportByCode('ABCDEFGH2345')).toMatchObject(expected);
      expect(await db.second.reportByCaseId(one.id)).toMatchObject(expected);
      expect(await db.second.reportByCode('NOSUCHCODE23')).toBeNull();
      expect(await db.second.reportByCaseId(9999)).toBeNull();
      expect(await db.second.reportHasPhoto(one.id, SHA_B)).toBe(true);
      expect(await db.second.reportHasPhoto(two.id, SHA_B)).toBe(false);
      expect(await db.second.reportHasPhoto(one.id, SHA_C)).toBe(false);
      expect((await db.second.caseNumbersWithPhoto(SHA_A)).sort()).toEqual(
        [one.caseNumber, two.caseNumber].sort(),
      );
      expect(await db.second.caseNumbersWithPhoto(SHA_B)).toEqual([one.caseNumber]);
      expect(await db.second.caseNumbersWithPhoto(SHA_C)).toEqual([]);
      expect(await db.second.caseIdOfIdempotencyKey('citizen:k-2')).toBe(two.id);
      expect(await db.second.caseIdOfIdempotencyKey('citizen:k-3')).toBeNull();
    });

    it('never gives the same outbox row to two connections claiming at once, and gives every due row', async () => {
      const { id } = await db.fileOnline('路灯不亮', report('ABCDEFGH2345', []), 'citizen:k-1');
      await db.enqueue(Array.from({ length: 40 }, (_, i) => entry(id, i + 1)));
      const lockUntil = plus(AT, 60_000);
      const claimed: OutboxRow[][] = [];
      for (;;) {
        const round = await Promise.all([
          db.store.claimDue(AT, lockUntil, 3),
          db.second.claimDue(AT, lockUntil, 3),
          db.store.claimDue(AT, lockUntil, 3),
          db.second.claimDue(AT, lockUntil, 3),
        ]);
        if (round.every((r) => r.length === 0)) break;
        claimed.push(...round);
      }
      const ids = claimed.flat().map((r) => r.id);
      expect(ids).toHaveLength(40);
      expect(new Set(ids).size).toBe(40);
      // each claim comes back in outbox order, with its lock
      for (const c of claimed)
        expect(c.map((r) => r.id)).toEqual([...c.map((r) => r.id)].sort((x, y) => x - y));
      expect(claimed.flat().every((r) => r.lockedUntil === null || r.lockedUntil === lockUntil)).toBe(true);
      const rows = await db.second.outboxOf(id);
      expect(rows.every((r) => r.lockedUntil === lockUntil && r.status === 'pending')).toBe(true);
      // while the lock holds nobody gets them; once it has passed, another sender may take them over
      expect(await db.second.claimDue(plus(AT, 59_999), plus(AT, 120_000), 100)).toEqual([]);
      expect(await db.second.claimDue(lockUntil, plus(AT, 120_000), 100)).toHaveLength(40);
    });

    it('records outcomes: sent, retried at its next attempt, given up; a repeated (event, kind) is queued once', async () => {
      const { id } = await db.fileOnline('噪音扰民', report('ABCDEFGH2345', []), 'citizen:k-1');
      await db.enqueue([entry(id, 1, 'received'), entry(id, 2, 'filed'), entry(id, 3, 'dispatched')]);
      await db.enqueue([entry(id, 1, 'received')]); // a replayed hook
      const [sent, retry, dead] = await db.store.claimDue(AT, plus(AT, 60_000), 10);
      expect([sent?.kind, retry?.kind, dead?.kind]).toEqual(['received', 'filed', 'dispatched']);
      expect(sent).toMatchObject({
        eventId: 1,
        attempts: 0,
        params: { code: 'T1', url: 'https://x/track/T' },
      });
      const later = plus(AT, 5_000);
      await db.second.recordOutcomes([
        { id: sent!.id, sent: true, at: plus(AT, 1) },
        { id: retry!.id, sent: false, error: 'gateway timeout', nextAttemptAt: later, giveUp: false },
        { id: dead!.id, sent: false, error: 'x'.repeat(600), nextAttemptAt: later, giveUp: true },
      ]);
      const rows = await db.store.outboxOf(id);
      expect(rows.map((r) => [r.kind, r.status, r.attempts, r.lockedUntil])).toEqual([
        ['received', 'sent', 1, null],
        ['filed', 'pending', 1, null],
        ['dispatched', 'failed', 1, null],
      ]);
      expect(rows[0]).toMatchObject({ sentAt: plus(AT, 1), lastError: null });
      expect(rows[1]).toMatchObject({ nextAttemptAt: later, lastError: 'gateway timeout', sentAt: null });
      expect(rows[2]!.lastError).toHaveLength(500);
      // the retry waits for its next attempt; sent and failed rows are never claimed again
      expect(await db.second.claimDue(plus(AT, 4_999), plus(AT, 70_000), 10)).toEqual([]);
      expect((await db.second.claimDue(later, plus(AT, 70_000), 10)).map((r) => [r.id, r.attempts])).toEqual([
        [retry!.id, 1],
      ]);
      await db.store.recordOutcomes([]);
    });

    it('keeps one sink message per outbox row and lists them by phone', async () => {
      const msg = (outboxId: number, phone: string) => ({
        outboxId,
        phone,
        lang: 'zh',
        kind: 'dispatched',
        templateId: 'dispatched.zh',
        params: { code: '20261124-0001', unit: '环卫' },
        text: `短信 ${outboxId}`,
        sentAt: AT,
      });
      expect(await db.store.sinkPut([msg(1, '13900000001')])).toBe(1);
      expect(await db.second.sinkPut([msg(1, '13900000001')])).toBe(0);
      expect(
        await db.second.sinkPut([msg(2, '13900000002'), msg(1, '13900000001'), msg(3, '13900000001')]),
      ).toBe(2);
      expect(await db.store.sinkPut([])).toBe(0);
      const mine = await db.second.sinkMessages('13900000001');
      expect(mine.map((m) => m.outboxId)).toEqual([1, 3]);
      expect(mine[0]).toMatchObject({ ...msg(1, '13900000001'), id: expect.any(Number) });
      expect((await db.store.sinkMessages()).map((m) => m.outboxId)).toEqual([1, 2, 3]);
      expect(await db.store.sinkMessages('13900000009')).toEqual([]);
    });
  },
);
