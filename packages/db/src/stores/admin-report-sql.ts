import { sql, type SQL } from 'drizzle-orm';
import type { SuperviseColumn } from './admin-store-port.ts';

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

const byKey = <T extends { key: string | null }>(a: T, b: T) =>
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
    .sort(byKey);
}

/** Null when there are no windows (nothing to count). One scan over the union of the windows. */
export function countsInWindowsQuery(
  column: 'cell_code' | 'minor_class_code',
  windows: ReadonlyArray<{ from: string; to: string }>,
): SQL | null {
  if (windows.length === 0) return null;
  const from = windows.reduce((m, w) => (w.from < m ? w.from : m), windows[0]!.from);
  const to = windows.reduce((m, w) => (w.to > m ? w.to : m), windows[0]!.to);
  const sums = sql.join(
    windows.map(
      (w, i) =>
        sql`sum(case when reported_at >= ${w.from} and reported_at < ${w.to} then 1 else 0 end) as ${sql.raw(`w${i}`)}`,
    ),
    sql`, `,
  );
  const col = sql.raw(column);
  return sql`select ${col} as key, ${sums} from cases where reported_at >= ${from} and reported_at < ${to} and ${col} is not null and state not in ('voided', 'merged') group by ${col}`;
}

export function countsInWindowsRows(
  rows: ReadonlyArray<Record<string, unknown>>,
  windows: ReadonlyArray<unknown>,
): Array<{ key: string; counts: number[] }> {
  return rows
    .map((r) => ({ key: String(r.key), counts: windows.map((_, i) => Number(r[`w${i}`] ?? 0)) }))
    .sort(byKey);
}
