/**
 * 8. Case search (`search.cases`) at 100,000 and 1,000,000 cases of history: server time p50/p99 of
 *    each kind of query (case number, phone in another format, text through the trigram index, a
 *    two-character word read row by row, a unit's scope), against a primary-key lookup in the same
 *    run, and the substring LIKE of the older queue search as "before". `SEARCH_SIZES=100000` runs
 *    only the smaller database (the 1,000,000-case one is built once into bench/.cache, minutes).
 */
import { createServices, searchCases, type Services, type SessionUser } from '@citygrid/api';
import { openDatabase } from '@citygrid/db';
import { historyDatabase } from './history-db.ts';
import { percentile } from './lib.ts';
import type { BenchFigure } from './types.ts';

const REPS = 30;
const SUPERVISOR: SessionUser = {
  id: 1,
  username: 'bench',
  displayName: 'bench',
  role: 'supervisor',
  unitCode: null,
} as SessionUser;

interface Timing {
  p50: number;
  p99: number;
  hits: number;
}

/** p50/p99 and rows per page of `queries`, REPS runs in turn after one to warm. */
async function measure(queries: Array<() => unknown>): Promise<Timing> {
  await queries[0]!(); // warm
  const xs: number[] = [];
  let hits = 0;
  for (let i = 0; i < REPS; i++) {
    const t0 = performance.now();
    const r = (await queries[i % queries.length]!()) as { rows?: unknown[] } | unknown[];
    xs.push(performance.now() - t0);
    hits += Array.isArray(r) ? r.length : (r.rows?.length ?? 0);
  }
  return { p50: percentile(xs, 50), p99: percentile(xs, 99), hits: hits / REPS };
}

/** The class name a generated case's description begins with (`市容环境类：…`). */
const className = (d: string | null | undefined) => (d ?? '').split('：')[0] ?? '';

const searchAs =
  (services: Services, q: string, user: SessionUser = SUPERVISOR) =>
  () =>
    searchCases(services.caseSearch, services.reference, user, { q, limit: 20 });

/** Search by the class name of each of these descriptions (the scale table's row), on either backend. */
export const timeClassSearch = (services: Services, descriptions: ReadonlyArray<string | null | undefined>) =>
  measure(descriptions.map((d) => searchAs(services, className(d))));

export async function timeSearches(file: string) {
  const database = openDatabase(file);
  const services = await createServices({ database });
  const db = database.sqlite;
  const total = (db.prepare('select count(*) as n from cases').get() as { n: number }).n;
  const maxId = (db.prepare('select max(id) as m from cases').get() as { m: number }).m;
  // sample cases spread over the whole history (deterministic)
  const sample = (n: number) =>
    Array.from(
      { length: n },
      (_, i) =>
        db
          .prepare('select * from cases where id >= ? order by id limit 1')
          .get(1 + Math.floor(((i + 0.5) / n) * (maxId - 1))) as Record<string, string | null>,
    );
  const cases = sample(REPS);
  const withPhone = cases.filter((c) => c.caller_phone);
  const unitOf = cases.find((c) => c.unit_code)!.unit_code!;
  const search = (q: string, user?: SessionUser) => searchAs(services, q, user);
  const pk = db.prepare('select * from cases where id = ?');
  const oldLike = (q: string) => () =>
    services.cases.list({ search: q, orderBy: 'reported_desc', limit: 20 });
  const unitUser = { ...SUPERVISOR, role: 'unit_staff', unitCode: unitOf } as SessionUser;

  const t = {
    pk: await measure(cases.map((c) => () => pk.get(c.id))),
    caseNumber: await measure(cases.map((c) => search(c.case_number!))),
    phone: await measure(
      withPhone.map((c) =>
        search(
          `+86 ${c.caller_phone!.slice(0, 3)}-${c.caller_phone!.slice(3, 7)}-${c.caller_phone!.slice(7)}`,
        ),
      ),
    ),
    classText: await timeClassSearch(
      services,
      cases.map((c) => c.description),
    ),
    everywhere: await measure([search('市民来电反映')]),
    community: await measure(cases.map((c) => search((c.address ?? '').replace('附近', '')))),
    twoChars: await measure(cases.map((c) => search(className(c.description).slice(0, 2)))),
    twoCharsAbsent: await measure([search('彗星')]),
    unitScope: await measure(cases.map((c) => search(className(c.description), unitUser))),
    oldLike: await measure(cases.slice(0, 5).map((c) => oldLike(className(c.description)))),
  };
  await services.close();
  database.close();
  return { total, t };
}

export default async function runSearchBench(): Promise<BenchFigure[]> {
  const sizes = (process.env.SEARCH_SIZES ?? '100000,1000000').split(',').map(Number);
  const figures: BenchFigure[] = [];
  for (const size of sizes) {
    const file =
      size >= 1_000_000 ? await historyDatabase(100_000, size / 100_000) : await historyDatabase(size, 1);
    const { total, t } = await timeSearches(file);
    const n = total.toLocaleString('en-US');
    const pkName = `primary-key lookup of one case, same database`;
    const row = (key: keyof typeof t, what: string): BenchFigure[] =>
      (['p50', 'p99'] as const).map((p) => ({
        group: 'search',
        name: `${what} ${p}, ${n} cases`,
        value: t[key][p],
        unit: 'ms',
        baseline: { name: `${pkName} ${p}`, value: t.pk[p] },
        ratio: t[key][p] / t.pk[p],
        ...(p === 'p50' ? { note: `${t[key].hits.toFixed(1)} rows per page of 20` } : {}),
      }));
    figures.push(
      ...row('caseNumber', 'search by exact case number'),
      ...row('phone', 'search by phone typed as +86 138-xxxx-xxxx'),
      ...row('classText', 'search by a class name (3+ chars, trigram index), first page + count to 1,000'),
      ...row('everywhere', 'search by a phrase in every case (市民来电反映), first page + count to 1,000'),
      ...row('community', 'search by a community name in the address'),
      ...row(
        'twoChars',
        'search by a two-character word (the trigrams it begins, from the index vocabulary)',
      ),
      ...row('twoCharsAbsent', 'search by a two-character word found nowhere'),
      ...row('unitScope', "unit staff's search by a class name (their unit's cases only)"),
      ...row('oldLike', "before: the queue search's LIKE '%…%' by a class name, 20 rows"),
    );
  }
  return figures;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.table(await runSearchBench());
}
