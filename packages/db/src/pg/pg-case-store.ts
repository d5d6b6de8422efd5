import { DomainError } from '@citygrid/domain';
import type { CaseCoreStore } from '../stores/case-core.ts';
import { rowToCase, rowToEvent } from '../stores/case-sql.ts';
import type { CaseStorePort } from '../stores/case-store-port.ts';
import type {
  AppliedAction,
  AppliedChange,
  ApplyActionInput,
  CaseEventHook,
  CreateCaseInput,
  CreatedCase,
} from '../stores/case-store.ts';
import type { CaseRecord, StoredCaseEvent } from '../stores/case-types.ts';
import type { PgDatabase, PgSql } from './client.ts';
import {
  actionRows,
  appendEvents,
  canFileAtOnce,
  drawCaseNumber,
  fileCaseAtOnce,
  fileCaseRows,
  followUpRows,
  planNewCase,
  reportsOf,
  type PendingChange,
  type Tx,
} from './pg-case-tx.ts';

import { fileCasesBulkRows } from './pg-case-bulk.ts';
import { pgEnqueueOutbox } from './pg-citizen-store.ts';

export { EVENT_APPEND_LOCK } from './pg-case-tx.ts';

/*
 * The case core on PostgreSQL. Every guarantee is the database's, not this process's, so any number
 * of nodes can write at once:
 * - a case is filed (row, events, idempotency key, citizen report) in one transaction, and so is an
 *   action; the follow-ups on other cases (`followUpsOf`: a merged call makes the original record
 *   `link_duplicate`) and the hooks' outbox rows are written in that same transaction; the promise
 *   resolves after COMMIT. The steps, and the order of their locks, are in pg-case-tx.ts;
 * - case numbers: `insert … on conflict do update … returning` on the day's counter row, which
 *   PostgreSQL serialises with a row lock (unique across nodes; a rolled-back filing gives its number back);
 * - optimistic versions: the row is locked (`for update`), the version compared, and the update
 *   guarded by `where version = old`;
 * - idempotency keys: the primary key of `idempotency_keys`; a concurrent duplicate fails with a
 *   unique violation, and the loser answers with the winner's case;
 * - event ids: one `bigint` identity sequence. Appending events takes a transaction advisory lock,
 *   held until COMMIT, so event ids become visible in id order: a reader that has seen event N will
 *   never later find a committed event below N (what `Last-Event-ID` and LISTEN/NOTIFY catch-up rely on).
 *   The price: appends commit one transaction at a time (PostgreSQL's own WAL flush still batches),
 *   so everything else (row locks, checks, updates, reading citizen reports) is done before it is taken.
 */

/**
 * The NOTIFY channel of new events; the payload is the highest event id of the transaction. Sent
 * inside the appending transaction, so PostgreSQL delivers it at COMMIT (never for a rollback).
 */
export const EVENTS_CHANNEL = 'citygrid_case_events';

const isUniqueViolation = (e: unknown, constraint: string): boolean =>
  typeof e === 'object' &&
  e !== null &&
  (e as { code?: string }).code === '23505' &&
  (e as { constraint_name?: string }).constraint_name === constraint;

/** The write side of `CaseStorePort` and the case core; the reads are `PgCaseReads` (pg-case-reads.ts). */
type PgCaseWrites = Pick<
  CaseStorePort,
  | 'backend'
  | 'addEventHook'
  | 'createCase'
  | 'applyAction'
  | 'createCasesBulk'
  | 'getByNumber'
  | 'listEvents'
  | 'listEventsAfter'
  | 'lastEventId'
>;

/** The largest event id among the changes (0 when none). */
const lastIdOf = (changes: ReadonlyArray<{ events: ReadonlyArray<{ id: number }> }>): number =>
  changes.reduce((m, c) => c.events.reduce((n, e) => Math.max(n, e.id), m), 0);

export class PgCaseStore implements CaseCoreStore, PgCaseWrites {
  readonly backend = 'postgres' as const;
  private readonly sql: PgSql;
  private readonly notify: boolean;
  private readonly eventHooks: CaseEventHook[] = [];

  /** `notify: false` appends without NOTIFY (tests use it to stand for a lost notification). */
  constructor(database: Pick<PgDatabase, 'sql'>, opts: { notify?: boolean } = {}) {
    this.sql = database.sql;
    this.notify = opts.notify ?? true;
  }

  /**
   * Register a hook run in the same transaction as every event appended by createCase/applyAction
   * (not by createCasesBulk, nor on an idempotent replay); the outbox rows it returns are written in
   * that transaction. Hooks are this node's code, registered at start: every node registers the same.
   */
  addEventHook(hook: CaseEventHook): void {
    this.eventHooks.push(hook);
  }

  private announced = 0;
  private announcing: Promise<void> | null = null;

  /**
   * After COMMIT, tell every node that events up to `lastId` exist. Not inside the transaction: a
   * NOTIFY takes PostgreSQL's notification-queue lock at COMMIT and holds it through the WAL flush,
   * which would make every filing commit one at a time. Coalesced: while one NOTIFY is on its way,
   * later ones wait and go as one. A NOTIFY lost to a crash right after COMMIT only delays the other
   * nodes until their follower's poll (pg-event-follower.ts).
   */
  private announce(lastId: number): void {
    if (!this.notify || lastId <= this.announced) return;
    this.announced = lastId;
    if (this.announcing) return;
    const send = async (): Promise<void> => {
      let sent = 0;
      while (sent < this.announced) {
        sent = this.announced;
        await this.sql`select pg_notify(${EVENTS_CHANNEL}, ${String(sent)})`;
      }
    };
    this.announcing = send()
      .catch(() => undefined)
      .finally(() => {
        this.announcing = null;
      });
  }

