import type { Statement } from 'better-sqlite3';
import { and, asc, desc, eq, inArray, isNotNull, like, lt, or, sql, type SQL } from 'drizzle-orm';
import {
  applyCaseEvent,
  canSeeCase,
  DomainError,
  followUpsOf,
  localDate,
  type CaseAction,
  type CaseSnapshot,
  type CaseState,
} from '@citygrid/domain';
import type { CitygridDatabase } from '../client.ts';
import { attachments, caseEvents, cases } from '../schema/index.ts';
import type { GroupCommitWriter } from '../writer.ts';
import { CitizenStore } from './citizen-store.ts';
import { dailyIntakeQuery, dailyIntakeRows } from './case-day-counts.ts';
import {
  FILED_PREDICATE,
  localDayCounts,
  MILLIS_PER_HOUR_SQL,
  OPEN_PREDICATE,
  SHOWS_LIGHT_PREDICATE,
  UTC_BUCKET_CHARS,
} from './case-predicates.ts';
import {
  bindValues,
  prepareCaseStatements,
  rowToCase,
  rowToEvent,
  snake,
  SNAPSHOT_COLUMNS,
  type CaseStatements,
} from './case-sql.ts';
import type {
  AppliedAction,
  AppliedChange,
  ApplyActionInput,
  AttachmentRecord,
  CaseEventHook,
  CaseStorePort,
  CreateCaseInput,
  CreatedCase,
} from './case-store-port.ts';
import type {
  CaseFilter,
  CaseRecord,
  EvaluationGroup,
  EvaluationRow,
  EventToApply,
  StoredCaseEvent,
} from './case-types.ts';
import { SUMMARY_COLUMNS, type CaseSummaryRow } from './case-types.ts';
import { scanRows } from './scan.ts';

export type {
  AppliedAction,
  AppliedChange,
  ApplyActionInput,
  CaseEventHook,
  CreateCaseInput,
  CreatedCase,
} from './case-store-port.ts';
export { SUMMARY_COLUMNS, type CaseSummaryRow } from './case-types.ts';

type CaseRow = typeof cases.$inferSelect;

/** One located case as the map's markers need it (see `CaseStore.listMarkersJson`). */
export type MarkerRow = [
  caseNumber: string,
  lat: number,
  lng: number,
  state: CaseState,
  version: number,
  dispatchedAt: string | null,
  dueAt: string | null,
  limitUnit: string,
  minorClassCode: string,
];

const toRecord = (r: CaseRow): CaseRecord =>
  ({ ...r, urgency: r.urgency as CaseRecord['urgency'], state: r.state as CaseState }) as CaseRecord;

// each column aliased to its camelCase name, so rows need no mapping
const SUMMARY_SELECT = Object.fromEntries(SUMMARY_COLUMNS.map((c) => [c, sql`${cases[c]}`.as(c)])) as Record<
  (typeof SUMMARY_COLUMNS)[number],
  SQL.Aliased
>;

const OPEN_SUMMARIES_SQL = `select id, ${SUMMARY_COLUMNS.map((c) => `${c.replace(/[A-Z]/g, (x) => `_${x.toLowerCase()}`)} as ${c}`).join(', ')} from cases where ${OPEN_PREDICATE}`;

/** Pick the snapshot part of a stored case (what the event log determines). */
export function snapshotOf(r: CaseRecord): CaseSnapshot {
  const {
    state,
    unitCode,
    version,
    verified,
    dispatchCount,
    redispatchCount,
    reworkCount,
    extensionCount,
    returnCount,
  } = r;
  return {
    state,
    unitCode,
    version,
    verified,
    dispatchCount,
    redispatchCount,
    reworkCount,
    extensionCount,
    returnCount,
    extensionAmount: r.extensionAmount,
    pendingExtensionAmount: r.pendingExtensionAmount,
    satisfaction: r.satisfaction,
    mergedInto: r.mergedInto,
    duplicateCount: r.duplicateCount,
    routeRuleId: r.routeRuleId,
    routeExplanation: r.routeExplanation,
    firstDispatchedAt: r.firstDispatchedAt,
    dispatchedAt: r.dispatchedAt,
    dueAt: r.dueAt,
    disposedAt: r.disposedAt,
    closedAt: r.closedAt,
    disposedLate: r.disposedLate,
    disposalMillis: r.disposalMillis,
  };
}

