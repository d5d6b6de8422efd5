import { useCallback, useEffect } from 'react';
import { FitOnResize, useGridBounds } from './grid-bounds';
import { CircleMarker, MapContainer, useMap, useMapEvents } from 'react-leaflet';
import type { PathOptions } from 'leaflet';
import { CITY_CENTER } from './constants';
import { CellsLayer, CommunityLayer } from './cells-layer';
import { BaseTiles } from './base-tiles';
import { useReference } from '../lib/reference';
import { DebugMapHandle } from './debug-map-handle';

const POINT: PathOptions = { color: '#fff', weight: 2, fillColor: '#e5484d', fillOpacity: 1 };

function ClickToPick({ onPick }: { onPick: (p: { lat: number; lng: number }) => void }) {
  useMapEvents({ click: (e) => onPick({ lat: e.latlng.lat, lng: e.latlng.lng }) });
  return null;
}

function FlyTo({ lat, lng }: { lat: number; lng: number }) {
  const map = useMap();
  useEffect(() => {
    if (!map.getBounds().pad(-0.15).contains([lat, lng]))
      map.setView([lat, lng], Math.max(map.getZoom(), 14));
  }, [map, lat, lng]);
  return null;
}

/** The operator's small map of the grid: click to set the location. */
export function IntakeMap({
  location,
  onPick,
  selectedCell,
}: {
  location: { lat: number; lng: number } | null;
  onPick: (p: { lat: number; lng: number }) => void;
  selectedCell: string | null;
}) {
  const ref = useReference();
  const bounds = useGridBounds();
  const styleOf = useCallback(
    (code: string): PathOptions =>
      code === selectedCell
        ? { color: '#5b8def', weight: 2, fillColor: '#5b8def', fillOpacity: 0.25 }
        : { color: '#3a4a66', weight: 0.8, fillColor: '#1b2740', fillOpacity: 0.6 },
    [selectedCell],
  );
  return (
    <div className="intake-map" data-testid="intake-map">
      <MapContainer
        {...(bounds ? { bounds, boundsOptions: { padding: [8, 8] } } : { center: CITY_CENTER, zoom: 12 })}
        zoomSnap={0.25}
        preferCanvas
        style={{ height: '100%', width: '100%' }}
        attributionControl={false}
      >
        <BaseTiles />
        <CellsLayer cells={ref.data.cells} styleOf={styleOf} interactive={false} />
        <CommunityLayer communities={ref.data.communities} weight={1.5} />
        <ClickToPick onPick={onPick} />
        <DebugMapHandle name="intake" />
        <FitOnResize bounds={bounds} refit={location === null} />
        {location && (
          <CircleMarker
            center={[location.lat, location.lng]}
            radius={8}
            pathOptions={POINT}
            interactive={false}
          />
        )}
        {location && <FlyTo lat={location.lat} lng={location.lng} />}
      </MapContainer>
    </div>
  );
}
