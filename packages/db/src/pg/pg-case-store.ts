import { getTableColumns } from 'drizzle-orm';
import type postgres from 'postgres';
import {
  applyCaseEvent,
  canSeeCase,
  DomainError,
  type CaseAction,
  type CaseSnapshot,
  type CaseState,
} from '@citygrid/domain';
import type { CaseCoreStore, CoreApplyInput, CoreCreateInput } from '../stores/case-core.ts';
import { rowToCase, rowToEvent } from '../stores/case-sql.ts';
import { beijingDay, snapshotOf } from '../stores/case-store.ts';
import type { CaseRecord, EventToApply, StoredCaseEvent } from '../stores/case-types.ts';
import type { PgDatabase, PgSql } from './client.ts';
import { cases } from './schema.ts';

/*
 * The case core on PostgreSQL. Every guarantee is the database's, not this process's, so any number
 * of nodes can write at once:
 * - a case is filed (row, events, idempotency key) in one transaction; the promise resolves after COMMIT;
 * - case numbers: `insert … on conflict do update … returning` on the day's counter row, which
 *   PostgreSQL serialises with a row lock (unique across nodes; a rolled-back filing gives its number back);
 * - optimistic versions: the row is locked (`for update`), the version compared, and the update
 *   guarded by `where version = old`;
 * - idempotency keys: the primary key of `idempotency_keys`; a concurrent duplicate fails with a
 *   unique violation, and the loser answers with the winner's case;
 * - event ids: one `bigint` identity sequence. Appending events takes a transaction advisory lock,
 *   held until COMMIT, so event ids become visible in id order: a reader that has seen event N will
 *   never later find a committed event below N (what `Last-Event-ID` and LISTEN/NOTIFY catch-up rely on).
 *   The price: appends commit one transaction at a time (PostgreSQL's own WAL flush still batches).
 */

/** Key of the transaction advisory lock that orders event appends. */
export const EVENT_APPEND_LOCK = 7_310_002;
/**
 * The NOTIFY channel of new events; the payload is the highest event id of the transaction. Sent
 * inside the appending transaction, so PostgreSQL delivers it at COMMIT (never for a rollback).
 */
export const EVENTS_CHANNEL = 'citygrid_case_events';

const snake = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
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

const isUniqueViolation = (e: unknown, constraint: string): boolean =>
  typeof e === 'object' &&
  e !== null &&
  (e as { code?: string }).code === '23505' &&
  (e as { constraint_name?: string }).constraint_name === constraint;

type Tx = PgSql | postgres.TransactionSql;

export class PgCaseStore implements CaseCoreStore {
  readonly backend = 'postgres' as const;
  private readonly sql: PgSql;
  private readonly notify: boolean;

  /** `notify: false` appends without NOTIFY (tests use it to stand for a lost notification). */
  constructor(database: Pick<PgDatabase, 'sql'>, opts: { notify?: boolean } = {}) {
    this.sql = database.sql;
    this.notify = opts.notify ?? true;
  }

  private async announce(tx: Tx, lastId: number): Promise<void> {
    if (this.notify) await tx`select pg_notify(${EVENTS_CHANNEL}, ${String(lastId)})`;
  }

  private async insertEvent(
    tx: Tx,
    caseId: number,
    caseNumber: string,
    e: EventToApply,
    action: CaseAction,
    from: CaseState | null,
    next: CaseSnapshot,
  ): Promise<StoredCaseEvent> {
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
    const [inserted] = await tx`
      insert into case_events (case_id, case_number, seq, type, actor_user_id, actor_role, actor_name, actor_unit_code, at, from_state, to_state, reason, note, attachments, action)
      values (${caseId}, ${caseNumber}, ${row.seq}, ${row.type}, ${row.actorUserId}, ${row.actorRole}, ${row.actorName}, ${row.actorUnitCode}, ${row.at},
              ${row.fromState}, ${row.toState}, ${row.reason}, ${row.note}, ${JSON.stringify(attachments)}::text::jsonb, ${JSON.stringify(action)}::text::jsonb)
      returning id`;
    return { id: (inserted as { id: number }).id, ...row, attachments, action } as StoredCaseEvent;
  }

  private async findIdempotent(key: string, requestHash: string): Promise<CaseRecord | null> {
    const [seen] = await this.sql`select request_hash, case_id from idempotency_keys where key = ${key}`;
    if (!seen) return null;
    if (seen.request_hash !== requestHash)
      throw new DomainError('IDEMPOTENCY_MISMATCH', 'this idempotency key was used for a different request', {
        field: 'idempotencyKey',
      });
    const [row] = await this.sql`select * from cases where id = ${seen.case_id as number}`;
    if (!row)
      throw new DomainError('NOT_FOUND', 'case for idempotency key vanished', { field: 'idempotencyKey' });
    return rowToCase(row);
  }

