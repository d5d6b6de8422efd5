import {
  CASE_STATES,
  CLOSED_STATES,
  LOCAL_UTC_OFFSET_MINUTES,
  showsLight,
  UNFILED_STATES,
  type CaseState,
} from '@citygrid/domain';

/** `'a', 'b'` for an SQL `in (...)` list; state names are fixed identifiers, never user input. */
const sqlList = (states: readonly CaseState[]): string => states.map((s) => `'${s}'`).join(', ');

/**
 * "The case is still open", as SQL, built from the domain's `CLOSED_STATES`. The partial index
 * `cases_open_due` (schema and migration 0002) carries the same text word for word so the planner
 * can use it; `case-predicates.test.ts` fails if the list and the index drift apart.
 */
export const OPEN_PREDICATE = `state not in (${sqlList(CLOSED_STATES)})`;

/** "The case shows a traffic light" (open, neither disposed nor parked: the domain's `showsLight`), as SQL. */
export const SHOWS_LIGHT_PREDICATE = `state not in (${sqlList(CASE_STATES.filter((s) => !showsLight(s)))})`;

/** "The case was filed (立案)", as SQL: every state but the domain's `UNFILED_STATES`. */
export const FILED_PREDICATE = `state not in (${sqlList(UNFILED_STATES)})`;

/**
 * How many leading characters of a stored ISO instant (`2026-11-24T01:02:03.456Z`, always UTC) the
 * per-day counts group by: the UTC hour, or the minute were the local offset not whole hours. Grouping
 * by a prefix reads no date (strftime or a timestamptz cast per row was most of a month's count);
 * `localDayCounts` folds the buckets into local days.
 */
export const UTC_BUCKET_CHARS = LOCAL_UTC_OFFSET_MINUTES % 60 === 0 ? 13 : 16;

/** Counts per UTC bucket (a `UTC_BUCKET_CHARS` prefix) as counts per local calendar day, in day order. */
export function localDayCounts(
  buckets: ReadonlyArray<{ bucket: string; n: number }>,
): Array<{ day: string; n: number }> {
  const pad = UTC_BUCKET_CHARS === 13 ? ':00:00.000Z' : ':00.000Z';
  const byDay = new Map<string, number>();
  for (const { bucket, n } of buckets) {
    const day = new Date(Date.parse(bucket + pad) + LOCAL_UTC_OFFSET_MINUTES * 60_000)
      .toISOString()
      .slice(0, 10);
    byDay.set(day, (byDay.get(day) ?? 0) + Number(n));
  }
  return [...byDay].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([day, n]) => ({ day, n }));
}

/** Milliseconds in an hour, as a SQL double: the evaluation's average disposal time is `disposal_millis` / it. */
export const MILLIS_PER_HOUR_SQL = '3600000.0';
