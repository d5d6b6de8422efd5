import { useEffect, useMemo } from 'react';
import { CircleMarker, MapContainer, Polygon, useMap } from 'react-leaflet';
import { latLngBounds, type LatLngTuple, type PathOptions } from 'leaflet';
import { CITY_CENTER, ringToLatLngs } from './constants';
import { useReference } from '../lib/reference';
import { BaseTiles } from './base-tiles';

const CELL_STYLE: PathOptions = { color: '#5b8def', weight: 2, fillOpacity: 0.12 };
const POINT_STYLE: PathOptions = { color: '#fff', weight: 2, fillColor: '#e5484d', fillOpacity: 1 };

function Recenter({ center, ring }: { center: LatLngTuple; ring: LatLngTuple[] | null }) {
  const map = useMap();
  const [lat, lng] = center;
  useEffect(() => {
    if (ring) map.fitBounds(latLngBounds([...ring, [lat, lng]]), { padding: [14, 14], animate: false });
    else map.setView([lat, lng], 16, { animate: false });
  }, [map, lat, lng, ring]);
  return null;
}

/** A small non-interactive map of one case: its cell outline and its point. */
export function CaseMiniMap({
  lat,
  lng,
  cellCode,
}: {
  lat: number | null;
  lng: number | null;
  cellCode: string | null;
}) {
  const ref = useReference();
  const cell = ref.cell(cellCode);
  const ring = useMemo(() => (cell ? ringToLatLngs(cell.ring) : null), [cell]);
  const center: LatLngTuple | null = lat !== null && lng !== null ? [lat, lng] : null;
  return (
    <div className="mini-map" data-testid="case-mini-map">
      <MapContainer
        center={center ?? CITY_CENTER}
        zoom={center ? 15 : 12}
        preferCanvas
        zoomControl={false}
        attributionControl={false}
        style={{ height: '100%', width: '100%' }}
      >
        <BaseTiles />
        {ring && <Polygon positions={ring} pathOptions={CELL_STYLE} interactive={false} />}
        {center && <CircleMarker center={center} radius={7} pathOptions={POINT_STYLE} interactive={false} />}
        {center && <Recenter center={center} ring={ring} />}
      </MapContainer>
    </div>
  );
}
