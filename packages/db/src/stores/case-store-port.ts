import type { CaseState } from '@citygrid/domain';
import type {
  AppliedAction,
  ApplyActionInput,
  CaseEventHook,
  CaseSummaryRow,
  CreateCaseInput,
  CreatedCase,
} from './case-store.ts';
import type {
  CaseFilter,
  CaseRecord,
  EvaluationGroup,
  EvaluationRow,
  StoredCaseEvent,
} from './case-types.ts';

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
