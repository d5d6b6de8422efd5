/**
 * Partition checker for a grid (单元网格划分校验): the shipped generated grid must pass it, and it
 * validates an imported surveyed GeoJSON before it replaces the reference grid.
 *
 * Rules checked (CJ/T 213 / GB/T 30428.1):
 * - codes: 14 digits, prefix = the cell's 12-digit community code, whose prefix is the 9-digit
 *   sub-district code, one county prefix for all; unique; sequence `01`… (not `00`, the community
 *   node), contiguous within a community and numbered west→east, north→south (see
 *   {@link orderByReadingOrder});
 * - no overlaps: every pair of cells whose bounding boxes meet intersects in (near) zero area;
 * - no gaps: the union of the cells equals the extent (or, without an extent, has no holes);
 * - cells never cross a community boundary: cell minus its community polygon has (near) zero area.
 *
 * Tolerance: an area below `max(0.01 m², 1e-9 × extent area)` is treated as zero (floating-point
 * noise of the clipping). For the ~70 km² Xilinhot extent that is about 0.07 m². Override with
 * `options.toleranceM2`.
 */
import * as polygonClippingModule from 'polygon-clipping';
import type { MultiPolygon, Polygon } from 'polygon-clipping';
import RBush from 'rbush';
import { bboxOf, polygonAreaM2 } from './geo.ts';
import type { GridCell } from './grid-index.ts';
import type { Community } from './load-reference-grid.ts';
import type { Ring } from './point-in-ring.ts';
import { orderByReadingOrder, ringCentroid } from './reading-order.ts';

// The ESM build exports only a default object, the typings only named functions: accept both.
const esmDefault: typeof polygonClippingModule | undefined = Reflect.get(polygonClippingModule, 'default');
const clipping: typeof polygonClippingModule = esmDefault ?? polygonClippingModule;

export interface PartitionReport {
  readonly ok: boolean;
  readonly cellCount: number;
  /** Sum of the cells' areas. */
  readonly totalAreaM2: number;
  /** Area of the extent (or of the union's outer boundary when no extent is given). */
  readonly extentAreaM2: number;
  /** Sum of the pairwise overlap areas. */
  readonly overlapAreaM2: number;
  /** Area of the extent not covered by any cell. */
  readonly gapAreaM2: number;
  /** Area actually treated as zero. */
  readonly toleranceM2: number;
  readonly problems: string[];
}

export interface CheckPartitionOptions {
  readonly toleranceM2?: number;
}

const CELL_CODE = /^\d{14}$/;
const COMMUNITY_CODE = /^\d{12}$/;
const SUB_DISTRICT_CODE = /^\d{9}$/;

function toPolygon(ring: Ring): Polygon {
  return [ring.map(([lng, lat]) => [lng, lat] as [number, number])];
}

/** Area of a polygon-clipping MultiPolygon (outer rings minus holes). */
function multiPolygonAreaM2(mp: MultiPolygon): number {
  let area = 0;
  for (const polygon of mp) {
    polygon.forEach((ring, i) => {
      area += i === 0 ? polygonAreaM2(ring) : -polygonAreaM2(ring);
    });
  }
  return area;
}

function formatM2(area: number): string {
  return area >= 10 ? `${area.toFixed(1)} m²` : `${area.toPrecision(3)} m²`;
}

function formatPoint([lng, lat]: readonly [number, number]): string {
  return `(${lat.toFixed(6)} N, ${lng.toFixed(6)} E)`;
}

interface Boxed {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
  index: number;
}

function boxOf(ring: Ring, index: number): Boxed {
  const b = bboxOf(ring);
  return { minX: b.minLng, minY: b.minLat, maxX: b.maxLng, maxY: b.maxLat, index };
}

function safely<T>(problems: string[], what: string, run: () => T): T | undefined {
  try {
    return run();
  } catch (e) {
    problems.push(`${what}: geometry could not be processed (${e instanceof Error ? e.message : String(e)})`);
    return undefined;
  }
}

/** Pairs (i < j) whose areas overlap by more than `tolerance`; the callback gets every positive overlap. */
function findOverlaps(
  rings: readonly Ring[],
  problems: string[],
  label: (i: number) => string,
  onOverlap: (i: number, j: number, area: number) => void,
): void {
  const tree = new RBush<Boxed>();
  const boxes = rings.map((ring, i) => boxOf(ring, i));
  tree.load(boxes);
  for (const a of boxes) {
    for (const b of tree.search(a)) {
      if (b.index <= a.index) continue;
      const inter = safely(problems, `${label(a.index)} × ${label(b.index)}`, () =>
        clipping.intersection(toPolygon(rings[a.index]!), toPolygon(rings[b.index]!)),
      );
      if (!inter) continue;
      const area = multiPolygonAreaM2(inter);
      if (area > 0) onOverlap(a.index, b.index, area);
    }
  }
}

