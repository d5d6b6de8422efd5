/**
 * Geodesy helpers: distances, areas, bounding boxes, and conversion of points arriving from Chinese
 * consumer maps (AMap/Tencent use GCJ-02, Baidu uses BD-09) to the WGS84 we store.
 */
import type { LatLng } from '../ids.ts';
import type { Ring } from './point-in-ring.ts';

/** Mean Earth radius (IUGG), metres. */
export const EARTH_RADIUS_M = 6_371_008.8;
const DEG = Math.PI / 180;

/** Great-circle distance in metres (haversine). */
export function distanceMeters(a: LatLng, b: LatLng): number {
  const dLat = (b.lat - a.lat) * DEG;
  const dLng = (b.lng - a.lng) * DEG;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * DEG) * Math.cos(b.lat * DEG) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * Area in m² of the region bounded by a `[lng, lat]` ring (closed or not), always non-negative.
 * Uses the spherical equal-area (Lambert cylindrical) formula also used by turf: exact on the sphere
 * for edges drawn straight in that projection; for city-sized cells the difference from geodesic
 * edges is negligible.
 */
export function polygonAreaM2(ring: Ring): number {
  return Math.abs(signedRingAreaM2(ring));
}

/** Signed version of {@link polygonAreaM2}: positive for counter-clockwise rings (GeoJSON exterior). */
export function signedRingAreaM2(ring: Ring): number {
  const n = ring.length;
  if (n < 3) return 0;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const a = ring[i]!;
    const b = ring[(i + 1) % n]!;
    sum += (a[0] - b[0]) * DEG * (Math.sin(a[1] * DEG) + Math.sin(b[1] * DEG));
  }
  return (sum * EARTH_RADIUS_M * EARTH_RADIUS_M) / 2;
}

export interface BBox {
  readonly minLng: number;
  readonly minLat: number;
  readonly maxLng: number;
  readonly maxLat: number;
}

/** Bounding box of a ring. Throws on an empty ring. */
export function bboxOf(ring: Ring): BBox {
  const first = ring[0];
  if (!first) throw new RangeError('bboxOf: empty ring');
  let minLng = first[0];
  let maxLng = first[0];
  let minLat = first[1];
  let maxLat = first[1];
  for (const [lng, lat] of ring) {
    if (lng < minLng) minLng = lng;
    if (lng > maxLng) maxLng = lng;
    if (lat < minLat) minLat = lat;
    if (lat > maxLat) maxLat = lat;
  }
  return { minLng, minLat, maxLng, maxLat };
}

// --- GCJ-02 ("Mars coordinates") and BD-09 -------------------------------------------------------
// The published transform (Krasovsky 1940 ellipsoid parameters).
const GCJ_A = 6_378_245.0;
const GCJ_EE = 0.006_693_421_622_965_943;
const BD_X_PI = (Math.PI * 3000) / 180;

/** GCJ-02 is only applied inside (a rough box around) mainland China; outside it equals WGS84. */
export function isOutsideChina(p: LatLng): boolean {
  return p.lng < 72.004 || p.lng > 137.8347 || p.lat < 0.8293 || p.lat > 55.8271;
}

function transformLat(x: number, y: number): number {
  let r = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
  r += ((20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2) / 3;
  r += ((20 * Math.sin(y * Math.PI) + 40 * Math.sin((y / 3) * Math.PI)) * 2) / 3;
  r += ((160 * Math.sin((y / 12) * Math.PI) + 320 * Math.sin((y * Math.PI) / 30)) * 2) / 3;
  return r;
}

function transformLng(x: number, y: number): number {
  let r = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
  r += ((20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2) / 3;
  r += ((20 * Math.sin(x * Math.PI) + 40 * Math.sin((x / 3) * Math.PI)) * 2) / 3;
  r += ((150 * Math.sin((x / 12) * Math.PI) + 300 * Math.sin((x / 30) * Math.PI)) * 2) / 3;
  return r;
}

/** WGS84 → GCJ-02 (the forward, published obfuscation). */
export function wgs84ToGcj02(p: LatLng): LatLng {
  if (isOutsideChina(p)) return { lat: p.lat, lng: p.lng };
  const radLat = p.lat * DEG;
  const magic = 1 - GCJ_EE * Math.sin(radLat) ** 2;
  const sqrtMagic = Math.sqrt(magic);
  const dLat =
    (transformLat(p.lng - 105, p.lat - 35) * 180) /
    (((GCJ_A * (1 - GCJ_EE)) / (magic * sqrtMagic)) * Math.PI);
  const dLng =
    (transformLng(p.lng - 105, p.lat - 35) * 180) / ((GCJ_A / sqrtMagic) * Math.cos(radLat) * Math.PI);
  return { lat: p.lat + dLat, lng: p.lng + dLng };
}

/**
 * GCJ-02 → WGS84 by fixed-point iteration on the forward transform (converges to ~1e-9° in a few
 * steps, i.e. well under a millimetre), rather than the common one-step approximation (~1–2 m off).
 */
export function gcj02ToWgs84(p: LatLng): LatLng {
  if (isOutsideChina(p)) return { lat: p.lat, lng: p.lng };
  let lat = p.lat;
  let lng = p.lng;
  for (let i = 0; i < 30; i++) {
    const g = wgs84ToGcj02({ lat, lng });
    const dLat = g.lat - p.lat;
    const dLng = g.lng - p.lng;
    lat -= dLat;
    lng -= dLng;
    if (Math.abs(dLat) < 1e-11 && Math.abs(dLng) < 1e-11) break;
  }
  return { lat, lng };
}

/** GCJ-02 → BD-09 (Baidu). */
export function gcj02ToBd09(p: LatLng): LatLng {
  const x = p.lng;
  const y = p.lat;
  const z = Math.sqrt(x * x + y * y) + 0.000_02 * Math.sin(y * BD_X_PI);
  const theta = Math.atan2(y, x) + 0.000_003 * Math.cos(x * BD_X_PI);
  return { lat: z * Math.sin(theta) + 0.006, lng: z * Math.cos(theta) + 0.0065 };
}

/** BD-09 → GCJ-02 (the published inverse; accurate to centimetres). */
export function bd09ToGcj02(p: LatLng): LatLng {
  const x = p.lng - 0.0065;
  const y = p.lat - 0.006;
  const z = Math.sqrt(x * x + y * y) - 0.000_02 * Math.sin(y * BD_X_PI);
  const theta = Math.atan2(y, x) - 0.000_003 * Math.cos(x * BD_X_PI);
  return { lat: z * Math.sin(theta), lng: z * Math.cos(theta) };
}

/** WGS84 → BD-09. */
export function wgs84ToBd09(p: LatLng): LatLng {
  return gcj02ToBd09(wgs84ToGcj02(p));
}

/** BD-09 (Baidu) → WGS84. */
export function bd09ToWgs84(p: LatLng): LatLng {
  return gcj02ToWgs84(bd09ToGcj02(p));
}
