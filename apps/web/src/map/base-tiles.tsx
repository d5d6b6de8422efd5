import { useEffect, useLayoutEffect } from 'react';
import L from 'leaflet';
import { useQuery } from '@tanstack/react-query';
import { Pane, TileLayer, useMap } from 'react-leaflet';
import { crsOf, switchMapCrs, type TileCrs } from './display-crs';

interface MapConfig {
  tileUrl: string | null;
  tileSubdomains?: string[];
  tileAnnotationUrl?: string | null;
  tileCrs?: TileCrs;
  tileAttribution: string | null;
}

/** `/api/config` (no session needed): a basemap only when the deployment names one. */
export function useMapConfig() {
  return useQuery({
    queryKey: ['api-config'],
    queryFn: async (): Promise<MapConfig> => {
      const res = await fetch('/api/config');
      if (!res.ok) throw new Error(`/api/config ${res.status}`);
      return (await res.json()) as MapConfig;
    },
    staleTime: Infinity,
  });
}

/**
 * No basemap by default: the grid IS the map. With one: its tiles (with `{s}` subdomains), the
 * label tiles above them, and for a GCJ-02 source the map drawn in GCJ-02 (see display-crs.ts).
 */
export function BaseTiles() {
  const cfg = useMapConfig();
  const map = useMap();
  const crs = cfg.data?.tileUrl ? (cfg.data.tileCrs ?? 'wgs84') : 'wgs84';
  // before paint: the grid never shows a frame away from the tiles under it
  useLayoutEffect(() => switchMapCrs(map, crsOf(crs)), [map, crs]);
  // the provider's attribution (Tianditu, AMap require it), also on maps that hide Leaflet's own
  const attribution = cfg.data?.tileUrl ? cfg.data.tileAttribution : null;
  useEffect(() => {
    if (!attribution || map.attributionControl) return;
    const control = L.control.attribution({ prefix: false }).addTo(map);
    return () => void control.remove();
  }, [map, attribution]);
  if (!cfg.data?.tileUrl) return null;
  const subdomains = cfg.data.tileSubdomains?.length ? cfg.data.tileSubdomains : 'abc';
  return (
    <>
      <TileLayer
        url={cfg.data.tileUrl}
        subdomains={subdomains}
        attribution={cfg.data.tileAttribution ?? ''}
      />
      {cfg.data.tileAnnotationUrl && (
        // labels above the grid's fills (overlay pane 400) and below the markers' own pane: street names stay readable
        <Pane name="citygrid-labels" style={{ zIndex: 450, pointerEvents: 'none' }}>
          <TileLayer url={cfg.data.tileAnnotationUrl} subdomains={subdomains} />
        </Pane>
      )}
    </>
  );
}