/** Cells whose bounding boxes meet the given polygon's, by code (to name the neighbours of a gap). */
function cellsNear(tree: RBush<Boxed>, cells: readonly GridCell[], ring: Ring): string[] {
  const box = boxOf(ring, -1);
  return tree
    .search(box)
    .map((b) => cells[b.index]!.code as string)
    .sort();
}

function checkCodes(
  cells: readonly GridCell[],
  communities: readonly Community[] | undefined,
  problems: string[],
): void {
  const seen = new Map<string, number>();
  const counties = new Set<string>();
  for (const cell of cells) {
    const { code, communityCode, subDistrictCode } = cell;
    seen.set(code, (seen.get(code) ?? 0) + 1);
    if (!CELL_CODE.test(code)) problems.push(`cell ${code}: code must be 14 digits`);
    if (!COMMUNITY_CODE.test(communityCode))
      problems.push(`cell ${code}: community code ${communityCode} must be 12 digits`);
    if (!SUB_DISTRICT_CODE.test(subDistrictCode))
      problems.push(`cell ${code}: sub-district code ${subDistrictCode} must be 9 digits`);
    if (!code.startsWith(communityCode))
      problems.push(`cell ${code}: code does not start with its community code ${communityCode}`);
    if (!communityCode.startsWith(subDistrictCode)) {
      problems.push(
        `cell ${code}: community code ${communityCode} does not start with its sub-district code ${subDistrictCode}`,
      );
    }
    if (code.endsWith('00')) problems.push(`cell ${code}: sequence 00 is reserved for the community node`);
    counties.add(code.slice(0, 6));
  }
  for (const [code, count] of seen) if (count > 1) problems.push(`cell ${code}: code used ${count} times`);
  if (counties.size > 1)
    problems.push(`cells belong to several county prefixes: ${[...counties].sort().join(', ')}`);

  if (communities) {
    const byCode = new Map(communities.map((c) => [c.code as string, c]));
    const communityCodesSeen = new Set<string>();
    for (const c of communities) {
      if (communityCodesSeen.has(c.code)) problems.push(`community ${c.code}: code used more than once`);
      communityCodesSeen.add(c.code);
      if (!COMMUNITY_CODE.test(c.code)) problems.push(`community ${c.code}: code must be 12 digits`);
      if (!c.code.startsWith(c.subDistrictCode)) {
        problems.push(
          `community ${c.code}: code does not start with its sub-district code ${c.subDistrictCode}`,
        );
      }
    }
    for (const cell of cells) {
      const community = byCode.get(cell.communityCode);
      if (!community)
        problems.push(`cell ${cell.code}: community ${cell.communityCode} is not in the community list`);
      else if (community.subDistrictCode !== cell.subDistrictCode) {
        problems.push(
          `cell ${cell.code}: sub-district ${cell.subDistrictCode} differs from its community's ${community.subDistrictCode}`,
        );
      }
    }
  }
}

function checkSequences(cells: readonly GridCell[], problems: string[]): void {
  const byCommunity = new Map<string, GridCell[]>();
  for (const cell of cells) {
    const list = byCommunity.get(cell.communityCode) ?? [];
    list.push(cell);
    byCommunity.set(cell.communityCode, list);
  }
  for (const [communityCode, list] of byCommunity) {
    const sorted = [...list].sort((a, b) => (a.code < b.code ? -1 : 1));
    const seqs = sorted.map((c) => Number(c.code.slice(-2)));
    if (!seqs.every((s, i) => s === i + 1)) {
      problems.push(
        `community ${communityCode}: cell sequences must run 01…${String(list.length).padStart(2, '0')} without gaps, got ${seqs.join(', ')}`,
      );
      continue;
    }
    const order = orderByReadingOrder(sorted.map((c) => c.ring));
    const expected = order.map((i) => sorted[i]!.code);
    if (expected.some((code, i) => code !== sorted[i]!.code)) {
      problems.push(
        `community ${communityCode}: cells are not numbered west→east, north→south; in reading order they are ${expected.join(', ')}`,
      );
    }
  }
}