/** Beijing calendar date `YYYYMMDD` of an ISO instant. */
export function beijingDay(iso: string): string {
  return localDate(iso).replaceAll('-', '');
}

/** The refusal of a stale `expectedVersion`, with the case's current state and version for the client. */
export function versionConflict(current: Pick<CaseRecord, 'caseNumber' | 'state' | 'version'>): DomainError {
  return new DomainError(
    'CONFLICT',
    `case ${current.caseNumber} changed since you read it (now ${current.state}, version ${current.version})`,
    {
      field: 'expectedVersion',
      state: current.state,
      version: current.version,
    },
  );
}

const textOf = (a: CaseAction, key: 'reason' | 'note'): string | null => {
  const v = (a as Readonly<Record<string, unknown>>)[key];
  return typeof v === 'string' ? v : null;
};

/** Every group's evaluation figures as one group (sums; averages weighted by their samples). */
export function totalOfEvaluation(
  rows: readonly EvaluationRow[],
  filed: ReadonlyArray<{ n: number }>,
): EvaluationRow | null {
  if (rows.length === 0) return null;
  const sum = (f: (r: EvaluationRow) => number) => rows.reduce((a, r) => a + f(r), 0);
  const weighted = (avg: (r: EvaluationRow) => number | null, weight: (r: EvaluationRow) => number) => {
    const w = sum((r) => (avg(r) === null ? 0 : weight(r)));
    return w === 0 ? null : sum((r) => (avg(r) ?? 0) * (avg(r) === null ? 0 : weight(r))) / w;
  };
  return {
    key: null,
    dispatched: sum((r) => r.dispatched),
    filed: filed.reduce((a, r) => a + r.n, 0),
    disposed: sum((r) => r.disposed),
    disposedOnTime: sum((r) => r.disposedOnTime),
    closed: sum((r) => r.closed),
    closedOnTime: sum((r) => r.closedOnTime),
    reworked: sum((r) => r.reworked),
    redispatched: sum((r) => r.redispatched),
    overdueOpen: sum((r) => r.overdueOpen),
    avgDisposalHours: weighted(
      (r) => r.avgDisposalHours,
      (r) => r.disposed,
    ),
    rated: sum((r) => r.rated),
    avgSatisfaction: weighted(
      (r) => r.avgSatisfaction,
      (r) => r.rated,
    ),
  };
}

/** The column an evaluation groups by (`none`: one group). */
function evaluationKeyOf(groupBy: EvaluationGroup) {
  return groupBy === 'unit'
    ? cases.unitCode
    : groupBy === 'community'
      ? cases.communityCode
      : groupBy === 'category'
        ? cases.hotlineCategory
        : groupBy === 'cell'
          ? cases.cellCode
          : sql<string>`null`;
}

/**
 * Cases and their append-only event log. Every write goes through the group-commit writer inside
 * one transaction that appends the events and updates the projection, so the row always equals the
 * replay of its events. Reads are async for a dialect-neutral interface.
 */
export class CaseStore implements CaseStorePort {
  readonly backend = 'sqlite' as const;
  private readonly sql: CaseStatements;
  private readonly citizens: CitizenStore;

  constructor(
    private readonly database: CitygridDatabase,
    private readonly writer: GroupCommitWriter,
  ) {
    this.sql = prepareCaseStatements(database.sqlite);
    this.citizens = new CitizenStore(database);
  }

  /** Seeders: many cases with their histories in one transaction (no hooks, not through the writer). */
  async createCasesBulk(jobs: readonly CreateCaseInput[]): Promise<void> {
    this.database.sqlite.transaction(() => {
      for (const job of jobs) this.createCaseNow(job);
    })();
  }

