export {
  assertValidTimeLimit,
  createWorkCalendar,
  isWorkingUnit,
  type CalendarDayEntry,
  type CalendarYearData,
  type TimeLimit,
  type TimeLimitUnit,
  type WorkCalendar,
  type WorkCalendarData,
} from './work-calendar.ts';
export {
  computeTrafficLight,
  extendDeadline,
  YELLOW_THRESHOLD,
  type TrafficLight,
  type TrafficLightInput,
  type TrafficLightResult,
} from './traffic-light.ts';
export { defaultCalendarData, getDefaultWorkCalendar } from './default-calendar.ts';
