import type { CaseState } from '@citygrid/domain';
import type { CaseFilter, CaseStore } from '@citygrid/db';

/**
 * One open case as the command map needs it, as a tuple to keep 100,000 of them small (about a
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

/**
 * The map's markers and whether the list was cut: `truncated` is true when more located cases
 * match than `limit`, and then `markers` holds the first `limit` of them (the map says so).
 */
export interface OpenCaseMarkers {
  markers: OpenCaseMarker[];
  truncated: boolean;
  limit: number;
}

/**
 * Over this many markers the list is cut (and says so): a city-scale backlog (50,000 open cases is
 * the largest measured point) is drawn whole. `MAP_MARKER_LIMIT` of the server lowers it.
 */
export const OPEN_CASE_MARKER_LIMIT = 100_000;

/**
 * The open cases matching `filter` as map markers, read straight from the columns the tuple holds
 * (no full row, no traffic light computed: the map colours them itself as the clock runs). One row
 * over `limit` is read to know whether the list was cut.
 */
export function listOpenCaseMarkers(
  store: Pick<CaseStore, 'listMarkerRows'>,
  filter: CaseFilter = {},
  limit: number = OPEN_CASE_MARKER_LIMIT,
): OpenCaseMarkers {
  const markers: OpenCaseMarker[] = store.listMarkerRows({
    ...filter,
    ...(filter.states?.length ? {} : { openOnly: true }),
    limit: limit + 1,
  });
  const truncated = markers.length > limit;
  if (truncated) markers.length = limit;
  return { markers, truncated, limit };
}