  private readonly eventHooks: CaseEventHook[] = [];

  /** Register a hook run in the same transaction as every event appended by createCase/applyAction. */
  addEventHook(hook: CaseEventHook): void {
    this.eventHooks.push(hook);
  }

  private runHooks(record: CaseRecord, events: readonly StoredCaseEvent[]): void {
    if (this.eventHooks.length === 0) return;
    const report = record.source === 'online' ? this.citizens.reportByCaseIdNow(record.id) : null;
    for (const hook of this.eventHooks)
      for (const entry of hook(record, events, report)) this.citizens.enqueueNow(entry);
  }

  private get db() {
    return this.database.db;
  }

  private nextCaseNumber(reportedAt: string): string {
    const day = beijingDay(reportedAt);
    const { last } = this.sql.nextNumber.get(day) as { last: number };
    return `${day}-${String(last).padStart(4, '0')}`;
  }

  private insertEvent(
    caseId: number,
    caseNumber: string,
    e: EventToApply,
    action: CaseAction,
    from: CaseState | null,
    next: CaseSnapshot,
  ): StoredCaseEvent {
    const attachments = action.type === 'report_disposal' ? [...(action.attachments ?? [])] : [];
    const row = {
      caseId,
      caseNumber,
      seq: next.version,
      type: action.type,
      actorUserId: e.actor.userId,
      actorRole: e.actor.role,
      actorName: e.actorName,
      actorUnitCode: e.actor.unitCode,
      at: e.at,
      fromState: from,
      toState: next.state,
      reason: textOf(action, 'reason'),
      note: textOf(action, 'note'),
    };
    const { id } = this.sql.insertEvent.get({
      ...row,
      attachments: JSON.stringify(attachments),
      action: JSON.stringify(action),
    }) as { id: number };
    return { id, ...row, attachments, action } as StoredCaseEvent;
  }

  /** Create a case with its first events in one durable transaction. Idempotent on `idempotency.key`. */
  createCase(input: CreateCaseInput): Promise<CreatedCase> {
    return this.writer.submit(() => {
      const out = this.createCaseNow(input);
      if (!out.replayed) {
        this.runHooks(out.record, out.events);
        for (const f of out.followed) this.runHooks(f.record, f.events);
      }
      return out;
    });
  }

  /** The synchronous body of createCase, for callers already inside a transaction (bulk seeding). */
  createCaseNow(input: CreateCaseInput): CreatedCase {
    if (input.idempotency) {
      const seen = this.sql.idemGet.get(input.idempotency.key) as
        { requestHash: string; caseId: number } | undefined;
      if (seen) {
        if (seen.requestHash !== input.idempotency.requestHash) {
          throw new DomainError(
            'IDEMPOTENCY_MISMATCH',
            'this idempotency key was used for a different request',
            { field: 'idempotencyKey' },
          );
        }
        const row = this.sql.byId.get(seen.caseId) as Record<string, unknown> | undefined;
        if (!row)
          throw new DomainError('NOT_FOUND', 'case for idempotency key vanished', {
            field: 'idempotencyKey',
          });
        return { record: rowToCase(row), events: [], replayed: true, followed: [] };
      }
    }
    const first = input.events[0];
    if (!first) throw new DomainError('BAD_INPUT', 'a case needs its report event', { field: 'events' });
    let snap: CaseSnapshot | null = null;
    const applied: Array<{
      e: EventToApply;
      action: CaseAction;
      from: CaseState | null;
      next: CaseSnapshot;
    }> = [];
    for (const e of input.events) {
      const next = applyCaseEvent(snap, { action: e.action, actor: e.actor, at: e.at });
      applied.push({ e, action: e.action, from: snap?.state ?? null, next });
      snap = next;
    }
    const caseNumber = this.nextCaseNumber(input.fields.reportedAt);
    const last = applied[applied.length - 1]!;
    const values = bindValues(
      { publicConsent: false, ...input.fields, caseNumber, ...last.next, updatedAt: last.e.at },
      this.sql.allCaseCols,
    );
    const record = rowToCase(this.sql.insertCase.get(values) as Record<string, unknown>);
    const events = applied.map((a) => this.insertEvent(record.id, caseNumber, a.e, a.action, a.from, a.next));
    if (input.idempotency)
      this.sql.idemPut.run(input.idempotency.key, input.idempotency.requestHash, record.id, first.at);
    if (input.citizenReport) this.citizens.insertReportNow({ ...input.citizenReport, caseId: record.id });
    const followed = applied.flatMap((a) => this.applyFollowUps(caseNumber, a.e, a.action));
    return { record, events, replayed: false, followed };
  }

