import { getTableColumns } from 'drizzle-orm';
import type postgres from 'postgres';
import {
  applyCaseEvent,
  canSeeCase,
  DomainError,
  followUpsOf,
  type CaseAction,
  type CaseSnapshot,
  type CaseState,
} from '@citygrid/domain';
import { rowToCase, snake } from '../stores/case-sql.ts';
import {
  beijingDay,
  snapshotOf,
  versionConflict,
  type ApplyActionInput,
  type CreateCaseInput,
} from '../stores/case-store.ts';
import type { CitizenReportRow } from '../stores/citizen-store.ts';
import type { CaseEventHook } from '../stores/case-store-port.ts';
import type { CaseRecord, EventToApply, StoredCaseEvent } from '../stores/case-types.ts';
import type { PgSql } from './client.ts';
import { pgInsertCitizenReport, toReport } from './pg-citizen-store.ts';
import { cases } from './schema.ts';

/*
 * The steps of one PostgreSQL write transaction of the case store (pg-case-store.ts runs them). Every
 * transaction works in two phases, so that no transaction ever waits for a row lock while it holds
 * the event-append lock (no deadlock between them):
 * 1. rows: the new case (numbered before the transaction, `drawCaseNumber`), its idempotency key and citizen report, and every
 *    case row it changes (`select … for update`, checks, `update … where version = old`), follow-ups
 *    included; each change remembers the events it still has to append;
 * 2. events: the transaction advisory lock `EVENT_APPEND_LOCK` (held to COMMIT, so event ids become
 *    visible in id order), then every event of the transaction in one insert, then the hooks' outbox rows.
 */

/** Key of the transaction advisory lock that orders event appends. */
export const EVENT_APPEND_LOCK = 7_310_002;

export type Tx = PgSql | postgres.TransactionSql;

/** One event of a change: the domain's input and the snapshot it leads to. */
export interface PlannedEvent {
  e: EventToApply;
  action: CaseAction;
  from: CaseState | null;
  next: CaseSnapshot;
}

/** A case whose row is written in this transaction and whose events are still to be appended. */
export interface PendingChange {
  record: CaseRecord;
  planned: PlannedEvent[];
}

const CASE_INSERT_KEYS = Object.keys(getTableColumns(cases)).filter((k) => k !== 'id');
const SNAPSHOT_KEYS = Object.keys(snapshotOf({} as CaseRecord));

/** `{ camelKey: v }` → `{ snake_key: v }` for the given keys, undefined as null. */
function columnsOf(obj: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) out[snake(k)] = obj[k] === undefined ? null : obj[k];
  return out;
}

const textOf = (a: CaseAction, key: 'reason' | 'note'): string | null => {
  const v = (a as Readonly<Record<string, unknown>>)[key];
  return typeof v === 'string' ? v : null;
};

/** A new case's row (snake_case columns, every column but the id): its fields and its last snapshot. */
export function newCaseRow(
  input: CreateCaseInput,
  caseNumber: string,
  planned: readonly PlannedEvent[],
): Record<string, unknown> {
  const last = planned[planned.length - 1]!;
  return columnsOf(
    { publicConsent: false, ...input.fields, caseNumber, ...last.next, updatedAt: last.e.at },
    CASE_INSERT_KEYS,
  );
}

/** A new case's number: its Beijing day and the day's counter. */
export const caseNumberOf = (day: string, n: number) => `${day}-${String(n).padStart(4, '0')}`;

/** A new case's events through the domain's state machine (pure: run before the transaction opens). */
export function planNewCase(events: CreateCaseInput['events']): PlannedEvent[] {
  if (!events[0]) throw new DomainError('BAD_INPUT', 'a case needs its report event', { field: 'events' });
  let snap: CaseSnapshot | null = null;
  return events.map((e) => {
    const next = applyCaseEvent(snap, { action: e.action, actor: e.actor, at: e.at });
    const planned = { e, action: e.action, from: snap?.state ?? null, next };
    snap = next;
    return planned;
  });
}

