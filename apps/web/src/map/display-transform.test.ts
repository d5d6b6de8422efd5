import { describe, expect, it } from 'vitest';
import gcoord from 'gcoord';
import { gcj02ToWgs84, wgs84ToGcj02 } from '@citygrid/domain';

/**
 * The map's GCJ-02 display (display-crs.ts) shifts with the domain's transform, the same one the
 * server uses for points that arrive from AMap; here it is checked against gcoord, an independent,
 * widely used implementation, across the Xilinhot grid and beyond.
 */
const POINTS = [
  { lat: 43.934, lng: 116.086 }, // city centre
  { lat: 43.88, lng: 115.98 },
  { lat: 43.99, lng: 116.17 },
  { lat: 39.9087, lng: 116.3975 }, // Beijing
  { lat: 22.5431, lng: 114.0579 }, // Shenzhen
];
const metres = (a: { lat: number; lng: number }, b: { lat: number; lng: number }) =>
  Math.hypot((a.lat - b.lat) * 111_320, (a.lng - b.lng) * 111_320 * Math.cos((a.lat * Math.PI) / 180));

describe('WGS-84 ↔ GCJ-02 for the map display', () => {
  it.each(POINTS)('agrees with gcoord within 1 cm going to GCJ-02 at %o', (p) => {
    const [lng, lat] = gcoord.transform([p.lng, p.lat], gcoord.WGS84, gcoord.GCJ02) as [number, number];
    expect(metres(wgs84ToGcj02(p), { lat, lng })).toBeLessThan(0.01);
  });

  it.each(POINTS)(
    'comes back from GCJ-02 to within 1 cm of where it started (a click returns WGS-84) at %o',
    (p) => {
      expect(metres(gcj02ToWgs84(wgs84ToGcj02(p)), p)).toBeLessThan(0.01);
      const [lng, lat] = gcoord.transform([p.lng, p.lat], gcoord.WGS84, gcoord.GCJ02) as [number, number];
      const [backLng, backLat] = gcoord.transform([lng, lat], gcoord.GCJ02, gcoord.WGS84) as [number, number];
      expect(metres(gcj02ToWgs84({ lat, lng }), { lat: backLat, lng: backLng })).toBeLessThan(0.5);
    },
  );

  it('shifts Xilinhot by the few hundred metres that put a WGS-84 grid off an AMap basemap', () => {
    const shift = metres(wgs84ToGcj02(POINTS[0]!), POINTS[0]!);
    expect(shift).toBeGreaterThan(100);
    expect(shift).toBeLessThan(1000);
  });

  it('leaves a point outside China where it is', () => {
    const tokyo = { lat: 35.6762, lng: 139.6503 };
    expect(wgs84ToGcj02(tokyo)).toEqual(tokyo);
  });
});
