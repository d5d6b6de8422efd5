import { isOpenState } from '@citygrid/domain';
import type { LiveCaseEvent, OpenCaseMarker, OpenCaseMarkers } from '../lib/trpc';
import type { TimedCase } from '../lib/reference';

type LiveCase = LiveCaseEvent['case'];

/** The newest event of each case in a batch (events of one case arrive in id order, batches may not). */
export function latestByCase(events: readonly LiveCaseEvent[]): Map<string, LiveCaseEvent> {
  const latest = new Map<string, LiveCaseEvent>();
  for (const e of events) {
    const prev = latest.get(e.caseNumber);
    if (!prev || prev.id < e.id) latest.set(e.caseNumber, e);
  }
  return latest;
}

/** The marker tuple of a case, or null when it has no point to show. */
export function markerOf(c: LiveCase): OpenCaseMarker | null {
  if (c.lat === null || c.lng === null) return null;
  return [
    c.caseNumber,
    c.lat,
    c.lng,
    c.state,
    c.version,
    c.dispatchedAt,
    c.dueAt,
    c.limitUnit,
    c.minorClassCode,
  ];
}

/**
 * The markers after a batch of live events: a case that is still open, passes `belongs` and has a
 * point is replaced or appended; any other is removed. An event older than the marker's version
 * changes nothing. Returns `markers` itself when nothing changed, so the map does not redraw.
 */
export function patchMarkers(
  markers: OpenCaseMarker[],
  latest: ReadonlyMap<string, LiveCaseEvent>,
  belongs: (c: LiveCase) => boolean,
): OpenCaseMarker[] {
  const index = new Map(markers.map((m, i) => [m[0], i]));
  let replaced: OpenCaseMarker[] | null = null;
  const removed = new Set<string>();
  const appended: OpenCaseMarker[] = [];
  for (const e of latest.values()) {
    const c = e.case;
    const i = index.get(c.caseNumber);
    const current = i !== undefined ? markers[i] : undefined;
    if (current && current[4] >= c.version) continue;
    const m = isOpenState(c.state) && belongs(c) ? markerOf(c) : null;
    if (!m) {
      if (i !== undefined) removed.add(c.caseNumber);
    } else if (i !== undefined) {
      replaced ??= markers.slice();
      replaced[i] = m;
    } else appended.push(m);
  }
  if (!replaced && removed.size === 0 && appended.length === 0) return markers;
  let out = replaced ?? markers;
  if (removed.size) out = out.filter((m) => !removed.has(m[0]));
  return appended.length ? [...out, ...appended] : out;
}

/**
 * Markers read at `data.position` brought up to date with the live events already received after it.
 * The stream runs on while a list is fetched (another filter, a refetch): an event committed after
 * the server read the list and delivered before the answer arrived finds no list to patch, and
 * without this it would be lost for that list. Events at or before the position are in the list.
 */
export function catchUpMarkers(
  data: OpenCaseMarkers,
  received: readonly LiveCaseEvent[],
  belongs: (c: LiveCase) => boolean,
): OpenCaseMarkers {
  const missed = received.filter((e) => e.id > data.position);
  if (missed.length === 0) return data;
  const markers = patchMarkers(data.markers, latestByCase(missed), belongs);
  return markers === data.markers ? data : { ...data, markers };
}

/** What `markerClassOf` needs of a marker to colour it by its traffic light. */
export const timedOf = (m: OpenCaseMarker): TimedCase => ({
  state: m[3],
  dispatchedAt: m[5],
  dueAt: m[6],
  limitUnit: m[7],
});
