import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CITY_CENTRE,
  loginMany,
  OUTSIDE_GRID,
  startTestServer,
  type Session,
  type TestServer,
} from './testing/index.ts';

let server: TestServer;
let inspector: Session;
let dispatcher: Session;
let unit09: Session;
let operator: Session;

beforeAll(async () => {
  // a few thousand cases of history: hundreds await a callback, more than any one page
  server = await startTestServer({ SEED_HISTORY_CASES: 3000, SEED_HISTORY_DAYS: 120 });
  [inspector, dispatcher, unit09, operator] = await loginMany(server, [
    'inspector',
    'dispatcher',
    'unit-u09',
    'operator',
  ] as const);
  // the seeded city keeps its open backlog small: add work to the dispatch queue (outside the grid →
  // manual dispatch) and to U09's queue, more than one page of each
  for (let i = 0; i < 10; i++) {
    const base = {
      nature: 'complaint',
      minorClassCode: 'C0302',
      description: `队列分页测试 ${i}`,
      urgency: 'normal',
    } as const;
    await operator.client.intake.create.mutate({ ...base, location: OUTSIDE_GRID });
    if (i < 5) await operator.client.intake.create.mutate({ ...base, location: CITY_CENTRE });
  }
});
afterAll(async () => server?.stop());

const countInDb = (where: string, ...params: unknown[]) =>
  (
    server.services
      .database!.sqlite.prepare(`select count(*) as n from cases where ${where}`)
      .get(...params) as { n: number }
  ).n;

/** Read every page of a queue and return the case numbers in order, checking the total stays put. */
async function readAll(
  page: (offset: number) => Promise<{ total: number; items: Array<{ caseNumber: string }> }>,
  pageSize: number,
) {
  const first = await page(0);
  const seen: string[] = [];
  for (let offset = 0; offset < first.total; offset += pageSize) {
    const p = offset === 0 ? first : await page(offset);
    expect(p.total).toBe(first.total);
    expect(p.items.length).toBe(Math.min(pageSize, first.total - offset));
    seen.push(...p.items.map((i) => i.caseNumber));
  }
  expect((await page(first.total)).items).toEqual([]);
  return { total: first.total, seen };
}

describe('work queues report their true size and page through all of it', () => {
  it('the review queue counts every case awaiting a callback and pages through them without duplicates or gaps', async () => {
    const awaiting = countInDb("state = 'closed'");
    expect(awaiting).toBeGreaterThan(300); // more than the old silent cap
    const { total, seen } = await readAll(
      (offset) => inspector.client.review.queue.query({ section: 'closed', limit: 100, offset }),
      100,
    );
    expect(total).toBe(awaiting);
    expect(new Set(seen).size).toBe(awaiting);
    const inDb = (
      server.services
        .database!.sqlite.prepare("select case_number as n from cases where state = 'closed'")
        .all() as Array<{ n: string }>
    ).map((r) => r.n);
    expect([...seen].sort()).toEqual(inDb.sort());
    const both = await inspector.client.review.queue.query({ section: 'disposed', limit: 10 });
    expect(both.counts).toEqual({ disposed: countInDb("state = 'disposed'"), closed: awaiting });
    expect(both.total).toBe(both.counts.disposed);
  });

  it('the dispatch and unit queues page through every row with a stable order', async () => {
    const dispatchStates =
      "state in ('reported','filed','return_requested','extension_requested','park_requested')";
    const d = await readAll((offset) => dispatcher.client.dispatch.queue.query({ limit: 7, offset }), 7);
    expect(d.total).toBe(countInDb(dispatchStates));
    expect(d.total).toBeGreaterThan(7);
    expect(new Set(d.seen).size).toBe(d.total);
    const reasons = await dispatcher.client.dispatch.queue.query({ limit: 1 });
    expect(Object.values(reasons.reasonCounts).reduce((a, b) => a + b, 0)).toBe(d.total);

    const unitStates =
      "unit_code = 'U09' and state in ('dispatched','accepted','return_requested','extension_requested','park_requested','parked','disposed')";
    const u = await readAll((offset) => unit09.client.unitWork.queue.query({ limit: 3, offset }), 3);
    expect(u.total).toBe(countInDb(unitStates));
    expect(u.total).toBeGreaterThan(3);
    expect(new Set(u.seen).size).toBe(u.total);
  });

  it('searches the whole queue by case number and by caller phone', async () => {
    // the oldest case awaiting a callback: far past the first page
    const oldest = server.services
      .database!.sqlite.prepare(
        "select case_number as n, caller_phone as p from cases where state = 'closed' and caller_phone is not null order by updated_at asc, id asc limit 1",
      )
      .get() as { n: string; p: string };
    const byNumber = await inspector.client.review.queue.query({ section: 'closed', search: oldest.n });
    expect(byNumber.items.map((i) => i.caseNumber)).toEqual([oldest.n]);
    expect(byNumber.total).toBe(1);
    const spaced = `${oldest.p.slice(0, 3)} ${oldest.p.slice(3, 7)} ${oldest.p.slice(7)}`;
    const byPhone = await inspector.client.review.queue.query({
      section: 'closed',
      search: spaced,
      limit: 200,
    });
    expect(byPhone.items.map((i) => i.caseNumber)).toContain(oldest.n);
    expect(byPhone.total).toBe(countInDb("state = 'closed' and caller_phone = ?", oldest.p));
  });
});
