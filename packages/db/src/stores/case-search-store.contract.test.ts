import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Actor, CaseAction, UnitCode } from '@citygrid/domain';
import { openDatabase } from '../client.ts';
import { openPgDatabase, type PgDatabase } from '../pg/client.ts';
import { PgCaseSearchStore } from '../pg/pg-case-search-store.ts';
import { PgCaseStore } from '../pg/pg-case-store.ts';
import { pgTestAvailability, startTestCluster, type TestCluster } from '../pg/test-cluster.ts';
import type { CaseCoreStore } from './case-core.ts';
import { bareCaseFields } from './case-fields.ts';
import type {
  CaseSearchCriteria,
  CaseSearchPage,
  CaseSearchResult,
  CaseSearchStorePort,
} from './case-search-store-port.ts';
import { CaseSearchStore } from './case-search-store.ts';
import { SqliteCaseCore } from './sqlite-case-core.ts';

/*
 * One contract, two backends: the staff search over cases filed through each backend's case store
 * (SQLite: FTS5 trigram index; PostgreSQL: pg_trgm on a throwaway cluster). The same cases give
 * the same pages on both: Chinese substrings of any length, phone digits, case numbers, no match,
 * a unit's scope, paging.
 */

interface Opened {
  cases: CaseCoreStore;
  search: CaseSearchStorePort;
  /** The PostgreSQL database (for EXPLAIN), null on SQLite. */
  pg: PgDatabase | null;
  close(): Promise<void>;
}

const pgAvailable = pgTestAvailability();
let cluster: TestCluster | null = null;
let dbCounter = 0;

