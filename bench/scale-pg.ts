/**
 * 10. How cost grows on PostgreSQL: the scaling table's PostgreSQL rows, the same measurements as
 *     `scale` (bench/scale.ts) on a throwaway PostgreSQL 15 cluster on this machine's disk.
 *     - 20,000 cases: the cached generated SQLite history moved in by `db:copy` (copySqliteToPg,
 *       verified as the command does);
 *     - 100,000 and 1,000,000: that database as a template, its cases and events copied ×5 and ×50 in
 *       SQL (amplifyPgCaseHistory), the same distributions at that density, as the SQLite histories
 *       above 100,000 are made;
 *     - per size: the open-case snapshot, the 30-day evaluation by unit and the class-name search
 *       in process (p50/p99), the database's size (pg_database_size), the built server's RSS at rest
 *       on it and intake over HTTP with 16 connections.
 *     `SCALE_PG_SIZES=20000,100000` for a quick try. Without the PostgreSQL server binaries it reports
 *     nothing.
 */
import { createServices } from '@citygrid/api';
import {
  amplifyPgCaseHistory,
  copySqliteToPg,
  findPgBin,
  openPgDatabase,
  openPgStores,
  startTestCluster,
} from '@citygrid/db';
import { REPORT_FIGURE, timeQueriesOn } from './dashboard.ts';
import { historyDatabase } from './history-db.ts';
import { startServerProcess } from './lib.ts';
import { scaleFigures, scalePoints, serverAtRestAndIntake, type Point } from './scale.ts';
import { timeClassSearch } from './search.ts';
import type { BenchFigure } from './types.ts';

const DEFAULT_SIZES = [20_000, 100_000, 1_000_000];
const BASE = 20_000;
const SAMPLE = 30;

async function measureDatabase(
  url: string,
): Promise<{ total: number; points: Point[]; report: { p50: number; p99: number } }> {
  const stores = await openPgStores(url, { max: 4 });
  const services = await createServices({ stores });
  let queries: Awaited<ReturnType<typeof timeQueriesOn>>;
  let search: Awaited<ReturnType<typeof timeClassSearch>>;
  let dbMiB: number;
  try {
    queries = await timeQueriesOn(services);
    const sql = stores.pg!.sql;
    const [{ maxId }] = (await sql`select max(id) as "maxId" from cases`) as unknown as [{ maxId: number }];
    const ids = Array.from({ length: SAMPLE }, (_, i) => 1 + Math.floor(((i + 0.5) / SAMPLE) * (maxId - 1)));
    const sample = await services.stores.cases.getByIds(ids);
    search = await timeClassSearch(
      services,
      sample.map((c) => c.description),
    );
    const [{ bytes }] = (await sql`select pg_database_size(current_database()) as bytes`) as unknown as [
      { bytes: number },
    ];
    dbMiB = bytes / 2 ** 20;
  } finally {
    await services.close();
    await stores.close();
  }
  const server = await startServerProcess({ DATABASE_PATH: '/nonexistent/not-used.db', DATABASE_URL: url });
  try {
    const { rss, intakeRps } = await serverAtRestAndIntake(server);
    return {
      total: queries.total,
      report: queries.report,
      points: scalePoints({
        intakeRps,
        open: queries.open,
        evaluation: queries.evaluation,
        search,
        dbMiB,
        rss,
      }),
    };
  } finally {
    await server.stop();
  }
}

export default async function runScalePgBench(): Promise<BenchFigure[]> {
  const bin = findPgBin();
  if (!bin) {
    console.log(
      '  PostgreSQL server binaries not found (apt-get install postgresql, or set PG_BIN): skipped',
    );
    return [];
  }
  const sizes = (process.env.SCALE_PG_SIZES ?? DEFAULT_SIZES.join(',')).split(',').map(Number);
  const cluster = await startTestCluster({ bin });
  const admin = await openPgDatabase(cluster.url('postgres'), { migrate: false, max: 1 });
  try {
    // build every size first: intake during a measurement must not end up in a later size's template
    const base = `scale_${BASE}`;
    const t0 = Date.now();
    const copied = await copySqliteToPg({
      from: await historyDatabase(BASE, 1),
      to: cluster.createDatabase(base),
    });
    if (copied.problems.length) throw new Error(`db:copy of the base history: ${copied.problems.join('; ')}`);
    console.log(
      `  ${BASE.toLocaleString('en-US')} cases copied from SQLite (${((Date.now() - t0) / 1000).toFixed(0)} s)`,
    );
    const names = new Map<number, string>([[BASE, base]]);
    for (const size of sizes.filter((s) => s > BASE)) {
      const name = `scale_${size}`;
      const t1 = Date.now();
      await admin.sql.unsafe(`create database ${name} template ${base}`);
      const db = await openPgDatabase(cluster.url(name), { migrate: false, max: 2 });
      try {
        await amplifyPgCaseHistory(db.sql, Math.round(size / BASE));
      } finally {
        await db.close();
      }
      names.set(size, name);
      console.log(
        `  ${size.toLocaleString('en-US')} cases built (${((Date.now() - t1) / 1000).toFixed(0)} s)`,
      );
    }
    const measured: Array<Awaited<ReturnType<typeof measureDatabase>>> = [];
    for (const size of sizes) {
      const t2 = Date.now();
      measured.push(await measureDatabase(cluster.url(names.get(size)!)));
      console.log(
        `  ${size.toLocaleString('en-US')} cases measured (${((Date.now() - t2) / 1000).toFixed(0)} s)`,
      );
    }
    const first = measured[0]!;
    const reports = measured.flatMap((m): BenchFigure[] =>
      (['p50', 'p99'] as const).map((p) => ({
        group: 'scale-pg',
        name: `${REPORT_FIGURE} ${p}, ${m.total.toLocaleString('en-US')} cases, PostgreSQL`,
        value: m.report[p],
        unit: 'ms',
        baseline: { name: `same, ${first.total.toLocaleString('en-US')} cases`, value: first.report[p] },
        ratio: m.report[p] / first.report[p],
        ...(p === 'p99' && m.total >= 900_000
          ? { goal: { of: 'value', op: '<=', bound: 100 } as const }
          : {}),
      })),
    );
    return [...scaleFigures(measured, 'scale-pg', 'postgres'), ...reports];
  } finally {
    await admin.close();
    cluster.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.table(await runScalePgBench());
}
