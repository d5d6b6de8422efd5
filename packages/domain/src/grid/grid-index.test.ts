import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { GridCellCode, LatLng } from '../ids.ts';
import { createGridIndex, locateBruteForce, selectCellsValidOn } from './grid-index.ts';
import type { GridCell, LocateResult } from './grid-index.ts';
import { createSeededRandom } from './prng.ts';
import { generateSyntheticGrid } from './synthetic-grid.ts';
import { readShippedGrid } from './test-support.ts';

const codeOf = (r: LocateResult) => (r.kind === 'cell' ? r.cell.code : 'outside');

const shipped = readShippedGrid();
const shippedIndex = createGridIndex(shipped.cells);
const shippedVertices: LatLng[] = [
  ...new Map(
    shipped.cells.flatMap((c) => c.ring.map(([lng, lat]) => [`${lng},${lat}`, { lat, lng }] as const)),
  ).values(),
];

describe('createGridIndex on the shipped grid', () => {
  it('indexes all 180 cells', () => {
    expect(shippedIndex.size).toBe(180);
    expect(shippedIndex.cells).toBe(shipped.cells);
  });

  it('agrees with brute force on random points in and around the extent', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 43.88, max: 43.99, noNaN: true }),
        fc.double({ min: 116.0, max: 116.17, noNaN: true }),
        (lat, lng) => {
          const p = { lat, lng };
          expect(codeOf(shippedIndex.locate(p))).toBe(codeOf(locateBruteForce(shipped.cells, p)));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('finds a cell for every point strictly inside the extent', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 43.9, max: 43.968, noNaN: true }),
        fc.double({ min: 116.03, max: 116.145, noNaN: true }),
        (lat, lng) => {
          expect(shippedIndex.locate({ lat, lng }).kind).toBe('cell');
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('puts every vertex in every cell that has it, and returns the smallest of their codes', () => {
    fc.assert(
      fc.property(fc.constantFrom(...shippedVertices), (v) => {
        const owners = shipped.cells
          .filter((c) => c.ring.some(([lng, lat]) => lng === v.lng && lat === v.lat))
          .map((c) => c.code)
          .sort();
        const all = shippedIndex.locateAll(v).map((c) => c.code);
        expect(all).toEqual(owners);
        expect(codeOf(shippedIndex.locate(v))).toBe(owners[0]);
        expect(codeOf(shippedIndex.locate(v))).toBe(codeOf(locateBruteForce(shipped.cells, v)));
      }),
      { numRuns: 500 },
    );
  });

  it('finds a cell for points exactly on the straight outer boundary', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 116.03, max: 116.145, noNaN: true }),
        fc.constantFrom(43.9, 43.968),
        (lng, lat) => {
          const r = shippedIndex.locate({ lat, lng });
          expect(r.kind).toBe('cell');
          expect(codeOf(r)).toBe(codeOf(locateBruteForce(shipped.cells, { lat, lng })));
        },
      ),
    );
  });

  it('returns outside for points beyond the extent and for non-finite input', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.record({
            lat: fc.double({ min: 43.96800001, max: 50, noNaN: true }),
            lng: fc.double({ min: 110, max: 120, noNaN: true }),
          }),
          fc.record({
            lat: fc.double({ min: 40, max: 43.89999999, noNaN: true }),
            lng: fc.double({ min: 110, max: 120, noNaN: true }),
          }),
          fc.record({
            lat: fc.double({ min: 40, max: 50, noNaN: true }),
            lng: fc.double({ min: 100, max: 116.02999999, noNaN: true }),
          }),
          fc.record({
            lat: fc.double({ min: 40, max: 50, noNaN: true }),
            lng: fc.double({ min: 116.14500001, max: 130, noNaN: true }),
          }),
        ),
        (p) => {
          expect(shippedIndex.locate(p)).toEqual({ kind: 'outside' });
          expect(locateBruteForce(shipped.cells, p)).toEqual({ kind: 'outside' });
        },
      ),
    );
    expect(shippedIndex.locate({ lat: Number.NaN, lng: 116.08 }).kind).toBe('outside');
  });
});

