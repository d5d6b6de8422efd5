/**
 * Working calendar (工作日历) and deadline arithmetic (处置时限).
 *
 * All calendar reasoning happens in the office's local time, a fixed UTC offset (Beijing time,
 * UTC+8, no DST), so plain offset arithmetic is exact and no time-zone library is needed.
 *
 * Conventions (the contract every caller relies on):
 * - A working day is a weekday that is not a listed holiday (放假), or a weekend day listed as a
 *   make-up working day (调休上班). Outside the years present in the data only weekends are off:
 *   every weekday counts as working, nothing throws.
 * - Working periods are half-open `[start, end)` in local time: 08:30 is working time, 12:00 is not.
 * - `working_hours`: the due instant is the EARLIEST instant `t ≥ start` such that the working time in
 *   `[start, t)` equals the limit. Consequences: a start outside working time counts from the next
 *   period start; a due time that falls exactly on a period end stays there (12:00 or 18:00) rather
 *   than moving to the next period start; a limit of 0 returns `start` unchanged.
 *   Example: filed 17:30 with 2 working hours → due next working day 10:00.
 * - `working_days`: N working days = N × (working time in one working day), counted exactly like
 *   working hours. This makes the due time fall at the same working-time position N working days
 *   later: filed Tue 10:00 + 1 working day → Wed 10:00; filed Tue 12:00 → Wed 12:00 (period end,
 *   not Wed 14:30); filed Sat (not working) → counts from Mon 08:30, so 1 working day → Mon 18:00.
 * - `calendar_hours`: plain wall-clock hours, the calendar is ignored (emergencies).
 */
import { DomainError } from '../errors.ts';

export type TimeLimitUnit = 'working_hours' | 'working_days' | 'calendar_hours';

export interface TimeLimit {
  amount: number;
  unit: TimeLimitUnit;
}

/** One dated entry, `date` as `YYYY-MM-DD` in local time. */
export interface CalendarDayEntry {
  date: string;
  name: string;
}

export interface CalendarYearData {
  holidays: CalendarDayEntry[];
  makeUpWorkdays: CalendarDayEntry[];
}

/** The shape of `reference/data/calendar.json`. */
export interface WorkCalendarData {
  timeZone: string;
  utcOffsetMinutes: number;
  /** Local `HH:MM` times, half-open `[start, end)`, sorted, non-overlapping; `end` may be `24:00`. */
  workingPeriods: { start: string; end: string }[];
  /** Keyed by four-digit year; every date must belong to its year. */
  years: Record<string, CalendarYearData>;
  notes?: string | string[];
}

export interface WorkCalendar {
  readonly timeZone: string;
  readonly utcOffsetMinutes: number;
  /** Working time in one working day, in ms (7 h for 08:30–12:00 + 14:30–18:00). */
  readonly workingDayMs: number;
  /** Whether the local (Beijing) day containing `date` is a working day. */
  isWorkingDay(date: Date): boolean;
  /** Whether `instant` lies inside a working period `[start, end)` of a working day. */
  isWorkingTime(instant: Date): boolean;
  /** The due instant of `limit` counted from `start` (see the module comment for conventions). */
  addTimeLimit(start: Date, limit: TimeLimit): Date;
  /** Working time elapsed in `[a, b)`, in ms; 0 when `b ≤ a`. */
  workingMsBetween(a: Date, b: Date): number;
}

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** Upper bound for `TimeLimit.amount`, to refuse nonsense (and runaway loops) early. */
const MAX_LIMIT_AMOUNT = 100_000;

const TIME_LIMIT_UNITS: readonly TimeLimitUnit[] = ['working_hours', 'working_days', 'calendar_hours'];

interface PeriodMs {
  /** Offset from local midnight, ms. */
  start: number;
  end: number;
}

const badInput = (field: string, message: string): DomainError =>
  new DomainError('BAD_INPUT', message, { field });

/** `HH:MM` → minutes after midnight; `24:00` only when `allowMidnightEnd`. */
function parseClockTime(value: unknown, field: string, allowMidnightEnd: boolean): number {
  if (typeof value !== 'string') throw badInput(field, `${field} must be a "HH:MM" string`);
  if (allowMidnightEnd && value === '24:00') return 24 * 60;
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(value);
  if (!match) throw badInput(field, `${field} must be a time "HH:MM", got "${value}"`);
  return Number(match[1]) * 60 + Number(match[2]);
}

/** `YYYY-MM-DD` → local day index (days since 1970-01-01) and its year. */
function parseLocalDate(value: unknown, field: string): { day: number; year: number } {
  if (typeof value !== 'string') throw badInput(field, `${field} must be a "YYYY-MM-DD" string`);
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) throw badInput(field, `${field} must be a date "YYYY-MM-DD", got "${value}"`);
  const year = Number(match[1]);
  const month = Number(match[2]);
  const dayOfMonth = Number(match[3]);
  const ms = Date.UTC(year, month - 1, dayOfMonth);
  const check = new Date(ms);
  if (
    check.getUTCFullYear() !== year ||
    check.getUTCMonth() !== month - 1 ||
    check.getUTCDate() !== dayOfMonth
  ) {
    throw badInput(field, `${field} is not a real calendar date: "${value}"`);
  }
  return { day: ms / DAY_MS, year };
}

