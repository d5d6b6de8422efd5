import type { CaseAction, CaseState, Viewer } from '@citygrid/domain';
import type { CitizenReportRow, NewOutboxEntry } from './citizen-store-port.ts';
import type {
  CaseFilter,
  CaseRecord,
  CaseSummaryRow,
  EvaluationGroup,
  EvaluationRow,
  EventToApply,
  NewCaseFields,
  StoredCaseEvent,
} from './case-types.ts';

export interface CreateCaseInput {
  fields: NewCaseFields;
  /** Events in order; the first must be `report`. Plain data: the store applies them through the domain's state machine. */
  events: ReadonlyArray<EventToApply & { action: CaseAction }>;
  idempotency?: { key: string; requestHash: string };
  /** The citizen channel's row for an online report, written in the same transaction (not on replay). */
  citizenReport?: Omit<CitizenReportRow, 'id' | 'caseId'>;
}

export interface AppliedChange {
  record: CaseRecord;
  events: StoredCaseEvent[];
}

/** What `createCase` returns: the new case (or the one its idempotency key already made) and the changes it caused. */
export interface CreatedCase {
  record: CaseRecord;
  events: StoredCaseEvent[];
  replayed: boolean;
  /** Other cases changed in the same transaction (the domain's `followUpsOf`, e.g. an original recording a merged call). */
  followed: AppliedChange[];
}

/**
 * Decides, from data alone, what the transaction that appended `events` must also queue: the
 * notification outbox rows (SMS to the caller or online reporter). The store passes the citizen
 * report of an online case (null otherwise) and writes the returned rows in the same transaction, so
 * both backends run the same hook with no I/O inside it.
 */
export type CaseEventHook = (
  record: CaseRecord,
  events: readonly StoredCaseEvent[],
  citizenReport: CitizenReportRow | null,
) => readonly NewOutboxEntry[];

export interface ApplyActionInput {
  caseNumber: string;
  /**
   * Optimistic concurrency: the version the actor saw, and the one the action was built from (a
   * deadline from the case's limit). Omit only for system actions that depend on no earlier state.
   */
  expectedVersion?: number;
  /**
   * Who asks, when a person does: the domain's `canSeeCase` decides whether they may see the case at
   * all. Checked before the version, so a refusal reveals nothing about the case's state.
   */
  viewer?: Viewer;
  event: EventToApply;
  action: CaseAction;
}

/** What `applyAction` returns: the case after the action, its event, and the other cases changed with it. */
export interface AppliedAction {
  record: CaseRecord;
  event: StoredCaseEvent;
  followed: AppliedChange[];
}

/** A stored attachment's metadata (the bytes live in the attachment blob store). */
export interface AttachmentRecord {
  sha256: string;
  mime: string;
  size: number;
  caseId: number | null;
  uploadedBy: number | null;
  createdAt: string;
}

/** Options of an evaluation (综合考评) over the cases first dispatched in [from, to). */
export interface EvaluationQuery {
  from: string;
  to: string;
  now: string;
  groupBy: EvaluationGroup;
  filter?: CaseFilter;
}

/**
 * Cases and their append-only event log, as the services use them: what both backends implement
 * (`CaseStore` on SQLite, `PgCaseStore` on PostgreSQL). Every method is async so either backend fits;
 * semantics are documented on the SQLite implementation and in packages/db/CONTEXT.md.
 */
export interface CaseStorePort {
  readonly backend: 'sqlite' | 'postgres';
  /** Register a hook whose outbox rows are written in the same transaction as every appended event. */
  addEventHook(hook: CaseEventHook): void;
  createCase(input: CreateCaseInput): Promise<CreatedCase>;
  applyAction(input: ApplyActionInput): Promise<AppliedAction>;
  /** Seeders: file many cases with their histories in one transaction, no hooks, nothing published. */
  createCasesBulk(jobs: readonly CreateCaseInput[]): Promise<void>;

  getByNumber(caseNumber: string): Promise<CaseRecord | null>;
  getById(id: number): Promise<CaseRecord | null>;
  /** The cases with these ids, in no particular order (missing ids are left out). */
  getByIds(ids: readonly number[]): Promise<CaseRecord[]>;
  getByOpen311Token(token: string): Promise<CaseRecord | null>;
  listEvents(caseId: number): Promise<StoredCaseEvent[]>;
  listEventsAfter(afterId: number, limit?: number): Promise<StoredCaseEvent[]>;
  listEventsBetween(f: {
    from: string;
    to: string;
    excludeTypes?: readonly string[];
    publicOnly?: boolean;
    limit?: number;
    offset?: number;
  }): Promise<StoredCaseEvent[]>;
  lastEventId(): Promise<number>;

  list(f: CaseFilter): Promise<CaseRecord[]>;
  listSummaries(f: CaseFilter): Promise<CaseSummaryRow[]>;
  openSummaries(ids: readonly number[] | null): Promise<Array<CaseSummaryRow & { id: number }>>;
  caseIdsWithEventsBetween(afterId: number, upToId: number): Promise<number[]>;
  listMarkersJson(f: CaseFilter, limit: number): Promise<{ json: string; truncated: boolean }>;
  count(f: CaseFilter): Promise<number>;
  countByLocationKind(f: CaseFilter): Promise<Record<'no_location' | 'outside_grid' | 'in_grid', number>>;
  listInBoxes(
    boxes: ReadonlyArray<{
      minorClassCode: string | null;
      south: number;
      west: number;
      north: number;
      east: number;
    }>,
    states: readonly CaseState[],
    limit?: number,
  ): Promise<CaseRecord[]>;
  countBy(
    column: 'cellCode' | 'unitCode' | 'state' | 'communityCode' | 'hotlineCategory',
    f: CaseFilter,
  ): Promise<Array<{ key: string | null; n: number }>>;
  evaluate(opts: EvaluationQuery): Promise<EvaluationRow[]>;
  evaluateWithTotal(opts: EvaluationQuery): Promise<{ rows: EvaluationRow[]; total: EvaluationRow | null }>;
  countDispatched(opts: {
    from: string;
    to: string;
    groupBy: EvaluationGroup;
    filter?: CaseFilter;
  }): Promise<Array<{ key: string | null; n: number }>>;
  dailyIntake(from: string, to: string): Promise<Array<{ day: string; n: number }>>;
  countClosedBetween(from: string, to: string): Promise<number>;

  addAttachment(a: {
    sha256: string;
    mime: string;
    size: number;
    uploadedBy: number | null;
    createdAt: string;
  }): Promise<void>;
  getAttachment(sha: string): Promise<AttachmentRecord | null>;
  casesReferencingAttachment(sha: string): Promise<string[]>;
}

/**
 * The reads of figures over past periods (the evaluation, the reports, the intake trend), where data
 * a few seconds old is fine: on PostgreSQL they may go to a standby (`DATABASE_READ_URL`).
 */
export type CaseHistoryReads = Pick<
  CaseStorePort,
  'evaluate' | 'evaluateWithTotal' | 'countDispatched' | 'dailyIntake'
>;