  /**
   * Phase 2 of a transaction (pg-case-tx.ts): append the changes' events, run the hooks over each
   * change (the citizen report of an online case is read before the append lock is taken) and write
   * their outbox rows, announce the last event id. Returns each change with its stored events.
   */
  private async finish(tx: Tx, changes: readonly PendingChange[]): Promise<AppliedChange[]> {
    const reports = this.eventHooks.length
      ? await reportsOf(
          tx,
          changes.map((c) => c.record),
        )
      : null;
    const stored = await appendEvents(tx, changes);
    const applied = changes.map((c, i) => ({ record: c.record, events: stored[i]! }));
    if (reports) {
      const entries = applied.flatMap(({ record, events }) =>
        this.eventHooks.flatMap((hook) => hook(record, events, reports.get(record.id) ?? null)),
      );
      await pgEnqueueOutbox(tx, entries);
    }
    return applied;
  }

  /** The case an idempotency key made, or null; refuses a key used for a different request. */
  private async findIdempotent(tx: Tx, key: string, requestHash: string): Promise<CaseRecord | null> {
    const [seen] = await tx`select request_hash, case_id from idempotency_keys where key = ${key}`;
    if (!seen) return null;
    if (seen.request_hash !== requestHash)
      throw new DomainError('IDEMPOTENCY_MISMATCH', 'this idempotency key was used for a different request', {
        field: 'idempotencyKey',
      });
    const [row] = await tx`select * from cases where id = ${seen.case_id as number}`;
    if (!row)
      throw new DomainError('NOT_FOUND', 'case for idempotency key vanished', { field: 'idempotencyKey' });
    return rowToCase(row);
  }

  /**
   * File a case with its events, idempotency key, citizen report, the follow-ups on other cases and
   * the hooks' outbox rows in one transaction; resolves after COMMIT. Idempotent on the key: a replay
   * writes nothing and runs no hook.
   */
  async createCase(input: CreateCaseInput): Promise<CreatedCase> {
    const idem = input.idempotency;
    const replay = async (): Promise<CreatedCase | null> => {
      const seen = idem && (await this.findIdempotent(this.sql, idem.key, idem.requestHash));
      return seen ? { record: seen, events: [], replayed: true, followed: [] } : null;
    };
    const seen = await replay();
    if (seen) return seen;
    // the domain's state machine is pure: run it before the transaction opens
    const planned = planNewCase(input.events);
    try {
      const caseNumber = await drawCaseNumber(this.sql, input.fields.reportedAt);
      if (canFileAtOnce(input, caseNumber, planned)) {
        const filed = await fileCaseAtOnce(this.sql, input, caseNumber, planned, this.eventHooks);
        this.announce(lastIdOf([filed]));
        return { ...filed, replayed: false, followed: [] };
      }
      const created = await this.sql.begin(async (tx) => {
        const [filed, ...followed] = await this.finish(
          tx,
          await fileCaseRows(tx, input, caseNumber, planned),
        );
        return { record: filed!.record, events: filed!.events, replayed: false, followed };
      });
      this.announce(lastIdOf([created, ...created.followed]));
      return created;
    } catch (e) {
      // another node filed the same key first: answer with its case (or refuse a different request)
      if (idem && isUniqueViolation(e, 'idempotency_keys_pkey')) {
        const winner = await replay();
        if (winner) return winner;
      }
      throw e;
    }
  }

  /**
   * Apply an action: `FORBIDDEN` when the viewer may not see the case (checked first), `CONFLICT`
   * (row unchanged) when `expectedVersion` is not the stored version; the follow-ups on other cases
   * and the hooks' outbox rows are written in the same transaction.
   */
  async applyAction(input: ApplyActionInput): Promise<AppliedAction> {
    const applied = await this.sql.begin(async (tx) => {
      const main = await actionRows(tx, input);
      const follow = await followUpRows(tx, main.record.caseNumber, input.event, input.action);
      const [done, ...followed] = await this.finish(tx, [main, ...follow]);
      return { record: done!.record, event: done!.events[0]!, followed };
    });
    this.announce(Math.max(applied.event.id, lastIdOf(applied.followed)));
    return applied;
  }

  /**
   * Seeders: file many cases with their histories (reports, follow-ups, idempotency keys) in one
   * transaction; no hooks, one NOTIFY at the end. A job fails the whole batch.
   */
  async createCasesBulk(jobs: readonly CreateCaseInput[]): Promise<void> {
    const planned = jobs.map((input) => ({ input, planned: planNewCase(input.events) }));
    const last = await this.sql.begin(async (tx) => {
      const changes = await fileCasesBulkRows(tx, planned);
      if (changes.length === 0) return 0;
      const stored = await appendEvents(tx, changes);
      return stored.flat().reduce((m, e) => Math.max(m, e.id), 0);
    });
    this.announce(last);
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
