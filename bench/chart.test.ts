import { describe, expect, it } from 'vitest';
import { panelsOf, scalingChartSvg, titleText } from './chart.ts';
import { growthExponent } from './scale.ts';
import { goalsTable, goalText, meetsGoal, scalingTable } from './tables.ts';
import type { BenchFigure } from './types.ts';

const fig = (metric: string, x: number, value: number, unit = 'ms'): BenchFigure => ({
  group: 'scale',
  name: `${metric}, ${x} cases`,
  value,
  unit,
  series: { metric, x, xUnit: 'cases' },
});

describe('the scaling chart', () => {
  it('squeezes a panel title that would run past the panel into its width, and leaves a short one alone', () => {
    const long = titleText('intake throughput (HTTP, 16 connections) (cases/s)', 52, 18, 244);
    expect(long).toContain('textLength="244"');
    expect(long).toContain('lengthAdjust="spacingAndGlyphs"');
    expect(titleText('evaluation (ms)', 52, 18, 244)).not.toContain('textLength');
    expect(titleText('a < b (ms)', 0, 0, 244)).toContain('a &lt; b (ms)');
  });

  const figures = [
    fig('evaluation p99', 1_000_000, 60),
    fig('evaluation p50', 20_000, 3),
    fig('evaluation p99', 20_000, 20),
    fig('evaluation p50', 1_000_000, 45),
    fig('database size', 20_000, 62, 'MiB'),
    fig('database size', 1_000_000, 3_100, 'MiB'),
    { group: 'intake', name: 'no series', value: 1, unit: 'ms' },
  ];

  it('puts the p50 and p99 of one quantity in one panel, each line in size order, and ignores figures without a series', () => {
    const panels = panelsOf(figures);
    expect(panels.map((p) => [p.title, p.unit, p.lines.map((l) => l.label)])).toEqual([
      ['evaluation', 'ms', ['p99', 'p50']],
      ['database size', 'MiB', ['']],
    ]);
    expect(panels[0]!.lines[1]!.points).toEqual([
      { x: 20_000, y: 3 },
      { x: 1_000_000, y: 45 },
    ]);
  });

  it('draws one polyline per line, left to right, rising with the values', () => {
    const svg = scalingChartSvg(figures, 'caption');
    const lines = [...svg.matchAll(/<polyline[^>]*points="([^"]+)"/g)].map((m) =>
      m[1]!.split(' ').map((p) => p.split(',').map(Number) as [number, number]),
    );
    expect(lines).toHaveLength(3);
    for (const pts of lines) {
      expect(pts[1]![0]).toBeGreaterThan(pts[0]![0]); // x grows
      expect(pts[1]![1]).toBeLessThan(pts[0]![1]); // a larger value is drawn higher
    }
    expect(svg).toContain('evaluation (ms)');
  });

  it('reads growth as the exponent of size: constant 0, linear 1', () => {
    expect(growthExponent({ x: 1e5, value: 7 }, { x: 1e6, value: 7 })).toBeCloseTo(0);
    expect(growthExponent({ x: 1e5, value: 30 }, { x: 1e6, value: 300 })).toBeCloseTo(1);
    expect(growthExponent({ x: 1e5, value: 2 }, { x: 4e5, value: 4 })).toBeCloseTo(0.5);
  });
});

describe('the scaling table', () => {
  const pg = (metric: string, x: number, value: number): BenchFigure => ({
    ...fig(metric, x, value),
    series: { metric, x, xUnit: 'cases', backend: 'postgres' },
  });
  it('puts each PostgreSQL row under its SQLite row, in columns of the nominal size, and the chart a line each', () => {
    const table = scalingTable([
      fig('evaluation p99', 19_992, 4),
      fig('evaluation p99', 99_965, 9.6),
      fig('database size', 19_992, 62),
      pg('evaluation p99', 19_978, 10),
      pg('evaluation p99', 99_890, 16.7),
    ]);
    expect(table.split('\n').slice(0, 5)).toEqual([
      '| cases → | 20,000 | 100,000 | growth (last step) |',
      '|---|---|---|---|',
      '| evaluation p99 (ms) | 4.00 | 9.60 | — |',
      '| evaluation p99, PostgreSQL (ms) | 10.0 | 16.7 | — |',
      '| database size (ms) | 62.0 | — | — |',
    ]);
    const [panel] = panelsOf([fig('evaluation p99', 19_992, 4), pg('evaluation p99', 19_978, 10)]);
    expect(panel!.lines.map((l) => l.label)).toEqual(['p99 SQLite', 'p99 PostgreSQL']);
  });
});

describe('goals and verdicts', () => {
  const f = (value: number, ratio: number | undefined, goal: BenchFigure['goal']): BenchFigure => ({
    group: 'g',
    name: 'n',
    value,
    unit: 'ms',
    ...(ratio === undefined ? {} : { ratio }),
    goal,
  });
  it('holds the value or the ratio to the bound, met at the bound itself', () => {
    expect(meetsGoal(f(25, undefined, { of: 'value', op: '<=', bound: 25 }))).toBe(true);
    expect(meetsGoal(f(25.1, undefined, { of: 'value', op: '<=', bound: 25 }))).toBe(false);
    expect(meetsGoal(f(100, 0.49, { of: 'ratio', op: '>=', bound: 0.5 }))).toBe(false);
    expect(meetsGoal(f(100, undefined, { of: 'ratio', op: '>=', bound: 0.5 }))).toBe(false);
    expect(goalText(f(1, 1.4, { of: 'ratio', op: '<=', bound: 1.5 }))).toBe('goal ratio ≤ 1.5: met');
    expect(goalsTable([f(30, undefined, { of: 'value', op: '<=', bound: 25 })])).toContain('≤ 25: NOT met');
  });
});
