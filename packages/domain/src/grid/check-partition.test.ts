import { describe, expect, it } from 'vitest';
import type { GridCellCode } from '../ids.ts';
import { checkPartition } from './check-partition.ts';
import type { GridCell } from './grid-index.ts';
import type { Ring } from './point-in-ring.ts';
import { generateSyntheticGrid } from './synthetic-grid.ts';
import { readShippedGrid } from './test-support.ts';

// A 3 × 3 synthetic grid, codes 15250200100101 … 09 row-major from the north-west.
const nine = generateSyntheticGrid(9, { bounds: [116, 43.9, 116.03, 43.93] });
const extent: Ring = [
  [116, 43.93],
  [116, 43.9],
  [116.03, 43.9],
  [116.03, 43.93],
  [116, 43.93],
];
const code = (seq: number) => `1525020010010${seq}`;

describe('checkPartition', () => {
  it('accepts a seamless synthetic grid', () => {
    const report = checkPartition(nine, extent);
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.totalAreaM2 / report.extentAreaM2).toBeCloseTo(1, 9);
    expect(report.toleranceM2).toBeGreaterThan(0);
  });

  it('reports an overlap naming both cells, and the gap it leaves', () => {
    const shifted = nine.map((c, i): GridCell =>
      i === 4 ? { ...c, ring: c.ring.map(([lng, lat]) => [lng + 0.002, lat] as const) } : c,
    );
    const report = checkPartition(shifted, extent);
    expect(report.ok).toBe(false);
    expect(report.overlapAreaM2).toBeGreaterThan(1000);
    expect(report.problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`^cell ${code(6)} overlaps ${code(5)} by [\\d.]+ m²$`)),
      ]),
    );
    expect(
      report.problems.some((p) => p.startsWith('gap of') && p.includes(code(4)) && p.includes(code(5))),
    ).toBe(true);
  });

  it('reports a missing cell as a gap between its neighbours, with or without an extent', () => {
    const holed = nine.filter((_, i) => i !== 4);
    for (const report of [checkPartition(holed, extent), checkPartition(holed)]) {
      expect(report.ok).toBe(false);
      expect(report.gapAreaM2).toBeGreaterThan(1000);
      const gap = report.problems.find((p) => p.startsWith('gap of'));
      expect(gap).toBeDefined();
      for (const neighbour of [2, 4, 6, 8]) expect(gap).toContain(code(neighbour));
    }
  });

  it('reports cells reaching beyond the extent', () => {
    const smaller: Ring = [
      [116, 43.93],
      [116, 43.91],
      [116.03, 43.91],
      [116.03, 43.93],
      [116, 43.93],
    ];
    const report = checkPartition(nine, smaller);
    expect(report.problems.some((p) => p.includes('extend outside the extent') && p.includes(code(9)))).toBe(
      true,
    );
  });

  it('reports malformed, duplicate and misnumbered codes', () => {
    const bad = nine.map((c, i): GridCell => {
      if (i === 0) return { ...c, code: '1525020010010' as GridCellCode };
      if (i === 1) return { ...c, code: code(3) as GridCellCode };
      return c;
    });
    const problems = checkPartition(bad, extent).problems;
    expect(problems).toContain('cell 1525020010010: code must be 14 digits');
    expect(problems).toContain(`cell ${code(3)}: code used 2 times`);
    expect(problems.some((p) => p.startsWith('community 152502001001: cell sequences must run'))).toBe(true);
  });

  it('reports cells numbered against reading order', () => {
    const swapped = nine.map((c, i): GridCell =>
      i === 0
        ? { ...c, code: code(2) as GridCellCode }
        : i === 1
          ? { ...c, code: code(1) as GridCellCode }
          : c,
    );
    const problems = checkPartition(swapped, extent).problems;
    expect(problems.some((p) => p.includes('not numbered west→east, north→south'))).toBe(true);
  });

  it('reports a cell that crosses its community boundary', () => {
    const { cells, communities, extent: shippedExtent } = readShippedGrid();
    const [first, second] = communities as [(typeof communities)[number], (typeof communities)[number]];
    const moved = cells.map((c): GridCell =>
      c.code === `${first.code}01`
        ? {
            ...c,
            code: `${second.code}05` as GridCellCode,
            communityCode: second.code,
            subDistrictCode: second.subDistrictCode,
          }
        : c,
    );
    const report = checkPartition(moved, shippedExtent, communities);
    expect(
      report.problems.some((p) =>
        p.startsWith(`cell ${second.code}05 extends outside its community ${second.code} by`),
      ),
    ).toBe(true);
  });
});