  async createCase(
    input: CoreCreateInput,
  ): Promise<{ record: CaseRecord; events: StoredCaseEvent[]; replayed: boolean }> {
    const idem = input.idempotency;
    if (idem) {
      const seen = await this.findIdempotent(idem.key, idem.requestHash);
      if (seen) return { record: seen, events: [], replayed: true };
    }
    const first = input.events[0];
    if (!first) throw new DomainError('BAD_INPUT', 'a case needs its report event', { field: 'events' });
    // the domain's state machine is pure: run it before the transaction opens
    let snap: CaseSnapshot | null = null;
    const applied: Array<{
      e: EventToApply;
      action: CaseAction;
      from: CaseState | null;
      next: CaseSnapshot;
    }> = [];
    for (const e of input.events) {
      const action = e.action;
      const next = applyCaseEvent(snap, { action, actor: e.actor, at: e.at });
      applied.push({ e, action, from: snap?.state ?? null, next });
      snap = next;
    }
    const last = applied[applied.length - 1]!;
    try {
      return await this.sql.begin(async (tx) => {
        const day = beijingDay(input.fields.reportedAt);
        const [counter] = await tx`insert into case_number_counters (day, last) values (${day}, 1)
          on conflict (day) do update set last = case_number_counters.last + 1 returning last`;
        const caseNumber = `${day}-${String((counter as { last: number }).last).padStart(4, '0')}`;
        const values = columnsOf(
          { publicConsent: false, ...input.fields, caseNumber, ...last.next, updatedAt: last.e.at },
          CASE_INSERT_KEYS,
        );
        const [row] = await tx`insert into cases ${tx(values)} returning *`;
        const record = rowToCase(row!);
        if (idem)
          await tx`insert into idempotency_keys (key, request_hash, case_id, created_at) values (${idem.key}, ${idem.requestHash}, ${record.id}, ${first.at})`;
        await tx`select pg_advisory_xact_lock(${EVENT_APPEND_LOCK})`;
        const events: StoredCaseEvent[] = [];
        for (const a of applied)
          events.push(await this.insertEvent(tx, record.id, caseNumber, a.e, a.action, a.from, a.next));
        await this.announce(tx, events[events.length - 1]!.id);
        return { record, events, replayed: false };
      });
    } catch (e) {
      // another node filed the same key first: answer with its case (or refuse a different request)
      if (idem && isUniqueViolation(e, 'idempotency_keys_pkey')) {
        const seen = await this.findIdempotent(idem.key, idem.requestHash);
        if (seen) return { record: seen, events: [], replayed: true };
      }
      throw e;
    }
  }

  async applyAction(input: CoreApplyInput): Promise<{ record: CaseRecord; event: StoredCaseEvent }> {
    return this.sql.begin(async (tx) => {
      const [row] = await tx`select * from cases where case_number = ${input.caseNumber} for update`;
      if (!row) throw new DomainError('NOT_FOUND', `no case ${input.caseNumber}`, { field: 'caseNumber' });
      const current = rowToCase(row);
      if (input.viewer && !canSeeCase(input.viewer, current.unitCode)) {
        throw new DomainError('FORBIDDEN', 'this case is not held by your unit', { field: 'caseNumber' });
      }
      if (input.expectedVersion !== undefined && input.expectedVersion !== current.version) {
        throw new DomainError(
          'CONFLICT',
          `case ${current.caseNumber} changed since you read it (now ${current.state}, version ${current.version})`,
          {
            field: 'expectedVersion',
            state: current.state,
            version: current.version,
          },
        );
      }
      const action = input.action;
      const next = applyCaseEvent(snapshotOf(current), {
        action,
        actor: input.event.actor,
        at: input.event.at,
      });
      const values = columnsOf({ ...next, updatedAt: input.event.at }, [...SNAPSHOT_KEYS, 'updatedAt']);
      const [updated] =
        await tx`update cases set ${tx(values)} where id = ${current.id} and version = ${current.version} returning *`;
      if (!updated)
        throw new DomainError('CONFLICT', 'case changed concurrently', { field: 'expectedVersion' });
      await tx`select pg_advisory_xact_lock(${EVENT_APPEND_LOCK})`;
      const event = await this.insertEvent(
        tx,
        current.id,
        current.caseNumber,
        input.event,
        action,
        current.state,
        next,
      );
      await this.announce(tx, event.id);
      return { record: rowToCase(updated), event };
    });
  }

  async getByNumber(caseNumber: string): Promise<CaseRecord | null> {
    const [row] = await this.sql`select * from cases where case_number = ${caseNumber}`;
    return row ? rowToCase(row) : null;
  }

  async listEvents(caseId: number): Promise<StoredCaseEvent[]> {
    return (await this.sql`select * from case_events where case_id = ${caseId} order by seq`).map((r) =>
      rowToEvent(r),
    );
  }

  async listEventsAfter(afterId: number, limit = 1000): Promise<StoredCaseEvent[]> {
    return (await this.sql`select * from case_events where id > ${afterId} order by id limit ${limit}`).map(
      (r) => rowToEvent(r),
    );
  }

  async lastEventId(): Promise<number> {
    const [r] = await this.sql`select coalesce(max(id), 0)::bigint as m from case_events`;
    return (r as { m: number }).m;
  }

  async casesWithEvents(
    afterId: number,
    limit: number,
  ): Promise<Array<{ record: CaseRecord; events: StoredCaseEvent[] }>> {
    const records = (
      await this.sql`select * from cases where id > ${afterId} order by id limit ${limit}`
    ).map((r) => rowToCase(r));
    if (records.length === 0) return [];
    const lastId = records[records.length - 1]!.id;
    const byCase = new Map<number, StoredCaseEvent[]>(records.map((r) => [r.id, []]));
    const events = await this
      .sql`select * from case_events where case_id > ${afterId} and case_id <= ${lastId} order by case_id, seq`;
    for (const e of events) byCase.get(e.case_id as number)?.push(rowToEvent(e));
    return records.map((record) => ({ record, events: byCase.get(record.id)! }));
  }
}
