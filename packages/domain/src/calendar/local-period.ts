/**
 * Reporting periods counted in local calendar days (this month, last month, the last 30 days, this
 * year), as the half-open instant range `[from, to)` the evaluation queries take. Local days come
 * from `local-time.ts`, so the offset is the calendar's, never written here.
 */
import { instantOfLocal, LOCAL_UTC_OFFSET_MINUTES, localWallClock } from './local-time.ts';

export const LOCAL_PERIODS = ['thisMonth', 'lastMonth', 'last30', 'thisYear'] as const;
export type LocalPeriod = (typeof LOCAL_PERIODS)[number];

/**
 * `[from, to)` of a period as ISO instants. Periods that include today end at the next local midnight
 * (today counts in full); `last30` is today and the 29 local days before it.
 */
export function localPeriodRange(
  period: LocalPeriod,
  now: Date,
  offsetMinutes = LOCAL_UTC_OFFSET_MINUTES,
): { from: string; to: string } {
  const local = localWallClock(now, offsetMinutes);
  const y = local.getUTCFullYear();
  const m = local.getUTCMonth();
  const d = local.getUTCDate();
  const at = (yy: number, mm: number, dd = 1) =>
    instantOfLocal(yy, mm, dd, 0, 0, offsetMinutes).toISOString();
  const endOfToday = at(y, m, d + 1);
  switch (period) {
    case 'thisMonth':
      return { from: at(y, m), to: endOfToday };
    case 'lastMonth':
      return { from: at(y, m - 1), to: at(y, m) };
    case 'thisYear':
      return { from: at(y, 0), to: endOfToday };
    case 'last30':
      return { from: at(y, m, d - 29), to: endOfToday };
  }
}
