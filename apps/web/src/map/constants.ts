import type { LatLngTuple } from 'leaflet';

/** Xilinhot city centre (WGS84). */
export const CITY_CENTER: LatLngTuple = [43.934, 116.086];
export const ringToLatLngs = (
  ring: ReadonlyArray<readonly [number, number]> | ReadonlyArray<readonly number[]>,
): LatLngTuple[] => ring.map((p) => [p[1] as number, p[0] as number]);
