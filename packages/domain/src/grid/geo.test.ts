import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LatLng } from '../ids.ts';
import {
  bboxOf,
  bd09ToWgs84,
  distanceMeters,
  gcj02ToWgs84,
  polygonAreaM2,
  signedRingAreaM2,
  wgs84ToBd09,
  wgs84ToGcj02,
} from './geo.ts';

const XILINHOT: LatLng = { lat: 43.934, lng: 116.086 };
const pointInChina = fc.record({
  lat: fc.double({ min: 18, max: 53, noNaN: true }),
  lng: fc.double({ min: 74, max: 134, noNaN: true }),
});

describe('distanceMeters', () => {
  it('measures one degree of latitude as about 111.2 km', () => {
    const d = distanceMeters({ lat: 43, lng: 116 }, { lat: 44, lng: 116 });
    expect(d).toBeGreaterThan(111_100);
    expect(d).toBeLessThan(111_300);
  });

  it('shrinks a degree of longitude by the cosine of the latitude', () => {
    const d = distanceMeters({ lat: 43.934, lng: 116 }, { lat: 43.934, lng: 117 });
    expect(d / 111_195).toBeCloseTo(Math.cos((43.934 * Math.PI) / 180), 3);
  });

  it('is zero from a point to itself and symmetric', () => {
    fc.assert(
      fc.property(pointInChina, pointInChina, (a, b) => {
        expect(distanceMeters(a, a)).toBe(0);
        expect(distanceMeters(a, b)).toBeCloseTo(distanceMeters(b, a), 6);
      }),
    );
  });
});

describe('GCJ-02 and BD-09 conversion', () => {
  it('shifts a Xilinhot point by a few hundred metres going to GCJ-02', () => {
    const shift = distanceMeters(XILINHOT, wgs84ToGcj02(XILINHOT));
    expect(shift).toBeGreaterThan(100);
    expect(shift).toBeLessThan(1000);
  });

  it('returns to the original point within 0.5 m after a GCJ-02 round trip anywhere in China', () => {
    fc.assert(
      fc.property(pointInChina, (p) => {
        expect(distanceMeters(p, gcj02ToWgs84(wgs84ToGcj02(p)))).toBeLessThan(0.5);
      }),
    );
  });

  it('returns to the original point within 0.5 m after a BD-09 round trip', () => {
    fc.assert(
      fc.property(pointInChina, (p) => {
        expect(distanceMeters(p, bd09ToWgs84(wgs84ToBd09(p)))).toBeLessThan(0.5);
      }),
    );
  });

  it('leaves points outside China unchanged', () => {
    const paris = { lat: 48.8566, lng: 2.3522 };
    expect(wgs84ToGcj02(paris)).toEqual(paris);
    expect(gcj02ToWgs84(paris)).toEqual(paris);
  });
});

describe('polygonAreaM2 and bboxOf', () => {
  const square = (lat: number, size: number) =>
    [
      [116, lat],
      [116 + size, lat],
      [116 + size, lat + size],
      [116, lat + size],
      [116, lat],
    ] as const satisfies ReadonlyArray<readonly [number, number]>;

  it('gives a 0.01° square at Xilinhot the area of a 1112 m by 801 m rectangle', () => {
    const expected = 1111.95 * 1111.95 * Math.cos(((43.934 + 0.005) * Math.PI) / 180);
    expect(polygonAreaM2(square(43.934, 0.01)) / expected).toBeCloseTo(1, 3);
  });

  it('is positive for counter-clockwise rings and negative for clockwise ones in the signed form', () => {
    const ring = square(43.9, 0.01);
    expect(signedRingAreaM2(ring)).toBeGreaterThan(0);
    expect(signedRingAreaM2([...ring].reverse())).toBeLessThan(0);
    expect(polygonAreaM2([...ring].reverse())).toBeCloseTo(polygonAreaM2(ring), 6);
  });

  it('bounds every vertex of a ring', () => {
    expect(
      bboxOf([
        [116.1, 43.9],
        [116.2, 43.95],
        [116.05, 43.97],
      ]),
    ).toEqual({
      minLng: 116.05,
      minLat: 43.9,
      maxLng: 116.2,
      maxLat: 43.97,
    });
  });
});
