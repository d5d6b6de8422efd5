import { isOnSegment, orient2d } from './exact-predicates.ts';

/** A closed ring of `[lng, lat]` positions; first and last positions are equal. */
export type Ring = ReadonlyArray<readonly [lng: number, lat: number]>;

/**
 * Whether the point (x = lng, y = lat) lies in the CLOSED polygon bounded by `ring`: points on an
 * edge or a vertex count as inside. Exact on the given doubles (winding number with exact
 * orientation tests), so two cells sharing an edge both contain every point of that edge.
 * The ring may be given with or without the closing position.
 */
export function isPointInRing(ring: Ring, x: number, y: number): boolean {
  const n = ring.length;
  if (n < 3) return false;
  let winding = 0;
  let prev = ring[n - 1]!;
  for (let i = 0; i < n; i++) {
    const cur = ring[i]!;
    const ax = prev[0];
    const ay = prev[1];
    const bx = cur[0];
    const by = cur[1];
    prev = cur;
    if (ax === bx && ay === by) continue; // closing duplicate or repeated vertex
    if (isOnSegment(ax, ay, bx, by, x, y)) return true;
    if (ay <= y) {
      if (by > y && orient2d(ax, ay, bx, by, x, y) > 0) winding++;
    } else if (by <= y && orient2d(ax, ay, bx, by, x, y) < 0) {
      winding--;
    }
  }
  return winding !== 0;
}
