/** The cell choropleth of the command map: open or overdue cases per cell, in five classes. */
export type CellMode = 'open' | 'overdue';
export const CELL_MODES: readonly CellMode[] = ['open', 'overdue'];

/** Lower bound of each class. */
export const BREAKS: Record<CellMode, readonly number[]> = {
  open: [0, 1, 3, 6, 11],
  overdue: [0, 1, 2, 4, 7],
};
export const RAMP: Record<CellMode, readonly string[]> = {
  open: ['#142033', '#1d3a5f', '#24609a', '#2f8bd0', '#6cc3ff'],
  overdue: ['#142033', '#4a2a1f', '#8a3b22', '#c9502a', '#ff7a45'],
};

/** The class (0–4) of a count: the last break it reaches. */
export function classOf(n: number, mode: CellMode): number {
  const b = BREAKS[mode];
  let k = 0;
  for (let i = 0; i < b.length; i++) if (n >= (b[i] ?? 0)) k = i;
  return k;
}

/** The legend's text for class `i`: `0`, `1–2`, `≥11`. */
export function classLabel(mode: CellMode, i: number): string {
  const b = BREAKS[mode][i] ?? 0;
  const next = BREAKS[mode][i + 1];
  return next === undefined ? `≥${b}` : next - 1 === b ? `${b}` : `${b}–${next - 1}`;
}
