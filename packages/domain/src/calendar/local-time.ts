/**
 * Local-day arithmetic in the office's time: the one place that turns instants into local dates,
 * local midnights and offset-stamped ISO text. The offset is not written here: it is data of the
 * working calendar (`reference/data/calendar.json`, `utcOffsetMinutes`; Beijing time, UTC+8, no DST),
 * so plain offset arithmetic is exact and no time-zone library is needed.
 */
import { defaultCalendarData } from './default-calendar.ts';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** The office's UTC offset in minutes, as the shipped calendar carries it. */
export const LOCAL_UTC_OFFSET_MINUTES: number = defaultCalendarData.utcOffsetMinutes;
/** The office's IANA time zone name (for `Intl.DateTimeFormat`), as the shipped calendar carries it. */
export const LOCAL_TIME_ZONE: string = defaultCalendarData.timeZone;

type Instant = Date | number | string;
const msOf = (t: Instant): number =>
  t instanceof Date ? t.getTime() : typeof t === 'number' ? t : Date.parse(t);

/** The local wall-clock reading of an instant, as a Date whose UTC fields show local time. */
export function localWallClock(t: Instant, offsetMinutes = LOCAL_UTC_OFFSET_MINUTES): Date {
  return new Date(msOf(t) + offsetMinutes * MINUTE_MS);
}

/** The instant at which the local wall clock reads `Date.UTC(year, month, day, ...)`. */
export function instantOfLocal(
  year: number,
  month: number,
  day = 1,
  hour = 0,
  minute = 0,
  offsetMinutes = LOCAL_UTC_OFFSET_MINUTES,
): Date {
  return new Date(Date.UTC(year, month, day, hour, minute) - offsetMinutes * MINUTE_MS);
}

/** Local midnight starting the local day that contains `t`, as an instant. */
export function localDayStart(t: Instant, offsetMinutes = LOCAL_UTC_OFFSET_MINUTES): Date {
  const offsetMs = offsetMinutes * MINUTE_MS;
  return new Date(Math.floor((msOf(t) + offsetMs) / DAY_MS) * DAY_MS - offsetMs);
}

/** Local calendar date `YYYY-MM-DD` of an instant. */
export function localDate(t: Instant, offsetMinutes = LOCAL_UTC_OFFSET_MINUTES): string {
  return localWallClock(t, offsetMinutes).toISOString().slice(0, 10);
}

/** `+08:00` for an offset in minutes. */
export function formatUtcOffset(offsetMinutes = LOCAL_UTC_OFFSET_MINUTES): string {
  const abs = Math.abs(offsetMinutes);
  return `${offsetMinutes < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** ISO-8601 in local time with its offset, to the second: `2026-11-24T10:15:00+08:00`. */
export function toLocalIso(t: Instant, offsetMinutes = LOCAL_UTC_OFFSET_MINUTES): string {
  return `${localWallClock(t, offsetMinutes).toISOString().slice(0, 19)}${formatUtcOffset(offsetMinutes)}`;
}