/**
 * Draw a case number: the day's counter, incremented in its own short transaction before the filing's
 * transaction opens. Not inside it: the counter row's lock would be held through every filing's
 * COMMIT and WAL flush, so filings would commit one at a time. That transaction commits without
 * waiting for its WAL flush (`synchronous_commit = off`): a filing that uses the number commits
 * later with a flush, which makes the counter durable first, so an acknowledged case's number is
 * never drawn again. A filing that fails leaves a gap (case numbers are gap-tolerant). One statement,
 * its own transaction: `set_config(…, true)` sets the mode for it alone.
 */
export async function drawCaseNumber(sql: PgSql, reportedAt: string): Promise<string> {
  const day = beijingDay(reportedAt);
  const [counter] = await sql`
    with async_commit as (select set_config('synchronous_commit', 'off', true))
    insert into case_number_counters (day, last) select ${day}, 1 from async_commit
    on conflict (day) do update set last = case_number_counters.last + 1 returning last`;
  return caseNumberOf(day, (counter as { last: number }).last);
}

/**
 * Phase 1 of a filing (numbered by `drawCaseNumber`): insert its row, its idempotency key and citizen report, then
 * the follow-ups its events cause on other cases. Returns the new case first, then the cases it changed.
 */
export async function fileCaseRows(
  tx: Tx,
  input: CreateCaseInput,
  caseNumber: string,
  planned: PlannedEvent[],
): Promise<PendingChange[]> {
  const [row] = await tx`insert into cases ${tx(newCaseRow(input, caseNumber, planned))} returning *`;
  const record = rowToCase(row!);
  const idem = input.idempotency;
  if (idem)
    await tx`insert into idempotency_keys (key, request_hash, case_id, created_at)
      values (${idem.key}, ${idem.requestHash}, ${record.id}, ${planned[0]!.e.at})`;
  const r = input.citizenReport;
  if (r) await pgInsertCitizenReport(tx, { ...r, caseId: record.id });
  const followed: PendingChange[] = [];
  for (const p of planned) followed.push(...(await followUpRows(tx, caseNumber, p.e, p.action)));
  return [{ record, planned }, ...followed];
}

/**
 * Phase 1 of an action: lock the row, check who asks (before the version, so a refusal reveals
 * nothing), the expected version and the state machine, and update the row.
 */
export async function actionRows(tx: Tx, input: ApplyActionInput): Promise<PendingChange> {
  const [row] = await tx`select * from cases where case_number = ${input.caseNumber} for update`;
  if (!row) throw new DomainError('NOT_FOUND', `no case ${input.caseNumber}`, { field: 'caseNumber' });
  const current = rowToCase(row);
  if (input.viewer && !canSeeCase(input.viewer, current.unitCode))
    throw new DomainError('FORBIDDEN', 'this case is not held by your unit', { field: 'caseNumber' });
  if (input.expectedVersion !== undefined && input.expectedVersion !== current.version)
    throw versionConflict(current);
  const next = applyCaseEvent(snapshotOf(current), {
    action: input.action,
    actor: input.event.actor,
    at: input.event.at,
  });
  const values = columnsOf({ ...next, updatedAt: input.event.at }, [...SNAPSHOT_KEYS, 'updatedAt']);
  const [updated] =
    await tx`update cases set ${tx(values)} where id = ${current.id} and version = ${current.version} returning *`;
  if (!updated) throw new DomainError('CONFLICT', 'case changed concurrently', { field: 'expectedVersion' });
  return {
    record: rowToCase(updated),
    planned: [{ e: input.event, action: input.action, from: current.state, next }],
  };
}

/** The domain's follow-ups of one action (`followUpsOf`), applied with the same actor and time. */
export async function followUpRows(
  tx: Tx,
  caseNumber: string,
  e: EventToApply,
  action: CaseAction,
): Promise<PendingChange[]> {
  const out: PendingChange[] = [];
  for (const f of followUpsOf(caseNumber, action))
    out.push(await actionRows(tx, { caseNumber: f.caseNumber, event: e, action: f.action }));
  return out;
}

