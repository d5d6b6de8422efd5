import { useEffect, useRef } from 'react';
import { useMap } from 'react-leaflet';
import L from 'leaflet';
import type { WorkCalendar } from '@citygrid/domain';
import { MARKER_COLORS, markerClassOf } from '../../lib/reference';
import type { OpenCaseMarker } from '../../lib/trpc';
import { timedOf } from '../../map/open-case-markers';

/**
 * Open cases on the wall map as plain status-coloured dots (no text, so nothing on the map falls
 * under the wall's minimum text size), ONE canvas layer group created once and updated by diff.
 * Cases in `fresh` (arrived in the last minutes) get a large pulsing ring so the hall sees them land.
 */
export function WallCasesLayer({
  cases,
  fresh,
  calendar,
  now,
  scale,
}: {
  cases: readonly OpenCaseMarker[];
  fresh: ReadonlySet<string>;
  calendar: WorkCalendar;
  now: Date;
  scale: number;
}) {
  const map = useMap();
  const group = useRef<L.LayerGroup | null>(null);
  const dots = useRef(new Map<string, L.CircleMarker>());
  const rings = useRef(new Map<string, L.CircleMarker>());
  const renderer = useRef<L.Canvas | null>(null);

  useEffect(() => {
    renderer.current = L.canvas({ padding: 0.2 });
    const g = L.layerGroup().addTo(map);
    group.current = g;
    const d = dots.current;
    const r = rings.current;
    return () => {
      g.remove();
      d.clear();
      r.clear();
      group.current = null;
    };
  }, [map]);

  useEffect(() => {
    const g = group.current;
    if (!g) return;
    const seen = new Set<string>();
    const radius = Math.max(4, 5.5 * scale);
    const byNumber = new Map<string, OpenCaseMarker>();
    for (const c of cases) {
      const [caseNumber, lat, lng] = c;
      byNumber.set(caseNumber, c);
      seen.add(caseNumber);
      const color = MARKER_COLORS[markerClassOf(timedOf(c), calendar, now)];
      let m = dots.current.get(caseNumber);
      if (!m) {
        m = L.circleMarker([lat, lng], {
          renderer: renderer.current ?? undefined,
          radius,
          weight: 0,
          fillColor: color,
          fillOpacity: 0.9,
          interactive: false,
        });
        dots.current.set(caseNumber, m);
        g.addLayer(m);
      } else m.setStyle({ fillColor: color, radius });
    }
    for (const [cn, m] of dots.current) {
      if (!seen.has(cn)) {
        g.removeLayer(m);
        dots.current.delete(cn);
      }
    }
    // highlight rings for fresh cases (SVG so CSS can pulse them)
    for (const cn of fresh) {
      const c = byNumber.get(cn);
      if (!c || rings.current.has(cn)) continue;
      const ring = L.circleMarker([c[1], c[2]], {
        radius: 14 * scale,
        color: '#ffd166',
        weight: Math.max(2, 2.5 * scale),
        fill: false,
        interactive: false,
        className: 'wall-fresh-ring',
      });
      rings.current.set(cn, ring);
      g.addLayer(ring);
    }
    for (const [cn, ring] of rings.current) {
      if (!fresh.has(cn) || !seen.has(cn)) {
        g.removeLayer(ring);
        rings.current.delete(cn);
      }
    }
  }, [cases, fresh, calendar, now, scale]);

  return null;
}
