import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CITY_CENTRE, errorOf, loginAs, Session, startTestServer, type TestServer } from './testing/index.ts';

/** `search.cases`, the staff search over every case, on a real server and a migrated SQLite file. */
let server: TestServer;
let operator: Session;
let supervisor: Session;

const intake = (
  description: string,
  extra: { callerPhone?: string; address?: string; minorClassCode?: string } = {},
) =>
  operator.client.intake.create.mutate({
    nature: 'complaint',
    minorClassCode: extra.minorClassCode ?? 'C0302',
    description,
    urgency: 'normal',
    location: CITY_CENTRE,
    ...(extra.address ? { address: extra.address } : {}),
    ...(extra.callerPhone ? { callerPhone: extra.callerPhone } : {}),
  });
const numbersOf = (r: { rows: Array<{ caseNumber: string }> }) => r.rows.map((x) => x.caseNumber);
const unitOf = (caseNumber: string) =>
  (
    server.services
      .database!.sqlite.prepare('select unit_code as u from cases where case_number = ?')
      .get(caseNumber) as { u: string | null }
  ).u;

beforeAll(async () => {
  server = await startTestServer();
  operator = await loginAs(server, 'operator');
  supervisor = await loginAs(server, 'supervisor');
});
afterAll(async () => server?.stop());

describe('search.cases finds cases by case number, phone, address and text', () => {
  it('finds a Chinese substring of the description and of the address, not the whole words only', async () => {
    const a = await intake('锡林大街北侧垃圾箱满溢无人清理', { address: '锡林大街与团结大街交叉口' });
    const b = await intake('路灯夜间不亮', { address: '贝子庙街88号' });
    expect(numbersOf(await supervisor.client.search.cases.query({ q: '垃圾箱满溢' }))).toEqual([
      a.caseNumber,
    ]);
    expect(numbersOf(await supervisor.client.search.cases.query({ q: '团结大街交叉' }))).toEqual([
      a.caseNumber,
    ]);
    expect(numbersOf(await supervisor.client.search.cases.query({ q: '贝子庙街88' }))).toEqual([
      b.caseNumber,
    ]);
    // two-character words and several words at once (every word must appear)
    expect(numbersOf(await supervisor.client.search.cases.query({ q: '路灯' }))).toEqual([b.caseNumber]);
    expect(numbersOf(await supervisor.client.search.cases.query({ q: '锡林大街 清理' }))).toEqual([
      a.caseNumber,
    ]);
    expect(numbersOf(await supervisor.client.search.cases.query({ q: '锡林大街 路灯' }))).toEqual([]);
  });

  it('finds a caller however the phone number is typed, and by part of the number', async () => {
    const mobile = await intake('楼道堆放杂物', { callerPhone: '139 4790 1122' });
    const landline = await intake('井盖松动有响声', { callerPhone: '822 5566' });
    for (const q of ['13947901122', '+86 139-4790-1122', '0086 139 4790 1122', '139 4790 1122']) {
      expect(numbersOf(await supervisor.client.search.cases.query({ q })), q).toEqual([mobile.caseNumber]);
    }
    for (const q of ['0479-8225566', '(0479) 822 5566', '8225566']) {
      expect(numbersOf(await supervisor.client.search.cases.query({ q })), q).toEqual([landline.caseNumber]);
    }
    // the last digits a caller remembers
    expect(numbersOf(await supervisor.client.search.cases.query({ q: '1122' }))).toEqual([mobile.caseNumber]);
  });

  it('finds a case by its exact number and every case of a day by the number prefix, newest first', async () => {
    const one = await intake('树木倒伏挡路');
    const two = await intake('广告牌松动');
    expect(numbersOf(await supervisor.client.search.cases.query({ q: one.caseNumber }))).toEqual([
      one.caseNumber,
    ]);
    const day = one.caseNumber.slice(0, 8);
    const all = numbersOf(await supervisor.client.search.cases.query({ q: day, limit: 100 }));
    expect(all[0]).toBe(two.caseNumber);
    expect(all).toContain(one.caseNumber);
    expect(all).toEqual([...all].sort().reverse());
  });

  it('pages newest first with a cursor, without repeating or skipping a case, and counts the matches', async () => {
    const filed: string[] = [];
    for (let i = 0; i < 7; i++) filed.push((await intake(`占道经营分页测试第${i}件`)).caseNumber);
    const seen: string[] = [];
    let cursor: number | undefined;
    let first = true;
    for (;;) {
      const page = await supervisor.client.search.cases.query({
        q: '分页测试',
        limit: 3,
        ...(cursor ? { cursor } : {}),
      });
      if (first) expect(page.total).toBe(7);
      else expect(page.total).toBeNull();
      first = false;
      seen.push(...numbersOf(page));
      if (page.nextCursor === null) break;
      cursor = page.nextCursor;
    }
    expect(seen).toEqual([...filed].reverse());
  });

  it('finds a case whose description changed after intake only by its new text (the index follows the row)', async () => {
    const c = await intake('原来的描述文字甲乙丙');
    server.services
      .database!.sqlite.prepare('update cases set description = ? where case_number = ?')
      .run('改过的描述文字丁戊己', c.caseNumber);
    expect(numbersOf(await supervisor.client.search.cases.query({ q: '甲乙丙' }))).toEqual([]);
    expect(numbersOf(await supervisor.client.search.cases.query({ q: '丁戊己' }))).toEqual([c.caseNumber]);
    const check = server.services.database!.sqlite.prepare(
      "insert into case_search(case_search, rank) values('integrity-check', 1)",
    );
    expect(() => check.run()).not.toThrow();
  });
});

