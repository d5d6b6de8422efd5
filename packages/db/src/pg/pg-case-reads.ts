import { and, asc, desc, eq, inArray, isNotNull, lt, or, sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import type { CaseState } from '@citygrid/domain';
import {
  FILED_PREDICATE,
  localDayCounts,
  OPEN_PREDICATE,
  MILLIS_PER_HOUR_SQL,
  SHOWS_LIGHT_PREDICATE,
  UTC_BUCKET_CHARS,
} from '../stores/case-predicates.ts';
import { rowToCase, rowToEvent, snake } from '../stores/case-sql.ts';
import type { AttachmentRecord, CaseStorePort, EvaluationQuery } from '../stores/case-store-port.ts';
import { SUMMARY_COLUMNS, totalOfEvaluation, type CaseSummaryRow } from '../stores/case-store.ts';
import type {
  CaseFilter,
  CaseRecord,
  EvaluationGroup,
  EvaluationRow,
  StoredCaseEvent,
} from '../stores/case-types.ts';
import { dailyIntakeQuery, dailyIntakeRows } from '../stores/case-day-counts.ts';
import type { PgDatabase, PgSql } from './client.ts';
import { attachments, caseEvents, cases } from './schema.ts';

/*
 * Every read of `CaseStorePort` on PostgreSQL, with exactly the results of the SQLite `CaseStore`
 * (case-reads.contract.test.ts builds one city on both and compares). Where the dialects differ:
 * - `like` is `ilike … escape ''`: SQLite's LIKE ignores ASCII case and has no escape character;
 * - 0/1 columns are booleans, JSON columns jsonb (containment `@>` instead of `json_each`);
 * - per-day counts group by the same UTC prefix (`localDayCounts`), averages of integers are
 *   `sum::float8 / count` as SQLite divides;
 * - groups come out in SQLite's order (key ascending, bytewise, null first): `collate "C" nulls first`;
 * - reads SQLite leaves unordered (open summaries, case ids, markers, referencing cases) stay unordered here too.
 * Queries are built with drizzle and run through postgres.js directly (`unsafe`, prepared), rows
 * mapped by case-sql's `rowToCase`/`rowToEvent` like the SQLite store's.
 */

type Row = Record<string, unknown>;

// each summary column aliased to its camelCase name (quoted: PostgreSQL folds bare names to lower case)
const SUMMARY_SELECT = Object.fromEntries(SUMMARY_COLUMNS.map((c) => [c, sql`${cases[c]}`.as(c)])) as Record<
  (typeof SUMMARY_COLUMNS)[number],
  SQL.Aliased
>;
const OPEN_SUMMARIES_SQL = `select id, ${SUMMARY_COLUMNS.map((c) => `${snake(c)} as "${c}"`).join(', ')} from cases where ${OPEN_PREDICATE}`;

/** The columns of a marker row (`MarkerRow`), in the tuple's order. */
const MARKER_COLUMNS = {
  caseNumber: cases.caseNumber,
  lat: cases.lat,
  lng: cases.lng,
  state: cases.state,
  version: cases.version,
  dispatchedAt: cases.dispatchedAt,
  dueAt: cases.dueAt,
  limitUnit: cases.limitUnit,
  minorClassCode: cases.minorClassCode,
};
const MARKER_TUPLE = Object.keys(MARKER_COLUMNS)
  .map((k) => `"${snake(k)}"`)
  .join(', ');

/** Group keys in SQLite's order: ascending bytewise (its BINARY collation), null first. */
const groupOrder = (key: SQL) => sql`${key} collate "C" nulls first`;

/** The column an evaluation groups by (`none`: one group). */
function evaluationKeyOf(groupBy: EvaluationGroup): SQL {
  const col =
    groupBy === 'unit'
      ? cases.unitCode
      : groupBy === 'community'
        ? cases.communityCode
        : groupBy === 'category'
          ? cases.hotlineCategory
          : groupBy === 'cell'
            ? cases.cellCode
            : null;
  return col ? sql`${col}` : sql`null::text`;
}

/** `count(*)` and sums of 0/1 come back as int8, which the client options parse to JS numbers. */
const count = sql<number>`count(*)::int8`;
const countIf = (cond: SQL) => sql<number>`count(*) filter (where ${cond})::int8`;

/** Select expressions named by their keys (rows are read raw, by column name). */
function named<K extends string>(fields: Record<K, SQL>): Record<K, SQL.Aliased> {
  return Object.fromEntries(Object.entries<SQL>(fields).map(([k, v]) => [k, v.as(k)])) as Record<
    K,
    SQL.Aliased
  >;
}

export class PgCaseReads implements Pick<
  CaseStorePort,
  | 'getById'
  | 'getByIds'
  | 'getByOpen311Token'
  | 'listEventsBetween'
  | 'list'
  | 'listSummaries'
  | 'openSummaries'
  | 'caseIdsWithEventsBetween'
  | 'listMarkersJson'
  | 'count'
  | 'countByLocationKind'
  | 'listInBoxes'
  | 'countBy'
  | 'evaluate'
  | 'evaluateWithTotal'
  | 'countDispatched'
  | 'dailyIntake'
  | 'countClosedBetween'
  | 'addAttachment'
  | 'getAttachment'
  | 'casesReferencingAttachment'
> {
  private readonly sql: PgSql;
  private readonly db: PgDatabase['db'];

  constructor(database: Pick<PgDatabase, 'sql' | 'db'>) {
    this.sql = database.sql;
    this.db = database.db;
  }

  /** Run a drizzle-built query through postgres.js as a prepared statement, rows unmapped. */
  private async run(q: { toSQL(): { sql: string; params: unknown[] } }): Promise<Row[]> {
    const { sql: text, params } = q.toSQL();
    return this.sql.unsafe(text, params as never[], { prepare: true });
  }

  async getById(id: number): Promise<CaseRecord | null> {
    const [row] = await this.sql`select * from cases where id = ${id}`;
    return row ? rowToCase(row) : null;
  }

  async getByIds(ids: readonly number[]): Promise<CaseRecord[]> {
    if (ids.length === 0) return [];
    return (await this.sql`select * from cases where id = any(${[...ids]}::int4[])`).map((r) => rowToCase(r));
  }

  async getByOpen311Token(token: string): Promise<CaseRecord | null> {
    const [row] = await this.sql`select * from cases where open311_token = ${token}`;
    return row ? rowToCase(row) : null;
  }

  /** Events with from <= at < to, oldest first; `publicOnly` leaves out hotline cases without consent. */
  async listEventsBetween(f: {
    from: string;
    to: string;
    excludeTypes?: readonly string[];
    publicOnly?: boolean;
    limit?: number;
    offset?: number;
  }): Promise<StoredCaseEvent[]> {
    const s = this.sql;
    const excluded = f.excludeTypes?.length ? s`and e.type not in ${s([...f.excludeTypes])}` : s``;
    const publicOnly = f.publicOnly ? s`and (c.source <> 'hotline' or c.public_consent)` : s``;
    const rows = await s`select e.* from case_events e join cases c on c.id = e.case_id
      where e.at >= ${f.from} and e.at < ${f.to} ${excluded} ${publicOnly}
      order by e.at, e.id limit ${f.limit ?? 1000} offset ${f.offset ?? 0}`;
    return rows.map((r) => rowToEvent(r));
  }

  private where(f: CaseFilter): SQL | undefined {
    const c: SQL[] = [];
    if (f.openOnly) c.push(sql.raw(OPEN_PREDICATE));
    if (f.states?.length) c.push(inArray(cases.state, [...f.states]));
    if (f.unitCode) c.push(eq(cases.unitCode, f.unitCode));
    if (f.cellCode) c.push(eq(cases.cellCode, f.cellCode));
    if (f.communityCode) c.push(eq(cases.communityCode, f.communityCode));
    if (f.subDistrictCode) c.push(eq(cases.subDistrictCode, f.subDistrictCode));
    if (f.minorClassCode) c.push(eq(cases.minorClassCode, f.minorClassCode));
    if (f.hotlineCategory) c.push(eq(cases.hotlineCategory, f.hotlineCategory));
    if (f.callerPhone) c.push(eq(cases.callerPhone, f.callerPhone));
    if (f.publicOnly) c.push(sql`(${cases.source} <> 'hotline' or ${cases.publicConsent})`);
    if (f.reportedFrom) c.push(sql`${cases.reportedAt} >= ${f.reportedFrom}`);
    if (f.reportedTo) c.push(lt(cases.reportedAt, f.reportedTo));
    if (f.overdueAt) c.push(lt(cases.dueAt, f.overdueAt));
    if (f.search) {
      // SQLite's LIKE: ASCII case ignored, `%` and `_` are wildcards, no escape character
      const like = (col: SQLWrapper, pattern: string) => sql`${col} ilike ${pattern} escape ''`;
      const s = `%${f.search}%`;
      // a phone typed with spaces or dashes (138 0000 0000) still finds the stored digits
      const digits = f.search.replace(/[\s-]/g, '');
      const byPhone = /^\+?\d{3,}$/.test(digits) ? [like(cases.callerPhone, `%${digits}%`)] : [];
      c.push(or(like(cases.caseNumber, s), like(cases.description, s), like(cases.address, s), ...byPhone)!);
    }
    return c.length ? and(...c) : undefined;
  }

  private order(f: CaseFilter): SQL[] {
    return f.orderBy === 'due'
      ? [sql`${cases.dueAt} is null`, asc(cases.dueAt), asc(cases.id)]
      : f.orderBy === 'updated_desc'
        ? [desc(cases.updatedAt), desc(cases.id)]
        : [desc(cases.reportedAt), desc(cases.id)];
  }

  async list(f: CaseFilter): Promise<CaseRecord[]> {
    const q = this.db
      .select()
      .from(cases)
      .where(this.where(f))
      .orderBy(...this.order(f))
      .limit(f.limit ?? 100)
      .offset(f.offset ?? 0);
    return (await this.run(q)).map(rowToCase);
  }

  /** The live map's columns of each case, ordered like `list` (`cases_open_due` lacks `description` on PG). */
  async listSummaries(f: CaseFilter): Promise<CaseSummaryRow[]> {
    const q = this.db
      .select(SUMMARY_SELECT)
      .from(cases)
      .where(this.where(f))
      .orderBy(...this.order(f))
      .limit(f.limit ?? 100)
      .offset(f.offset ?? 0);
    return (await this.run(q)) as CaseSummaryRow[];
  }

  async openSummaries(ids: readonly number[] | null): Promise<Array<CaseSummaryRow & { id: number }>> {
    if (ids === null)
      return (await this.sql.unsafe(OPEN_SUMMARIES_SQL, [], { prepare: true })) as unknown as Array<
        CaseSummaryRow & { id: number }
      >;
    if (ids.length === 0) return [];
    return (await this.sql.unsafe(`${OPEN_SUMMARIES_SQL} and id = any($1::int4[])`, [`{${ids.join(',')}}`], {
      prepare: true,
    })) as unknown as Array<CaseSummaryRow & { id: number }>;
  }

  async caseIdsWithEventsBetween(afterId: number, upToId: number): Promise<number[]> {
    const rows = await this
      .sql`select distinct case_id as id from case_events where id > ${afterId} and id <= ${upToId}`;
    return rows.map((r) => r.id as number);
  }

  /**
   * The located cases matching `f`, at most `limit`, as the JSON text of `MarkerRow[]` built by
   * PostgreSQL (`json_agg` of `json_build_array`). Reals render with the server's shortest exact
   * output (extra_float_digits ≥ 1, PostgreSQL 12+'s default), which parses back to the same numbers.
   */
  async listMarkersJson(f: CaseFilter, limit: number): Promise<{ json: string; truncated: boolean }> {
    const q = this.db
      .select(MARKER_COLUMNS)
      .from(cases)
      .where(and(this.where(f), isNotNull(cases.lat), isNotNull(cases.lng)))
      .limit(limit + 1)
      .toSQL();
    const text =
      `select count(*)::int8 as n, coalesce(json_agg(json_build_array(${MARKER_TUPLE})) filter (where rn <= $${q.params.length + 1}), '[]')::text as json ` +
      `from (select *, row_number() over () as rn from (${q.sql}) inner_rows) numbered`;
    const [row] = await this.sql.unsafe(text, [...q.params, limit] as never[], { prepare: true });
    return { json: row!.json as string, truncated: (row!.n as number) > limit };
  }

  async count(f: CaseFilter): Promise<number> {
    const [row] = await this.run(
      this.db
        .select(named({ n: count }))
        .from(cases)
        .where(this.where(f)),
    );
    return row!.n as number;
  }

  async countByLocationKind(
    f: CaseFilter,
  ): Promise<Record<'no_location' | 'outside_grid' | 'in_grid', number>> {
    const [row] = await this.run(
      this.db
        .select(
          named({
            no_location: countIf(sql`${cases.lat} is null`),
            outside_grid: countIf(sql`${cases.lat} is not null and ${cases.cellCode} is null`),
            in_grid: countIf(sql`${cases.lat} is not null and ${cases.cellCode} is not null`),
          }),
        )
        .from(cases)
        .where(this.where(f)),
    );
    return row as Record<'no_location' | 'outside_grid' | 'in_grid', number>;
  }

  async listInBoxes(
    boxes: ReadonlyArray<{
      minorClassCode: string | null;
      south: number;
      west: number;
      north: number;
      east: number;
    }>,
    states: readonly CaseState[],
    limit = 500 * boxes.length,
  ): Promise<CaseRecord[]> {
    if (boxes.length === 0) return [];
    const anyBox = or(
      ...boxes.map((b) =>
        and(
          sql`${cases.lat} between ${b.south} and ${b.north}`,
          sql`${cases.lng} between ${b.west} and ${b.east}`,
          ...(b.minorClassCode ? [eq(cases.minorClassCode, b.minorClassCode)] : []),
        ),
      ),
    );
    const q = this.db
      .select()
      .from(cases)
      .where(and(inArray(cases.state, [...states]), anyBox))
      .orderBy(asc(cases.id))
      .limit(limit);
    return (await this.run(q)).map(rowToCase);
  }

  async countBy(
    column: 'cellCode' | 'unitCode' | 'state' | 'communityCode' | 'hotlineCategory',
    f: CaseFilter,
  ): Promise<Array<{ key: string | null; n: number }>> {
    const key = sql`${cases[column]}`;
    return (await this.run(
      this.db
        .select(named({ key, n: count }))
        .from(cases)
        .where(this.where(f))
        .groupBy(key)
        .orderBy(groupOrder(key)),
    )) as Array<{ key: string | null; n: number }>;
  }

  async evaluate(opts: EvaluationQuery): Promise<EvaluationRow[]> {
    return (await this.evaluateWithTotal(opts)).rows;
  }

  /** The evaluation figures (综合考评) per group and for all groups together: see `CaseStore.evaluateWithTotal`. */
  async evaluateWithTotal(
    opts: EvaluationQuery,
  ): Promise<{ rows: EvaluationRow[]; total: EvaluationRow | null }> {
    const key = evaluationKeyOf(opts.groupBy);
    const base = this.where(opts.filter ?? {});
    const disposed = sql`${cases.disposedAt} is not null`;
    const closed = sql`${cases.closedAt} is not null`;
    const rows = (await this.run(
      this.db
        .select(
          named({
            key,
            dispatched: count,
            disposed: countIf(disposed),
            disposedOnTime: countIf(sql`${disposed} and not ${cases.disposedLate}`),
            closed: countIf(closed),
            closedOnTime: countIf(sql`${closed} and not ${cases.disposedLate}`),
            reworked: countIf(sql`${cases.reworkCount} > 0 and ${closed}`),
            redispatched: countIf(sql`${cases.redispatchCount} > 0`),
            overdueOpen: countIf(
              sql`${cases.closedAt} is null and ${sql.raw(SHOWS_LIGHT_PREDICATE)} and ${cases.dueAt} < ${opts.now}`,
            ),
            // SQLite's avg of integers: the exact sum divided as a double, so both backends agree
            avgDisposalHours: sql<
              number | null
            >`sum(${cases.disposalMillis})::float8 / nullif(count(${cases.disposalMillis}), 0) / ${sql.raw(MILLIS_PER_HOUR_SQL)}::float8`,
            rated: sql<number>`count(${cases.satisfaction})::int8`,
            // SQLite divides the integer sum by the count as a double
            avgSatisfaction: sql<
              number | null
            >`sum(${cases.satisfaction})::float8 / nullif(count(${cases.satisfaction}), 0)`,
          }),
        )
        .from(cases)
        .where(
          and(sql`${cases.firstDispatchedAt} >= ${opts.from}`, lt(cases.firstDispatchedAt, opts.to), base),
        )
        .groupBy(key)
        .orderBy(groupOrder(key)),
    )) as Array<Omit<EvaluationRow, 'filed'>>;
    const filed = (await this.run(
      this.db
        .select(named({ key, n: count }))
        .from(cases)
        .where(
          and(
            sql`${cases.reportedAt} >= ${opts.from}`,
            lt(cases.reportedAt, opts.to),
            sql.raw(FILED_PREDICATE),
            base,
          ),
        )
        .groupBy(key)
        .orderBy(groupOrder(key)),
    )) as Array<{ key: string | null; n: number }>;
    const filedBy = new Map(filed.map((r) => [r.key, r.n]));
    const out: EvaluationRow[] = rows.map((r) => ({ ...r, filed: filedBy.get(r.key) ?? 0 }));
    return { rows: out, total: totalOfEvaluation(out, filed) };
  }

  /** Cases first dispatched in [from, to) per group (like SQLite, `filter` is not applied). */
  async countDispatched(opts: {
    from: string;
    to: string;
    groupBy: EvaluationGroup;
  }): Promise<Array<{ key: string | null; n: number }>> {
    const key = evaluationKeyOf(opts.groupBy);
    return (await this.run(
      this.db
        .select(named({ key, n: count }))
        .from(cases)
        .where(and(sql`${cases.firstDispatchedAt} >= ${opts.from}`, lt(cases.firstDispatchedAt, opts.to)))
        .groupBy(key)
        .orderBy(groupOrder(key)),
    )) as Array<{ key: string | null; n: number }>;
  }

  /** Cases reported per local (Beijing) calendar day in [from, to): from the day counts when whole days. */
  async dailyIntake(from: string, to: string): Promise<Array<{ day: string; n: number }>> {
    const days = dailyIntakeQuery(from, to);
    if (days) return dailyIntakeRows(await this.db.execute<Record<string, unknown>>(days));
    const bucket = sql`substr(${cases.reportedAt}, 1, ${sql.raw(String(UTC_BUCKET_CHARS))})`;
    return localDayCounts(
      (await this.run(
        this.db
          .select(named({ bucket, n: count }))
          .from(cases)
          .where(and(sql`${cases.reportedAt} >= ${from}`, lt(cases.reportedAt, to)))
          .groupBy(bucket),
      )) as Array<{ bucket: string; n: number }>,
    );
  }

  async countClosedBetween(from: string, to: string): Promise<number> {
    const [row] = await this.run(
      this.db
        .select(named({ n: count }))
        .from(cases)
        .where(and(sql`${cases.closedAt} >= ${from}`, lt(cases.closedAt, to))),
    );
    return row!.n as number;
  }

  async addAttachment(a: {
    sha256: string;
    mime: string;
    size: number;
    uploadedBy: number | null;
    createdAt: string;
  }): Promise<void> {
    await this.db
      .insert(attachments)
      .values({ ...a, caseId: null })
      .onConflictDoNothing();
  }

  async getAttachment(sha: string): Promise<AttachmentRecord | null> {
    const [row] = await this.db.select().from(attachments).where(eq(attachments.sha256, sha));
    return row ?? null;
  }

  /** Case numbers whose events reference an attachment (jsonb containment). */
  async casesReferencingAttachment(sha: string): Promise<string[]> {
    const rows = await this.db
      .selectDistinct({ n: caseEvents.caseNumber })
      .from(caseEvents)
      .where(sql`${caseEvents.attachments} @> ${JSON.stringify([sha])}::jsonb`);
    return rows.map((r) => r.n);
  }
}