const backends: Array<{ name: 'sqlite' | 'postgres'; open: () => Promise<Opened> }> = [
  {
    name: 'sqlite',
    open: async () => {
      const dir = mkdtempSync(join(tmpdir(), 'citygrid-search-'));
      const a = openDatabase(join(dir, 'city.db'), { checkpoint: 'inline' });
      return {
        cases: new SqliteCaseCore(a),
        search: new CaseSearchStore(a),
        pg: null,
        close: async () => {
          a.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  },
  {
    name: 'postgres',
    open: async () => {
      const url = cluster!.createDatabase(`search_${++dbCounter}`);
      const a = await openPgDatabase(url, { max: 4 });
      return {
        cases: new PgCaseStore(a),
        search: new PgCaseSearchStore(a),
        pg: a,
        close: () => a.close(),
      };
    },
  },
];
const enabled = backends.filter((b) => b.name === 'sqlite' || pgAvailable.available);

beforeAll(async () => {
  if (pgAvailable.available) cluster = await startTestCluster({ bin: pgAvailable.bin });
});
afterAll(() => cluster?.stop());

const operator: Actor = { userId: 1, role: 'operator', unitCode: null };
const system: Actor = { userId: null, role: 'system', unitCode: null };
const AT = '2026-11-24T02:00:00.000Z';

interface Seed {
  description: string;
  address?: string | null;
  phone?: string | null;
  unit?: string;
}

/** File the cases in order (ids 1..n on a new database), dispatching those with a unit. */
async function file(store: CaseCoreStore, seeds: readonly Seed[]): Promise<number[]> {
  const ids: number[] = [];
  for (const s of seeds) {
    const { record } = await store.createCase({
      fields: bareCaseFields(s.description, AT, { address: s.address ?? null, callerPhone: s.phone ?? null }),
      events: [
        { actor: operator, actorName: '受理员', at: AT, action: { type: 'report' } },
        { actor: operator, actorName: '受理员', at: AT, action: { type: 'file' } },
      ],
    });
    if (s.unit) {
      await store.applyAction({
        caseNumber: record.caseNumber,
        event: { actor: system, actorName: '自动派遣', at: AT },
        action: {
          type: 'dispatch',
          unitCode: s.unit as UnitCode,
          dueAt: '2026-11-26T02:00:00.000Z',
        } as CaseAction,
      });
    }
    ids.push(record.id);
  }
  return ids;
}

const SEEDS: Seed[] = [
  { description: '锡林大街垃圾箱满溢', address: '锡林大街12号', phone: '13800000001', unit: 'U05' },
  { description: '路面塌陷', address: '杭盖路', phone: '4798221234', unit: 'U07' },
  { description: '占道经营 Street Vendor', address: '锡林大街', phone: null },
  { description: '折扣100%_全场', address: null, phone: null },
  { description: '井盖松动响声', address: '宝力根路', phone: '13800000002', unit: 'U05' },
];

const text = (...terms: string[]): CaseSearchCriteria => ({
  caseNumberPrefix: null,
  phone: null,
  textTerms: terms,
  digits: false,
});
const digits = (d: string): CaseSearchCriteria => ({ ...text(d), digits: true });
const page = (over: Partial<CaseSearchPage> = {}): CaseSearchPage => ({
  unitCode: null,
  before: null,
  limit: 20,
  ...over,
});

describe.each(enabled)('case search on $name', ({ open }) => {
  let db: Opened;
  let ids: number[];
  const found = async (c: CaseSearchCriteria, p = page()) =>
    (await db.search.search(c, p)).rows.map((r) => r.id);
  beforeEach(async () => {
    db = await open();
    ids = await file(db.cases, SEEDS);
  });
  afterEach(async () => {
    await db.close();
  });

  it('finds Chinese substrings of any length in description or address, every term, newest first', async () => {
    const [a, b, c, , e] = ids;
    expect(await found(text('垃圾箱满'))).toEqual([a]);
    expect(await found(text('锡林大街'))).toEqual([c, a]);
    expect(await found(text('盖路'))).toEqual([b]);
    expect(await found(text('街'))).toEqual([c, a]);
    expect(await found(text('路'))).toEqual([e, b]);
    expect(await found(text('经营', '大街'))).toEqual([c]);
    expect(await found(text('经营', '垃圾'))).toEqual([]);
    expect(await found(text('street'))).toEqual([c]); // letters in any case
    expect(await found(text('彗星'))).toEqual([]);
    expect(await found(text('彗星尾巴'))).toEqual([]);
  });

  it('returns the case row a person sees', async () => {
    const result = await db.search.search(text('垃圾箱'), page());
    expect(result).toEqual({
      rows: [
        {
          id: ids[0]!,
          caseNumber: expect.stringMatching(/^20261124-\d{4}$/),
          state: 'dispatched',
          reportedAt: AT,
          description: '锡林大街垃圾箱满溢',
          address: '锡林大街12号',
          callerPhone: '13800000001',
          unitCode: 'U05',
          minorClassCode: 'C0302',
          communityCode: null,
        },
      ],
      nextCursor: null,
      total: 1,
      totalCapped: false,
    } satisfies CaseSearchResult);
  });

  it('finds phone digits in the caller phone only when typed as a phone, an exact phone, a case number prefix', async () => {
    const [a, b, , , e] = ids;
    expect(await found(digits('0000'))).toEqual([e, a]);
    expect(await found(text('0000'))).toEqual([]);
    expect(await found({ ...text(), phone: '4798221234', digits: true })).toEqual([b]);
    expect(await found({ ...text(), phone: '4798220000', digits: true })).toEqual([]);
    const number = (await db.search.search(text('垃圾箱'), page())).rows[0]!.caseNumber;
    expect(await found({ ...text(), caseNumberPrefix: number })).toEqual([a]);
    expect(await found({ ...text(), caseNumberPrefix: '20261124' })).toEqual([...ids].reverse());
    expect(await found({ ...text(), caseNumberPrefix: '20261125' })).toEqual([]);
    // any kind matching is enough
    expect(await found({ ...digits('0002'), phone: '4798221234' })).toEqual([e, b]);
  });

  it('treats LIKE wildcards and FTS syntax in the words as plain characters', async () => {
    const d = ids[3];
    expect(await found(text('100%_'))).toEqual([d]);
    expect(await found(text('%'))).toEqual([d]);
    expect(await found(text('_'))).toEqual([d]);
    expect(await found(text('"全场 OR'))).toEqual([]);
  });

  it("keeps a unit's scope", async () => {
    const [a, b, , , e] = ids;
    expect(await found(text('路'), page({ unitCode: 'U05' }))).toEqual([e]);
    expect(await found(text('路'), page({ unitCode: 'U07' }))).toEqual([b]);
    expect(await found(digits('1380'), page({ unitCode: 'U05' }))).toEqual([e, a]);
    expect(await found(text('锡林大街'), page({ unitCode: 'U09' }))).toEqual([]);
  });

  it('pages newest first with a keyset cursor, counting on the first page only', async () => {
    const more = await file(
      db.cases,
      Array.from({ length: 23 }, (_, i) => ({
        description: `井盖松动第${i}处`,
        unit: i % 2 ? 'U05' : 'U07',
      })),
    );
    const all = [...more].reverse().concat(ids[4]!);
    const seen: number[] = [];
    let before: number | null = null;
    const totals: Array<number | null> = [];
    for (let n = 0; n < 10; n++) {
      const r: CaseSearchResult = await db.search.search(text('井盖松动'), page({ limit: 7, before }));
      seen.push(...r.rows.map((x) => x.id));
      totals.push(r.total);
      expect(r.totalCapped).toBe(false);
      before = r.nextCursor;
      if (before === null) break;
    }
    expect(seen).toEqual(all);
    expect(totals).toEqual([24, null, null, null]);
    // a one-character word (read row by row on PostgreSQL) pages the same way, in a unit's scope
    const ofU05 = [...more]
      .reverse()
      .filter((id) => (id - more[0]!) % 2 === 1)
      .concat(ids[4]!);
    expect(ofU05).toHaveLength(12);
    const short = await db.search.search(text('井'), page({ limit: 10, unitCode: 'U05' }));
    expect(short.total).toBe(12);
    const next = await db.search.search(
      text('井'),
      page({ limit: 10, unitCode: 'U05', before: short.nextCursor }),
    );
    expect(next.total).toBeNull();
    expect([...short.rows, ...next.rows].map((r) => r.id)).toEqual(ofU05);
    expect(next.nextCursor).toBeNull();
  });
});

describe.skipIf(!pgAvailable.available)('case search on both backends', () => {
  it('answers the same pages for the same cases', async () => {
    const [lite, pg] = await Promise.all(backends.map((b) => b.open()));
    try {
      const seeds: Seed[] = [];
      const words = [
        '锡林大街',
        '杭盖路',
        '宝力根',
        '垃圾箱满溢',
        '井盖松动',
        '路灯不亮',
        'Bus Stop',
        '噪音扰民',
      ];
      for (let i = 0; i < 60; i++) {
        seeds.push({
          description: `${words[i % words.length]}${words[(i * 3) % words.length]}第${i}号`,
          address: i % 4 === 0 ? null : `${words[(i * 5) % words.length]}${i}号`,
          phone: i % 3 === 0 ? null : `138${String(i * 7919).padStart(8, '0')}`,
          ...(i % 5 === 0 ? {} : { unit: `U0${i % 3}` }),
        });
      }
      await file(lite!.cases, seeds);
      await file(pg!.cases, seeds);
      const queries: CaseSearchCriteria[] = [
        ...words.map((w) => text(w)),
        text('路'),
        text('号'),
        text('大街', '第1'),
        text('bus stop'),
        text('STOP'),
        digits('7919'),
        digits('00'),
        text('无此词'),
        { ...text(), caseNumberPrefix: '20261124-00' },
      ];
      for (const q of queries) {
        for (const p of [page({ limit: 5 }), page({ limit: 50 }), page({ limit: 5, unitCode: 'U01' })]) {
          let before: number | null = null;
          do {
            const at: CaseSearchPage = { ...p, before };
            const a: CaseSearchResult = await lite!.search.search(q, at);
            const b = await pg!.search.search(q, at);
            expect(b, JSON.stringify({ q, at })).toEqual(a);
            before = a.nextCursor;
          } while (before !== null);
        }
      }
    } finally {
      await lite?.close();
      await pg?.close();
    }
  });

  it('reads a Chinese term of three characters through the trigram indexes on a few thousand cases', async () => {
    const db = await backends[1]!.open();
    try {
      await db.pg!.sql`
        insert into cases (case_number, source, nature, minor_class_code, hotline_category, description, urgency,
                           caller_phone, address, limit_amount, limit_unit, state, version, reported_at, updated_at)
        select '20261124-' || lpad(g::text, 5, '0'), 'hotline', 'complaint', 'C0302', 'city_appearance',
               '第' || g || '处路面破损' || chr(19968 + g % 2000) || chr(19968 + (g * 7) % 2000),
               'normal', '138' || lpad(g::text, 8, '0'), '锡林大街' || g || '号', 2, 'workday', 'filed', 2, ${AT}, ${AT}
          from generate_series(1, 5000) g`;
      expect(await new PgCaseSearchStore(db.pg!).indexesChinese()).toBe(true);
      // a database whose ctype is C cannot: the store says so
      await db.pg!.sql`create database search_ctype_c template template0 lc_ctype 'C'`;
      const c = await openPgDatabase(cluster!.url('search_ctype_c'), { max: 1 });
      try {
        expect(await new PgCaseSearchStore(c).indexesChinese()).toBe(false);
      } finally {
        await c.close();
      }
      // rows inserted after the index sit in GIN's pending list until (auto)vacuum merges them
      await db.pg!.sql`vacuum analyze cases`;
      const plan = (
        await db.pg!.sql.unsafe(
          // a Chinese term has no case: the store matches it with like, which the trigram indexes answer too
          `explain select c.id from cases c where (c.description like $1 or c.address like $1) order by c.id desc limit 1001`,
          ['%垃圾箱满%'],
        )
      )
        .map((r) => String(r['QUERY PLAN']))
        .join('\n');
      expect(plan).toMatch(/Bitmap Index Scan on cases_description_trgm/);
      expect(plan).toMatch(/Bitmap Index Scan on cases_address_trgm/);
      expect(plan).not.toMatch(/Seq Scan/);
    } finally {
      await db.close();
    }
  });
});
