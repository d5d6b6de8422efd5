import { useEffect, useLayoutEffect, useRef } from 'react';
import { useMap } from 'react-leaflet';
import L from 'leaflet';
import type { WorkCalendar } from '@citygrid/domain';
import { MARKER_RANK, markerClassOf, type MarkerClass } from '../lib/reference';
import type { OpenCaseMarker } from '../lib/trpc';
import { debugState } from '../lib/debug';
import { timedOf } from './open-case-markers';
import { CaseCanvasLayer, type CanvasCluster, type CanvasDot } from './case-canvas-layer';
import { DOT_RADIUS, clusterRadius, expandZoomOf } from './case-canvas-geometry';
import {
  CasePatchBuilder,
  CaseSlots,
  transferablesOf,
  type CasePatch,
  type ClusterRequest,
  type ClusterResponse,
  type WorkerCluster,
} from './case-cluster-protocol';

/** What the layer keeps per case on the main thread: enough to draw it and to answer the debug handle. */
interface Entry {
  source: OpenCaseMarker;
  cls: MarkerClass;
  /** How the worker knows the case (see case-cluster-protocol). */
  slot: number;
}

const CLASS_OF_RANK = Object.fromEntries(
  Object.entries(MARKER_RANK).map(([cls, rank]) => [rank, cls]),
) as Record<number, MarkerClass>;
/** Zoom from which every case is drawn on its own (the worker clusters up to 16). */
const SINGLES_FROM_ZOOM = 17;

