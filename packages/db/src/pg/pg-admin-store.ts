import { desc, eq, ilike, sql } from 'drizzle-orm';
import { DomainError, type Department, type Role } from '@citygrid/domain';
import {
  auditAfter,
  resultImage,
  summaryOf,
  type AdminChange,
  type AdminChangeResult,
  type AuditDraft,
} from '../stores/admin-change.ts';
import {
  countsInWindowsQuery,
  countsInWindowsRows,
  superviseCountsQuery,
  superviseCountsRows,
} from '../stores/admin-report-sql.ts';
import type { AdminStorePort, ApiKeyInfo, AuditEntry, SuperviseColumn } from '../stores/admin-store-port.ts';
import { unitRow } from '../stores/reference-store-port.ts';
import type { UserRecord } from '../stores/user-store.ts';
import type { PgDatabase, PgDrizzle } from './client.ts';
import { countsByKindPg, upsertGazetteerPg } from './pg-gazetteer-store.ts';
import { writeGridVersionPg, writeRoutingRulesPg, type PgTx } from './pg-reference-store.ts';
import {
  adminAudit,
  apiKeys,
  departments,
  minorClasses,
  referenceDocuments,
  sessions,
  units,
  users,
} from './schema.ts';

const toUser = (r: typeof users.$inferSelect): UserRecord => ({ ...r, role: r.role as Role });

/** `like` prefix as SQLite's (case-insensitive for ASCII). */
const startsWith = (column: Parameters<typeof ilike>[0], prefix: string) => ilike(column, `${prefix}%`);

/** Apply one change inside `audited`'s transaction; returns its result. */
async function applyChange(tx: PgTx, change: AdminChange): Promise<unknown> {
  switch (change.kind) {
    case 'none':
      return undefined;
    case 'user.create': {
      const [r] = await tx.insert(users).values(change.user).returning();
      return toUser(r!);
    }
    case 'user.update': {
      const [r] = await tx.update(users).set(change.patch).where(eq(users.id, change.id)).returning();
      if (!r) throw new DomainError('NOT_FOUND', `no user ${change.id}`, { field: 'id' });
      // a disabled account or a reset password ends every session the user had
      if (change.endSessions) await tx.delete(sessions).where(eq(sessions.userId, change.id));
      return toUser(r);
    }
    case 'department.upsert': {
      const d = change.department;
      await tx
        .insert(departments)
        .values({ code: d.code, name: d.name, nameEn: d.nameEn })
        .onConflictDoUpdate({ target: departments.code, set: { name: d.name, nameEn: d.nameEn } });
      return undefined;
    }
    case 'unit.upsert': {
      const row = unitRow(change.unit);
      await tx.insert(units).values(row).onConflictDoUpdate({ target: units.code, set: row });
      return undefined;
    }
    case 'routing.replace':
      await writeRoutingRulesPg(tx, change.rules);
      return undefined;
    case 'minor_class.update': {
      const m = change.minorClass;
      await tx
        .update(minorClasses)
        .set({ data: m, hotlineCategory: m.hotlineCategory })
        .where(eq(minorClasses.code, m.code));
      return undefined;
    }
    case 'calendar.save': {
      const { calendar: data, at } = change;
      await tx
        .insert(referenceDocuments)
        .values({ name: 'calendar', data, updatedAt: at })
        .onConflictDoUpdate({ target: referenceDocuments.name, set: { data, updatedAt: at } });
      return undefined;
    }
    case 'api_key.insert':
      await tx.insert(apiKeys).values(change.key);
      return undefined;
    case 'api_key.delete': {
      const rows = await tx
        .select()
        .from(apiKeys)
        .where(startsWith(apiKeys.keyHash, change.id))
        .for('update');
      if (rows.length !== 1) return null;
      const k = rows[0]!;
      await tx.delete(apiKeys).where(eq(apiKeys.keyHash, k.keyHash));
      return { id: change.id, name: k.name, createdAt: k.createdAt };
    }
    case 'grid.write':
      return writeGridVersionPg(tx, change.grid, change.at, change.field);
    case 'gazetteer.upsert':
      return upsertGazetteerPg(tx, change.entries, change.source, change.at);
  }
}

/**
 * The NOTIFY channel of reference changes (grid, organisations, routing, limits, calendar, gazetteer,
 * users): sent inside the change's transaction, so PostgreSQL delivers it at COMMIT.
 */
export const REFERENCE_CHANNEL = 'citygrid_reference';

/** What administrators change besides case data, audited, on PostgreSQL (see {@link AdminStorePort}). */
export class PgAdminStore implements AdminStorePort {
  private readonly db: PgDrizzle;
  constructor(database: Pick<PgDatabase, 'sql' | 'db'>) {
    this.db = database.db;
  }

  async audited<C extends AdminChange>(entry: AuditDraft, change: C): Promise<AdminChangeResult<C>> {
    return this.db.transaction(async (tx) => {
      const result = await applyChange(tx, change);
      const summary = change.kind === 'gazetteer.upsert' ? summaryOf(await countsByKindPg(tx)) : null;
      await tx.insert(adminAudit).values({
        at: entry.at,
        actorUserId: entry.actorUserId,
        actorName: entry.actorName,
        action: entry.action,
        target: entry.target,
        before: entry.before ?? null,
        after: auditAfter(entry, resultImage(change, result, summary)),
      });
      // every node reloads its reference snapshot once this commits (pg-stores.ts, watchReference)
      if (change.kind !== 'none' && change.kind !== 'api_key.insert' && change.kind !== 'api_key.delete')
        await tx.execute(sql`select pg_notify(${REFERENCE_CHANNEL}, ${change.kind})`);
      return result as AdminChangeResult<C>;
    });
  }

  async listAudit(opts: { limit?: number; target?: string; action?: string } = {}): Promise<AuditEntry[]> {
    let q = this.db.select().from(adminAudit).$dynamic();
    if (opts.target) q = q.where(eq(adminAudit.target, opts.target));
    else if (opts.action) q = q.where(startsWith(adminAudit.action, opts.action));
    return (await q.orderBy(desc(adminAudit.id)).limit(opts.limit ?? 200)) as AuditEntry[];
  }

  async listApiKeys(): Promise<ApiKeyInfo[]> {
    const rows = await this.db
      .select()
      .from(apiKeys)
      .orderBy(apiKeys.createdAt, sql`${apiKeys.keyHash} collate "C"`);
    return rows.map((k) => ({ id: k.keyHash.slice(0, 12), name: k.name, createdAt: k.createdAt }));
  }

  async getDepartment(code: string): Promise<Department | null> {
    const [d] = await this.db.select().from(departments).where(eq(departments.code, code));
    return (d as Department | undefined) ?? null;
  }

  async superviseCounts(
    column: SuperviseColumn,
    from: string,
    to: string,
  ): Promise<Array<{ key: string | null; urged: number; escalated: number }>> {
    const rows = await this.db.execute<Record<string, unknown>>(superviseCountsQuery(column, from, to));
    return superviseCountsRows(rows);
  }

  async countsInWindows(
    column: 'cell_code' | 'minor_class_code',
    windows: ReadonlyArray<{ from: string; to: string }>,
  ): Promise<Array<{ key: string; counts: number[] }>> {
    const q = countsInWindowsQuery(column, windows);
    return q ? countsInWindowsRows(await this.db.execute<Record<string, unknown>>(q), windows) : [];
  }
}
