import { CLOSED_STATES, type CaseState } from '@citygrid/domain';

/** `'a', 'b'` for an SQL `in (...)` list; state names are fixed identifiers, never user input. */
const sqlList = (states: readonly CaseState[]): string => states.map((s) => `'${s}'`).join(', ');

/**
 * "The case is still open", as SQL, built from the domain's `CLOSED_STATES`. The partial index
 * `cases_open_due` (schema and migration 0002) carries the same text word for word so the planner
 * can use it; `case-predicates.test.ts` fails if the list and the index drift apart.
 */
export const OPEN_PREDICATE = `state not in (${sqlList(CLOSED_STATES)})`;