describe('tie-break', () => {
  const square = (code: string, x0: number, y0: number): GridCell => ({
    code: code as GridCellCode,
    communityCode: code.slice(0, 12) as GridCell['communityCode'],
    subDistrictCode: code.slice(0, 9) as GridCell['subDistrictCode'],
    name: code,
    ring: [
      [x0, y0],
      [x0 + 1, y0],
      [x0 + 1, y0 + 1],
      [x0, y0 + 1],
      [x0, y0],
    ],
    validFrom: '2025-01-01',
    validTo: null,
  });
  const four = [
    square('15250200100203', 116, 43),
    square('15250200100101', 117, 43),
    square('15250200100204', 116, 44),
    square('15250200100102', 117, 44),
  ];

  it('returns the lexicographically smallest code on a vertex shared by four cells, whatever the input order', () => {
    fc.assert(
      fc.property(fc.shuffledSubarray(four, { minLength: 4, maxLength: 4 }), (cells) => {
        const index = createGridIndex(cells);
        expect(codeOf(index.locate({ lat: 44, lng: 117 }))).toBe('15250200100101');
        expect(codeOf(locateBruteForce(cells, { lat: 44, lng: 117 }))).toBe('15250200100101');
        expect(index.locateAll({ lat: 44, lng: 117 })).toHaveLength(4);
      }),
    );
  });

  it('returns the smaller code of the two cells on a shared edge', () => {
    const index = createGridIndex(four);
    expect(codeOf(index.locate({ lat: 43.5, lng: 117 }))).toBe('15250200100101');
    expect(codeOf(index.locate({ lat: 44, lng: 116.5 }))).toBe('15250200100203');
  });
});

describe('synthetic grids', () => {
  it('generates exactly n cells with unique, ascending, well-formed codes', () => {
    const cells = generateSyntheticGrid(1234);
    expect(cells).toHaveLength(1234);
    const codes = cells.map((c) => c.code);
    expect(new Set(codes).size).toBe(1234);
    expect([...codes].sort()).toEqual(codes);
    for (const c of cells) expect(c.code).toMatch(/^152502\d{8}$/);
  });

  it('puts points exactly on a shared axis-aligned edge in both cells, the smaller code winning', () => {
    const cells = generateSyntheticGrid(900);
    const index = createGridIndex(cells);
    const cols = 30;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 899 }), fc.double({ min: 0, max: 1, noNaN: true }), (i, t) => {
        fc.pre(i % cols !== 0);
        const cell = cells[i]!;
        const [[x, yTop], [, yBottom]] = cell.ring as [readonly [number, number], readonly [number, number]];
        const lat = Math.min(yTop, Math.max(yBottom, yBottom + t * (yTop - yBottom)));
        const p = { lat, lng: x };
        const holders = index.locateAll(p).map((c) => c.code);
        expect(holders).toContain(cell.code);
        expect(holders).toContain(cells[i - 1]!.code);
        expect(codeOf(index.locate(p))).toBe(holders[0]);
        expect(codeOf(index.locate(p))).toBe(codeOf(locateBruteForce(cells, p)));
      }),
      { numRuns: 500 },
    );
  });

  it('builds an index over 200,000 cells that agrees with brute force', () => {
    const cells = generateSyntheticGrid(200_000);
    const index = createGridIndex(cells);
    expect(index.size).toBe(200_000);
    const random = createSeededRandom(7);
    const points: LatLng[] = [];
    for (let k = 0; k < 200; k++)
      points.push({ lat: 43.84 + random() * 0.17, lng: 115.99 + random() * 0.22 });
    for (let k = 0; k < 100; k++) {
      const ring = cells[Math.floor(random() * cells.length)]!.ring;
      const [lng, lat] = ring[Math.floor(random() * 4)]!;
      points.push({ lat, lng });
    }
    let inside = 0;
    for (const p of points) {
      const fast = index.locate(p);
      expect(codeOf(fast)).toBe(codeOf(locateBruteForce(cells, p)));
      if (fast.kind === 'cell') inside++;
    }
    expect(inside).toBeGreaterThan(200);
  }, 30_000);
});

describe('selectCellsValidOn', () => {
  it('keeps cells whose validity interval contains the date, end exclusive', () => {
    const [a, b] = generateSyntheticGrid(2) as [GridCell, GridCell];
    const retired = { ...a, validTo: '2025-06-01' };
    const later = { ...b, validFrom: '2025-06-01' };
    expect(selectCellsValidOn([retired, later], '2025-05-31').map((c) => c.code)).toEqual([a.code]);
    expect(selectCellsValidOn([retired, later], '2025-06-01').map((c) => c.code)).toEqual([b.code]);
    expect(selectCellsValidOn([retired, later], '2024-12-31')).toEqual([]);
  });
});
