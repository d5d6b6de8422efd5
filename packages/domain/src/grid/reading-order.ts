import { bboxOf } from './geo.ts';
import type { Ring } from './point-in-ring.ts';

/** Area-weighted centroid `[lng, lat]` of a ring in plain lng/lat coordinates (fine for small cells). */
export function ringCentroid(ring: Ring): readonly [lng: number, lat: number] {
  const n = ring.length;
  const origin = ring[0];
  if (!origin) throw new RangeError('ringCentroid: empty ring');
  // Work relative to the first vertex to keep the products well-conditioned.
  let twiceArea = 0;
  let cx = 0;
  let cy = 0;
  for (let i = 0; i < n; i++) {
    const a = ring[i]!;
    const b = ring[(i + 1) % n]!;
    const ax = a[0] - origin[0];
    const ay = a[1] - origin[1];
    const bx = b[0] - origin[0];
    const by = b[1] - origin[1];
    const cross = ax * by - bx * ay;
    twiceArea += cross;
    cx += (ax + bx) * cross;
    cy += (ay + by) * cross;
  }
  if (twiceArea === 0) {
    let sx = 0;
    let sy = 0;
    for (const [x, y] of ring) {
      sx += x;
      sy += y;
    }
    return [sx / n, sy / n];
  }
  return [origin[0] + cx / (3 * twiceArea), origin[1] + cy / (3 * twiceArea)];
}

/**
 * Orders polygons the way cells are numbered inside a community (CJ/T 213: west→east, north→south),
 * i.e. in reading order. Rows are formed greedily: the remaining polygon with the northernmost
 * centroid opens a row, and every remaining polygon whose centroid latitude falls within that
 * polygon's latitude span joins it; a row is sorted west→east by centroid longitude.
 * Returns the indices of `rings` in reading order.
 */
export function orderByReadingOrder(rings: readonly Ring[]): number[] {
  const items = rings.map((ring, index) => {
    const [lng, lat] = ringCentroid(ring);
    const box = bboxOf(ring);
    return { index, lng, lat, minLat: box.minLat, maxLat: box.maxLat };
  });
  const remaining = new Set(items);
  const order: number[] = [];
  while (remaining.size > 0) {
    let top: (typeof items)[number] | undefined;
    for (const it of remaining) {
      if (!top || it.lat > top.lat || (it.lat === top.lat && it.lng < top.lng)) top = it;
    }
    const head = top!;
    const row = [...remaining].filter(
      (it) => it === head || (it.lat >= head.minLat && it.lat <= head.maxLat),
    );
    row.sort((a, b) => a.lng - b.lng || b.lat - a.lat || a.index - b.index);
    for (const it of row) {
      remaining.delete(it);
      order.push(it.index);
    }
  }
  return order;
}
