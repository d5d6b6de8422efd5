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
 *
 * One range of the primary key from the first window's first day to the last window's end, each row
 * joined to the windows it falls in (a `values` list: `column1..3` name its columns on both
 * backends). One `select … group by` per window joined by `union all` was PostgreSQL's choice for a
 * Parallel Append: on this project's machines a parallel query pays 35-40 ms to start its workers, and
 * the monthly report over 1,000,000 cases spent 90 of its 100-140 ms on the hotspots' two reads;
 * the single range reads the same rows in 4 ms (bench/scale-pg.ts, pg-case-reads.plans.test.ts).
 */
export function dayCountsInWindowsQuery(
  column: 'cell_code' | 'minor_class_code',
  windows: ReadonlyArray<{ from: string; to: string }>,
): SQL | null {
  const ranges = windows.map((w) => dayRangeOf(w.from, w.to));
  if (ranges.length === 0 || ranges.some((r) => r === null)) return null;
  const days = ranges as Array<{ fromDay: string; toDay: string }>;
  const dimension = column === 'cell_code' ? 'cell' : 'class';
  const first = days.reduce((a, r) => (r.fromDay < a ? r.fromDay : a), days[0]!.fromDay);
  const end = days.reduce((a, r) => (r.toDay > a ? r.toDay : a), days[0]!.toDay);
  const list = sql.join(
    days.map((r, i) => sql`(${sql.raw(String(i))}, ${r.fromDay}, ${r.toDay})`),
    sql`, `,
  );
  return sql`select w.column1 as w, d.key as key, sum(d.counted) as n
    from case_day_counts d join (values ${list}) as w on d.day >= w.column2 and d.day < w.column3
   where d.dimension = ${dimension} and d.day >= ${first} and d.day < ${end} and d.key <> ''
   group by w.column1, d.key having sum(d.counted) > 0`;
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
