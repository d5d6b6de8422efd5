export interface CitizenReportRow {
  id: number;
  caseId: number;
  trackingCode: string;
  lang: string;
  publicOk: boolean;
  photos: string[];
  coordSystem: string;
  createdAt: string;
}

/** A notification to queue in the outbox (what a `CaseEventHook` returns). */
export interface NewOutboxEntry {
  caseId: number;
  eventId: number | null;
  kind: string;
  phone: string;
  lang: string;
  params: Record<string, string>;
  at: string;
}

export interface OutboxRow {
  id: number;
  caseId: number;
  eventId: number | null;
  kind: string;
  phone: string;
  lang: string;
  params: Record<string, string>;
  status: 'pending' | 'sent' | 'failed';
  attempts: number;
  nextAttemptAt: string;
  lockedUntil: string | null;
  lastError: string | null;
  sentAt: string | null;
  createdAt: string;
}

export interface SinkRow {
  id: number;
  outboxId: number;
  phone: string;
  lang: string;
  kind: string;
  templateId: string;
  params: Record<string, string>;
  text: string;
  sentAt: string;
}

/** One delivery attempt of an outbox row, as the sender records it. */
export type OutboxOutcome =
  | { id: number; sent: true; at: string }
  | { id: number; sent: false; error: string; nextAttemptAt: string; giveUp: boolean };

/**
 * The citizen channel's rows as the services use them, on either backend (`CitizenStore` on SQLite,
 * `PgCitizenStore` on PostgreSQL). Reports are written by the case store inside `createCase` (its
 * `citizenReport`) and outbox rows by the case store's event hooks, in the same transaction as the
 * case write; this port reads them and runs the sender's side: claims, outcomes and the demo sink.
 */
export interface CitizenStorePort {
  readonly backend: 'sqlite' | 'postgres';
  /** The case an idempotency key already created, if any (a retried submission). */
  caseIdOfIdempotencyKey(key: string): Promise<number | null>;
  reportByCode(code: string): Promise<CitizenReportRow | null>;
  reportByCaseId(caseId: number): Promise<CitizenReportRow | null>;
  /** Is this photo part of the citizen report of this case (so the public may fetch it through its tracking code)? */
  reportHasPhoto(caseId: number, sha: string): Promise<boolean>;
  /** Case numbers of the citizen reports that carry this photo. */
  caseNumbersWithPhoto(sha: string): Promise<string[]>;

  /**
   * Take up to `limit` pending rows due at `now` (oldest first) and hold them until `lockUntil`:
   * no other sender, on this node or another, gets a row while its lock holds. Resolves, in outbox
   * order, once the lock is committed.
   */
  claimDue(now: string, lockUntil: string, limit: number): Promise<OutboxRow[]>;
  /** Record a pass's delivery outcomes in one transaction: sent, or failed with its next attempt (or given up). */
  recordOutcomes(outcomes: readonly OutboxOutcome[]): Promise<void>;
  /** A case's outbox rows, oldest first. */
  outboxOf(caseId: number): Promise<OutboxRow[]>;

  /**
   * Record messages in the local sink, in order, in one write; returns how many were new (an outbox
   * row already delivered there is skipped).
   */
  sinkPut(messages: ReadonlyArray<Omit<SinkRow, 'id'>>): Promise<number>;
  /** The sink's messages (to one phone, when given), oldest first. */
  sinkMessages(phone?: string): Promise<SinkRow[]>;
}
