import { sql, type SQL } from 'drizzle-orm';
import type { SuperviseColumn } from './admin-store-port.ts';
import { dayCountsInWindowsQuery } from './case-day-counts.ts';

/*
 * The report reads of the admin store, as dialect-neutral drizzle SQL that both backends run
 * (SQLite `db.all`, PostgreSQL `db.execute`), and the row mapping they share: numbers as JS numbers
 * (PostgreSQL's sums are bigint), rows ordered by key in code-unit order (SQLite's group-by order
 * and PostgreSQL's hash aggregate differ, and the hotspot ranking keeps input order on ties).
 */

export function superviseCountsQuery(column: SuperviseColumn, from: string, to: string): SQL {
  const key = column === null ? sql.raw('null') : sql.raw(`c.${column}`);
  return sql`select ${key} as key, sum(case when e.type = 'urge' then 1 else 0 end) as urged, sum(case when e.type = 'escalate' then 1 else 0 end) as escalated
            from case_events e join cases c on c.id = e.case_id
           where e.type in ('urge', 'escalate') and e.at >= ${from} and e.at < ${to}
           group by 1`;
}

const byKeyOrder = <T extends { key: string | null }>(a: T, b: T) =>
  a.key === b.key ? 0 : a.key === null ? -1 : b.key === null ? 1 : a.key < b.key ? -1 : 1;

export function superviseCountsRows(
  rows: ReadonlyArray<Record<string, unknown>>,
): Array<{ key: string | null; urged: number; escalated: number }> {
  return rows
    .map((r) => ({
      key: r.key === null || r.key === undefined ? null : String(r.key),
      urged: Number(r.urged ?? 0),
      escalated: Number(r.escalated ?? 0),
    }))
    .sort(byKeyOrder);
}

/**
 * Null when there are no windows (nothing to count). Windows of whole local days (every report's) are
 * read from the day counts (case-day-counts.ts): a monthly report's hotspots over 1,000,000 cases
 * read about 40,000 day rows per column instead of 290,000 cases. Other windows: one grouped count per window, `union all`: each
 * is a range of the reported-at index (which holds the cell and the class) sorted on its own. One
 * grouped scan over all windows with a `sum(case …)` per window chose the index of the grouping
 * column instead and read every row of the table: a monthly report's hotspots over 1,000,000 cases
 * took 6.4 s; with the ranges, 0.1-0.2 s per column (bench/dashboard.ts).
 */
export function countsInWindowsQuery(
  column: 'cell_code' | 'minor_class_code',
  windows: ReadonlyArray<{ from: string; to: string }>,
): SQL | null {
  if (windows.length === 0) return null;
  return dayCountsInWindowsQuery(column, windows) ?? casesInWindowsQuery(column, windows);
}

/** `countsInWindowsQuery` read from `cases` itself, whatever the windows (the path of windows that are not whole days). */
export function casesInWindowsQuery(
  column: 'cell_code' | 'minor_class_code',
  windows: ReadonlyArray<{ from: string; to: string }>,
): SQL {
  const col = sql.raw(column);
  return sql.join(
    windows.map(
      (w, i) =>
        sql`select ${sql.raw(String(i))} as w, ${col} as key, count(*) as n from cases where reported_at >= ${w.from} and reported_at < ${w.to} and ${col} is not null and state not in ('voided', 'merged') group by ${col}`,
    ),
    sql` union all `,
  );
}

export function countsInWindowsRows(
  rows: ReadonlyArray<Record<string, unknown>>,
  windows: ReadonlyArray<unknown>,
): Array<{ key: string; counts: number[] }> {
  const byKey = new Map<string, number[]>();
  for (const r of rows) {
    const key = String(r.key);
    let counts = byKey.get(key);
    if (!counts) byKey.set(key, (counts = windows.map(() => 0)));
    counts[Number(r.w)] = Number(r.n);
  }
  return [...byKey].map(([key, counts]) => ({ key, counts })).sort(byKeyOrder);
}
