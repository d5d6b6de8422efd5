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
