import Database from 'better-sqlite3';
import { replayMismatchesOf } from '../stores/case-core.ts';
import type { CaseRecord, StoredCaseEvent } from '../stores/case-types.ts';
import { sqliteCasesWithEvents } from '../stores/sqlite-case-core.ts';
import { attachmentsDirOf } from '../client.ts';
import { openPgDatabase, type PgSql } from './client.ts';
import { copyAttachmentFiles, verifyAttachmentBlobs } from './copy-attachments.ts';
import { PgCaseStore } from './pg-case-store.ts';
import { CASE_DAY_COUNTS_OFFSET_MINUTES } from '../stores/case-day-counts.ts';
import { PG_ONLY_TABLES } from './schema.ts';

/*
 * Moving a city: copy a SQLite database (every table, the whole event log) into a migrated, empty
 * PostgreSQL database, then verify it. The source is read inside one read transaction (a WAL
 * snapshot), so a city that keeps running while it is copied is copied as of one instant; the target
 * is written in one transaction, so a failed copy leaves it empty. Afterwards identity sequences
 * continue after the highest copied id, row counts are compared table by table, every case row is
 * compared with its source row, and every case is replayed from its events.
 */

export interface CopyReport {
  tables: Array<{ table: string; source: number; target: number }>;
  casesCompared: number;
  /** Photo bytes copied from the attachment files into `attachment_blobs` (not on `--verify-only`). */
  attachments?: { copied: number; missingInSource: number };
  /** Empty when the copy is verified. */
  problems: string[];
  seconds: number;
}

/** Tables of a SQLite city that are bookkeeping, not data. */
const SQLITE_INTERNAL = new Set(['__drizzle_migrations', 'sqlite_sequence', 'sqlite_stat1', 'sqlite_stat4']);

interface PgColumn {
  table: string;
  column: string;
  dataType: string;
  identity: boolean;
}

const q = (ident: string) => `"${ident.replaceAll('"', '""')}"`;

/** Stable JSON (keys sorted), so jsonb's key order does not count as a difference. */
function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(
          Object.entries(x as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : x,
  );
}

async function targetColumns(sql: PgSql): Promise<Map<string, PgColumn[]>> {
  const rows =
    await sql`select table_name, column_name, data_type, is_identity from information_schema.columns
    where table_schema = 'public' order by table_name, ordinal_position`;
  const out = new Map<string, PgColumn[]>();
  for (const r of rows) {
    const table = r.table_name as string;
    if (table in PG_ONLY_TABLES) continue; // nothing in SQLite to copy (photo bytes are files there)
    if (!out.has(table)) out.set(table, []);
    out.get(table)!.push({
      table,
      column: r.column_name as string,
      dataType: r.data_type as string,
      identity: r.is_identity === 'YES',
    });
  }
  return out;
}

/** A SQLite row as jsonb_populate_recordset input: 0/1 → boolean, JSON text → JSON, SQL NULL left out. */
function convertRow(
  row: Record<string, unknown>,
  columns: readonly PgColumn[],
  where: () => string,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const c of columns) {
    const v = row[c.column];
    if (v === null || v === undefined) continue; // a missing key is SQL NULL (a JSON null would be jsonb 'null')
    if (c.dataType === 'boolean') out[c.column] = v === 1 || v === true || v === '1';
    else if (c.dataType === 'jsonb') {
      try {
        out[c.column] = typeof v === 'string' ? JSON.parse(v) : v;
      } catch {
        throw new Error(
          `${where()}: column ${c.column} holds text that is not JSON: ${String(v).slice(0, 80)}`,
        );
      }
    } else if (typeof v === 'bigint') out[c.column] = Number(v);
    else out[c.column] = v;
  }
  return out;
}

export interface CopyOptions {
  from: string;
  to: string;
  /** Rows per INSERT (default 2,000). */
  batchRows?: number;
  onProgress?: (table: string, copied: number, total: number) => void;
}

