/**
 * The case search on PostgreSQL (pg_trgm): median of 7 first pages (limit 20, count up to 1,000) per
 * kind of term on N synthetic cases in a throwaway cluster. Not part of `pnpm bench`; run by hand:
 * `pnpm exec tsx bench/search-pg.ts 100000` (needs the PostgreSQL server binaries).
 */
import { findPgBin, openPgDatabase, PgCaseSearchStore, startTestCluster } from '@citygrid/db';
const N = Number(process.argv[2] ?? 100000);
const bin = findPgBin();
if (!bin) throw new Error('PostgreSQL server binaries not found (set PG_BIN)');
const cluster = await startTestCluster({ bin });
try {
  const db = await openPgDatabase(cluster.createDatabase('m'), { max: 4 });
  const AT = '2026-11-24T02:00:00.000Z';
  await db.sql`
    insert into cases (case_number, source, nature, minor_class_code, hotline_category, description, urgency,
                       caller_phone, address, unit_code, limit_amount, limit_unit, state, version, reported_at, updated_at)
    select '20261124-' || lpad(g::text, 7, '0'), 'hotline', 'complaint', 'C0302', 'city_appearance',
           '市民反映第' || g || '处路面破损，' || chr(19968 + g % 3000) || chr(19968 + (g * 7) % 3000) || chr(19968 + (g * 13) % 3000) || '附近井盖松动，请尽快处理',
           'normal', '138' || lpad(g::text, 8, '0'), '锡林大街' || g || '号', 'U0' || (g % 9), 2, 'workday', 'filed', 2, ${AT}, ${AT}
      from generate_series(1, ${N}) g`;
  await db.sql`vacuum analyze cases`;
  const s = new PgCaseSearchStore(db);
  const crit = (t: string, digits = false) => ({
    caseNumberPrefix: null,
    phone: null,
    textTerms: [t],
    digits,
  });
  const one = String.fromCodePoint(19968 + 1234) + String.fromCodePoint(19968 + ((1234 * 7) % 3000));
  for (const [label, c] of [
    [
      '3+ chars, rare (' + one + String.fromCodePoint(19968 + ((1234 * 13) % 3000)) + ')',
      crit(one + String.fromCodePoint(19968 + ((1234 * 13) % 3000))),
    ],
    ['3+ chars, common (井盖松动)', crit('井盖松动')],
    ['2 chars, rare (' + one + ')', crit(one)],
    ['1 char, common (路)', crit('路')],
    ['phone digits (0012345)', crit('0012345', true)],
  ] as const) {
    const xs: number[] = [];
    let r;
    for (let i = 0; i < 7; i++) {
      const t0 = performance.now();
      r = await s.search(c, { unitCode: null, before: null, limit: 20 });
      xs.push(performance.now() - t0);
    }
    xs.sort((a, b) => a - b);
    console.log(
      `${N} cases | ${label}: median ${xs[3]!.toFixed(1)} ms, total ${r!.total}${r!.totalCapped ? '+' : ''}`,
    );
  }
  await db.close();
} finally {
  cluster.stop();
}
