import { useCallback, useMemo } from 'react';
import { CircleMarker, MapContainer, Polygon, Tooltip } from 'react-leaflet';
import type { PathOptions } from 'leaflet';
import { useTranslation } from 'react-i18next';
import { CellsLayer } from '../../map/cells-layer';
import { ringToLatLngs } from '../../map/constants';
import { useGridBounds } from '../../map/grid-bounds';
import { useReference } from '../../lib/reference';

export interface DiffCell {
  code: string;
  name: string;
  ring: Array<[number, number]>;
}

const BASE: PathOptions = { color: '#3a4a66', weight: 0.6, fillColor: '#1b2740', fillOpacity: 0.5 };
const PROBLEM_CELL: PathOptions = { color: '#e5484d', weight: 2, fillColor: '#e5484d', fillOpacity: 0.35 };
const ADDED: PathOptions = { color: '#30a46c', weight: 2, fillColor: '#30a46c', fillOpacity: 0.45 };
const CHANGED: PathOptions = { color: '#f5a524', weight: 2, fillColor: '#f5a524', fillOpacity: 0.45 };
const REMOVED: PathOptions = { color: '#e5484d', weight: 2, dashArray: '4 4', fill: false };
const SPOT: PathOptions = { color: '#fff', weight: 2, fillColor: '#e5484d', fillOpacity: 1 };

/**
 * The grid is the map (no basemap): the current cells, with an upload's added (green), redrawn
 * (orange) and removed (red dashed) cells on top, cells named by a problem in red, and a red dot
 * where a gap or overlap was found.
 */
export function GridDiffMap({
  added,
  changed,
  removed,
  problemCells,
  spots,
}: {
  added: readonly DiffCell[];
  changed: readonly DiffCell[];
  removed: readonly DiffCell[];
  problemCells: ReadonlySet<string>;
  spots: ReadonlyArray<{ at: readonly [number, number]; label: string }>;
}) {
  const { t } = useTranslation();
  const ref = useReference();
  const bounds = useGridBounds();
  const styleOf = useCallback(
    (code: string) => (problemCells.has(code) ? PROBLEM_CELL : BASE),
    [problemCells],
  );
  const layers = useMemo(
    () => [
      ...removed.map((c) => ({ c, kind: 'removed', style: REMOVED })),
      ...changed.map((c) => ({ c, kind: 'changed', style: CHANGED })),
      ...added.map((c) => ({ c, kind: 'added', style: ADDED })),
    ],
    [added, changed, removed],
  );
  return (
    <div className="grid-diff">
      <div
        className="grid-diff-map"
        data-testid="grid-diff-map"
        data-added={added.length}
        data-changed={changed.length}
        data-removed={removed.length}
        data-spots={spots.length}
      >
        <MapContainer
          {...(bounds
            ? { bounds, boundsOptions: { padding: [8, 8] } }
            : { center: [43.934, 116.086], zoom: 12 })}
          zoomSnap={0.25}
          preferCanvas
          style={{ height: '100%', width: '100%', background: '#0d1422' }}
          attributionControl={false}
        >
          <CellsLayer cells={ref.data.cells} styleOf={styleOf} interactive={false} />
          {layers.map(({ c, kind, style }) => (
            <Polygon key={`${kind}-${c.code}`} positions={ringToLatLngs(c.ring)} pathOptions={style}>
              <Tooltip sticky>{`${t(`admin.grid.legend.${kind}`)} ${c.code} ${c.name}`}</Tooltip>
            </Polygon>
          ))}
          {spots.map((s, i) => (
            <CircleMarker key={i} center={[s.at[1], s.at[0]]} radius={7} pathOptions={SPOT}>
              <Tooltip>{s.label}</Tooltip>
            </CircleMarker>
          ))}
        </MapContainer>
      </div>
      <ul className="grid-legend">
        <li>
          <span className="swatch added" /> {t('admin.grid.legend.added')} {added.length}
        </li>
        <li>
          <span className="swatch changed" /> {t('admin.grid.legend.changed')} {changed.length}
        </li>
        <li>
          <span className="swatch removed" /> {t('admin.grid.legend.removed')} {removed.length}
        </li>
        <li>
          <span className="swatch problem" /> {t('admin.grid.legend.problem')}
        </li>
      </ul>
    </div>
  );
}