/** Rows per insert statement (a statement's one jsonb parameter stays a few MB at most). */
const APPEND_CHUNK = 2000;

/** The rows of the changes' events, in order (each change's case id and number on its events). */
function eventRowsOf(changes: readonly PendingChange[]) {
  return changes.flatMap((c) =>
    c.planned.map(({ e, action, from, next }) => ({
      caseId: c.record.id,
      caseNumber: c.record.caseNumber,
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
      attachments: action.type === 'report_disposal' ? [...(action.attachments ?? [])] : [],
      action,
    })),
  );
}

/**
 * Phase 2: take the event-append lock and append every pending change's events (one insert per
 * chunk). Returns each change's stored events, in the order of `changes`.
 */
export async function appendEvents(tx: Tx, changes: readonly PendingChange[]): Promise<StoredCaseEvent[][]> {
  const rows = eventRowsOf(changes);
  const idOf = new Map<string, number>();
  for (let i = 0; i < rows.length; i += APPEND_CHUNK) {
    const chunk = rows.slice(i, i + APPEND_CHUNK).map((r) => columnsOf(r, Object.keys(r)));
    const ids = await tx<Array<{ id: number; case_id: number; seq: number }>>`
      insert into case_events (case_id, case_number, seq, type, actor_user_id, actor_role, actor_name, actor_unit_code, at, from_state, to_state, reason, note, attachments, action)
      select case_id, case_number, seq, type, actor_user_id, actor_role, actor_name, actor_unit_code, at, from_state, to_state, reason, note, attachments, action
      from jsonb_populate_recordset(null::case_events, ${JSON.stringify(chunk)}::text::jsonb)
      where (select pg_advisory_xact_lock(${EVENT_APPEND_LOCK})::text) is not null
      returning id, case_id, seq`;
    for (const r of ids) idOf.set(`${r.case_id}:${r.seq}`, r.id);
  }
  const stored = rows.map((r) => ({ id: idOf.get(`${r.caseId}:${r.seq}`)!, ...r }) as StoredCaseEvent);
  let at = 0;
  return changes.map((c) => stored.slice(at, (at += c.planned.length)));
}

/** The citizen reports of the online cases among `records`, by case id (what the hooks are given). */
export async function reportsOf(
  tx: Tx,
  records: readonly CaseRecord[],
): Promise<Map<number, CitizenReportRow>> {
  const ids = records.filter((r) => r.source === 'online').map((r) => r.id);
  if (ids.length === 0) return new Map();
  const rows = await tx`select * from citizen_reports where case_id in ${tx(ids)}`;
  return new Map(rows.map((r) => [r.case_id as number, toReport(r)]));
}

/** The new case's columns in the order of `FILE_AT_ONCE`'s parameters $1… */
const CASE_INSERT_COLUMNS = CASE_INSERT_KEYS.map(snake);
/** The n-th parameter after the case's columns. */
const paramAfterCase = (n: number) => `$${CASE_INSERT_COLUMNS.length + n}`;

/**
 * The text of `fileCaseAtOnce`'s statement, written once: the case's columns are $1…$N, then the
 * idempotency key, the events, the event-append lock and the outbox rows (JSON). A fixed text sent
 * with `prepare: true` is parsed and planned once per connection like a tagged template, without
 * postgres.js building the 47-column insert again for every filing (heap sampling: an intake on
 * PostgreSQL allocated 293 KB with the `sql(row)` helper, 277 KB with this).
 */