/** Checks that `cells` form a valid grid partition of `extent`; see the module comment for the rules. */
export function checkPartition(
  cells: readonly GridCell[],
  extent?: Ring | null,
  communities?: readonly Community[],
  options: CheckPartitionOptions = {},
): PartitionReport {
  const problems: string[] = [];
  checkCodes(cells, communities, problems);
  checkSequences(cells, problems);

  const validRings: number[] = [];
  let totalAreaM2 = 0;
  cells.forEach((cell, i) => {
    const area = cell.ring.length >= 4 ? polygonAreaM2(cell.ring) : 0;
    if (cell.ring.length < 4 || area === 0) problems.push(`cell ${cell.code}: polygon has no area`);
    else validRings.push(i);
    totalAreaM2 += area;
  });

  const union = safely(problems, 'union of cells', () =>
    validRings.length === 0
      ? []
      : clipping.union(
          toPolygon(cells[validRings[0]!]!.ring),
          ...validRings.slice(1).map((i) => toPolygon(cells[i]!.ring)),
        ),
  );
  const unionArea = union ? multiPolygonAreaM2(union) : 0;
  let extentAreaM2: number;
  if (extent) extentAreaM2 = polygonAreaM2(extent);
  else
    extentAreaM2 = union
      ? union.reduce((sum, polygon) => sum + (polygon[0] ? polygonAreaM2(polygon[0]) : 0), 0)
      : 0;
  const toleranceM2 = options.toleranceM2 ?? Math.max(0.01, 1e-9 * extentAreaM2);

  // Overlaps between cells.
  let overlapAreaM2 = 0;
  findOverlaps(
    cells.map((c) => c.ring),
    problems,
    (i) => `cell ${cells[i]!.code}`,
    (i, j, area) => {
      overlapAreaM2 += area;
      if (area > toleranceM2) {
        const [a, b] = [cells[i]!.code, cells[j]!.code].sort();
        problems.push(`cell ${b} overlaps ${a} by ${formatM2(area)}`);
      }
    },
  );
  if (Math.abs(totalAreaM2 - unionArea) > toleranceM2 + overlapAreaM2 && union) {
    problems.push(
      `sum of cell areas ${formatM2(totalAreaM2)} differs from the area of their union ${formatM2(unionArea)}`,
    );
  }

  // Gaps: extent not covered, or holes in the union.
  const tree = new RBush<Boxed>();
  tree.load(cells.map((c, i) => boxOf(c.ring, i)));
  let gapAreaM2 = 0;
  const gapPolygons: Ring[] = [];
  if (union && extent) {
    const gaps = safely(problems, 'extent minus cells', () => clipping.difference(toPolygon(extent), union));
    if (gaps) {
      gapAreaM2 = multiPolygonAreaM2(gaps);
      for (const polygon of gaps) if (polygon[0]) gapPolygons.push(polygon[0]);
    }
    const outside = safely(problems, 'cells minus extent', () =>
      clipping.difference(union, toPolygon(extent)),
    );
    if (outside) {
      for (const polygon of outside) {
        const ring = polygon[0];
        const area = ring ? polygonAreaM2(ring) : 0;
        if (ring && area > toleranceM2) {
          problems.push(
            `cells ${cellsNear(tree, cells, ring).join(', ')} extend outside the extent by ${formatM2(area)} near ${formatPoint(ringCentroid(ring))}`,
          );
        }
      }
    }
  } else if (union) {
    for (const polygon of union) {
      for (const hole of polygon.slice(1)) {
        gapAreaM2 += polygonAreaM2(hole);
        gapPolygons.push(hole);
      }
    }
  }
  for (const ring of gapPolygons) {
    const area = polygonAreaM2(ring);
    if (area > toleranceM2) {
      problems.push(
        `gap of ${formatM2(area)} near ${formatPoint(ringCentroid(ring))} between cells ${cellsNear(tree, cells, ring).join(', ')}`,
      );
    }
  }

  // Cells inside their community; communities not overlapping one another.
  if (communities) {
    const byCode = new Map(communities.map((c) => [c.code as string, c]));
    for (const cell of cells) {
      const community = byCode.get(cell.communityCode);
      if (!community || cell.ring.length < 4) continue;
      const outside = safely(problems, `cell ${cell.code} minus community ${community.code}`, () =>
        clipping.difference(toPolygon(cell.ring), toPolygon(community.ring)),
      );
      const area = outside ? multiPolygonAreaM2(outside) : 0;
      if (area > toleranceM2)
        problems.push(
          `cell ${cell.code} extends outside its community ${community.code} by ${formatM2(area)}`,
        );
    }
    findOverlaps(
      communities.map((c) => c.ring),
      problems,
      (i) => `community ${communities[i]!.code}`,
      (i, j, area) => {
        if (area > toleranceM2)
          problems.push(
            `community ${communities[j]!.code} overlaps ${communities[i]!.code} by ${formatM2(area)}`,
          );
      },
    );
  }

  return {
    ok: problems.length === 0,
    cellCount: cells.length,
    totalAreaM2,
    extentAreaM2,
    overlapAreaM2,
    gapAreaM2,
    toleranceM2,
    problems,
  };
}
