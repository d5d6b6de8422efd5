/**
 * A light the server computed at read time, brought up to `now` between refetches: a case whose
 * deadline has passed since is red at once, with the wall-clock time since its deadline.
 */
import type { TrafficLight } from './traffic-light.ts';

export interface ServerLight {
  /** The server's light; `null` when the case shows none (not dispatched, disposed, parked...). */
  readonly light: TrafficLight | null;
  /** Working time left as the server measured it (negative once overdue). */
  readonly remainingMs: number | null;
  readonly dueAt: string | null;
}

/**
 * Before the deadline the server's light and working time left stand; after it the light is red (as
 * `computeTrafficLight` says: red iff now > due) and the remaining time is minus the wall-clock time
 * since the deadline. A case without a light never gains one.
 */
export function lightAsOf(
  row: ServerLight,
  now: Date,
): { light: TrafficLight | null; remainingMs: number | null } {
  if (row.light === null || row.dueAt === null) return { light: row.light, remainingMs: row.remainingMs };
  const overdueMs = now.getTime() - Date.parse(row.dueAt);
  return overdueMs > 0
    ? { light: 'red', remainingMs: -overdueMs }
    : { light: row.light, remainingMs: row.remainingMs };
}
