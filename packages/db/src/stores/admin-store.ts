import { desc, eq, like } from 'drizzle-orm';
import { DomainError, type Department, type Role } from '@citygrid/domain';
import type { CitygridDatabase } from '../client.ts';
import {
  adminAudit,
  apiKeys,
  departments,
  minorClasses,
  referenceDocuments,
  sessions,
  units,
  users,
} from '../schema/index.ts';
import {
  auditAfter,
  resultImage,
  summaryOf,
  type AdminChange,
  type AdminChangeResult,
  type AuditDraft,
  type GazetteerSummary,
} from './admin-change.ts';
import {
  countsInWindowsQuery,
  countsInWindowsRows,
  superviseCountsQuery,
  superviseCountsRows,
} from './admin-report-sql.ts';
import type { AdminStorePort, ApiKeyInfo, AuditEntry, SuperviseColumn } from './admin-store-port.ts';
import { countsByKindSqlite, upsertGazetteerSqlite } from './gazetteer-store.ts';
import { unitRow } from './reference-store-port.ts';
import { writeGridVersionSqlite, writeRoutingRulesSqlite } from './reference-store.ts';
import type { UserRecord } from './user-store.ts';

export type { ApiKeyInfo, AuditEntry } from './admin-store-port.ts';

type Db = CitygridDatabase['db'];

const toUser = (r: typeof users.$inferSelect): UserRecord => ({ ...r, role: r.role as Role });

/** Apply one change (synchronous: runs inside `audited`'s transaction); returns its result. */
function applyChange(db: Db, change: AdminChange): unknown {
  switch (change.kind) {
    case 'none':
      return undefined;
    case 'user.create':
      return toUser(db.insert(users).values(change.user).returning().get());
    case 'user.update': {
      const r = db.update(users).set(change.patch).where(eq(users.id, change.id)).returning().get();
      if (!r) throw new DomainError('NOT_FOUND', `no user ${change.id}`, { field: 'id' });
      // a disabled account or a reset password ends every session the user had
      if (change.endSessions) db.delete(sessions).where(eq(sessions.userId, change.id)).run();
      return toUser(r);
    }
    case 'department.upsert': {
      const d = change.department;
      db.insert(departments)
        .values({ code: d.code, name: d.name, nameEn: d.nameEn })
        .onConflictDoUpdate({ target: departments.code, set: { name: d.name, nameEn: d.nameEn } })
        .run();
      return undefined;
    }
    case 'unit.upsert': {
      const row = unitRow(change.unit);
      db.insert(units).values(row).onConflictDoUpdate({ target: units.code, set: row }).run();
      return undefined;
    }
    case 'routing.replace':
      writeRoutingRulesSqlite(db, change.rules);
      return undefined;
    case 'minor_class.update': {
      const m = change.minorClass;
      db.update(minorClasses)
        .set({ data: m, hotlineCategory: m.hotlineCategory })
        .where(eq(minorClasses.code, m.code))
        .run();
      return undefined;
    }
    case 'calendar.save': {
      const { calendar: data, at } = change;
      db.insert(referenceDocuments)
        .values({ name: 'calendar', data, updatedAt: at })
        .onConflictDoUpdate({ target: referenceDocuments.name, set: { data, updatedAt: at } })
        .run();
      return undefined;
    }
    case 'api_key.insert':
      db.insert(apiKeys).values(change.key).run();
      return undefined;
    case 'api_key.delete': {
      const rows = db
        .select()
        .from(apiKeys)
        .where(like(apiKeys.keyHash, `${change.id}%`))
        .all();
      if (rows.length !== 1) return null;
      const k = rows[0]!;
      db.delete(apiKeys).where(eq(apiKeys.keyHash, k.keyHash)).run();
      return { id: change.id, name: k.name, createdAt: k.createdAt };
    }
    case 'grid.write':
      return writeGridVersionSqlite(db, change.grid, change.at, change.field);
    case 'gazetteer.upsert':
      return upsertGazetteerSqlite(db, change.entries, change.source, change.at);
  }
}

/** What administrators change besides case data, audited, on SQLite (see {@link AdminStorePort}). */
export class AdminStore implements AdminStorePort {
  constructor(private readonly database: CitygridDatabase) {}
  private get db() {
    return this.database.db;
  }

  async audited<C extends AdminChange>(entry: AuditDraft, change: C): Promise<AdminChangeResult<C>> {
    const db = this.db;
    return this.database.sqlite.transaction(() => {
      const result = applyChange(db, change);
      const summary: GazetteerSummary | null =
        change.kind === 'gazetteer.upsert' ? summaryOf(countsByKindSqlite(db)) : null;
      db.insert(adminAudit)
        .values({
          at: entry.at,
          actorUserId: entry.actorUserId,
          actorName: entry.actorName,
          action: entry.action,
          target: entry.target,
          before: entry.before ?? null,
          after: auditAfter(entry, resultImage(change, result, summary)),
        })
        .run();
      return result as AdminChangeResult<C>;
    })();
  }

  async listAudit(opts: { limit?: number; target?: string; action?: string } = {}): Promise<AuditEntry[]> {
    let q = this.db.select().from(adminAudit).$dynamic();
    if (opts.target) q = q.where(eq(adminAudit.target, opts.target));
    else if (opts.action) q = q.where(like(adminAudit.action, `${opts.action}%`));
    return q
      .orderBy(desc(adminAudit.id))
      .limit(opts.limit ?? 200)
      .all() as AuditEntry[];
  }

  async listApiKeys(): Promise<ApiKeyInfo[]> {
    return this.db
      .select()
      .from(apiKeys)
      .orderBy(apiKeys.createdAt, apiKeys.keyHash)
      .all()
      .map((k) => ({ id: k.keyHash.slice(0, 12), name: k.name, createdAt: k.createdAt }));
  }

  async getDepartment(code: string): Promise<Department | null> {
    return (
      (this.db.select().from(departments).where(eq(departments.code, code)).get() as
        Department | undefined) ?? null
    );
  }

  async superviseCounts(
    column: SuperviseColumn,
    from: string,
    to: string,
  ): Promise<Array<{ key: string | null; urged: number; escalated: number }>> {
    return superviseCountsRows(this.db.all<Record<string, unknown>>(superviseCountsQuery(column, from, to)));
  }

  async countsInWindows(
    column: 'cell_code' | 'minor_class_code',
    windows: ReadonlyArray<{ from: string; to: string }>,
  ): Promise<Array<{ key: string; counts: number[] }>> {
    const q = countsInWindowsQuery(column, windows);
    return q ? countsInWindowsRows(this.db.all<Record<string, unknown>>(q), windows) : [];
  }
}
