import { LOCAL_UTC_OFFSET_MINUTES, localDate, localDayStart } from '@citygrid/domain';
import { sql, type SQL } from 'drizzle-orm';

/*
 * Reads of `case_day_counts` (schema `caseDayCounts`): cases reported per local day, per cell and per
 * minor class, kept by triggers on `cases` (SQLite migration 0016, PostgreSQL 0008). Both backends run
 * the same dialect-neutral SQL. A read uses the table only when its range is whole local days at the
 * offset the triggers compute days with; any other range reads `cases` as before.
 */

/** The UTC offset (minutes) the triggers turn `reported_at` into a `day` with: written in both migrations. */
export const CASE_DAY_COUNTS_OFFSET_MINUTES = 480;

/** The table's local `day` of an instant that is a local midnight at its offset, else null. */
function dayAt(instant: string): string | null {
  const ms = Date.parse(instant);
  if (!Number.isFinite(ms) || localDayStart(ms, CASE_DAY_COUNTS_OFFSET_MINUTES).getTime() !== ms) return null;
  return localDate(ms, CASE_DAY_COUNTS_OFFSET_MINUTES);
}

/** `[from, to)` as the table's days `[fromDay, toDay)` when both ends are local midnights, else null. */
export function dayRangeOf(from: string, to: string): { fromDay: string; toDay: string } | null {
  const fromDay = dayAt(from);
  const toDay = dayAt(to);
  return fromDay && toDay ? { fromDay, toDay } : null;
}

/**
 * The hotspots' counts (cases neither voided nor merged, per cell or per minor class, in each window)
 * from the day rows; null when a window is not whole days (the caller counts `cases`). Rows are
 * `{ w, key, n }` as `countsInWindowsRows` reads them; a key counted zero in a window is left out,
 * as a grouped count of `cases` leaves it out.
 */
export function dayCountsInWindowsQuery(
  column: 'cell_code' | 'minor_class_code',
  windows: ReadonlyArray<{ from: string; to: string }>,
): SQL | null {
  const ranges = windows.map((w) => dayRangeOf(w.from, w.to));
  if (ranges.length === 0 || ranges.some((r) => r === null)) return null;
  const dimension = column === 'cell_code' ? 'cell' : 'class';
  return sql.join(
    ranges.map(
      (r, i) =>
        sql`select ${sql.raw(String(i))} as w, key, sum(counted) as n from case_day_counts where dimension = ${dimension} and day >= ${r!.fromDay} and day < ${r!.toDay} and key <> '' group by key having sum(counted) > 0`,
    ),
    sql` union all `,
  );
}

/**
 * Cases reported per local day in `[from, to)` (voided and merged included), from the cell rows
 * (every case is in exactly one, '' for none); null unless the range is whole days and the office's
 * calendar uses the table's offset (the days are then the same days).
 */
export function dailyIntakeQuery(from: string, to: string): SQL | null {
  const r = LOCAL_UTC_OFFSET_MINUTES === CASE_DAY_COUNTS_OFFSET_MINUTES ? dayRangeOf(from, to) : null;
  if (!r) return null;
  return sql`select day, sum(reported) as n from case_day_counts where dimension = 'cell' and day >= ${r.fromDay} and day < ${r.toDay} group by day having sum(reported) > 0 order by day`;
}

/** `dailyIntakeQuery`'s rows as numbers (PostgreSQL's sums are bigint). */
export function dailyIntakeRows(
  rows: ReadonlyArray<Record<string, unknown>>,
): Array<{ day: string; n: number }> {
  return rows.map((r) => ({ day: String(r.day), n: Number(r.n) }));
}
