import type { CaseState } from '@citygrid/domain';
import type { CaseFilter, CaseStorePort } from '@citygrid/db';

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
  /**
   * The id of the event log's last event when the list was read (read before the list: a case that
   * changed meanwhile is in the list and after the position too). A live stream opened with
   * `lastEventId` = this misses nothing the list does not hold, however long after the list it opens
   * (a map opened again shows its kept list and starts its stream from here).
   */
  position: number;
}

/**
 * Over this many markers the list is cut (and says so): a city-scale backlog (50,000 open cases is
 * the largest measured point) is drawn whole. `MAP_MARKER_LIMIT` of the server lowers it.
 */
export const OPEN_CASE_MARKER_LIMIT = 100_000;

/**
 * The open cases matching `filter` as map markers, as the JSON text of {@link OpenCaseMarkers}: the
 * tuples come from the columns they hold, written as JSON by SQLite (no full row, no traffic light
 * computed: the map colours them itself as the clock runs), and the text goes out as it is.
 */
export async function openCaseMarkersJson(
  store: Pick<CaseStorePort, 'listMarkersJson' | 'lastEventId'>,
  filter: CaseFilter = {},
  limit: number = OPEN_CASE_MARKER_LIMIT,
): Promise<string> {
  return markersText(store, filter, limit, await store.lastEventId());
}

/** The markers' text of `filter` read after `position` was read. */
async function markersText(
  store: Pick<CaseStorePort, 'listMarkersJson'>,
  filter: CaseFilter,
  limit: number,
  position: number,
): Promise<string> {
  const { json, truncated } = await store.listMarkersJson(
    { ...filter, ...(filter.states?.length ? {} : { openOnly: true }) },
    limit,
  );
  return `{"markers":${json},"truncated":${truncated},"limit":${limit},"position":${position}}`;
}

/** A filter as a cache key: the same filter gives the same key whatever the order of its fields. */
const keyOf = (filter: CaseFilter): string =>
  JSON.stringify(
    Object.entries(filter)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );

/**
 * The markers' JSON texts of the last few filters, each with the position of the event log it was
 * read at. A map opened again with no case changed since (supervisors opening the map at a shift's
 * start, the wall reloading) is answered from memory; the first committed event, from any path or
 * node, sends the next read to the database (one index lookup, `lastEventId`, says whether one
 * came). Every field of a marker changes only with an event of its case. The position is read before
 * the list, so a text read while a case changed is stored as older than it is and read again.
 * Bounded by entries and by characters (a 100,000-marker text is ~16 MB).
 */
export class OpenCaseMarkersCache {
  private readonly texts = new Map<string, { position: number; json: string }>();
  private chars = 0;

  constructor(
    private readonly store: Pick<CaseStorePort, 'listMarkersJson' | 'lastEventId'>,
    private readonly limit: number = OPEN_CASE_MARKER_LIMIT,
    private readonly maxEntries = 8,
    private readonly maxChars = 40_000_000,
  ) {}

  async get(filter: CaseFilter = {}): Promise<string> {
    const key = keyOf(filter);
    const position = await this.store.lastEventId();
    const kept = this.texts.get(key);
    if (kept?.position === position) {
      // most recently used last
      this.texts.delete(key);
      this.texts.set(key, kept);
      return kept.json;
    }
    const json = await markersText(this.store, filter, this.limit, position);
    this.forget(key);
    if (json.length <= this.maxChars) {
      this.texts.set(key, { position, json });
      this.chars += json.length;
      for (const [oldest] of this.texts) {
        if (this.texts.size <= this.maxEntries && this.chars <= this.maxChars) break;
        this.forget(oldest);
      }
    }
    return json;
  }

  private forget(key: string): void {
    const kept = this.texts.get(key);
    if (!kept) return;
    this.chars -= kept.json.length;
    this.texts.delete(key);
  }
}