  /** The domain's follow-ups of one action, applied in the caller's transaction with the same actor and time. */
  private applyFollowUps(caseNumber: string, e: EventToApply, action: CaseAction): AppliedChange[] {
    return followUpsOf(caseNumber, action).map((f) =>
      this.applyActionNow({ caseNumber: f.caseNumber, event: e, action: f.action }),
    );
  }

  /** Apply one action to a case: state machine check, optimistic concurrency, event append, projection update. */
  applyAction(input: ApplyActionInput): Promise<AppliedAction> {
    return this.writer.submit(() => {
      const { record, event } = this.applyActionNow(input);
      this.runHooks(record, [event]);
      const followed = this.applyFollowUps(record.caseNumber, input.event, event.action);
      for (const f of followed) this.runHooks(f.record, f.events);
      return { record, event, followed };
    });
  }

  /** The synchronous body of applyAction for callers already inside the writer's transaction. */
  private applyActionNow(input: ApplyActionInput): {
    record: CaseRecord;
    event: StoredCaseEvent;
    events: StoredCaseEvent[];
  } {
    const row = this.sql.byNumber.get(input.caseNumber) as Record<string, unknown> | undefined;
    if (!row) throw new DomainError('NOT_FOUND', `no case ${input.caseNumber}`, { field: 'caseNumber' });
    const current = rowToCase(row);
    if (input.viewer && !canSeeCase(input.viewer, current.unitCode)) {
      throw new DomainError('FORBIDDEN', 'this case is not held by your unit', { field: 'caseNumber' });
    }
    if (input.expectedVersion !== undefined && input.expectedVersion !== current.version)
      throw versionConflict(current);
    const action = input.action;
    const next = applyCaseEvent(snapshotOf(current), {
      action,
      actor: input.event.actor,
      at: input.event.at,
    });
    const values = bindValues({ ...next, updatedAt: input.event.at }, [...SNAPSHOT_COLUMNS, 'updatedAt']);
    const updated = this.sql.updateSnapshot.get({
      ...values,
      id: current.id,
      prevVersion: current.version,
    }) as Record<string, unknown> | undefined;
    if (!updated)
      throw new DomainError('CONFLICT', 'case changed concurrently', { field: 'expectedVersion' });
    const event = this.insertEvent(current.id, current.caseNumber, input.event, action, current.state, next);
    return { record: rowToCase(updated), event, events: [event] };
  }

  async getByNumber(caseNumber: string): Promise<CaseRecord | null> {
    const row = this.sql.byNumber.get(caseNumber) as Record<string, unknown> | undefined;
    return row ? rowToCase(row) : null;
  }

  async getById(id: number): Promise<CaseRecord | null> {
    const row = this.sql.byId.get(id) as Record<string, unknown> | undefined;
    return row ? rowToCase(row) : null;
  }

  async getByIds(ids: readonly number[]): Promise<CaseRecord[]> {
    if (ids.length === 0) return [];
    return (this.sql.byIds.all(JSON.stringify(ids)) as Array<Record<string, unknown>>).map(rowToCase);
  }

  async listEvents(caseId: number): Promise<StoredCaseEvent[]> {
    return (this.sql.eventsOf.all(caseId) as Array<Record<string, unknown>>).map(rowToEvent);
  }

