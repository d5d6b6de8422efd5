import type {
  AddressEntry,
  Department,
  MinorClass,
  ReferenceGrid,
  RoutingRule,
  Unit,
  WorkCalendarData,
} from '@citygrid/domain';
import type { UserPatch } from './user-store-port.ts';
import type { UserRecord } from './user-store.ts';

/*
 * What an administrator changes, as DATA: each backend applies the change and writes its audit
 * entry in one transaction of its own (`AdminStorePort.audited`). No callback runs inside a
 * transaction (PostgreSQL transactions are async; a synchronous callback cannot run in one).
 */

export type AdminChange =
  /** Only the audit entry (the change happened elsewhere, or there is none). */
  | { kind: 'none' }
  | { kind: 'user.create'; user: Omit<UserRecord, 'id'> }
  /** `endSessions`: log every session of the user out (disabled account, reset password). */
  | { kind: 'user.update'; id: number; patch: UserPatch; endSessions: boolean }
  | { kind: 'department.upsert'; department: Department }
  | { kind: 'unit.upsert'; unit: Unit }
  | { kind: 'routing.replace'; rules: readonly RoutingRule[] }
  | { kind: 'minor_class.update'; minorClass: MinorClass }
  | { kind: 'calendar.save'; calendar: WorkCalendarData; at: string }
  | { kind: 'api_key.insert'; key: { keyHash: string; name: string; createdAt: string } }
  /** Delete the one key whose hash starts with `id` (nothing when none or several match). */
  | { kind: 'api_key.delete'; id: string }
  /** A new current grid version; a version name used before is refused (CONFLICT naming `field`). */
  | { kind: 'grid.write'; grid: ReferenceGrid; at: string; field?: string }
  /** Insert or move gazetteer entries (one row per kind, name and address). */
  | { kind: 'gazetteer.upsert'; entries: readonly AddressEntry[]; source: string; at: string };

export interface GazetteerSummary {
  total: number;
  byKind: Record<string, number>;
}

export interface GazetteerUpsertResult {
  inserted: number;
  updated: number;
}

/** What each change returns. */
export interface AdminChangeResults {
  none: undefined;
  'user.create': UserRecord;
  'user.update': UserRecord;
  'department.upsert': undefined;
  'unit.upsert': undefined;
  'routing.replace': undefined;
  'minor_class.update': undefined;
  'calendar.save': undefined;
  'api_key.insert': undefined;
  /** What was deleted (`id` as given), or null. */
  'api_key.delete': { id: string; name: string; createdAt: string } | null;
  /** The new grid version's id. */
  'grid.write': number;
  'gazetteer.upsert': GazetteerUpsertResult;
}

export type AdminChangeResult<C extends AdminChange> = AdminChangeResults[C['kind']];

/** An audit entry as the caller gives it: `after` is merged over what the change itself logs. */
export interface AuditDraft {
  at: string;
  actorUserId: number | null;
  actorName: string;
  action: string;
  target: string;
  before: unknown;
  after?: unknown;
}

/**
 * The part of the after-image a change contributes from its result (both backends use this):
 * a user without the password hash, a grid version's id, a gazetteer import's counts and the
 * table's summary afterwards (read inside the transaction). Undefined when the change logs nothing.
 */
export function resultImage(
  change: AdminChange,
  result: unknown,
  summaryAfter: GazetteerSummary | null,
): Record<string, unknown> | undefined {
  switch (change.kind) {
    case 'user.create':
    case 'user.update': {
      const { passwordHash: _never, ...user } = result as UserRecord;
      return user;
    }
    case 'grid.write':
      return { gridVersionId: result as number };
    case 'gazetteer.upsert':
      return { ...(result as GazetteerUpsertResult), after: summaryAfter };
    default:
      return undefined;
  }
}

/** The after-image written to the log: the change's own image with the caller's `after` over it. */
export function auditAfter(draft: AuditDraft, image: Record<string, unknown> | undefined): unknown {
  if (image === undefined) return draft.after ?? null;
  return { ...image, ...((draft.after as Record<string, unknown> | undefined) ?? {}) };
}

export const summaryOf = (byKind: Record<string, number>): GazetteerSummary => ({
  total: Object.values(byKind).reduce((a, b) => a + b, 0),
  byKind,
});
