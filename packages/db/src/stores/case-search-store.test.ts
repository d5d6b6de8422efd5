import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type CitygridDatabase } from '../client.ts';
import type { CaseSearchCriteria } from './case-search-store-port.ts';
import { CaseSearchStore } from './case-search-store.ts';

/** The trigram index `case_search` (migration 0010) on a migrated database, and the store over it. */
let database: CitygridDatabase | null = null;
afterEach(() => database?.close());

function open() {
  database = openDatabase(':memory:');
  const insert = database.sqlite.prepare(
    `insert into cases (case_number, source, nature, minor_class_code, hotline_category, description, urgency, caller_phone, address,
       unit_code, limit_amount, limit_unit, state, version, reported_at, updated_at)
     values (?, 'hotline', 'complaint', 'C0302', '环境卫生', ?, 'normal', ?, ?, ?, 4, 'working_hours', 'dispatched', 3, '2026-12-02T01:00:00Z', '2026-12-02T01:00:00Z')`,
  );
  const add = (n: number, description: string, phone: string | null, address: string | null, unit = 'U05') =>
    Number(
      insert.run(`20261202-${String(n).padStart(4, '0')}`, description, phone, address, unit).lastInsertRowid,
    );
  return { sqlite: database.sqlite, store: new CaseSearchStore(database), add };
}
const text = (...terms: string[]): CaseSearchCriteria => ({
  caseNumberPrefix: null,
  phone: null,
  textTerms: terms,
  digits: false,
});
const page = { unitCode: null, before: null, limit: 20 };
const integrity = (sqlite: CitygridDatabase['sqlite']) =>
  sqlite.prepare("insert into case_search(case_search, rank) values('integrity-check', 1)").run();

describe('the case search index', async () => {
  it('is kept in step by triggers on insert, on an edit of the searched columns and on delete', async () => {
    const { sqlite, store, add } = open();
    const triggers = (
      sqlite
        .prepare("select name from sqlite_master where type = 'trigger' and tbl_name = 'cases' order by name")
        .all() as Array<{ name: string }>
    ).map((t) => t.name);
    expect(triggers).toEqual(expect.arrayContaining(['case_search_ad', 'case_search_ai', 'case_search_au']));
    const id = add(1, '锡林大街垃圾箱满溢', '13800000001', '锡林大街12号');
    expect((await store.search(text('垃圾箱满'), page)).rows.map((r) => r.id)).toEqual([id]);
    sqlite.prepare('update cases set address = ? where id = ?').run('杭盖路3号', id);
    expect((await store.search(text('锡林大街12'), page)).rows).toEqual([]);
    expect((await store.search(text('杭盖路3'), page)).rows.map((r) => r.id)).toEqual([id]);
    // a projection update (state, version) leaves the index alone and it stays consistent
    sqlite.prepare("update cases set state = 'closed', version = 4 where id = ?").run(id);
    expect(() => integrity(sqlite)).not.toThrow();
    sqlite.prepare('delete from cases where id = ?').run(id);
    expect((await store.search(text('垃圾箱满'), page)).rows).toEqual([]);
    expect(() => integrity(sqlite)).not.toThrow();
  });

  it('reads text of three or more characters through the trigram index, newest first, not by scanning cases', async () => {
    const { sqlite } = open();
    const plan = (
      sqlite
        .prepare(
          'explain query plan select s.rowid from case_search s join cases c on c.id = s.rowid where case_search match ? order by s.rowid desc limit 21',
        )
        .all('{description address} : "垃圾箱"') as Array<{ detail: string }>
    ).map((r) => r.detail);
    expect(plan[0]).toMatch(/VIRTUAL TABLE/);
    expect(plan.join(' ')).not.toMatch(/SCAN c\b/);
  });

  it('finds one- and two-character words through the index, also at the very end of a value', async () => {
    const { sqlite, store, add } = open();
    const a = add(1, '路面塌陷', null, '杭盖路');
    const b = add(2, '占道经营', null, '锡林大街');
    expect((await store.search(text('盖路'), page)).rows.map((r) => r.id)).toEqual([a]);
    expect((await store.search(text('路'), page)).rows.map((r) => r.id)).toEqual([a]);
    expect((await store.search(text('街'), page)).rows.map((r) => r.id)).toEqual([b]);
    expect((await store.search(text('经营', '大街'), page)).rows.map((r) => r.id)).toEqual([b]);
    expect((await store.search(text('彗星'), page)).rows).toEqual([]);
    const plan = (
      sqlite
        .prepare('explain query plan select term from case_search_terms where term >= ? and term <= ?')
        .all('路', '路') as Array<{ detail: string }>
    )[0]!.detail;
    expect(plan).toMatch(/INDEX [1-9]/); // a range on the vocabulary, not a scan of it
  });

  it('treats LIKE wildcards and FTS syntax in the words as plain characters', async () => {
    const { store, add } = open();
    const a = add(1, '折扣100%_全场', null, null);
    add(2, '折扣100元全场', null, null);
    expect((await store.search(text('100%_'), page)).rows.map((r) => r.id)).toEqual([a]);
    expect((await store.search(text('%'), page)).rows.map((r) => r.id)).toEqual([a]);
    expect((await store.search(text('"全场 OR'), page)).rows).toEqual([]);
  });

  it("keeps a unit's scope inside the page, so a page of another unit's cases never hides its own", async () => {
    const { store, add } = open();
    const mine = add(1, '井盖松动响声', null, null, 'U05');
    for (let i = 2; i < 40; i++) add(i, '井盖松动响声', null, null, 'U09');
    const found = await store.search(text('井盖松动'), { unitCode: 'U05', before: null, limit: 5 });
    expect(found.rows.map((r) => r.id)).toEqual([mine]);
    expect(found.total).toBe(1);
    // redispatched to another unit: found by that unit only
    database!.sqlite.prepare("update cases set unit_code = 'U07' where id = ?").run(mine);
    expect((await store.search(text('井盖松动'), { unitCode: 'U05', before: null, limit: 5 })).rows).toEqual(
      [],
    );
    expect(
      (await store.search(text('井盖松动'), { unitCode: 'U07', before: null, limit: 5 })).rows.map(
        (r) => r.id,
      ),
    ).toEqual([mine]);
  });
});
