import type { Actor, CaseAction, CaseSnapshot, CaseState } from '@citygrid/domain';

/** A case as stored: intake facts plus the projection of its event log. */
export interface CaseRecord extends CaseSnapshot {
  readonly id: number;
  readonly caseNumber: string;
  readonly source: string;
  readonly nature: string;
  readonly minorClassCode: string;
  readonly hotlineCategory: string;
  readonly description: string;
  readonly urgency: 'normal' | 'urgent';
  readonly callerName: string | null;
  readonly callerPhone: string | null;
  readonly lat: number | null;
  readonly lng: number | null;
  readonly address: string | null;
  readonly gridVersionId: number | null;
  readonly cellCode: string | null;
  readonly communityCode: string | null;
  readonly subDistrictCode: string | null;
  readonly routeRuleId: string | null;
  readonly routeExplanation: string | null;
  readonly limitAmount: number;
  readonly limitUnit: string;
  readonly reportedAt: string;
  readonly updatedAt: string;
  readonly reporterEmail: string | null;
  readonly mediaUrl: string | null;
  readonly open311Token: string | null;
  readonly publicConsent: boolean;
}

/** Optional at intake: only Open311 requests carry a media URL and a token; consent defaults to no. */
type OptionalNewFields = 'mediaUrl' | 'open311Token' | 'publicConsent';
export type NewCaseFields = Omit<
  CaseRecord,
  keyof CaseSnapshot | 'id' | 'caseNumber' | 'updatedAt' | OptionalNewFields
> &
  Partial<Pick<CaseRecord, OptionalNewFields>>;

export interface StoredCaseEvent {
  readonly id: number;
  readonly caseId: number;
  readonly caseNumber: string;
  readonly seq: number;
  readonly type: CaseAction['type'];
  readonly actorUserId: number | null;
  readonly actorRole: string;
  readonly actorName: string;
  readonly actorUnitCode: string | null;
  readonly at: string;
  readonly fromState: CaseState | null;
  readonly toState: CaseState;
  readonly reason: string | null;
  readonly note: string | null;
  readonly attachments: string[];
  readonly action: CaseAction;
}

export interface EventToApply {
  readonly actor: Actor;
  readonly actorName: string;
  readonly at: string;
}

export interface CaseFilter {
  states?: readonly CaseState[];
  /** Only cases not yet closed, voided or merged (served by a partial index). */
  openOnly?: boolean;
  unitCode?: string;
  cellCode?: string;
  communityCode?: string;
  subDistrictCode?: string;
  minorClassCode?: string;
  hotlineCategory?: string;
  callerPhone?: string;
  /** Only cases that may be published without an API key (not hotline cases without the caller's consent). */
  publicOnly?: boolean;
  reportedFrom?: string;
  reportedTo?: string;
  overdueAt?: string; // only cases with dueAt < this instant
  /** Part of a case number, description, address, or caller phone (spaces and dashes ignored). */
  search?: string;
  orderBy?: 'due' | 'reported_desc' | 'updated_desc';
  limit?: number;
  offset?: number;
}

export interface EvaluationRow {
  key: string | null;
  /** Cases first dispatched in the period: the cohort that is due to be closed (应结案数). */
  dispatched: number;
  filed: number;
  disposed: number;
  disposedOnTime: number;
  closed: number;
  closedOnTime: number;
  reworked: number;
  redispatched: number;
  overdueOpen: number;
  avgDisposalHours: number | null;
  /** Cases of the cohort the caller rated (the sample behind `avgSatisfaction`). */
  rated: number;
  avgSatisfaction: number | null;
}

export type EvaluationGroup = 'unit' | 'community' | 'category' | 'cell' | 'none';

/** The columns of a case the live map shows (all held in the covering partial index `cases_open_due`). */
export const SUMMARY_COLUMNS = [
  'caseNumber',
  'state',
  'version',
  'unitCode',
  'lat',
  'lng',
  'cellCode',
  'communityCode',
  'minorClassCode',
  'hotlineCategory',
  'urgency',
  'reportedAt',
  'dispatchedAt',
  'dueAt',
  'limitUnit',
  'description',
] as const satisfies ReadonlyArray<keyof CaseRecord>;
export type CaseSummaryRow = Pick<CaseRecord, (typeof SUMMARY_COLUMNS)[number]>;