export async function copySqliteToPg(opts: CopyOptions): Promise<CopyReport> {
  const t0 = Date.now();
  const batchRows = opts.batchRows ?? 2000;
  const sqlite = new Database(opts.from, { readonly: true, fileMustExist: true });
  const pg = await openPgDatabase(opts.to, { max: 2 });
  try {
    sqlite.exec('begin'); // one snapshot for the copy and the checks
    const columns = await targetColumns(pg.sql);
    const sourceTables =
      // ordinary tables only: a virtual table (the FTS5 case search) and its shadow tables are a
      // derived index of `cases`, rebuilt from the rows, not data to copy
      (
        sqlite
          .prepare(
            "select name from pragma_table_list where schema = 'main' and type = 'table' and name not like 'sqlite\\_%' escape '\\'",
          )
          .all() as Array<{ name: string }>
      )
        .map((r) => r.name)
        .filter((n) => !SQLITE_INTERNAL.has(n));
    const missing = sourceTables.filter((t) => !columns.has(t));
    if (missing.length)
      throw new Error(
        `tables in ${opts.from} that PostgreSQL does not have: ${missing.join(', ')} (is the PostgreSQL schema behind the SQLite one?)`,
      );
    const tables = [...columns.keys()].filter((t) => sourceTables.includes(t));
    const absent = [...columns.keys()].filter((t) => !sourceTables.includes(t));
    if (absent.length)
      throw new Error(
        `tables missing from ${opts.from}: ${absent.join(', ')} (migrate the SQLite database first: start the server on it once)`,
      );
    for (const t of tables) {
      const have = new Set(
        (sqlite.prepare(`select name from pragma_table_info(?)`).all(t) as Array<{ name: string }>).map(
          (r) => r.name,
        ),
      );
      const want = columns.get(t)!.map((c) => c.column);
      const diff = [
        ...want.filter((c) => !have.has(c)).map((c) => `-${c}`),
        ...[...have].filter((c) => !want.includes(c)).map((c) => `+${c}`),
      ];
      if (diff.length)
        throw new Error(
          `table ${t}: columns differ between SQLite and PostgreSQL (${diff.join(' ')}); both schemas must be at the same migration`,
        );
    }
    const nonEmpty: string[] = [];
    for (const t of tables)
      if ((await pg.sql.unsafe(`select exists (select 1 from ${q(t)}) as x`))[0]!.x) nonEmpty.push(t);
    if (nonEmpty.length)
      throw new Error(
        `the target database is not empty (rows in ${nonEmpty.join(', ')}): db:copy copies into an empty, migrated database`,
      );

    const sourceCounts = new Map(
      tables.map((t) => [t, (sqlite.prepare(`select count(*) as n from ${q(t)}`).get() as { n: number }).n]),
    );
    let attachments = { copied: 0, missingInSource: 0 };
    await pg.sql.begin(async (tx) => {
      // the day counts are copied as rows: their triggers (migration 0008) stand aside for this transaction
      await tx.unsafe(`select set_config('citygrid.copying_counts', 'on', true)`);
      for (const t of tables) {
        const cols = columns.get(t)!;
        const page = sqlite.prepare(
          `select rowid as "__rowid", * from ${q(t)} where rowid > ? order by rowid limit ?`,
        );
        const insert = `insert into ${q(t)} select * from jsonb_populate_recordset(null::${q(t)}, $1::text::jsonb)`;
        let after = -Infinity as number;
        let copied = 0;
        for (;;) {
          const rows = page.all(Number.isFinite(after) ? after : -9007199254740991, batchRows) as Array<
            Record<string, unknown>
          >;
          if (rows.length === 0) break;
          const batch = rows.map((r) => convertRow(r, cols, () => `${t} rowid ${String(r.__rowid)}`));
          await tx.unsafe(insert, [JSON.stringify(batch)]);
          copied += rows.length;
          after = rows[rows.length - 1]!.__rowid as number;
          opts.onProgress?.(t, copied, sourceCounts.get(t)!);
        }
        // identity columns continue after the highest copied id
        for (const c of cols.filter((x) => x.identity)) {
          await tx.unsafe(
            `select setval(pg_get_serial_sequence($1, $2), coalesce((select max(${q(c.column)}) from ${q(t)}), 0) + 1, false)`,
            [t, c.column],
          );
        }
      }
      const blobs = await copyAttachmentFiles(sqlite, tx, attachmentsDirOf(opts.from));
      attachments = { copied: blobs.copied, missingInSource: blobs.missingInSource.length };
    });

    const verified = await verifyAgainstSource(sqlite, pg.sql, tables, sourceCounts);
    verified.problems.push(...(await verifyAttachmentBlobs(sqlite, pg.sql, attachmentsDirOf(opts.from))));
    sqlite.exec('commit');
    return { ...verified, attachments, seconds: (Date.now() - t0) / 1000 };
  } finally {
    if (sqlite.inTransaction) sqlite.exec('rollback');
    sqlite.close();
    await pg.close();
  }
}

async function verifyAgainstSource(
  sqlite: Database.Database,
  sql: PgSql,
  tables: readonly string[],
  sourceCounts: ReadonlyMap<string, number>,
): Promise<Omit<CopyReport, 'seconds'>> {
  const problems: string[] = [];
  const report: CopyReport['tables'] = [];
  for (const t of tables) {
    const target = Number((await sql.unsafe(`select count(*) as n from ${q(t)}`))[0]!.n);
    const source = sourceCounts.get(t)!;
    report.push({ table: t, source, target });
    if (source !== target) problems.push(`table ${t}: ${source} rows in SQLite but ${target} in PostgreSQL`);
  }
  if (tables.includes('case_day_counts')) problems.push(...(await dayCountsDisagreeing(sql)));
  const casesCompared = await compareCases(sqlite, new PgCaseStore({ sql }), problems);
  return { tables: report, casesCompared, problems };
}

