import { useEffect, useRef } from 'react';
import { useMap } from 'react-leaflet';
import L from './leaflet-global';
import 'leaflet.markercluster';
import 'leaflet.markercluster/dist/MarkerCluster.css';
import 'leaflet.markercluster/dist/MarkerCluster.Default.css';
import type { WorkCalendar } from '@citygrid/domain';
import { MARKER_COLORS, MARKER_RANK, markerClassOf, type MarkerClass, type TimedCase } from '../lib/reference';
import { debugState } from '../lib/debug';

export interface MapCase extends TimedCase {
  caseNumber: string;
  lat: number | null;
  lng: number | null;
}

type CaseMarker = L.CircleMarker & { caseNumber: string; cls: MarkerClass; source: MapCase };

const styleOf = (cls: MarkerClass): L.CircleMarkerOptions => ({
  radius: 6,
  color: '#0b1320',
  weight: 1,
  fillColor: MARKER_COLORS[cls],
  fillOpacity: 0.95,
});

function clusterIcon(cluster: L.MarkerCluster): L.DivIcon {
  let worst: MarkerClass = 'parked';
  for (const m of cluster.getAllChildMarkers() as unknown as CaseMarker[]) {
    if (MARKER_RANK[m.cls] > MARKER_RANK[worst]) worst = m.cls;
    if (worst === 'red') break;
  }
  const n = cluster.getChildCount();
  const size = n < 10 ? 30 : n < 100 ? 36 : n < 1000 ? 44 : 52;
  return L.divIcon({
    html: `<div><span>${n}</span></div>`,
    className: `case-cluster cluster-${worst}`,
    iconSize: L.point(size, size),
  });
}

/**
 * Open cases as status-coloured circle markers in ONE marker-cluster group, created once.
 * Each data change is applied as a diff (add / remove / recolour in place) keyed by case number;
 * unchanged case objects keep their identity and cost nothing. `now` re-evaluates the lights.
 */
export function CaseClusterLayer({ cases, calendar, now, onCaseClick }: { cases: readonly MapCase[]; calendar: WorkCalendar; now: Date; onCaseClick: (caseNumber: string) => void }) {
  const map = useMap();
  const groupRef = useRef<L.MarkerClusterGroup | null>(null);
  const markers = useRef(new Map<string, CaseMarker>());
  const click = useRef(onCaseClick);
  useEffect(() => {
    click.current = onCaseClick;
  }, [onCaseClick]);

  useEffect(() => {
    const group = L.markerClusterGroup({
      chunkedLoading: true,
      showCoverageOnHover: false,
      spiderfyOnMaxZoom: true,
      disableClusteringAtZoom: 17,
      maxClusterRadius: 50,
      iconCreateFunction: clusterIcon,
    });
    group.on('click', (e: L.LeafletEvent & { layer?: unknown }) => {
      const m = e.layer as CaseMarker | undefined;
      if (m?.caseNumber) click.current(m.caseNumber);
    });
    group.addTo(map);
    groupRef.current = group;
    const byCase = markers.current;
    debugState.markers = {
      count: () => byCase.size,
      color: (cn) => byCase.get(cn)?.cls ?? null,
    };
    return () => {
      group.remove();
      groupRef.current = null;
      byCase.clear();
      debugState.markers = null;
    };
  }, [map]);

  // diff the case list against the markers
  useEffect(() => {
    const group = groupRef.current;
    if (!group) return;
    const byCase = markers.current;
    const seen = new Set<string>();
    const toAdd: CaseMarker[] = [];
    const toRemove: CaseMarker[] = [];
    const recoloured: CaseMarker[] = [];
    for (const c of cases) {
      if (c.lat === null || c.lng === null) continue;
      seen.add(c.caseNumber);
      const existing = byCase.get(c.caseNumber);
      if (existing && existing.source === c) continue;
      const cls = markerClassOf(c, calendar, now);
      if (!existing) {
        const m = L.circleMarker([c.lat, c.lng], styleOf(cls)) as CaseMarker;
        m.caseNumber = c.caseNumber;
        m.cls = cls;
        m.source = c;
        byCase.set(c.caseNumber, m);
        toAdd.push(m);
        continue;
      }
      existing.source = c;
      const ll = existing.getLatLng();
      if (ll.lat !== c.lat || ll.lng !== c.lng) {
        toRemove.push(existing);
        existing.setLatLng([c.lat, c.lng]);
        toAdd.push(existing);
      }
      if (existing.cls !== cls) {
        existing.cls = cls;
        existing.setStyle({ fillColor: MARKER_COLORS[cls] });
        recoloured.push(existing);
      }
    }
    for (const [cn, m] of byCase) {
      if (!seen.has(cn)) {
        toRemove.push(m);
        byCase.delete(cn);
      }
    }
    if (toRemove.length) group.removeLayers(toRemove);
    if (toAdd.length) group.addLayers(toAdd);
    if (recoloured.length) group.refreshClusters(recoloured as unknown as L.Marker[]);
    // `now` is deliberately not a dependency: the tick effect below recolours
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [cases, calendar]);

  // the clock ticks: lights change colour without any event
  useEffect(() => {
    const group = groupRef.current;
    if (!group) return;
    const recoloured: CaseMarker[] = [];
    for (const m of markers.current.values()) {
      const cls = markerClassOf(m.source, calendar, now);
      if (cls !== m.cls) {
        m.cls = cls;
        m.setStyle({ fillColor: MARKER_COLORS[cls] });
        recoloured.push(m);
      }
    }
    if (recoloured.length) group.refreshClusters(recoloured as unknown as L.Marker[]);
  }, [now, calendar]);

  return null;
}
