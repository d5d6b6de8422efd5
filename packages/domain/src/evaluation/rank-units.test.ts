import { describe, expect, it } from 'vitest';
import { rankUnits, type UnitEvaluation } from './rank-units.ts';

const row = (
  key: string | null,
  dispatched: number,
  onTimeCloseRate: number | null,
  reworkRate: number | null,
): UnitEvaluation => ({ key, dispatched, onTimeCloseRate, reworkRate });

describe('rankUnits', () => {
  it('ranks by on-time closing rate, then by the lower rework rate', () => {
    const ranked = rankUnits([row('A', 10, 0.5, 0), row('B', 10, 0.9, 0.2), row('C', 10, 0.9, 0.1)]);
    expect(ranked.map((r) => r.key)).toEqual(['C', 'B', 'A']);
  });

  it('puts units without a rate yet last, and leaves out undispatched and unnamed rows', () => {
    const ranked = rankUnits([
      row('A', 3, null, null),
      row('B', 0, 1, 0),
      row(null, 5, 1, 0),
      row('C', 2, 0, 0),
    ]);
    expect(ranked.map((r) => r.key)).toEqual(['C', 'A']);
  });

  it('does not reorder its input', () => {
    const rows = [row('A', 1, 0.1, 0), row('B', 1, 0.9, 0)];
    rankUnits(rows);
    expect(rows.map((r) => r.key)).toEqual(['A', 'B']);
  });
});
