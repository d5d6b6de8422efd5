import L from 'leaflet';
import { gcj02ToWgs84, wgs84ToGcj02 } from '@citygrid/domain';

export type TileCrs = 'wgs84' | 'gcj02';

/**
 * Web Mercator over GCJ-02: the map's coordinates stay WGS-84 (what the server stores and sends),
 * but every point is drawn where a GCJ-02 basemap (AMap, Tencent) shows it. Projecting shifts
 * WGS-84 → GCJ-02 before Mercator, so the grid polygons, the case markers and every other layer land
 * on the tiles; unprojecting a pixel (a click, the view's bounds) shifts GCJ-02 → WGS-84, so a point
 * picked on the map reaches the server in WGS-84. Tile addressing is pure pixel arithmetic and is
 * unchanged: tile z/x/y is the provider's own tile.
 */
export const GCJ02_WEB_MERCATOR: L.CRS = L.Util.extend({}, L.CRS.EPSG3857, {
  code: 'EPSG:3857-GCJ02',
  projection: {
    bounds: L.Projection.SphericalMercator.bounds,
    project: (ll: L.LatLng) => {
      const g = wgs84ToGcj02({ lat: ll.lat, lng: ll.lng });
      return L.Projection.SphericalMercator.project(L.latLng(g.lat, g.lng));
    },
    unproject: (p: L.Point) => {
      const g = L.Projection.SphericalMercator.unproject(p);
      const w = gcj02ToWgs84({ lat: g.lat, lng: g.lng });
      return L.latLng(w.lat, w.lng);
    },
  },
}) as L.CRS;

export const crsOf = (crs: TileCrs): L.CRS => (crs === 'gcj02' ? GCJ02_WEB_MERCATOR : L.CRS.EPSG3857);

/**
 * Switch a mounted map to another CRS (`MapContainer` reads `crs` once, at mount, before the
 * deployment's configuration has arrived). The view keeps its WGS-84 centre and zoom; `viewreset`
 * makes every layer project itself again.
 */
export function switchMapCrs(map: L.Map, crs: L.CRS): void {
  if (map.options.crs === crs) return;
  const loaded = (map as L.Map & { _loaded?: boolean })._loaded === true;
  const center = loaded ? map.getCenter() : null;
  const zoom = loaded ? map.getZoom() : null;
  map.options.crs = crs;
  if (center && zoom !== null) map.setView(center, zoom, { reset: true } as L.ZoomPanOptions);
}
