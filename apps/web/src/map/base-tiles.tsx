import { useQuery } from '@tanstack/react-query';
import { TileLayer } from 'react-leaflet';

interface MapConfig {
  tileUrl: string | null;
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

/** No basemap by default: the grid IS the map. */
export function BaseTiles() {
  const cfg = useMapConfig();
  if (!cfg.data?.tileUrl) return null;
  return <TileLayer url={cfg.data.tileUrl} attribution={cfg.data.tileAttribution ?? ''} />;
}