  /** Events with id > afterId, in id order: the live stream's backlog. */
  async listEventsAfter(afterId: number, limit = 1000): Promise<StoredCaseEvent[]> {
    return (this.sql.eventsAfter.all(afterId, limit) as Array<Record<string, unknown>>).map(rowToEvent);
  }

  /**
   * Events with from <= at < to (ISO instants), oldest first, for feeds (Open311 request updates).
   * `publicOnly` leaves out hotline cases whose caller did not agree to publication.
   */
  async listEventsBetween(f: {
    from: string;
    to: string;
    excludeTypes?: readonly string[];
    publicOnly?: boolean;
    limit?: number;
    offset?: number;
  }): Promise<StoredCaseEvent[]> {
    const rows = this.sql.eventsBetween.all({
      from: f.from,
      to: f.to,
      excludeTypes: JSON.stringify(f.excludeTypes ?? []),
      publicOnly: f.publicOnly ? 1 : 0,
      limit: f.limit ?? 1000,
      offset: f.offset ?? 0,
    }) as Array<Record<string, unknown>>;
    return rows.map(rowToEvent);
  }

  async getByOpen311Token(token: string): Promise<CaseRecord | null> {
    const row = this.sql.byOpen311Token.get(token) as Record<string, unknown> | undefined;
    return row ? rowToCase(row) : null;
  }

  async lastEventId(): Promise<number> {
    return (this.sql.lastEventId.get() as { m: number | null }).m ?? 0;
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
    if (f.publicOnly) c.push(sql`(${cases.source} <> 'hotline' or ${cases.publicConsent} = 1)`);
    if (f.reportedFrom) c.push(sql`${cases.reportedAt} >= ${f.reportedFrom}`);
    if (f.reportedTo) c.push(lt(cases.reportedAt, f.reportedTo));
    if (f.overdueAt) c.push(lt(cases.dueAt, f.overdueAt));
    if (f.search) {
      const s = `%${f.search}%`;
      // a phone typed with spaces or dashes (138 0000 0000) still finds the stored digits
      const digits = f.search.replace(/[\s-]/g, '');
      const byPhone = /^\+?\d{3,}$/.test(digits) ? [like(cases.callerPhone, `%${digits}%`)] : [];
      const any = or(
        like(cases.caseNumber, s),
        like(cases.description, s),
        like(cases.address, s),
        ...byPhone,
      );
      if (any) c.push(any);
    }
    return c.length ? and(...c) : undefined;
  }

  async list(f: CaseFilter): Promise<CaseRecord[]> {
    const q = this.db
      .select()
      .from(cases)
      .where(this.where(f))
      .orderBy(...this.order(f))
      .limit(f.limit ?? 100)
      .offset(f.offset ?? 0)
      .toSQL();
    // drizzle builds the SQL; rows are read through a cached statement (its row mapping costs ~40 µs a row)
    return (
      this.cachedStatement(q.sql).all(...(q.params as unknown[])) as Array<Record<string, unknown>>
    ).map(rowToCase);
  }

  /**
   * The columns of each case the live map and the open-case snapshot need, ordered like `list`.
   * With `openOnly` and no other filter every column comes from the covering partial index
   * `cases_open_due`: the table itself is never read.
   */
  async listSummaries(f: CaseFilter): Promise<CaseSummaryRow[]> {
    const q = this.db
      .select(SUMMARY_SELECT)
      .from(cases)
      .where(this.where(f))
      .orderBy(...this.order(f))
      .limit(f.limit ?? 100)
      .offset(f.offset ?? 0)
      .toSQL();
    return this.cachedStatement(q.sql).all(...(q.params as unknown[])) as CaseSummaryRow[];
  }

