/** The shipped Xilinhot working calendar, built from `reference/data/calendar.json`. */
import calendarData from '../reference/data/calendar.json' with { type: 'json' };
import { createWorkCalendar } from './work-calendar.ts';
import type { WorkCalendar, WorkCalendarData } from './work-calendar.ts';

export const defaultCalendarData: WorkCalendarData = calendarData;

let cached: WorkCalendar | undefined;

/** The default working calendar (built once, then reused; it is immutable). */
export function getDefaultWorkCalendar(): WorkCalendar {
  cached ??= createWorkCalendar(defaultCalendarData);
  return cached;
}
