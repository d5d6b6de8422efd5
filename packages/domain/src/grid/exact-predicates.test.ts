import { describe, expect, it } from 'vitest';
import { isOnSegment, orient2d } from './exact-predicates.ts';
import { isPointInRing } from './point-in-ring.ts';

const ULP_HALF = 2 ** -53; // spacing of doubles just above 0.5

describe('orient2d', () => {
  it('returns 0 for a point exactly on a sloped line', () => {
    expect(orient2d(116.5, 43.25, 116.75, 43.75, 116.625, 43.5)).toBe(0);
  });

  it('gets the side right one unit in the last place off a line, where naive arithmetic fails', () => {
    for (let k = 1; k <= 8; k++) {
      expect(orient2d(12, 12, 24, 24, 0.5 + k * ULP_HALF, 0.5)).toBe(-1);
      expect(orient2d(12, 12, 24, 24, 0.5, 0.5 + k * ULP_HALF)).toBe(1);
    }
    expect(orient2d(12, 12, 24, 24, 0.5, 0.5)).toBe(0);
  });

  it('changes sign when the segment is reversed', () => {
    expect(orient2d(0, 0, 1, 0, 0.5, 1)).toBe(1);
    expect(orient2d(1, 0, 0, 0, 0.5, 1)).toBe(-1);
  });
});

describe('isOnSegment and isPointInRing', () => {
  it('accepts points on the closed segment and rejects collinear points beyond its ends', () => {
    expect(isOnSegment(116.5, 43.25, 116.75, 43.75, 116.5, 43.25)).toBe(true);
    expect(isOnSegment(116.5, 43.25, 116.75, 43.75, 116.625, 43.5)).toBe(true);
    expect(isOnSegment(116.5, 43.25, 116.75, 43.75, 117, 44.25)).toBe(false);
  });

  it('treats a ring as a closed set: vertices and edge points are inside', () => {
    const ring = [
      [0, 0],
      [1, 0],
      [1, 1],
      [0, 1],
      [0, 0],
    ] as const;
    expect(isPointInRing(ring, 0, 0)).toBe(true);
    expect(isPointInRing(ring, 0.5, 0)).toBe(true);
    expect(isPointInRing(ring, 1, 0.25)).toBe(true);
    expect(isPointInRing(ring, 0.5, 0.5)).toBe(true);
    expect(isPointInRing(ring, 1 + 2 ** -52, 0.5)).toBe(false);
    expect(isPointInRing(ring, 0.5, -Number.MIN_VALUE)).toBe(false);
  });

  it('handles a concave ring', () => {
    const ring = [
      [0, 0],
      [2, 0],
      [2, 2],
      [1, 1],
      [0, 2],
      [0, 0],
    ] as const;
    expect(isPointInRing(ring, 1, 1.5)).toBe(false);
    expect(isPointInRing(ring, 1, 0.5)).toBe(true);
    expect(isPointInRing(ring, 1, 1)).toBe(true);
  });
});
