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

/** The SQLite date modifier from UTC to local time (`'+480 minutes'` for UTC+8), from the domain's calendar offset. */
export const LOCAL_OFFSET_MODIFIER = `'${LOCAL_UTC_OFFSET_MINUTES >= 0 ? '+' : '-'}${Math.abs(Math.trunc(LOCAL_UTC_OFFSET_MINUTES))} minutes'`;

/**
 * PostgreSQL's twin of `LOCAL_OFFSET_MODIFIER`: the interval from UTC to local time
 * (`interval '480 minutes'` for UTC+8), from the same calendar offset.
 */
export const PG_LOCAL_OFFSET_INTERVAL = `interval '${Math.trunc(LOCAL_UTC_OFFSET_MINUTES)} minutes'`;

/**
 * SQLite's `julianday(x)` of an ISO instant column, computed on PostgreSQL the way SQLite does:
 * whole milliseconds since the Julian epoch, divided as a double by the milliseconds of a day, so a
 * difference of two of them is the very same double on both backends.
 */
export const pgJulianDay = (column: string): string =>
  `(((extract(epoch from ${column}::timestamptz) * 1000)::int8 + 210866760000000)::float8 / 86400000.0::float8)`;
