import { describe, expect, it } from 'vitest';
import {
  DOT_HIT_SLOP,
  DOT_RADIUS,
  clusterRadius,
  countInkOf,
  expandZoomOf,
  hitTest,
  type DrawnGeometry,
} from './case-canvas-geometry';

const geometry = (
  clusters: Array<[x: number, y: number, count: number]>,
  dots: Array<[x: number, y: number]>,
): DrawnGeometry => ({
  clusterX: Float64Array.from(clusters.map((c) => c[0])),
  clusterY: Float64Array.from(clusters.map((c) => c[1])),
  clusterR: Float64Array.from(clusters.map((c) => clusterRadius(c[2]))),
  dotX: Float64Array.from(dots.map((d) => d[0])),
  dotY: Float64Array.from(dots.map((d) => d[1])),
});

describe('hit-testing the command map’s canvas', () => {
  it('finds the cluster bubble under the pointer, up to its rim and not beyond', () => {
    const g = geometry(
      [
        [100, 100, 5],
        [300, 100, 2500],
      ],
      [],
    );
    expect(hitTest(g, 100, 100)).toEqual({ kind: 'cluster', index: 0 });
    expect(hitTest(g, 100 + 15, 100)).toEqual({ kind: 'cluster', index: 0 });
    expect(hitTest(g, 100 + 16, 100)).toBeNull();
    // a bigger cluster is a bigger target
    expect(hitTest(g, 300 + 25, 100)).toEqual({ kind: 'cluster', index: 1 });
    expect(hitTest(g, 200, 100)).toBeNull();
  });

  it('prefers the bubble drawn last where two overlap, and a bubble over a dot beneath it', () => {
    const g = geometry(
      [
        [100, 100, 50],
        [110, 100, 50],
      ],
      [[105, 100]],
    );
    expect(hitTest(g, 105, 100)).toEqual({ kind: 'cluster', index: 1 });
  });

  it('finds a single case within a few pixels of its dot, the nearest one where dots crowd', () => {
    const g = geometry(
      [],
      [
        [50, 50],
        [60, 50],
      ],
    );
    expect(hitTest(g, 50, 50)).toEqual({ kind: 'dot', index: 0 });
    expect(hitTest(g, 58, 50)).toEqual({ kind: 'dot', index: 1 });
    expect(hitTest(g, 50 - DOT_RADIUS - DOT_HIT_SLOP, 50)).toEqual({ kind: 'dot', index: 0 });
    expect(hitTest(g, 50 - DOT_RADIUS - DOT_HIT_SLOP - 1, 50)).toBeNull();
    expect(hitTest(g, 55, 80)).toBeNull();
  });

  it('hits nothing on an empty map', () => {
    expect(hitTest(geometry([], []), 0, 0)).toBeNull();
  });
});

describe('drawing a cluster', () => {
  it('grows its bubble with its count as the DOM icons did (30, 36, 44, 52 px wide)', () => {
    expect([1, 9, 10, 99, 100, 999, 1000, 10_000].map(clusterRadius)).toEqual([
      15, 15, 18, 18, 22, 22, 26, 26,
    ]);
  });

  it('writes its count in ink on the light fills and in white on the dark ones', () => {
    expect(countInkOf('yellow')).toBe('#0b1320');
    expect(countInkOf('grey')).toBe('#0b1320');
    expect(countInkOf('red')).toBe('#ffffff');
    expect(countInkOf('green')).toBe('#ffffff');
  });
});

describe('clicking a cluster', () => {
  it('zooms to where it splits, at least one step in, never past the zoom where every case stands alone', () => {
    expect(expandZoomOf(15, 12, 17)).toBe(15);
    expect(expandZoomOf(12, 12.5, 17)).toBe(13.5);
    expect(expandZoomOf(18, 16, 17)).toBe(17);
  });
});
