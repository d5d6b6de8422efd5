/**
 * The deadline traffic light (红黄绿灯) shown on case lists and the map: green while under 80 % of the
 * limit is used, yellow from 80 % up to the due instant, red once overdue (now > due).
 */
import { DomainError } from '../errors.ts';
import { isWorkingUnit } from './work-calendar.ts';
import type { TimeLimit, TimeLimitUnit, WorkCalendar } from './work-calendar.ts';

export type TrafficLight = 'green' | 'yellow' | 'red';

/** Used fraction at which the light turns yellow. */
export const YELLOW_THRESHOLD = 0.8;

export interface TrafficLightInput {
  /** When the clock started (for disposal: the dispatch instant). */
  start: Date;
  /** The due instant (after any approved extension). */
  due: Date;
  now: Date;
  /** Unit of the limit: working units measure in working time, `calendar_hours` in wall time. */
  limitUnit: TimeLimitUnit;
  calendar: WorkCalendar;
}

export interface TrafficLightResult {
  light: TrafficLight;
  /**
   * Time used in `[start, now)` divided by the time in `[start, due)`, in the limit's time basis.
   * Exceeds 1 when overdue. When `due ≤ start` it is 0 before `start` and 1 from `start` on.
   */
  usedFraction: number;
  /**
   * Time left until `due` in the limit's time basis; negative (time overdue) once `now > due`.
   * For working units, an instant overdue outside working time may show 0 while the light is red.
   */
  remainingMs: number;
}

function assertValidDate(value: unknown, field: string): asserts value is Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new DomainError('BAD_INPUT', `${field} must be a valid Date`, { field });
  }
}

type Measure = (a: Date, b: Date) => number;

/** The input's dates checked, and how its limit's unit measures time between two instants. */
function measureOf(input: TrafficLightInput): Measure {
  assertValidDate(input.start, 'start');
  assertValidDate(input.due, 'due');
  assertValidDate(input.now, 'now');
  const { calendar } = input;
  return isWorkingUnit(input.limitUnit)
    ? (a, b) => calendar.workingMsBetween(a, b)
    : (a, b) => Math.max(0, b.getTime() - a.getTime());
}

/** Time used in `[start, now)` over the time in `[start, due)` (see `TrafficLightResult`). */
function usedFractionOf({ start, due, now }: TrafficLightInput, measure: Measure): number {
  const total = measure(start, due);
  const used = measure(start, now);
  return total > 0 ? used / total : now.getTime() < start.getTime() ? 0 : 1;
}

const lightBefore = (usedFraction: number): TrafficLight =>
  usedFraction >= YELLOW_THRESHOLD ? 'yellow' : 'green';

/** Computes the light; red iff `now > due` (wall time), so a case is never red before it is due. */
export function computeTrafficLight(input: TrafficLightInput): TrafficLightResult {
  const measure = measureOf(input);
  const { due, now } = input;
  const usedFraction = usedFractionOf(input, measure);
  const overdue = now.getTime() > due.getTime();
  const remainingMs = overdue ? 0 - measure(due, now) : measure(now, due);
  const light: TrafficLight = overdue ? 'red' : lightBefore(usedFraction);
  return { light, usedFraction, remainingMs: remainingMs === 0 ? 0 : remainingMs };
}

/**
 * The light alone, as `computeTrafficLight(input).light`, for the many at once (the map colours every
 * open case when it loads and as the clock runs): an overdue case is red without measuring any time,
 * and the time remaining, which only the light's label needs, is never measured.
 */
export function trafficLightOf(input: TrafficLightInput): TrafficLight {
  const measure = measureOf(input);
  if (input.now.getTime() > input.due.getTime()) return 'red';
  return lightBefore(usedFractionOf(input, measure));
}

/**
 * The new due instant after an approved extension (延期): `extra` counted from the old due, with the
 * same conventions as `WorkCalendar.addTimeLimit`.
 */
export function extendDeadline(due: Date, extra: TimeLimit, calendar: WorkCalendar): Date {
  assertValidDate(due, 'due');
  return calendar.addTimeLimit(due, extra);
}