describe('search.cases respects who is searching', () => {
  it("finds for unit staff only the cases their unit holds, and nothing of another unit's", async () => {
    const mine = await intake('单位范围测试垃圾满溢', { minorClassCode: 'C0302' });
    const unit = unitOf(mine.caseNumber)!;
    expect(unit).toBeTruthy();
    const other = await intake('单位范围测试路灯不亮', { minorClassCode: 'C0101' });
    const otherUnit = unitOf(other.caseNumber);
    expect(otherUnit).not.toBe(unit);
    const staff = await loginAs(server, `unit-${unit.toLowerCase()}`);
    expect(numbersOf(await staff.client.search.cases.query({ q: '单位范围测试' }))).toEqual([
      mine.caseNumber,
    ]);
    expect(numbersOf(await staff.client.search.cases.query({ q: other.caseNumber }))).toEqual([]);
    expect(numbersOf(await supervisor.client.search.cases.query({ q: '单位范围测试' }))).toEqual([
      other.caseNumber,
      mine.caseNumber,
    ]);
  });

  it('refuses anyone without a staff session (citizens, the public) and a wall-display session', async () => {
    const anonymous = new Session(server.url);
    expect((await errorOf(anonymous.client.search.cases.query({ q: '垃圾' }))).httpStatus).toBe(401);
    const wall = new Session(server.url);
    wall.csrf = (
      await wall.client.auth.login.mutate({ username: 'supervisor', password: 'citygrid-demo', wall: true })
    ).csrfToken;
    expect((await errorOf(wall.client.search.cases.query({ q: '垃圾' }))).httpStatus).toBe(403);
  });
});

describe('search.cases refuses bad input naming the field', () => {
  it.each([
    ['an empty query', { q: '   ' }, 'q'],
    ['only punctuation', { q: '"*()' }, 'q'],
    ['a query over 100 characters', { q: '垃'.repeat(101) }, 'q'],
    ['a negative cursor', { q: '垃圾', cursor: -1 }, 'cursor'],
    ['a page of 1,000', { q: '垃圾', limit: 1000 }, 'limit'],
  ])('refuses %s', async (_what, input, field) => {
    const e = await errorOf(supervisor.client.search.cases.query(input as { q: string }));
    expect(e.httpStatus).toBe(400);
    expect(e.fields.map((f) => f.field)).toEqual([field]);
  });
});

describe('search.cases takes any text', () => {
  it('answers every string up to 100 characters with results or a 400 naming q, never a server error', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ unit: 'binary', minLength: 1, maxLength: 100 }),
          fc.constantFrom('"', '*', 'OR', 'NEAR(a b)', '{description}:x', '%_', '\\', '0', '+', '20261202-'),
        ),
        async (q) => {
          try {
            const r = await supervisor.client.search.cases.query({ q });
            expect(Array.isArray(r.rows)).toBe(true);
          } catch (e) {
            const err = await errorOf(Promise.reject(e));
            expect(err.httpStatus, `${JSON.stringify(q)}: ${err.message}`).toBe(400);
            expect(err.fields.map((f) => f.field)).toEqual(['q']);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
