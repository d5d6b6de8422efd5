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
  trafficLightOf,
  YELLOW_THRESHOLD,
  type TrafficLight,
  type TrafficLightInput,
  type TrafficLightResult,
} from './traffic-light.ts';
export { defaultCalendarData, getDefaultWorkCalendar } from './default-calendar.ts';
export {
  formatUtcOffset,
  instantOfLocal,
  LOCAL_TIME_ZONE,
  LOCAL_UTC_OFFSET_MINUTES,
  localDate,
  localDayStart,
  localWallClock,
  toLocalIso,
} from './local-time.ts';
export { LOCAL_PERIODS, localPeriodRange, type LocalPeriod } from './local-period.ts';
export { lightAsOf, type ServerLight } from './light-as-of.ts';
