import { useEffect, useRef } from 'react';
import { useMap } from 'react-leaflet';
import L from 'leaflet';
import type { WorkCalendar } from '@citygrid/domain';
import { MARKER_COLORS, MARKER_RANK, markerClassOf, type MarkerClass } from '../lib/reference';
import type { OpenCaseMarker } from '../lib/trpc';
import { debugState } from '../lib/debug';
import { timedOf } from './open-case-markers';
import type { ClusterRequest, ClusterResponse, IndexedCase, WorkerCluster } from './case-cluster-protocol';

/** What the layer keeps per case on the main thread: enough to draw it and to answer the debug handle. */
interface Entry {
  source: OpenCaseMarker;
  cls: MarkerClass;
}
/** A drawn cluster icon; `getChildCount` as leaflet.markercluster's clusters had it (the map bench counts through it). */
type ClusterIcon = L.Marker & { getChildCount(): number; expandAt: [lat: number, lng: number, zoom: number] };
/** A drawn single case; `caseNumber` tells it apart from the other layers of the map. */
type CaseDot = L.CircleMarker & { caseNumber: string; cls: MarkerClass };

const CLASS_OF_RANK = Object.fromEntries(
  Object.entries(MARKER_RANK).map(([cls, rank]) => [rank, cls]),
) as Record<number, MarkerClass>;
/** Zoom from which every case is drawn on its own (the worker clusters up to 16). */
const SINGLES_FROM_ZOOM = 17;

const styleOf = (cls: MarkerClass): L.CircleMarkerOptions => ({
  radius: 6,
  color: '#0b1320',
  weight: 1,
  fillColor: MARKER_COLORS[cls],
  fillOpacity: 0.95,
});

function clusterIcon(count: number, worst: MarkerClass): L.DivIcon {
  const size = count < 10 ? 30 : count < 100 ? 36 : count < 1000 ? 44 : 52;
  return L.divIcon({
    html: `<div><span>${count}</span></div>`,
    className: `case-cluster cluster-${worst}`,
    iconSize: L.point(size, size),
  });
}

/**
 * Open cases on the command map, clustered by supercluster in a Web Worker. The main thread keeps
 * one entry per case (diffed against the `markers` prop by tuple identity, so a live patch of one
 * case costs one entry) and sends the worker only what changed, at most once per animation frame.
 * After every move or zoom it asks the worker for the clusters of the visible area and draws just
 * those: a few dozen cluster icons (coloured by the worst light inside) and the single cases as
 * circle markers on the map's canvas. Clicking a cluster zooms in to where it splits; clicking a
 * case calls `onCaseClick`. `now` re-evaluates the lights.
 */