  /**
   * Open cases with their row id and summary columns: all of them (`ids` null, read from the covering
   * partial index alone) or those among `ids` (cases that are not open are left out).
   */
  async openSummaries(ids: readonly number[] | null): Promise<Array<CaseSummaryRow & { id: number }>> {
    if (ids === null)
      return this.cachedStatement(OPEN_SUMMARIES_SQL).all() as Array<CaseSummaryRow & { id: number }>;
    if (ids.length === 0) return [];
    return this.cachedStatement(`${OPEN_SUMMARIES_SQL} and id in (select value from json_each(?))`).all(
      JSON.stringify(ids),
    ) as Array<CaseSummaryRow & { id: number }>;
  }

  /** Ids of the cases with events in (afterId, upToId] (event ids are the live stream's positions). */
  async caseIdsWithEventsBetween(afterId: number, upToId: number): Promise<number[]> {
    return (
      this.cachedStatement('select distinct case_id as id from case_events where id > ? and id <= ?').all(
        afterId,
        upToId,
      ) as Array<{ id: number }>
    ).map((r) => r.id);
  }

  private order(f: CaseFilter): SQL[] {
    return f.orderBy === 'due'
      ? [sql`${cases.dueAt} is null`, asc(cases.dueAt), asc(cases.id)]
      : f.orderBy === 'updated_desc'
        ? [desc(cases.updatedAt), desc(cases.id)]
        : [desc(cases.reportedAt), desc(cases.id)];
  }

  /**
   * The cases matching `f` that have a position, at most `limit`, as the JSON text of an array of
   * rows of the columns the map's markers need ([caseNumber, lat, lng, state, version, dispatchedAt,
   * dueAt, limitUnit, minorClassCode]: `MarkerRow[]`), built by SQLite itself: no JS value is made
   * per column (at 50,000 cases, a third of the time of raw rows + JSON.stringify). One row more is
   * read to tell whether the list was cut (`truncated`). Reals are written with 17 significant
   * digits, which parse back to the very same numbers.
   */
  async listMarkersJson(f: CaseFilter, limit: number): Promise<{ json: string; truncated: boolean }> {
    const columns = {
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
    const q = this.db
      .select(columns)
      .from(cases)
      .where(and(this.where(f), isNotNull(cases.lat), isNotNull(cases.lng)))
      .limit(limit + 1)
      .toSQL();
    // the inner select's column names, in the tuple's order
    const tuple = Object.keys(columns)
      .map((k) => `"${snake(k)}"`)
      .join(', ');
    const text =
      `select count(*) as n, json_group_array(json_array(${tuple})) filter (where rn <= ?) as json ` +
      `from (select *, row_number() over () as rn from (${q.sql}))`;
    const row = this.cachedStatement(text).get(limit, ...(q.params as unknown[])) as {
      n: number;
      json: string;
    };
    return { json: row.json, truncated: row.n > limit };
  }

  private statements = new Map<string, Statement>();
  private cachedStatement(text: string): Statement {
    let st = this.statements.get(text);
    if (!st) {
      if (this.statements.size > 500) this.statements.clear();
      st = this.database.sqlite.prepare(text);
      this.statements.set(text, st);
    }
    return st;
  }

  async count(f: CaseFilter): Promise<number> {
    return (
      this.db
        .select({ n: sql<number>`count(*)` })
        .from(cases)
        .where(this.where(f))
        .get()?.n ?? 0
    );
  }

  /** Counts of cases for a filter by where they are: no location, outside the grid, or in a cell. */
  async countByLocationKind(
    f: CaseFilter,
  ): Promise<Record<'no_location' | 'outside_grid' | 'in_grid', number>> {
    const kind = sql<string>`case when ${cases.lat} is null then 'no_location' when ${cases.cellCode} is null then 'outside_grid' else 'in_grid' end`;
    const out = { no_location: 0, outside_grid: 0, in_grid: 0 };
    for (const r of this.db
      .select({ kind, n: sql<number>`count(*)` })
      .from(cases)
      .where(this.where(f))
      .groupBy(kind)
      .all())
      out[r.kind as keyof typeof out] = r.n;
    return out;
  }

  /**
   * Cases in `states` inside any of the boxes, each box with its own class (callers refine by true
   * distance): one query for a whole page of dispatch rows, not one per row. At most `limit` rows, in id order.
   */
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
    return this.db
      .select()
      .from(cases)
      .where(and(inArray(cases.state, [...states]), anyBox))
      .orderBy(asc(cases.id))
      .limit(limit)
      .all()
      .map(toRecord);
  }

