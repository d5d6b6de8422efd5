import type { LatLng } from '../ids.ts';
import { distanceMeters } from '../grid/geo.ts';

/** Nearest of `entries` to `p` by great-circle distance, or null when none lies within `maxMeters`. */
export function nearestAddress<T extends { lat: number; lng: number }>(
  entries: readonly T[],
  p: LatLng,
  maxMeters = Infinity,
): { entry: T; distanceM: number } | null {
  let best: { entry: T; distanceM: number } | null = null;
  // cheap pre-filter: skip entries whose latitude alone is already farther than the best so far
  const degLat = 111_195;
  for (const e of entries) {
    if (best && Math.abs(e.lat - p.lat) * degLat > best.distanceM) continue;
    const d = distanceMeters(p, { lat: e.lat, lng: e.lng });
    if (d <= maxMeters && (!best || d < best.distanceM)) best = { entry: e, distanceM: d };
  }
  return best;
}

/** "约40米" / "about 40 m": distances rounded to 10 m below 1 km, to 0.1 km above. */
export function roundDistanceM(m: number): number {
  return m < 1000 ? Math.max(10, Math.round(m / 10) * 10) : Math.round(m / 100) * 100;
}
