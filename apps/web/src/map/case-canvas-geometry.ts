import type { MarkerClass } from '../lib/reference';

/**
 * Pure geometry of the command map's case canvas: how big a cluster bubble is, which text colour
 * keeps its count readable, and which drawn item a pointer hits. No Leaflet, no DOM.
 */

/** Radius of a single case's dot, CSS pixels. */
export const DOT_RADIUS = 6;
/** Width of a cluster bubble's light ring, CSS pixels. */
export const CLUSTER_RING = 3;
/** Extra pixels around a dot that still count as a hit (a 12-px dot is a small target). */
export const DOT_HIT_SLOP = 3;

/** A cluster bubble's radius by how many cases it holds (the old DOM icons: 30, 36, 44, 52 px wide). */
export function clusterRadius(count: number): number {
  return count < 10 ? 15 : count < 100 ? 18 : count < 1000 ? 22 : 26;
}

/** Text colour of a cluster's count on its fill: white on the dark fills, ink on yellow and grey. */
export function countInkOf(worst: MarkerClass): string {
  return worst === 'yellow' || worst === 'grey' ? '#0b1320' : '#ffffff';
}

/** Drawn items in layer pixels: clusters and single dots, in drawing order (later on top). */
export interface DrawnGeometry {
  clusterX: Float64Array;
  clusterY: Float64Array;
  clusterR: Float64Array;
  dotX: Float64Array;
  dotY: Float64Array;
}

/** What a pointer at (x, y) hits, topmost first: a cluster (drawn above the dots), else a dot. */
export type Hit = { kind: 'cluster'; index: number } | { kind: 'dot'; index: number } | null;

export function hitTest(g: DrawnGeometry, x: number, y: number): Hit {
  for (let i = g.clusterX.length - 1; i >= 0; i--) {
    const dx = x - g.clusterX[i]!;
    const dy = y - g.clusterY[i]!;
    const r = g.clusterR[i]!;
    if (dx * dx + dy * dy <= r * r) return { kind: 'cluster', index: i };
  }
  const r = DOT_RADIUS + DOT_HIT_SLOP;
  let best = -1;
  let bestD = r * r;
  // the nearest dot within reach (dots overlap at high zoom; the nearest is the one meant)
  for (let i = g.dotX.length - 1; i >= 0; i--) {
    const dx = x - g.dotX[i]!;
    const dy = y - g.dotY[i]!;
    const d = dx * dx + dy * dy;
    if (d <= bestD && (best < 0 || d < bestD)) {
      best = i;
      bestD = d;
    }
  }
  return best >= 0 ? { kind: 'dot', index: best } : null;
}

/** The zoom a click on a cluster goes to: where it splits, at least one step in, at most `maxZoom`. */
export function expandZoomOf(expansionZoom: number, currentZoom: number, maxZoom: number): number {
  return Math.min(Math.max(expansionZoom, currentZoom + 1), maxZoom);
}