function assertValidDate(value: unknown, field: string): asserts value is Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw badInput(field, `${field} must be a valid Date`);
  }
}

/** Validates a time limit; throws BAD_INPUT naming `field.amount` or `field.unit`. */
export function assertValidTimeLimit(limit: unknown, field = 'limit'): asserts limit is TimeLimit {
  if (typeof limit !== 'object' || limit === null) throw badInput(field, `${field} must be { amount, unit }`);
  const { amount, unit } = limit as Partial<TimeLimit>;
  if (typeof amount !== 'number' || !Number.isFinite(amount) || amount < 0 || amount > MAX_LIMIT_AMOUNT) {
    throw badInput(`${field}.amount`, `${field}.amount must be a number between 0 and ${MAX_LIMIT_AMOUNT}`);
  }
  if (!TIME_LIMIT_UNITS.includes(unit as TimeLimitUnit)) {
    throw badInput(`${field}.unit`, `${field}.unit must be one of ${TIME_LIMIT_UNITS.join(', ')}`);
  }
}

/** True for the units counted on the working calendar. */
export const isWorkingUnit = (unit: TimeLimitUnit): boolean => unit !== 'calendar_hours';

function parsePeriods(value: unknown): PeriodMs[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw badInput('workingPeriods', 'workingPeriods must be a non-empty list of { start, end }');
  }
  const periods: PeriodMs[] = value.map((p: unknown, i) => {
    const field = `workingPeriods[${i}]`;
    if (typeof p !== 'object' || p === null) throw badInput(field, `${field} must be { start, end }`);
    const { start, end } = p as { start?: unknown; end?: unknown };
    const startMin = parseClockTime(start, `${field}.start`, false);
    const endMin = parseClockTime(end, `${field}.end`, true);
    if (endMin <= startMin) throw badInput(`${field}.end`, `${field}.end must be after its start`);
    return { start: startMin * MINUTE_MS, end: endMin * MINUTE_MS };
  });
  periods.forEach((p, i) => {
    const previous = i > 0 ? periods[i - 1] : undefined;
    if (previous && p.start < previous.end) {
      throw badInput(`workingPeriods[${i}].start`, 'workingPeriods must be sorted and must not overlap');
    }
  });
  return periods;
}

function parseYears(value: unknown): { holidays: Set<number>; makeUpWorkdays: Set<number> } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw badInput('years', 'years must be an object keyed by four-digit year');
  }
  const holidays = new Set<number>();
  const makeUpWorkdays = new Set<number>();
  for (const [yearKey, yearData] of Object.entries(value as Record<string, unknown>)) {
    const yearField = `years.${yearKey}`;
    if (!/^\d{4}$/.test(yearKey)) throw badInput(yearField, `${yearField}: year keys must be four digits`);
    if (typeof yearData !== 'object' || yearData === null) {
      throw badInput(yearField, `${yearField} must be { holidays, makeUpWorkdays }`);
    }
    const lists = [
      ['holidays', holidays],
      ['makeUpWorkdays', makeUpWorkdays],
    ] as const;
    for (const [listName, target] of lists) {
      const listField = `${yearField}.${listName}`;
      const entries = (yearData as Record<string, unknown>)[listName];
      if (!Array.isArray(entries)) throw badInput(listField, `${listField} must be a list of { date, name }`);
      entries.forEach((entry: unknown, i) => {
        const field = `${listField}[${i}]`;
        if (typeof entry !== 'object' || entry === null)
          throw badInput(field, `${field} must be { date, name }`);
        const { date, name } = entry as { date?: unknown; name?: unknown };
        const { day, year } = parseLocalDate(date, `${field}.date`);
        if (String(year) !== yearKey)
          throw badInput(`${field}.date`, `${field}.date ${String(date)} is not in ${yearKey}`);
        if (typeof name !== 'string' || name.trim() === '')
          throw badInput(`${field}.name`, `${field}.name must be non-empty`);
        target.add(day);
      });
    }
  }
  for (const day of holidays) {
    if (makeUpWorkdays.has(day)) {
      const date = new Date(day * DAY_MS).toISOString().slice(0, 10);
      throw badInput('years', `${date} is listed both as a holiday and as a make-up working day`);
    }
  }
  return { holidays, makeUpWorkdays };
}