  /** Counts of cases by a column for a filter (per cell / unit / state maps and rankings). */
  async countBy(
    column: 'cellCode' | 'unitCode' | 'state' | 'communityCode' | 'hotlineCategory',
    f: CaseFilter,
  ): Promise<Array<{ key: string | null; n: number }>> {
    const col = cases[column];
    return this.db
      .select({ key: col, n: sql<number>`count(*)` })
      .from(cases)
      .where(this.where(f))
      .groupBy(col)
      .all();
  }

  /**
   * The evaluation figures (综合考评, GB/T 30428.4) for cases first dispatched in [from, to),
   * grouped by unit, community, category or cell. Definitions are in packages/db/CONTEXT.md.
   */
  async evaluate(opts: {
    from: string;
    to: string;
    now: string;
    groupBy: EvaluationGroup;
    filter?: CaseFilter;
  }): Promise<EvaluationRow[]> {
    return (await this.evaluateWithTotal(opts)).rows;
  }

  /**
   * `evaluate`, with the figures of all groups together (what `groupBy: 'none'` gives) summed from
   * the same two scans: counts add up, the averages are weighted by their samples (`disposed`,
   * `rated`), `filed` counts every group. Null when no case was dispatched in the period.
   */
  async evaluateWithTotal(opts: {
    from: string;
    to: string;
    now: string;
    groupBy: EvaluationGroup;
    filter?: CaseFilter;
  }): Promise<{ rows: EvaluationRow[]; total: EvaluationRow | null }> {
    const keyCol = evaluationKeyOf(opts.groupBy);
    const base = this.where({ ...(opts.filter ?? {}), states: opts.filter?.states });
    const inPeriod = and(
      sql`${cases.firstDispatchedAt} >= ${opts.from}`,
      lt(cases.firstDispatchedAt, opts.to),
      base,
    );
    const figures = {
      key: sql<string | null>`${keyCol}`,
      dispatched: sql<number>`count(*)`,
      disposed: sql<number>`sum(case when ${cases.disposedAt} is not null then 1 else 0 end)`,
      disposedOnTime: sql<number>`sum(case when ${cases.disposedAt} is not null and ${cases.disposedLate} = 0 then 1 else 0 end)`,
      closed: sql<number>`sum(case when ${cases.closedAt} is not null then 1 else 0 end)`,
      closedOnTime: sql<number>`sum(case when ${cases.closedAt} is not null and ${cases.disposedLate} = 0 then 1 else 0 end)`,
      reworked: sql<number>`sum(case when ${cases.reworkCount} > 0 and ${cases.closedAt} is not null then 1 else 0 end)`,
      redispatched: sql<number>`sum(case when ${cases.redispatchCount} > 0 then 1 else 0 end)`,
      overdueOpen: sql<number>`sum(case when ${cases.closedAt} is null and ${sql.raw(SHOWS_LIGHT_PREDICATE)} and ${cases.dueAt} < ${opts.now} then 1 else 0 end)`,
      // the stored duration (whole milliseconds), not two instants parsed for every case
      avgDisposalHours: sql<number | null>`avg(${cases.disposalMillis}) / ${sql.raw(MILLIS_PER_HOUR_SQL)}`,
      rated: sql<number>`count(${cases.satisfaction})`,
      avgSatisfaction: sql<number | null>`avg(${cases.satisfaction})`,
    };
    const filedFields = { key: sql<string | null>`${keyCol}`, n: sql<number>`count(*)` };
    // two scans of the period's cases, side by side on reader threads when the database has them
    const [rows, filed] = await Promise.all([
      scanRows(this.database, figures, this.db.select(figures).from(cases).where(inPeriod).groupBy(keyCol)),
      scanRows(
        this.database,
        filedFields,
        this.db
          .select(filedFields)
          .from(cases)
          .where(
            and(
              sql`${cases.reportedAt} >= ${opts.from}`,
              lt(cases.reportedAt, opts.to),
              sql.raw(FILED_PREDICATE),
              base,
            ),
          )
          .groupBy(keyCol),
      ),
    ]);
    const filedBy = new Map(filed.map((r) => [r.key, r.n]));
    const out: EvaluationRow[] = rows.map((r) => ({
      ...r,
      filed: filedBy.get(r.key) ?? 0,
      disposed: r.disposed ?? 0,
      disposedOnTime: r.disposedOnTime ?? 0,
      closed: r.closed ?? 0,
      closedOnTime: r.closedOnTime ?? 0,
      reworked: r.reworked ?? 0,
      redispatched: r.redispatched ?? 0,
      overdueOpen: r.overdueOpen ?? 0,
    }));
    return { rows: out, total: totalOfEvaluation(out, filed) };
  }

