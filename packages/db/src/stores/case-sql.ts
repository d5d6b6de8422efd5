import type Database from 'better-sqlite3';
import type { CaseAction, CaseState } from '@citygrid/domain';
import type { CaseRecord, StoredCaseEvent } from './case-types.ts';

/**
 * The hot write path of the case store as cached prepared statements (drizzle builds and prepares
 * SQL on every call, which cost more than the writes themselves). SQLite dialect; the schema is
 * still defined once, in schema/index.ts.
 */
/** A schema key as its column is named in SQL (the database's `casing: 'snake_case'`). */
export const snake = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const camelCache = new Map<string, string>();
const camel = (k: string) => {
  let c = camelCache.get(k);
  if (!c) {
    c = k.replace(/_([a-z])/g, (_m, x: string) => x.toUpperCase());
    camelCache.set(k, c);
  }
  return c;
};

const CASE_COLUMNS = [
  'caseNumber',
  'source',
  'nature',
  'minorClassCode',
  'hotlineCategory',
  'description',
  'urgency',
  'callerName',
  'callerPhone',
  'lat',
  'lng',
  'address',
  'gridVersionId',
  'cellCode',
  'communityCode',
  'subDistrictCode',
  'limitAmount',
  'limitUnit',
  'reportedAt',
  'reporterEmail',
  'mediaUrl',
  'open311Token',
  'publicConsent',
  'updatedAt',
] as const;
export const SNAPSHOT_COLUMNS = [
  'state',
  'unitCode',
  'version',
  'verified',
  'dispatchCount',
  'redispatchCount',
  'reworkCount',
  'extensionCount',
  'returnCount',
  'extensionAmount',
  'pendingExtensionAmount',
  'satisfaction',
  'mergedInto',
  'duplicateCount',
  'routeRuleId',
  'routeExplanation',
  'firstDispatchedAt',
  'dispatchedAt',
  'dueAt',
  'disposedAt',
  'closedAt',
  'disposedLate',
  'disposalMillis',
] as const;
const BOOLEAN_COLUMNS = new Set(['verified', 'disposedLate', 'publicConsent']);

/**
 * The one place a raw SQLite row becomes a typed record: the column set is fixed by the schema
 * (schema/index.ts) and the statements below, so the mapping is checked by the store's tests, not by
 * the compiler. Nothing else in the repository converts through `unknown`.
 */
function typedRow<T>(row: Record<string, unknown>): T {
  return row as unknown as T;
}

export function rowToCase(row: Record<string, unknown>): CaseRecord {
  const out: Record<string, unknown> = {};
  for (const k in row) {
    const key = camel(k);
    out[key] = BOOLEAN_COLUMNS.has(key) ? row[k] === 1 || row[k] === true : row[k];
  }
  return typedRow<CaseRecord>(out);
}

export function rowToEvent(row: Record<string, unknown>): StoredCaseEvent {
  const out: Record<string, unknown> = {};
  for (const k in row) out[camel(k)] = row[k];
  out.attachments =
    typeof out.attachments === 'string' ? JSON.parse(out.attachments) : (out.attachments ?? []);
  out.action = typeof out.action === 'string' ? (JSON.parse(out.action) as CaseAction) : out.action;
  out.fromState = (out.fromState ?? null) as CaseState | null;
  return typedRow<StoredCaseEvent>(out);
}

/** Values for a statement's named parameters: booleans as 0/1, undefined as null. */
export function bindValues(obj: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    const v = obj[k];
    out[k] = typeof v === 'boolean' ? (v ? 1 : 0) : v === undefined ? null : v;
  }
  return out;
}

export function prepareCaseStatements(sqlite: Database.Database) {
  const allCaseCols = [...CASE_COLUMNS, ...SNAPSHOT_COLUMNS];
  return {
    allCaseCols,
    insertCase: sqlite.prepare(
      `insert into cases (${allCaseCols.map(snake).join(', ')}) values (${allCaseCols.map((c) => `@${c}`).join(', ')}) returning *`,
    ),
    updateSnapshot: sqlite.prepare(
      `update cases set ${[...SNAPSHOT_COLUMNS, 'updatedAt'].map((c) => `${snake(c)} = @${c}`).join(', ')} where id = @id and version = @prevVersion returning *`,
    ),
    byNumber: sqlite.prepare('select * from cases where case_number = ?'),
    byId: sqlite.prepare('select * from cases where id = ?'),
    byIds: sqlite.prepare('select * from cases where id in (select value from json_each(?))'),
    insertEvent: sqlite.prepare(
      `insert into case_events (case_id, case_number, seq, type, actor_user_id, actor_role, actor_name, actor_unit_code, at, from_state, to_state, reason, note, attachments, action)
       values (@caseId, @caseNumber, @seq, @type, @actorUserId, @actorRole, @actorName, @actorUnitCode, @at, @fromState, @toState, @reason, @note, @attachments, @action) returning id`,
    ),
    nextNumber: sqlite.prepare(
      'insert into case_number_counters (day, last) values (?, 1) on conflict (day) do update set last = last + 1 returning last',
    ),
    idemGet: sqlite.prepare(
      'select request_hash as requestHash, case_id as caseId from idempotency_keys where key = ?',
    ),
    idemPut: sqlite.prepare(
      'insert into idempotency_keys (key, request_hash, case_id, created_at) values (?, ?, ?, ?)',
    ),
    eventsOf: sqlite.prepare('select * from case_events where case_id = ? order by seq'),
    eventsAfter: sqlite.prepare('select * from case_events where id > ? order by id limit ?'),
    lastEventId: sqlite.prepare('select max(id) as m from case_events'),
    eventsBetween: sqlite.prepare(
      `select e.* from case_events e join cases c on c.id = e.case_id
       where e.at >= @from and e.at < @to and e.type not in (select value from json_each(@excludeTypes))
         and (@publicOnly = 0 or c.source <> 'hotline' or c.public_consent = 1)
       order by e.at, e.id limit @limit offset @offset`,
    ),
    byOpen311Token: sqlite.prepare('select * from cases where open311_token = ?'),
  };
}
export type CaseStatements = ReturnType<typeof prepareCaseStatements>;
