/** One measured figure of a benchmark module (`bench/*.ts` default-exports `() => Promise<BenchFigure[]>`). */
export interface BenchFigure {
  /** Area measured, e.g. `grid`. */
  group: string;
  /** What was measured, e.g. `lookups/s, 200,000 cells (rbush index)`. */
  name: string;
  value: number;
  /** e.g. `ms`, `ops/s`. */
  unit: string;
  /** The figure compared against, in the same unit. */
  baseline?: { name: string; value: number };
  /** value / baseline.value. */
  ratio?: number;
  note?: string;
  /**
   * The goal this figure is held to (issue 14's table): `value` or `ratio` against a bound.
   * `pnpm bench` prints the verdict beside the figure.
   */
  goal?: { of: 'value' | 'ratio'; op: '<=' | '>='; bound: number };
  /**
   * A point of a growth curve (the scaling table and chart): which curve, the size it was measured at,
   * and the backend when it is not the default SQLite (its own rows in the table, lines in the chart).
   */
  series?: { metric: string; x: number; xUnit: string; backend?: 'postgres' };
}