/** Day-count rows (case_day_counts) that differ from a count of the copied cases: none after a good copy. */
async function dayCountsDisagreeing(sql: PgSql): Promise<string[]> {
  const rows = await sql.unsafe(`
    with fresh as (
      select d.dimension, to_char((c.reported_at::timestamptz at time zone 'UTC') + make_interval(mins => ${CASE_DAY_COUNTS_OFFSET_MINUTES}), 'YYYY-MM-DD') as day,
             coalesce(case when d.dimension = 'cell' then c.cell_code else c.minor_class_code end, '') as key,
             count(*)::int as reported, count(*) filter (where c.state not in ('voided', 'merged'))::int as counted
        from cases c cross join (values ('cell'), ('class')) as d(dimension)
       group by 1, 2, 3),
    kept as (select dimension, day, key, reported, counted from case_day_counts where reported <> 0 or counted <> 0)
    (select 'copied' as side, * from kept except select 'copied', * from fresh)
    union all
    (select 'counted', * from fresh except select 'counted', * from kept)
    order by 2, 3, 4 limit 5`);
  return rows.map(
    (r) =>
      `case_day_counts: ${String(r.dimension)} ${String(r.key) || '(none)'} on ${String(r.day)}: ${r.side === 'copied' ? 'copied' : 'counted from the cases'} ${String(r.reported)} reported / ${String(r.counted)} counted, which the ${r.side === 'copied' ? 'cases do not give' : 'copied rows do not hold'}`,
  );
}

/**
 * Verify an earlier copy again (`pnpm db:copy --verify-only`): counts per table, every case row and
 * its events against the SQLite file, every case's replay, and the photo bytes. Meaningful while the source is not
 * being written to (a running city moves on after the copy).
 */
export async function verifySqliteCopy(opts: { from: string; to: string }): Promise<CopyReport> {
  const t0 = Date.now();
  const sqlite = new Database(opts.from, { readonly: true, fileMustExist: true });
  const pg = await openPgDatabase(opts.to, { max: 2, migrate: false });
  try {
    sqlite.exec('begin');
    const columns = await targetColumns(pg.sql);
    const tables = [...columns.keys()];
    const sourceCounts = new Map(
      tables.map((t) => [t, (sqlite.prepare(`select count(*) as n from ${q(t)}`).get() as { n: number }).n]),
    );
    const verified = await verifyAgainstSource(sqlite, pg.sql, tables, sourceCounts);
    verified.problems.push(...(await verifyAttachmentBlobs(sqlite, pg.sql, attachmentsDirOf(opts.from))));
    return { ...verified, seconds: (Date.now() - t0) / 1000 };
  } finally {
    if (sqlite.inTransaction) sqlite.exec('rollback');
    sqlite.close();
    await pg.close();
  }
}

/** Every case: the PostgreSQL row equals the SQLite row, its events equal, and they replay to the row. */
async function compareCases(
  sqlite: Database.Database,
  target: PgCaseStore,
  problems: string[],
  pageSize = 2000,
): Promise<number> {
  const note = (p: string) => {
    if (problems.length < 100) problems.push(p);
  };
  let after = 0;
  let compared = 0;
  for (;;) {
    const pending = target.casesWithEvents(after, pageSize); // PostgreSQL reads while SQLite does
    const source = sqliteCasesWithEvents(sqlite, after, pageSize);
    const copied = await pending;
    const byId = new Map<number, { record: CaseRecord; events: StoredCaseEvent[] }>(
      copied.map((c) => [c.record.id, c]),
    );
    for (const s of source) {
      compared++;
      const c = byId.get(s.record.id);
      if (!c) {
        note(`case ${s.record.caseNumber} (id ${s.record.id}) is missing in PostgreSQL`);
        continue;
      }
      if (canonical(c.record) !== canonical(s.record))
        note(`case ${s.record.caseNumber}: the PostgreSQL row differs from the SQLite row`);
      if (canonical(c.events) !== canonical(s.events))
        note(`case ${s.record.caseNumber}: its events differ between SQLite and PostgreSQL`);
      for (const p of replayMismatchesOf(c.record, c.events)) note(p);
    }
    if (copied.length > source.length)
      note(`PostgreSQL has ${copied.length - source.length} cases after id ${after} that SQLite does not`);
    if (source.length < pageSize) break;
    after = source[source.length - 1]!.record.id;
  }
  return compared;
}
