/**
 * 9. How cost grows with the city: the same measurements on histories of 20,000, 100,000, 1,000,000
 *    and 2,000,000 cases (`SCALE_SIZES=20000,100000` for a quick try, `…,5000000` for the issue's
 *    largest; the larger ones are built once into bench/.cache: ~3.3 GB and a few minutes per
 *    1,000,000 cases, each needing that much free disk again for the copy the intake runs on):
 *    - intake throughput through HTTP (16 connections, closed loop) on a copy of the history, with the
 *      server's RSS at rest on it (the production bundle);
 *    - the open-case snapshot, the 30-day evaluation by unit, a text search (p50 / p99, in process);
 *    - the database file's size.
 *    Each figure carries `series` (metric + size) for the scaling table and chart (bench/chart.ts);
 *    the baseline of each is the same metric on the smallest history of the run, and the note gives
 *    the growth exponent k in cost ∝ size^k from the size before (0 constant, 1 linear).
 */
import { copyFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { timeQueries } from './dashboard.ts';
import { historyDatabase } from './history-db.ts';
import { INTAKE_BODY, load, login, startServerProcess, tempDir, type Child } from './lib.ts';
import { timeSearches } from './search.ts';
import type { BenchFigure } from './types.ts';

const DEFAULT_SIZES = [20_000, 100_000, 1_000_000, 2_000_000];

/** The cached history of about `size` cases: generated up to 100,000, copied ×k above. */
function databaseOf(size: number): Promise<string> {
  return size > 100_000 ? historyDatabase(100_000, Math.round(size / 100_000)) : historyDatabase(size, 1);
}

export interface Point {
  metric: string;
  unit: string;
  value: number;
}

/** A started server's RSS at rest (after its first map snapshot) and its intake over HTTP, 16 connections. */
export async function serverAtRestAndIntake(server: Child): Promise<{ rss: number; intakeRps: number }> {
  const sup = await login(server.url, 'supervisor');
  await fetch(`${server.url}/api/trpc/dashboard.openCases`, { headers: sup }).then((r) => r.arrayBuffer());
  await new Promise((r) => setTimeout(r, 1500));
  const rss = server.rssMiB();
  const h = await login(server.url, 'operator');
  const url = `${server.url}/api/trpc/intake.create`;
  await load({ url, headers: h, body: INTAKE_BODY, connections: 4, seconds: 1 });
  const intake = await load({ url, headers: h, body: INTAKE_BODY, connections: 16, seconds: 5 });
  return { rss, intakeRps: intake.rps };
}

type Timing = { p50: number; p99: number };

/** The scaling table's rows of one size. */
export function scalePoints(m: {
  intakeRps: number;
  open: Timing;
  evaluation: Timing;
  search: Timing;
  dbMiB: number;
  rss: number;
}): Point[] {
  return [
    { metric: 'intake throughput (HTTP, 16 connections)', unit: 'cases/s', value: m.intakeRps },
    { metric: 'open-case snapshot p50', unit: 'ms', value: m.open.p50 },
    { metric: 'open-case snapshot p99', unit: 'ms', value: m.open.p99 },
    { metric: 'evaluation, 30 days by unit, p50', unit: 'ms', value: m.evaluation.p50 },
    { metric: 'evaluation, 30 days by unit, p99', unit: 'ms', value: m.evaluation.p99 },
    { metric: 'search by a class name, p50', unit: 'ms', value: m.search.p50 },
    { metric: 'search by a class name, p99', unit: 'ms', value: m.search.p99 },
    { metric: 'database size', unit: 'MiB', value: m.dbMiB },
    { metric: 'server RSS at rest', unit: 'MiB', value: m.rss },
  ];
}

/**
 * The figures of measured sizes: each against the smallest size, with the growth exponent from the
 * size before, and its point of the scaling series (`backend` when not SQLite).
 */
export function scaleFigures(
  measured: ReadonlyArray<{ total: number; points: Point[] }>,
  group: string,
  backend?: 'postgres',
): BenchFigure[] {
  const first = measured[0]!;
  const figures: BenchFigure[] = [];
  for (const [i, m] of measured.entries())
    for (const p of m.points) {
      const base = first.points.find((q) => q.metric === p.metric)!;
      const prev = measured[i - 1]?.points.find((q) => q.metric === p.metric);
      const k = prev
        ? growthExponent({ x: measured[i - 1]!.total, value: prev.value }, { x: m.total, value: p.value })
        : null;
      figures.push({
        group,
        name: `${p.metric}, ${m.total.toLocaleString('en-US')} cases${backend ? ', PostgreSQL' : ''}`,
        value: p.value,
        unit: p.unit,
        baseline: { name: `same, ${first.total.toLocaleString('en-US')} cases`, value: base.value },
        ratio: p.value / base.value,
        ...(k === null ? {} : { note: `growth exponent from the size before: ${k.toFixed(2)}` }),
        series: { metric: p.metric, x: m.total, xUnit: 'cases', ...(backend ? { backend } : {}) },
      });
    }
  return figures;
}

async function measureSize(size: number): Promise<{ total: number; points: Point[] }> {
  const file = await databaseOf(size);
  const queries = await timeQueries(file);
  const search = await timeSearches(file);
  const dbMiB = statSync(file).size / 2 ** 20;

  // intake and RSS on a copy (the cached history stays as generated)
  const dir = tempDir('scale');
  try {
    const copy = join(dir, 'city.db');
    copyFileSync(file, copy);
    const server = await startServerProcess({ DATABASE_PATH: copy }, { built: true });
    try {
      const { rss, intakeRps } = await serverAtRestAndIntake(server);
      return {
        total: queries.total,
        points: scalePoints({
          intakeRps,
          open: queries.open,
          evaluation: queries.evaluation,
          search: search.t.classText,
          dbMiB,
          rss,
        }),
      };
    } finally {
      await server.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** k in value ∝ size^k between two sizes. */
export function growthExponent(a: { x: number; value: number }, b: { x: number; value: number }): number {
  return Math.log(b.value / a.value) / Math.log(b.x / a.x);
}

export default async function runScaleBench(): Promise<BenchFigure[]> {
  const sizes = (process.env.SCALE_SIZES ?? DEFAULT_SIZES.join(',')).split(',').map(Number);
  const measured: Array<{ total: number; points: Point[] }> = [];
  for (const size of sizes) {
    const t0 = Date.now();
    measured.push(await measureSize(size));
    console.log(
      `  ${size.toLocaleString('en-US')} cases measured (${((Date.now() - t0) / 1000).toFixed(0)} s)`,
    );
  }
  return scaleFigures(measured, 'scale');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.table(await runScaleBench());
}
