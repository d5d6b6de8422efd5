import { describe, expect, it } from 'vitest';
import { BREAKS, classLabel, classOf, RAMP } from './choropleth';

describe('the cell choropleth', () => {
  it('puts a count in the last class whose lower bound it reaches', () => {
    expect([0, 1, 2, 3, 5, 6, 10, 11, 500].map((n) => classOf(n, 'open'))).toEqual([
      0, 1, 1, 2, 2, 3, 3, 4, 4,
    ]);
    expect([0, 1, 2, 3, 4, 7, 40].map((n) => classOf(n, 'overdue'))).toEqual([0, 1, 2, 2, 3, 4, 4]);
  });

  it('labels each class with the counts it holds, as the legend shows them', () => {
    expect(BREAKS.open.map((_, i) => classLabel('open', i))).toEqual(['0', '1–2', '3–5', '6–10', '≥11']);
    expect(BREAKS.overdue.map((_, i) => classLabel('overdue', i))).toEqual(['0', '1', '2–3', '4–6', '≥7']);
  });

  it('has one colour per class', () => {
    expect(RAMP.open).toHaveLength(BREAKS.open.length);
    expect(RAMP.overdue).toHaveLength(BREAKS.overdue.length);
  });
});