  /**
   * Cases first dispatched in [from, to) per group: the evaluation's `dispatched` alone, read from
   * the covering index (a report's month-before and year-before columns need nothing else).
   */
  async countDispatched(opts: {
    from: string;
    to: string;
    groupBy: EvaluationGroup;
  }): Promise<Array<{ key: string | null; n: number }>> {
    const keyCol = evaluationKeyOf(opts.groupBy);
    const fields = { key: sql<string | null>`${keyCol}`, n: sql<number>`count(*)` };
    return scanRows(
      this.database,
      fields,
      this.db
        .select(fields)
        .from(cases)
        .where(and(sql`${cases.firstDispatchedAt} >= ${opts.from}`, lt(cases.firstDispatchedAt, opts.to)))
        .groupBy(keyCol),
    );
  }

  /** Cases reported per local (Beijing) calendar day in [from, to), the offset from the domain's calendar: from the day counts when whole days. */
  async dailyIntake(from: string, to: string): Promise<Array<{ day: string; n: number }>> {
    const days = dailyIntakeQuery(from, to);
    if (days) return dailyIntakeRows(this.db.all<Record<string, unknown>>(days));
    const bucket = sql<string>`substr(${cases.reportedAt}, 1, ${sql.raw(String(UTC_BUCKET_CHARS))})`;
    return localDayCounts(
      this.db
        .select({ bucket, n: sql<number>`count(*)` })
        .from(cases)
        .where(and(sql`${cases.reportedAt} >= ${from}`, lt(cases.reportedAt, to)))
        .groupBy(bucket)
        .all(),
    );
  }

  async countClosedBetween(from: string, to: string): Promise<number> {
    return (
      this.db
        .select({ n: sql<number>`count(*)` })
        .from(cases)
        .where(and(sql`${cases.closedAt} >= ${from}`, lt(cases.closedAt, to)))
        .get()?.n ?? 0
    );
  }

  /** Attachments: content-addressed image files beside the database. */
  async addAttachment(a: {
    sha256: string;
    mime: string;
    size: number;
    uploadedBy: number | null;
    createdAt: string;
  }): Promise<void> {
    this.db
      .insert(attachments)
      .values({ ...a, caseId: null })
      .onConflictDoNothing()
      .run();
  }
  async getAttachment(sha: string): Promise<AttachmentRecord | null> {
    return this.db.select().from(attachments).where(eq(attachments.sha256, sha)).get() ?? null;
  }
  /** Case numbers whose events reference an attachment (who may see it follows from them). */
  async casesReferencingAttachment(sha: string): Promise<string[]> {
    return this.db
      .selectDistinct({ n: caseEvents.caseNumber })
      .from(caseEvents)
      .where(sql`exists (select 1 from json_each(${caseEvents.attachments}) where value = ${sha})`)
      .all()
      .map((r) => r.n);
  }
}