export function CaseClusterLayer({
  markers,
  calendar,
  now,
  onCaseClick,
}: {
  markers: readonly OpenCaseMarker[];
  calendar: WorkCalendar;
  now: Date;
  onCaseClick: (caseNumber: string) => void;
}) {
  const map = useMap();
  const entries = useRef(new Map<string, Entry>());
  const click = useRef(onCaseClick);
  useEffect(() => {
    click.current = onCaseClick;
  }, [onCaseClick]);
  /** Queues a change for the worker (sent on the next animation frame); set while mounted. */
  const send = useRef<((upsert: IndexedCase[], remove: string[]) => void) | null>(null);
  /** Recolours or removes a case drawn as a single dot right away; set while mounted. */
  const touchDot = useRef<((caseNumber: string) => void) | null>(null);

  useEffect(() => {
    const byCase = entries.current;
    const worker = new Worker(new URL('./case-cluster.worker.ts', import.meta.url), { type: 'module' });
    const post = (msg: ClusterRequest) => worker.postMessage(msg);
    // one click handler for every icon and dot of the group (a listener per marker costs on every redraw)
    const group = L.featureGroup().addTo(map);
    group.on('click', (e: L.LeafletMouseEvent) => {
      const layer = e.propagatedFrom as Partial<CaseDot & { expandAt: [number, number, number] }> | undefined;
      if (layer?.caseNumber) click.current(layer.caseNumber);
      else if (layer?.expandAt) {
        const [lat, lng, zoom] = layer.expandAt;
        map.setView([lat, lng], Math.min(Math.max(zoom, map.getZoom() + 1), SINGLES_FROM_ZOOM));
      }
    });
    const icons = new Map<string, ClusterIcon>();
    const dots = new Map<string, CaseDot>();

    // --- patches to the worker, batched per animation frame ---
    let pendingUpsert = new Map<string, IndexedCase>();
    let pendingRemove = new Set<string>();
    let frame: number | null = null;
    const flush = () => {
      frame = null;
      if (pendingUpsert.size === 0 && pendingRemove.size === 0) return;
      post({ type: 'patch', upsert: [...pendingUpsert.values()], remove: [...pendingRemove] });
      pendingUpsert = new Map();
      pendingRemove = new Set();
    };
    send.current = (upsert, remove) => {
      for (const u of upsert) {
        pendingUpsert.set(u[0], u);
        pendingRemove.delete(u[0]);
      }
      for (const cn of remove) {
        pendingRemove.add(cn);
        pendingUpsert.delete(cn);
      }
      frame ??= requestAnimationFrame(flush);
    };

    // --- drawing what the worker answers for the current view ---
    const newDot = (cn: string, e: Entry): CaseDot => {
      const dot = L.circleMarker([e.source[1], e.source[2]], styleOf(e.cls)) as CaseDot;
      dot.caseNumber = cn;
      dot.cls = e.cls;
      return dot;
    };
    touchDot.current = (cn) => {
      const dot = dots.get(cn);
      if (!dot) return;
      const e = byCase.get(cn);
      if (!e) {
        group.removeLayer(dot);
        dots.delete(cn);
      } else if (e.cls !== dot.cls) {
        dot.cls = e.cls;
        dot.setStyle({ fillColor: MARKER_COLORS[e.cls] });
      }
    };
    const draw = (clusters: WorkerCluster[], singles: string[]) => {
      const keepIcons = new Set<string>();
      for (const [lat, lng, count, worstRank, expansionZoom] of clusters) {
        const worst = CLASS_OF_RANK[worstRank] ?? 'grey';
        const key = `${lat},${lng},${count},${worst}`;
        keepIcons.add(key);
        if (icons.has(key)) continue;
        const icon = L.marker([lat, lng], {
          icon: clusterIcon(count, worst),
          keyboard: false,
        }) as ClusterIcon;
        icon.getChildCount = () => count;
        icon.expandAt = [lat, lng, expansionZoom];
        icons.set(key, icon);
        group.addLayer(icon);
      }
      for (const [key, icon] of icons) {
        if (!keepIcons.has(key)) {
          group.removeLayer(icon);
          icons.delete(key);
        }
      }
      const keepDots = new Set<string>();
      for (const cn of singles) {
        const e = byCase.get(cn);
        if (!e) continue;
        keepDots.add(cn);
        const dot = dots.get(cn);
        if (dot) {
          const ll = dot.getLatLng();
          if (ll.lat !== e.source[1] || ll.lng !== e.source[2]) dot.setLatLng([e.source[1], e.source[2]]);
          if (dot.cls !== e.cls) {
            dot.cls = e.cls;
            dot.setStyle({ fillColor: MARKER_COLORS[e.cls] });
          }
          continue;
        }
        const fresh = newDot(cn, e);
        dots.set(cn, fresh);
        group.addLayer(fresh);
      }
      for (const [cn, dot] of dots) {
        if (!keepDots.has(cn)) {
          group.removeLayer(dot);
          dots.delete(cn);
        }
      }
    };

    let lastQuery = 0;
    const query = () => {
      // a small margin: what pans into view is drawn at the next moveend; every icon drawn costs
      const b = map.getBounds().pad(0.1);
      const clampLat = (v: number) => Math.max(-85, Math.min(85, v));
      const clampLng = (v: number) => Math.max(-180, Math.min(180, v));
      post({
        type: 'query',
        id: ++lastQuery,
        bbox: [clampLng(b.getWest()), clampLat(b.getSouth()), clampLng(b.getEast()), clampLat(b.getNorth())],
        zoom: map.getZoom(),
      });
    };
    worker.onmessage = (e: MessageEvent<ClusterResponse>) => {
      const msg = e.data;
      if (msg.type === 'built') query();
      else if (msg.id === lastQuery) draw(msg.clusters, msg.singles);
    };
    map.on('moveend', query);
    query();

    debugState.markers = {
      count: () => byCase.size,
      color: (cn) => byCase.get(cn)?.cls ?? null,
    };
    return () => {
      map.off('moveend', query);
      if (frame !== null) cancelAnimationFrame(frame);
      worker.terminate();
      group.remove();
      send.current = null;
      touchDot.current = null;
      byCase.clear();
      debugState.markers = null;
    };
  }, [map]);

  // diff the markers against the entries; only what changed goes to the worker
  useEffect(() => {
    const byCase = entries.current;
    const upsert: IndexedCase[] = [];
    const remove: string[] = [];
    const seen = new Set<string>();
    for (const m of markers) {
      const cn = m[0];
      seen.add(cn);
      const existing = byCase.get(cn);
      if (existing?.source === m) continue;
      const cls = markerClassOf(timedOf(m), calendar, now);
      if (existing && existing.cls === cls && existing.source[1] === m[1] && existing.source[2] === m[2]) {
        existing.source = m;
        continue;
      }
      byCase.set(cn, { source: m, cls });
      upsert.push([cn, m[1], m[2], MARKER_RANK[cls]]);
      if (existing) touchDot.current?.(cn);
    }
    if (seen.size !== byCase.size) {
      for (const cn of byCase.keys()) {
        if (!seen.has(cn)) {
          byCase.delete(cn);
          remove.push(cn);
          touchDot.current?.(cn);
        }
      }
    }
    if (upsert.length || remove.length) send.current?.(upsert, remove);
    // `now` is deliberately not a dependency: the tick effect below recolours
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [markers, calendar]);

  // the clock ticks: lights change colour without any event
  useEffect(() => {
    const upsert: IndexedCase[] = [];
    for (const [cn, e] of entries.current) {
      const cls = markerClassOf(timedOf(e.source), calendar, now);
      if (cls === e.cls) continue;
      e.cls = cls;
      upsert.push([cn, e.source[1], e.source[2], MARKER_RANK[cls]]);
      touchDot.current?.(cn);
    }
    if (upsert.length) send.current?.(upsert, []);
  }, [now, calendar]);

  return null;
}