/**
 * Open cases on the command map, clustered by supercluster in a Web Worker. The main thread keeps
 * one entry per case (diffed against the `markers` prop by tuple identity, so a live patch of one
 * case costs one entry) and sends the worker only what changed.
 * After every move or zoom it asks the worker for the clusters of the visible area and draws just
 * those, all on the map's canvas as one path (`CaseCanvasLayer`): cluster bubbles with their count,
 * coloured by the worst light inside, and the single cases as dots. Clicking a cluster zooms in to where it splits; clicking a
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
  const slots = useRef(new CaseSlots());
  const click = useRef(onCaseClick);
  useEffect(() => {
    click.current = onCaseClick;
  }, [onCaseClick]);
  /** Sends a change to the worker; set while mounted. */
  const send = useRef<((patch: CasePatch) => void) | null>(null);
  /** Recolours or removes a case drawn as a single dot right away; set while mounted. */
  const touchDot = useRef<((caseNumber: string) => void) | null>(null);

  // layout effects, this one and the diff below: the worker gets the cases as soon as React has
  // committed them, and indexes them while the browser lays out and paints the page they came with
  useLayoutEffect(() => {
    const byCase = entries.current;
    const bySlot = slots.current;
    const worker = new Worker(new URL('./case-cluster.worker.ts', import.meta.url), { type: 'module' });
    const post = (msg: ClusterRequest, transfer: Transferable[] = []) => worker.postMessage(msg, transfer);
    // every cluster and single case is drawn by ONE path on the map's canvas (see CaseCanvasLayer)
    const layer = new CaseCanvasLayer().addTo(map);
    layer.on('click', (e: L.LeafletMouseEvent) => {
      const hit = layer.hitAt(e.layerPoint);
      if (!hit) return;
      if ('dot' in hit) click.current(hit.dot.caseNumber);
      else {
        const { lat, lng, expansionZoom } = hit.cluster;
        map.setView([lat, lng], expandZoomOf(expansionZoom, map.getZoom(), SINGLES_FROM_ZOOM));
      }
    });
    // the grid's cells share the canvas: anything drawn later must not cover the cases
    const keepOnTop = (e: L.LayerEvent) => {
      if (e.layer !== layer && e.layer instanceof L.Path) layer.bringToFront();
    };
    map.on('layeradd', keepOnTop);

    // --- patches to the worker: sent at once (the first load of 10,000 cases is then indexed in the
    // worker while this thread renders the page); the worker coalesces what arrives in one task ---
    send.current = (patch) => {
      post({ type: 'patch', ...patch }, transferablesOf(patch));
      bySlot.patchSent();
    };

    // --- drawing what the worker answers for the current view ---
    touchDot.current = (cn) => layer.recolorDot(cn, byCase.get(cn)?.cls ?? null);
    const draw = (clusters: WorkerCluster[], singles: Int32Array) => {
      const drawnClusters: CanvasCluster[] = clusters.map(([lat, lng, count, worstRank, expansionZoom]) => ({
        lat,
        lng,
        count,
        worst: CLASS_OF_RANK[worstRank] ?? 'grey',
        expansionZoom,
      }));
      const dots: CanvasDot[] = [];
      for (const slot of singles) {
        const cn = bySlot.caseAt(slot);
        const e = cn === undefined ? undefined : byCase.get(cn);
        if (e) dots.push({ caseNumber: e.source[0], lat: e.source[1], lng: e.source[2], cls: e.cls });
      }
      layer.setItems(drawnClusters, dots);
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
      if (msg.id === lastQuery) draw(msg.clusters, msg.singles);
      bySlot.applied(msg.applied);
    };
    map.on('moveend', query);
    query();

    debugState.markers = {
      count: () => byCase.size,
      color: (cn) => byCase.get(cn)?.cls ?? null,
      drawnCount: () => {
        const { clusters, dots } = layer.drawn();
        return clusters.reduce((n, c) => n + c.count, 0) + dots.length;
      },
      drawn: () => {
        const { clusters, dots } = layer.drawn();
        const box = map.getContainer().getBoundingClientRect();
        const client = (lat: number, lng: number) => {
          const p = map.latLngToContainerPoint([lat, lng]);
          return { x: box.left + p.x, y: box.top + p.y };
        };
        return {
          clusters: clusters.map((c) => ({
            lat: c.lat,
            lng: c.lng,
            count: c.count,
            worst: c.worst,
            radius: clusterRadius(c.count),
            ...client(c.lat, c.lng),
          })),
          singles: dots.map((d) => ({
            caseNumber: d.caseNumber,
            lat: d.lat,
            lng: d.lng,
            cls: d.cls,
            radius: DOT_RADIUS,
            ...client(d.lat, d.lng),
          })),
        };
      },
    };
    return () => {
      map.off('moveend', query);
      worker.terminate();
      map.off('layeradd', keepOnTop);
      layer.remove();
      send.current = null;
      touchDot.current = null;
      byCase.clear();
      bySlot.clear();
      debugState.markers = null;
    };
  }, [map]);

  // diff the markers against the entries; only what changed goes to the worker
  useLayoutEffect(() => {
    const byCase = entries.current;
    const bySlot = slots.current;
    const patch = new CasePatchBuilder(markers.length);
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
      const slot = existing?.slot ?? bySlot.take(cn);
      byCase.set(cn, { source: m, cls, slot });
      patch.upsert(slot, m[1], m[2], MARKER_RANK[cls]);
      if (existing) touchDot.current?.(cn);
    }
    if (seen.size !== byCase.size) {
      for (const [cn, e] of byCase) {
        if (!seen.has(cn)) {
          byCase.delete(cn);
          patch.remove(e.slot);
          bySlot.release(e.slot);
          touchDot.current?.(cn);
        }
      }
    }
    if (!patch.empty) send.current?.(patch.build());
    // `now` is deliberately not a dependency: the tick effect below recolours
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [markers, calendar]);

  // the clock ticks: lights change colour without any event
  useEffect(() => {
    const patch = new CasePatchBuilder(entries.current.size);
    for (const [cn, e] of entries.current) {
      const cls = markerClassOf(timedOf(e.source), calendar, now);
      if (cls === e.cls) continue;
      e.cls = cls;
      patch.upsert(e.slot, e.source[1], e.source[2], MARKER_RANK[cls]);
      touchDot.current?.(cn);
    }
    if (!patch.empty) send.current?.(patch.build());
  }, [now, calendar]);

  return null;
}
