import { useEffect, useRef } from 'react';
import { useMap } from 'react-leaflet';
import L from 'leaflet';
import type { PathOptions } from 'leaflet';
import { ringToLatLngs } from './constants';

export interface CellShape {
  code: string;
  name: string;
  ring: ReadonlyArray<readonly [number, number]> | ReadonlyArray<readonly number[]>;
}

export interface CellsLayerProps {
  cells: readonly CellShape[];
  /** Style per cell code; re-applied in place when it changes (the polygons are never rebuilt). */
  styleOf: (code: string) => PathOptions;
  onCellClick?: ((code: string) => void) | undefined;
  tooltipOf?: ((code: string) => string) | undefined;
  interactive?: boolean;
}

/** The grid cells: ONE Leaflet layer group of polygons, created once, restyled by prop diff. */
export function CellsLayer({ cells, styleOf, onCellClick, tooltipOf, interactive = true }: CellsLayerProps) {
  const map = useMap();
  const polygons = useRef(new Map<string, L.Polygon>());
  const click = useRef(onCellClick);
  const tooltip = useRef(tooltipOf);
  useEffect(() => {
    click.current = onCellClick;
    tooltip.current = tooltipOf;
  }, [onCellClick, tooltipOf]);

  useEffect(() => {
    const group = L.layerGroup();
    const byCode = new Map<string, L.Polygon>();
    for (const c of cells) {
      const p = L.polygon(ringToLatLngs(c.ring), { interactive, weight: 1 });
      if (interactive) {
        p.on('click', (e) => {
          L.DomEvent.stopPropagation(e);
          click.current?.(c.code);
        });
        p.bindTooltip(() => tooltip.current?.(c.code) ?? c.name, {
          sticky: true,
          direction: 'top',
          opacity: 0.95,
        });
      }
      byCode.set(c.code, p);
      group.addLayer(p);
    }
    polygons.current = byCode;
    group.addTo(map);
    return () => {
      group.remove();
      polygons.current = new Map();
    };
  }, [map, cells, interactive]);

  useEffect(() => {
    for (const [code, p] of polygons.current) p.setStyle(styleOf(code));
  }, [styleOf, cells, interactive]);
  return null;
}

/** Community boundaries drawn thicker on top of the cells: one non-interactive layer group. */
export function CommunityLayer({
  communities,
  color = '#9fb4d9',
  weight = 2.5,
}: {
  communities: readonly CellShape[];
  color?: string;
  weight?: number;
}) {
  const map = useMap();
  useEffect(() => {
    const group = L.layerGroup(
      communities.map((c) =>
        L.polygon(ringToLatLngs(c.ring), { interactive: false, fill: false, color, weight, opacity: 0.9 }),
      ),
    );
    group.addTo(map);
    return () => {
      group.remove();
    };
  }, [map, communities, color, weight]);
  return null;
}
