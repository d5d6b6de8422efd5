import type { Map as LeafletMap } from 'leaflet';

/** Which Leaflet map a debug call is about. */
export type DebugMapName = 'command' | 'intake';

/** Hooks for end-to-end tests and benchmarks, exposed as `window.__citygrid` in every build. */
export interface CitygridDebug {
  markerCount(): number;
  lastEventId(): number | null;
  markerColor(caseNumber: string): string | null;
  /**
   * What the command map draws now (its clusters and single cases are pixels on a canvas, not
   * layers): each cluster with its count and worst light, each case drawn on its own.
   */
  drawnCases(): DrawnCases;
  /** How many open cases the command map draws now: clusters' counts plus single cases. */
  drawnCaseCount(): number;
  /** The Leaflet map of a screen while it is mounted (benchmarks script pans and zooms through it). */
  map(name?: DebugMapName): LeafletMap | null;
  /** Viewport (client) coordinates of a point on a mounted map, for a test to click at. */
  clientPointOf(lat: number, lng: number, name?: DebugMapName): { x: number; y: number } | null;
}

/** Where a drawn item is: its position, and its centre and radius on screen (viewport pixels). */
interface DrawnAt {
  lat: number;
  lng: number;
  x: number;
  y: number;
  radius: number;
}
export interface DrawnCases {
  clusters: Array<DrawnAt & { count: number; worst: string }>;
  singles: Array<DrawnAt & { caseNumber: string; cls: string }>;
}

const state: {
  lastEventId: number | null;
  markers: {
    count(): number;
    color(caseNumber: string): string | null;
    drawn(): DrawnCases;
    drawnCount(): number;
  } | null;
  maps: Partial<Record<DebugMapName, LeafletMap>>;
} = { lastEventId: null, markers: null, maps: {} };

export const debugState = state;

export function installDebug(): void {
  const api: CitygridDebug = Object.freeze({
    markerCount: () => state.markers?.count() ?? 0,
    lastEventId: () => state.lastEventId,
    markerColor: (caseNumber: string) => state.markers?.color(caseNumber) ?? null,
    drawnCases: () => state.markers?.drawn() ?? { clusters: [], singles: [] },
    drawnCaseCount: () => state.markers?.drawnCount() ?? 0,
    map: (name: DebugMapName = 'command') => state.maps[name] ?? null,
    clientPointOf: (lat: number, lng: number, name: DebugMapName = 'command') => {
      const map = state.maps[name];
      if (!map) return null;
      const p = map.latLngToContainerPoint([lat, lng]);
      const box = map.getContainer().getBoundingClientRect();
      return { x: box.left + p.x, y: box.top + p.y };
    },
  });
  Object.defineProperty(window, '__citygrid', {
    value: api,
    configurable: true,
    enumerable: false,
    writable: false,
  });
}
