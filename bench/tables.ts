/**
 * The README's figures from bench/results.json: the goals of issue 14 with each figure's verdict,
 * and the scaling table (one row per measured quantity, one column per size, with the growth
 * exponent). `tsx bench/tables.ts` prints both as Markdown.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchFigure } from './types.ts';

/** Whether a figure meets its goal (undefined without one). */
export function meetsGoal(f: BenchFigure): boolean | undefined {
  if (!f.goal) return undefined;
  const v = f.goal.of === 'ratio' ? f.ratio : f.value;
  return v !== undefined && (f.goal.op === '<=' ? v <= f.goal.bound : v >= f.goal.bound);
}

/** e.g. `goal ratio ≤ 1.5: met` */
export function goalText(f: BenchFigure): string {
  const g = f.goal!;
  return `goal ${g.of === 'ratio' ? 'ratio ' : ''}${g.op === '<=' ? '≤' : '≥'} ${g.bound}: ${meetsGoal(f) ? 'met' : 'NOT met'}`;
}

const num = (v: number) =>
  Math.abs(v) >= 1000
    ? Math.round(v).toLocaleString('en-US')
    : Math.abs(v) >= 10
      ? v.toFixed(1)
      : v.toFixed(2);

export function goalsTable(figures: readonly BenchFigure[]): string {
  const rows = figures
    .filter((f) => f.goal)
    .map(
      (f) =>
        `| ${f.name} | ${num(f.value)} ${f.unit} | ${f.baseline ? `${f.baseline.name}: ${num(f.baseline.value)} ${f.unit}` : '—'} | ${f.ratio === undefined ? '—' : f.ratio.toFixed(2)} | ${goalText(f).replace(/^goal /, '')} |`,
    );
  return ['| what | figure | baseline (same run) | ratio | goal |', '|---|---|---|---|---|', ...rows].join(
    '\n',
  );
}

/** Every other figure (no goal, not a point of a curve), by group. */
export function otherTable(figures: readonly BenchFigure[]): string {
  const rows = figures
    .filter((f) => !f.goal && !f.series)
    .map(
      (f) =>
        `| ${f.group} | ${f.name} | ${num(f.value)} ${f.unit} | ${f.baseline ? `${f.baseline.name}: ${num(f.baseline.value)} ${f.unit}` : '—'} | ${f.ratio === undefined ? '—' : f.ratio.toFixed(2)} |`,
    );
  return ['| area | what | figure | baseline (same run) | ratio |', '|---|---|---|---|---|', ...rows].join(
    '\n',
  );
}

/** A size as its column of the scaling table: two significant digits (99,965 and 99,960 → 100,000). */
export const nominalSize = (x: number): number => Number(x.toPrecision(2));

/** How a non-default backend is named in the scaling table and chart. */
export const BACKEND_LABEL = { postgres: 'PostgreSQL' } as const;

export function scalingTable(figures: readonly BenchFigure[]): string {
  const series = figures.filter((f) => f.series);
  const keyOf = (f: BenchFigure) =>
    `${f.series!.metric}|${f.unit}|${f.series!.xUnit}|${f.series!.backend ?? ''}`;
  const metrics = [...new Set(series.map(keyOf))];
  // each metric's PostgreSQL row right after its SQLite row
  const ordered = [
    ...new Set(
      metrics.flatMap((m) => {
        const [metric, unit, xUnit] = m.split('|');
        return metrics.filter((n) => n.startsWith(`${metric}|${unit}|${xUnit}|`));
      }),
    ),
  ];
  const out: string[] = [];
  for (const xUnit of [...new Set(series.map((f) => f.series!.xUnit))]) {
    const xs = [
      ...new Set(series.filter((f) => f.series!.xUnit === xUnit).map((f) => nominalSize(f.series!.x))),
    ].sort((a, b) => a - b);
    out.push(
      `| ${xUnit} → | ${xs.map((x) => x.toLocaleString('en-US')).join(' | ')} | growth (last step) |`,
      `|---|${xs.map(() => '---').join('|')}|---|`,
    );
    for (const key of ordered.filter((m) => m.split('|')[2] === xUnit)) {
      const [metric, unit, , backend] = key.split('|') as [string, string, string, string];
      const at = (x: number) =>
        series.find(
          (f) =>
            f.series!.metric === metric &&
            (f.series!.backend ?? '') === backend &&
            nominalSize(f.series!.x) === x,
        );
      const label = backend ? `${metric}, ${BACKEND_LABEL[backend as 'postgres']}` : metric;
      const last = [...xs]
        .reverse()
        .map(at)
        .find((f) => f?.note?.includes('growth exponent'));
      const k = last?.note?.match(/growth exponent[^:]*: (-?[\d.]+)/)?.[1] ?? '—';
      out.push(
        `| ${label} (${unit}) | ${xs.map((x) => (at(x) ? num(at(x)!.value) : '—')).join(' | ')} | ${k} |`,
      );
    }
    out.push('');
  }
  return out.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const results = JSON.parse(readFileSync(join(import.meta.dirname, 'results.json'), 'utf8')) as {
    date: string;
    machine: { cpus: number; cpuModel: string; memoryGiB: number; node: string };
    figures: BenchFigure[];
  };
  const m = results.machine;
  console.log(
    `pnpm bench on ${results.date}: ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB, Node ${m.node}\n`,
  );
  console.log(goalsTable(results.figures));
  console.log('');
  console.log(scalingTable(results.figures));
  console.log(otherTable(results.figures));
}