/** Builds a working calendar from data; throws DomainError BAD_INPUT naming the offending field. */
export function createWorkCalendar(data: WorkCalendarData): WorkCalendar {
  if (typeof data !== 'object' || data === null) throw badInput('data', 'calendar data must be an object');
  if (typeof data.timeZone !== 'string' || data.timeZone === '')
    throw badInput('timeZone', 'timeZone must be a string');
  const offsetMinutes = data.utcOffsetMinutes;
  if (!Number.isInteger(offsetMinutes) || offsetMinutes < -12 * 60 || offsetMinutes > 14 * 60) {
    throw badInput('utcOffsetMinutes', 'utcOffsetMinutes must be an integer between -720 and 840');
  }
  const periods = parsePeriods(data.workingPeriods);
  const { holidays, makeUpWorkdays } = parseYears(data.years);
  const offsetMs = offsetMinutes * MINUTE_MS;
  const workingDayMs = periods.reduce((sum, p) => sum + (p.end - p.start), 0);

  /** Local day index (days since 1970-01-01 local) of an instant. */
  const localDayOf = (ms: number): number => Math.floor((ms + offsetMs) / DAY_MS);
  /** UTC ms of local midnight starting day `day`. */
  const dayStartMs = (day: number): number => day * DAY_MS - offsetMs;
  const isWorkingDayIndex = (day: number): boolean => {
    if (makeUpWorkdays.has(day)) return true;
    if (holidays.has(day)) return false;
    const weekday = (((day + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday; 0 = Sunday
    return weekday !== 0 && weekday !== 6;
  };

  /** Earliest t ≥ startMs with `amountMs` of working time in [startMs, t). */
  const addWorkingMs = (startMs: number, amountMs: number): number => {
    if (amountMs <= 0) return startMs;
    let remaining = amountMs;
    for (let day = localDayOf(startMs); ; day += 1) {
      if (!isWorkingDayIndex(day)) continue;
      const base = dayStartMs(day);
      for (const period of periods) {
        const periodEnd = base + period.end;
        const from = Math.max(base + period.start, startMs);
        if (from >= periodEnd) continue;
        const available = periodEnd - from;
        if (remaining <= available) return from + remaining;
        remaining -= available;
      }
    }
  };

  /** Working time of `day` inside [aMs, bMs). */
  const workingMsOfDay = (day: number, aMs: number, bMs: number): number => {
    if (!isWorkingDayIndex(day)) return 0;
    const base = dayStartMs(day);
    let total = 0;
    for (const period of periods) {
      const from = Math.max(base + period.start, aMs);
      const to = Math.min(base + period.end, bMs);
      if (to > from) total += to - from;
    }
    return total;
  };

  // Prefix sums of working days (cumulative count before each day) over a wide window, so that the
  // working time between two instants months apart costs O(1) instead of a loop over the days.
  const PREFIX_FROM = localDayOf(Date.UTC(2015, 0, 1));
  const PREFIX_DAYS = 366 * 20;
  let prefix: Int32Array | null = null;
  const workingDaysBefore = (day: number): number => {
    if (!prefix) {
      prefix = new Int32Array(PREFIX_DAYS + 1);
      for (let i = 0; i < PREFIX_DAYS; i++)
        prefix[i + 1] = prefix[i]! + (isWorkingDayIndex(PREFIX_FROM + i) ? 1 : 0);
    }
    return prefix[day - PREFIX_FROM]!;
  };
  const inPrefix = (day: number) => day >= PREFIX_FROM && day <= PREFIX_FROM + PREFIX_DAYS;

  const workingMsBetweenMs = (aMs: number, bMs: number): number => {
    if (bMs <= aMs) return 0;
    const firstDay = localDayOf(aMs);
    const lastDay = localDayOf(bMs);
    if (lastDay - firstDay > 2 && inPrefix(firstDay + 1) && inPrefix(lastDay)) {
      const fullDays = workingDaysBefore(lastDay) - workingDaysBefore(firstDay + 1);
      return workingMsOfDay(firstDay, aMs, bMs) + fullDays * workingDayMs + workingMsOfDay(lastDay, aMs, bMs);
    }
    let total = 0;
    for (let day = firstDay; day <= lastDay; day += 1) total += workingMsOfDay(day, aMs, bMs);
    return total;
  };

  return {
    timeZone: data.timeZone,
    utcOffsetMinutes: offsetMinutes,
    workingDayMs,
    isWorkingDay(date) {
      assertValidDate(date, 'date');
      return isWorkingDayIndex(localDayOf(date.getTime()));
    },
    isWorkingTime(instant) {
      assertValidDate(instant, 'instant');
      const ms = instant.getTime();
      const day = localDayOf(ms);
      if (!isWorkingDayIndex(day)) return false;
      const sinceMidnight = ms - dayStartMs(day);
      return periods.some((p) => sinceMidnight >= p.start && sinceMidnight < p.end);
    },
    addTimeLimit(start, limit) {
      assertValidDate(start, 'start');
      assertValidTimeLimit(limit);
      const startMs = start.getTime();
      switch (limit.unit) {
        case 'calendar_hours':
          return new Date(startMs + Math.round(limit.amount * HOUR_MS));
        case 'working_hours':
          return new Date(addWorkingMs(startMs, Math.round(limit.amount * HOUR_MS)));
        case 'working_days':
          return new Date(addWorkingMs(startMs, Math.round(limit.amount * workingDayMs)));
      }
    },
    workingMsBetween(a, b) {
      assertValidDate(a, 'a');
      assertValidDate(b, 'b');
      return workingMsBetweenMs(a.getTime(), b.getTime());
    },
  };
}
