/** Read-only hooks for end-to-end tests, exposed as `window.__citygrid` in every build. */
export interface CitygridDebug {
  markerCount(): number;
  lastEventId(): number | null;
  markerColor(caseNumber: string): string | null;
}

const state: {
  lastEventId: number | null;
  markers: { count(): number; color(caseNumber: string): string | null } | null;
} = { lastEventId: null, markers: null };

export const debugState = state;

export function installDebug(): void {
  const api: CitygridDebug = Object.freeze({
    markerCount: () => state.markers?.count() ?? 0,
    lastEventId: () => state.lastEventId,
    markerColor: (caseNumber: string) => state.markers?.color(caseNumber) ?? null,
  });
  Object.defineProperty(window, '__citygrid', { value: api, configurable: true, enumerable: false, writable: false });
}
