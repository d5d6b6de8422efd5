/**
 * `pnpm bench`: every benchmark module in turn; prints each figure with its same-run baseline and
 * ratio, and writes bench/results.json. Benchmarks never fail on timings. `pnpm bench grid intake`
 * runs only the named modules.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { writeScalingChart } from './chart.ts';
import { goalText } from './tables.ts';
import type { BenchFigure } from './types.ts';
import { ROOT } from './lib.ts';

const MODULES = [
  'grid',
  'intake',
  'gc',
  'fanout',
  'dashboard',
  'search',
  'map',
  'soak',
  'failover',
  'postgres',
  'scale',
  'scale-pg',
] as const;
const only = process.argv.slice(2);
const chosen = MODULES.filter((m) => only.length === 0 || only.includes(m));

const fmt = (v: number) =>
  Math.abs(v) >= 1000
    ? Math.round(v).toLocaleString('en-US')
    : Math.abs(v) >= 10
      ? v.toFixed(1)
      : v.toFixed(2);

const started = new Date();
const figures: BenchFigure[] = [];
const failures: Array<{ module: string; error: string }> = [];
for (const name of chosen) {
  const file = join(ROOT, 'bench', `${name}.ts`);
  if (!existsSync(file)) continue;
  const t0 = Date.now();
  console.log(`\n▶ ${name}`);
  try {
    const mod = (await import(file)) as { default: () => Promise<BenchFigure[]> };
    const got = await mod.default();
    figures.push(...got);
    for (const f of got) {
      const base = f.baseline
        ? `  vs ${fmt(f.baseline.value)} ${f.unit} (${f.baseline.name})  ratio ${f.ratio !== undefined ? f.ratio.toFixed(2) : '-'}`
        : '';
      console.log(
        `  ${f.name}: ${fmt(f.value)} ${f.unit}${base}${f.goal ? `  [${goalText(f)}]` : ''}${f.note ? `  — ${f.note}` : ''}`,
      );
    }
  } catch (e) {
    failures.push({ module: name, error: String((e as Error)?.stack ?? e) });
    console.error(`  ${name} failed: ${String(e)}`);
  }
  console.log(`  (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
}
// a partial run (`pnpm bench map`) replaces only its own modules' figures in results.json
const previous =
  only.length > 0 && existsSync(join(ROOT, 'bench/results.json'))
    ? (JSON.parse(readFileSync(join(ROOT, 'bench/results.json'), 'utf8')) as { figures: BenchFigure[] })
        .figures
    : [];
const ranGroups = new Set(figures.map((f) => f.group));
const result = {
  date: started.toISOString(),
  modules: chosen,
  durationS: Math.round((Date.now() - started.getTime()) / 1000),
  machine: {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
  },
  figures: [...previous.filter((f) => !ranGroups.has(f.group)), ...figures],
  failures,
};
writeFileSync(join(ROOT, 'bench/results.json'), `${JSON.stringify(result, null, 2)}\n`);
if (figures.some((f) => f.series) && writeScalingChart(ROOT, { date: result.date, figures: result.figures }))
  console.log('bench/scaling.svg redrawn');
console.log(
  `\n${figures.length} figures in ${result.durationS} s → bench/results.json${failures.length ? `; ${failures.length} module(s) failed: ${failures.map((f) => f.module).join(', ')}` : ''}`,
);
process.exit(0);
