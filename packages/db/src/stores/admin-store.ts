import { desc, eq, like, sql } from 'drizzle-orm';
import type { Department, MinorClass, Role, RoutingRule, Unit, WorkCalendarData } from '@citygrid/domain';
import type { CitygridDatabase } from '../client.ts';
import {
  adminAudit,
  apiKeys,
  departments,
  minorClasses,
  referenceDocuments,
  routingRules,
  sessions,
  units,
  users,
} from '../schema/index.ts';
import type { UserRecord } from './user-store.ts';

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

/** What administrators change besides users and case data: the audit log, API keys, departments, the calendar document. */
export class AdminStore {
  constructor(private readonly database: CitygridDatabase) {}
  private get db() {
    return this.database.db;
  }

  /**
   * Run `change` and write its audit entry in ONE transaction: a change is never stored without its
   * entry, nor an entry without its change. `change` must be synchronous (better-sqlite3).
   */
  audited<T>(
    entry: Omit<AuditEntry, 'id' | 'after'> & { after?: unknown },
    change: () => T,
    after?: (result: T) => unknown,
  ): T {
    return this.database.sqlite.transaction(() => {
      const result = change();
      this.db
        .insert(adminAudit)
        .values({
          ...entry,
          before: entry.before ?? null,
          after: (after ? after(result) : entry.after) ?? null,
        })
        .run();
      return result;
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

  listApiKeys(): ApiKeyInfo[] {
    return this.db
      .select()
      .from(apiKeys)
      .orderBy(apiKeys.createdAt)
      .all()
      .map((k) => ({ id: k.keyHash.slice(0, 12), name: k.name, createdAt: k.createdAt }));
  }
  insertApiKey(k: { keyHash: string; name: string; createdAt: string }): void {
    this.db.insert(apiKeys).values(k).run();
  }
  /** Delete the key whose hash starts with `id`; returns what was deleted. */
  deleteApiKey(id: string): ApiKeyInfo | null {
    const rows = this.db
      .select()
      .from(apiKeys)
      .where(like(apiKeys.keyHash, `${id}%`))
      .all();
    if (rows.length !== 1) return null;
    const k = rows[0]!;
    this.db.delete(apiKeys).where(eq(apiKeys.keyHash, k.keyHash)).run();
    return { id, name: k.name, createdAt: k.createdAt };
  }

  // --- synchronous writes, to run inside `audited` ---

  insertUser(u: Omit<UserRecord, 'id'>): UserRecord {
    const r = this.db.insert(users).values(u).returning().get();
    return { ...r, role: r.role as Role };
  }
  updateUser(
    id: number,
    patch: Partial<Pick<UserRecord, 'displayName' | 'role' | 'unitCode' | 'active' | 'passwordHash'>>,
  ): UserRecord | null {
    const r = this.db.update(users).set(patch).where(eq(users.id, id)).returning().get();
    return r ? { ...r, role: r.role as Role } : null;
  }
  upsertUnit(u: Unit): void {
    const row = {
      code: u.code,
      departmentCode: u.departmentCode,
      name: u.name,
      nameEn: u.nameEn,
      subDistrictCode: u.subDistrictCode ?? null,
      phone: u.phone ?? null,
    };
    this.db.insert(units).values(row).onConflictDoUpdate({ target: units.code, set: row }).run();
  }
  replaceRoutingRules(rules: readonly RoutingRule[]): void {
    this.db.delete(routingRules).run();
    for (const r of rules) {
      this.db
        .insert(routingRules)
        .values({
          id: r.id,
          minorClassCode: r.minorClassCode,
          scopeKind: r.scope.kind,
          scopeCode: r.scope.kind === 'city' ? null : r.scope.code,
          unitCode: r.unitCode,
          note: r.note,
        })
        .run();
    }
  }
  updateMinorClass(m: MinorClass): void {
    this.db
      .update(minorClasses)
      .set({ data: m, hotlineCategory: m.hotlineCategory })
      .where(eq(minorClasses.code, m.code))
      .run();
  }

  getDepartment(code: string): Department | null {
    return (
      (this.db.select().from(departments).where(eq(departments.code, code)).get() as
        Department | undefined) ?? null
    );
  }
  upsertDepartment(d: Department): void {
    this.db
      .insert(departments)
      .values(d)
      .onConflictDoUpdate({ target: departments.code, set: { name: d.name, nameEn: d.nameEn } })
      .run();
  }

  saveCalendar(data: WorkCalendarData, at: string): void {
    this.db
      .insert(referenceDocuments)
      .values({ name: 'calendar', data, updatedAt: at })
      .onConflictDoUpdate({ target: referenceDocuments.name, set: { data, updatedAt: at } })
      .run();
  }

  /** Log every session of a user out (after disabling the account or resetting its password). */
  deleteSessionsOf(userId: number): number {
    return this.db.delete(sessions).where(eq(sessions.userId, userId)).run().changes;
  }

  /** Counts of urge (催办) and escalate (督办) events in [from, to), by a column of the case. */
  superviseCounts(
    column: 'unit_code' | 'community_code' | 'hotline_category' | 'cell_code' | null,
    from: string,
    to: string,
  ): Array<{ key: string | null; urged: number; escalated: number }> {
    const key = column === null ? sql.raw('null') : sql.raw(`c.${column}`);
    return this.db.all(
      sql`select ${key} as key, sum(case when e.type = 'urge' then 1 else 0 end) as urged, sum(case when e.type = 'escalate' then 1 else 0 end) as escalated
            from case_events e join cases c on c.id = e.case_id
           where e.type in ('urge', 'escalate') and e.at >= ${from} and e.at < ${to}
           group by 1`,
    );
  }

  /**
   * Cases reported in each of several [from, to) windows, by cell or minor class: the history a
   * hotspot is judged against. One scan over the union of the windows.
   */
  countsInWindows(
    column: 'cell_code' | 'minor_class_code',
    windows: ReadonlyArray<{ from: string; to: string }>,
  ): Array<{ key: string; counts: number[] }> {
    if (windows.length === 0) return [];
    const from = windows.reduce((m, w) => (w.from < m ? w.from : m), windows[0]!.from);
    const to = windows.reduce((m, w) => (w.to > m ? w.to : m), windows[0]!.to);
    const sums = sql.join(
      windows.map(
        (w, i) =>
          sql`sum(case when reported_at >= ${w.from} and reported_at < ${w.to} then 1 else 0 end) as ${sql.raw(`w${i}`)}`,
      ),
      sql`, `,
    );
    const col = sql.raw(column);
    const rows = this.db.all<Record<string, number | string | null>>(
      sql`select ${col} as key, ${sums} from cases where reported_at >= ${from} and reported_at < ${to} and ${col} is not null and state not in ('voided', 'merged') group by ${col}`,
    );
    return rows.map((r) => ({ key: String(r.key), counts: windows.map((_, i) => Number(r[`w${i}`] ?? 0)) }));
  }
}
