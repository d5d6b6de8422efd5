import type { CaseState } from '@citygrid/domain';
import type { OpenCase } from './dashboard-service.ts';

/**
 * One open case as the command map needs it, as a tuple to keep 10,000 of them small (about a
 * fifth of the full `OpenCase` rows): number, position, and what the map needs to colour it by
 * its traffic light as the clock runs (state, dispatch time, deadline, limit unit), the version (so
 * a live event older than the row is ignored) and the minor class. Cases without a position are left out: the map cannot draw them.
 */
export type OpenCaseMarker = [
  caseNumber: string,
  lat: number,
  lng: number,
  state: CaseState,
  version: number,
  dispatchedAt: string | null,
  dueAt: string | null,
  limitUnit: string,
  minorClassCode: string,
];

export function toOpenCaseMarkers(cases: readonly OpenCase[]): OpenCaseMarker[] {
  const out: OpenCaseMarker[] = [];
  for (const c of cases) {
    if (c.lat === null || c.lng === null) continue;
    out.push([c.caseNumber, c.lat, c.lng, c.state, c.version, c.dispatchedAt, c.dueAt, c.limitUnit, c.minorClassCode]);
  }
  return out;
}