const FILE_AT_ONCE = `
    with new_case as (
      insert into cases (${CASE_INSERT_COLUMNS.map((c) => `"${c}"`).join(',')})
      values (${CASE_INSERT_COLUMNS.map((_, i) => `$${i + 1}`).join(',')}) returning *),
    key as (
      insert into idempotency_keys (key, request_hash, case_id, created_at)
      select k.key, k.request_hash, new_case.id, k.created_at
      from new_case, jsonb_to_recordset(${paramAfterCase(1)}::text::jsonb)
        as k(key text, request_hash text, created_at text)),
    appended as (
      insert into case_events (case_id, case_number, seq, type, actor_user_id, actor_role, actor_name, actor_unit_code, at, from_state, to_state, reason, note, attachments, action)
      select new_case.id, e.case_number, e.seq, e.type, e.actor_user_id, e.actor_role, e.actor_name, e.actor_unit_code, e.at, e.from_state, e.to_state, e.reason, e.note, e.attachments, e.action
      from new_case, jsonb_populate_recordset(null::case_events, ${paramAfterCase(2)}::text::jsonb) as e
      where (select pg_advisory_xact_lock(${paramAfterCase(3)})::text) is not null
      returning id, seq),
    queued as (
      insert into notification_outbox (case_id, event_id, kind, phone, lang, params, status, attempts, next_attempt_at, created_at)
      select new_case.id, appended.id, o.kind, o.phone, o.lang, o.params, 'pending', 0, o.at, o.at
      from new_case, jsonb_to_recordset(${paramAfterCase(4)}::text::jsonb)
        as o(seq integer, kind text, phone text, lang text, params jsonb, at text)
        left join appended on appended.seq = o.seq
      on conflict do nothing)
    select new_case.*, (select jsonb_agg(jsonb_build_array(id, seq)) from appended) as appended_ids__
    from new_case`;

/**
 * The common filing in ONE statement, so in one round trip and its own transaction: the case row,
 * its idempotency key, its events (under the event-append lock, taken by the events' insert) and the
 * hooks' outbox rows, as data-modifying CTEs. For a case with no follow-ups and no citizen report
 * (`canFileAtOnce`); the rest go through `fileCaseRows` and phase 2. The hooks run before the
 * statement, on the case and events as they will be stored: the case's id is not known yet (0) and
 * each event carries the negated seq as its id; the statement puts the real ids in.
 */
export async function fileCaseAtOnce(
  sql: PgSql,
  input: CreateCaseInput,
  caseNumber: string,
  planned: PlannedEvent[],
  hooks: readonly CaseEventHook[],
): Promise<{ record: CaseRecord; events: StoredCaseEvent[] }> {
  const row = newCaseRow(input, caseNumber, planned);
  const provisional: PendingChange = { record: rowToCase({ id: 0, ...row }), planned };
  const events = eventRowsOf([provisional]).map((r) => ({ ...r, id: -r.seq }) as StoredCaseEvent);
  const outbox = hooks.flatMap((hook) => hook(provisional.record, events, null));
  const idem = input.idempotency ?? null;
  const params = CASE_INSERT_COLUMNS.map((c) => row[c]);
  params.push(
    JSON.stringify(
      idem ? [{ key: idem.key, request_hash: idem.requestHash, created_at: planned[0]!.e.at }] : [],
    ),
    JSON.stringify(events.map((r) => columnsOf({ ...r }, Object.keys(r)))),
    EVENT_APPEND_LOCK,
    JSON.stringify(
      outbox.map((o) => ({
        seq: o.eventId === null ? null : -o.eventId,
        kind: o.kind,
        phone: o.phone,
        lang: o.lang,
        params: o.params,
        at: o.at,
      })),
    ),
  );
  const [result] = await sql.unsafe(FILE_AT_ONCE, params as postgres.ParameterOrJSON<never>[], {
    prepare: true,
  });
  const { appended_ids__: ids, ...stored } = result as Record<string, unknown>;
  const record = rowToCase(stored);
  const idOf = new Map((ids as Array<[number, number]>).map(([id, seq]) => [seq, id]));
  return {
    record,
    events: events.map((e) => ({ ...e, id: idOf.get(e.seq)!, caseId: record.id })),
  };
}

/** Whether a new case can be filed by `fileCaseAtOnce`: no citizen report, no follow-up on another case. */
export const canFileAtOnce = (input: CreateCaseInput, caseNumber: string, planned: readonly PlannedEvent[]) =>
  !input.citizenReport && planned.every((p) => followUpsOf(caseNumber, p.action).length === 0);
