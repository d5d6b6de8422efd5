/// <reference lib="webworker" />
/**
 * The command map's clustering, off the main thread: a supercluster index over the open cases.
 * The main thread sends patches (cases added, moved or recoloured; cases gone; each case by its
 * slot, as transferred typed arrays) and asks for the clusters of one view (bounding box + zoom); it
 * never holds the index.
 *
 * supercluster has no incremental insert: a patch marks the index stale and the rebuild runs once
 * for every patch that arrived in the same task, here in the worker, so the map keeps drawing frames
 * while it runs. After a rebuild the worker answers the view's last query again by itself (no round
 * trip through the main thread, which may be busy rendering the page the cases came with).
 */
import Supercluster, { type PointFeature } from 'supercluster';
import type { ClusterRequest, ClusterResponse, WorkerCluster } from './case-cluster-protocol';

interface Props {
  slot: number;
  rank: number;
}
interface ClusterProps {
  worst: number;
}

// in a worker `self` is the worker's scope; the app's DOM typings would call it a Window
declare const self: DedicatedWorkerGlobalScope;
const scope = self;
/** The cases by slot (a hole where a slot is free). */
const points: (PointFeature<Props> | undefined)[] = [];
let index: Supercluster<Props, ClusterProps> | null = null;
let version = 0;
/** Patches applied so far (each answer says so: the layer frees a released slot after it). */
let applied = 0;
let stale = false;
let rebuildScheduled = false;
/** The view's last query: answered again after every rebuild. */
let lastQuery: Extract<ClusterRequest, { type: 'query' }> | null = null;

function rebuild(): void {
  stale = false;
  // radius/extent in CSS pixels of 256-px tiles, as leaflet.markercluster's maxClusterRadius: 50;
  // above zoom 16 every case is drawn on its own (as disableClusteringAtZoom: 17 did); no level
  // below the command map's own minZoom (10) is built
  const next = new Supercluster<Props, ClusterProps>({
    radius: 50,
    extent: 256,
    minZoom: 10,
    maxZoom: 16,
    map: (p) => ({ worst: p.rank }),
    reduce: (acc, p) => {
      if (p.worst > acc.worst) acc.worst = p.worst;
    },
  });
  const all: PointFeature<Props>[] = [];
  for (const p of points) if (p) all.push(p);
  next.load(all);
  index = next;
  version++;
}

function scheduleRebuild(): void {
  stale = true;
  if (rebuildScheduled) return;
  rebuildScheduled = true;
  setTimeout(() => {
    rebuildScheduled = false;
    if (!stale) return;
    rebuild();
    if (lastQuery) answer(lastQuery);
  }, 0);
}

scope.onmessage = (e: MessageEvent<ClusterRequest>) => {
  const msg = e.data;
  if (msg.type === 'patch') {
    applied++;
    for (const slot of msg.remove) points[slot] = undefined;
    const { slots, lat, lng, rank } = msg;
    for (let i = 0; i < slots.length; i++) {
      const slot = slots[i]!;
      points[slot] = {
        type: 'Feature',
        geometry: { type: 'Point', coordinates: [lng[i]!, lat[i]!] },
        properties: { slot, rank: rank[i]! },
      };
    }
    scheduleRebuild();
    return;
  }
  // a query: answer from a fresh index
  lastQuery = msg;
  if (stale || !index) rebuild();
  answer(msg);
};

function answer(msg: Extract<ClusterRequest, { type: 'query' }>): void {
  const clusters: WorkerCluster[] = [];
  const singles: number[] = [];
  for (const f of index!.getClusters(msg.bbox, msg.zoom)) {
    const [lng, lat] = f.geometry.coordinates as [number, number];
    const p = f.properties;
    if ('cluster' in p && p.cluster) {
      clusters.push([lat, lng, p.point_count, p.worst, index!.getClusterExpansionZoom(p.cluster_id)]);
    } else {
      singles.push((p as Props).slot);
    }
  }
  const response: ClusterResponse = {
    type: 'clusters',
    id: msg.id,
    version,
    clusters,
    singles: Int32Array.from(singles),
    applied,
  };
  scope.postMessage(response, [response.singles.buffer]);
}
