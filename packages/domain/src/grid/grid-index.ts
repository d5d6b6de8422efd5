/**
 * Point → cell lookup (落格): which 单元网格 contains a WGS84 point.
 *
 * Cells are CLOSED sets: a point exactly on an edge or a vertex lies in every cell touching it.
 * Tie-break (documented, deterministic): of all cells containing the point, the one with the
 * lexicographically smallest code wins. The containment test is exact on the given doubles, so in a
 * seamless grid every point of the extent — including points on shared edges — finds a cell.
 */
import RBush from 'rbush';
import type { CommunityCode, GridCellCode, LatLng, SubDistrictCode } from '../ids.ts';
import { bboxOf } from './geo.ts';
import { isPointInRing } from './point-in-ring.ts';
import type { Ring } from './point-in-ring.ts';

export interface GridCell {
  readonly code: GridCellCode;
  readonly communityCode: CommunityCode;
  readonly subDistrictCode: SubDistrictCode;
  readonly name: string;
  /** Closed outer ring of `[lng, lat]` WGS84 positions (first position repeated at the end). */
  readonly ring: Ring;
  /** ISO date (YYYY-MM-DD) from which the cell is valid, inclusive. */
  readonly validFrom: string;
  /** ISO date until which the cell is valid, exclusive; `null` while current. */
  readonly validTo: string | null;
}

export type LocateResult = { readonly kind: 'cell'; readonly cell: GridCell } | { readonly kind: 'outside' };

export interface GridIndex {
  /** Number of indexed cells. */
  readonly size: number;
  /** The indexed cells, in the order given. */
  readonly cells: readonly GridCell[];
  /** The cell containing `p` (smallest code on ties), or `outside`. */
  locate(p: LatLng): LocateResult;
  /** Every cell containing `p` (several only on shared edges/vertices or in a faulty grid), sorted by code. */
  locateAll(p: LatLng): GridCell[];
}

interface IndexedCell {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
  cell: GridCell;
}

const OUTSIDE: LocateResult = { kind: 'outside' };

function containsPoint(cell: GridCell, p: LatLng): boolean {
  return isPointInRing(cell.ring, p.lng, p.lat);
}

function pickSmallestCode(best: GridCell | undefined, candidate: GridCell): GridCell {
  return best === undefined || candidate.code < best.code ? candidate : best;
}

/**
 * Builds an R-tree (rbush, bulk-loaded) over the cells' bounding boxes. Validity dates are not
 * consulted: pass the cells valid on the date of interest (see {@link selectCellsValidOn}).
 */
export function createGridIndex(cells: readonly GridCell[]): GridIndex {
  const tree = new RBush<IndexedCell>(16);
  tree.load(
    cells.map((cell) => {
      const box = bboxOf(cell.ring);
      return { minX: box.minLng, minY: box.minLat, maxX: box.maxLng, maxY: box.maxLat, cell };
    }),
  );
  const search = (p: LatLng) => tree.search({ minX: p.lng, minY: p.lat, maxX: p.lng, maxY: p.lat });
  return {
    size: cells.length,
    cells,
    locate(p) {
      if (!Number.isFinite(p.lat) || !Number.isFinite(p.lng)) return OUTSIDE;
      let best: GridCell | undefined;
      for (const hit of search(p)) {
        if ((best === undefined || hit.cell.code < best.code) && containsPoint(hit.cell, p)) {
          best = pickSmallestCode(best, hit.cell);
        }
      }
      return best ? { kind: 'cell', cell: best } : OUTSIDE;
    },
    locateAll(p) {
      if (!Number.isFinite(p.lat) || !Number.isFinite(p.lng)) return [];
      return search(p)
        .filter((hit) => containsPoint(hit.cell, p))
        .map((hit) => hit.cell)
        .sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
    },
  };
}

/** Same semantics as `GridIndex.locate`, by testing every cell (reference for tests and benchmarks). */
export function locateBruteForce(cells: readonly GridCell[], p: LatLng): LocateResult {
  if (!Number.isFinite(p.lat) || !Number.isFinite(p.lng)) return OUTSIDE;
  let best: GridCell | undefined;
  for (const cell of cells) {
    if (containsPoint(cell, p)) best = pickSmallestCode(best, cell);
  }
  return best ? { kind: 'cell', cell: best } : OUTSIDE;
}

/** Cells valid on an ISO date `YYYY-MM-DD` (validFrom ≤ date < validTo). */
export function selectCellsValidOn(cells: readonly GridCell[], date: string): GridCell[] {
  return cells.filter((c) => c.validFrom <= date && (c.validTo === null || date < c.validTo));
}
