import type { CaseState } from '@citygrid/domain';
import type { CaseFilter, CaseStore } from '@citygrid/db';

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

/** Over this many markers the list is cut (as `openCases` does). */
const MARKER_LIMIT = 20_000;

/**
 * The open cases matching `filter` as map markers, read straight from the columns the tuple holds
 * (no full row, no traffic light computed: the map colours them itself as the clock runs).
 */
export function listOpenCaseMarkers(
  store: Pick<CaseStore, 'listMarkerRows'>,
  filter: CaseFilter = {},
): OpenCaseMarker[] {
  return store.listMarkerRows({
    ...filter,
    ...(filter.states?.length ? {} : { openOnly: true }),
    limit: MARKER_LIMIT,
  });
}
