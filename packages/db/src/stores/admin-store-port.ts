import type { Department } from '@citygrid/domain';
import type { AdminChange, AdminChangeResult, AuditDraft } from './admin-change.ts';

export interface AuditEntry {
  id: number;
  at: string;
  actorUserId: number | null;
  actorName: string;
  action: string;
  target: string;
  before: unknown;
  after: unknown;
}

export interface ApiKeyInfo {
  /** The first 12 hex digits of the key's SHA-256: enough to name it, useless to use it. */
  id: string;
  name: string;
  createdAt: string;
}

/** A column of `cases` that a supervision count is grouped by (null: one total row). */
export type SuperviseColumn = 'unit_code' | 'community_code' | 'hotline_category' | 'cell_code' | null;

/**
 * What administrators change besides case data, each change audited, and the report reads over
 * the event log (`AdminStore` on SQLite, `PgAdminStore` on PostgreSQL).
 */
export interface AdminStorePort {
  /**
   * Apply `change` and write its audit entry in ONE transaction: a change is never stored without
   * its entry, nor an entry without its change (a change that fails writes neither). The after-image
   * is the change's own image (`resultImage`) with `entry.after` over it.
   */
  audited<C extends AdminChange>(entry: AuditDraft, change: C): Promise<AdminChangeResult<C>>;
  /** Newest first; `target` exactly, else `action` as a prefix. */
  listAudit(opts?: { limit?: number; target?: string; action?: string }): Promise<AuditEntry[]>;
  /** Oldest first. */
  listApiKeys(): Promise<ApiKeyInfo[]>;
  getDepartment(code: string): Promise<Department | null>;
  /** Counts of urge (催办) and escalate (督办) events in [from, to), by a column of the case, by key. */
  superviseCounts(
    column: SuperviseColumn,
    from: string,
    to: string,
  ): Promise<Array<{ key: string | null; urged: number; escalated: number }>>;
  /**
   * Cases reported in each of several [from, to) windows (voided and merged left out), by cell or
   * minor class, by key: the history a hotspot is judged against.
   */
  countsInWindows(
    column: 'cell_code' | 'minor_class_code',
    windows: ReadonlyArray<{ from: string; to: string }>,
  ): Promise<Array<{ key: string; counts: number[] }>>;
}
