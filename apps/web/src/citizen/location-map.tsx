import 'leaflet/dist/leaflet.css';
import { useMemo } from 'react';
import { CircleMarker, MapContainer, Polygon, useMap, useMapEvents } from 'react-leaflet';
import type { LatLngBoundsExpression, LatLngExpression, Map as LeafletMap } from 'leaflet';

const CENTRE: LatLngExpression = [43.934, 116.086];
const GRID_STYLE = { color: '#0b6e4f', weight: 1, fillOpacity: 0.06 };
const PIN_STYLE = { color: '#b3261e', weight: 3, fillColor: '#b3261e', fillOpacity: 0.6 };

declare global {
  interface Window {
    /** The report map, for browser tests that tap a known place. */
    __citizenMap?: LeafletMap;
  }
}

function Picker({ onPick }: { onPick: (p: { lat: number; lng: number }) => void }) {
  const map = useMap();
  window.__citizenMap = map;
  useMapEvents({ click: (e) => onPick({ lat: e.latlng.lat, lng: e.latlng.lng }) });
  return null;
}

/** The place picker: no basemap needed, the grid's communities are the map. Taps give WGS84. */
export default function LocationMap({
  communities,
  value,
  onPick,
  label,
}: {
  communities: Array<{ code: string; ring: Array<[number, number]> }>;
  value: { lat: number; lng: number } | null;
  onPick: (p: { lat: number; lng: number }) => void;
  label: string;
}) {
  const rings = useMemo(
    () =>
      communities.map((c) => ({
        code: c.code,
        positions: c.ring.map(([lng, lat]) => [lat, lng] as [number, number]),
      })),
    [communities],
  );
  const bounds = useMemo<LatLngBoundsExpression | undefined>(() => {
    const pts = rings.flatMap((r) => r.positions);
    if (pts.length === 0) return undefined;
    const lats = pts.map((p) => p[0]);
    const lngs = pts.map((p) => p[1]);
    return [
      [Math.min(...lats), Math.min(...lngs)],
      [Math.max(...lats), Math.max(...lngs)],
    ];
  }, [rings]);
  return (
    <div className="map-box" role="region" aria-label={label} data-testid="location-map">
      <MapContainer
        key={bounds ? 'grid' : 'empty'}
        center={CENTRE}
        zoom={13}
        {...(bounds ? { bounds } : {})}
        style={{ width: '100%', height: '100%' }}
        attributionControl={false}
      >
        {rings.map((r) => (
          <Polygon key={r.code} positions={r.positions} pathOptions={GRID_STYLE} interactive={false} />
        ))}
        {value && (
          <CircleMarker
            center={[value.lat, value.lng]}
            radius={9}
            pathOptions={PIN_STYLE}
            interactive={false}
          />
        )}
        <Picker onPick={onPick} />
      </MapContainer>
    </div>
  );
}
