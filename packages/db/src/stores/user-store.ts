import type { Statement } from 'better-sqlite3';
import { asc, eq, lt, sql } from 'drizzle-orm';
import type { Role } from '@citygrid/domain';
import type { CitygridDatabase } from '../client.ts';
import { apiKeys, securityLog, sessions, users } from '../schema/index.ts';

export interface UserRecord {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  unitCode: string | null;
  passwordHash: string;
  active: boolean;
  createdAt: string;
}

const toUser = (r: typeof users.$inferSelect): UserRecord => ({ ...r, role: r.role as Role });

/** Users, sessions, Open311 API keys and the security log. */
export class UserStore {
  private findSessionStmt: Statement | undefined;
  constructor(private readonly database: CitygridDatabase) {}
  private get db() {
    return this.database.db;
  }

  async findByUsername(username: string): Promise<UserRecord | null> {
    const r = this.db.select().from(users).where(eq(users.username, username)).get();
    return r ? toUser(r) : null;
  }
  async findById(id: number): Promise<UserRecord | null> {
    const r = this.db.select().from(users).where(eq(users.id, id)).get();
    return r ? toUser(r) : null;
  }
  async list(): Promise<UserRecord[]> {
    return this.db.select().from(users).orderBy(asc(users.id)).all().map(toUser);
  }
  async count(): Promise<number> {
    return this.db.select({ n: sql<number>`count(*)` }).from(users).get()?.n ?? 0;
  }
  async create(u: Omit<UserRecord, 'id'>): Promise<UserRecord> {
    return toUser(this.db.insert(users).values(u).returning().get());
  }
  async update(id: number, patch: Partial<Pick<UserRecord, 'displayName' | 'role' | 'unitCode' | 'active' | 'passwordHash'>>): Promise<UserRecord | null> {
    const r = this.db.update(users).set(patch).where(eq(users.id, id)).returning().get();
    return r ? toUser(r) : null;
  }

  async createSession(s: { tokenHash: string; userId: number; csrfToken: string; createdAt: string; expiresAt: string }): Promise<void> {
    this.db.insert(sessions).values(s).run();
  }
  async findSession(tokenHash: string, now: string): Promise<{ user: UserRecord; csrfToken: string } | null> {
    // every request resolves its session: a cached prepared statement, not a built query
    this.findSessionStmt ??= this.database.sqlite.prepare(
      `select u.id, u.username, u.display_name as displayName, u.role, u.unit_code as unitCode, u.password_hash as passwordHash,
              u.active, u.created_at as createdAt, s.csrf_token as csrfToken
         from sessions s join users u on u.id = s.user_id
        where s.token_hash = ? and s.expires_at > ? and u.active = 1`,
    );
    const r = this.findSessionStmt.get(tokenHash, now) as (Omit<UserRecord, 'active'> & { csrfToken: string; active: number }) | undefined;
    if (!r) return null;
    const { csrfToken, active, ...u } = r;
    return { user: { ...u, active: active === 1 }, csrfToken };
  }
  async deleteSession(tokenHash: string): Promise<void> {
    this.db.delete(sessions).where(eq(sessions.tokenHash, tokenHash)).run();
  }
  async deleteExpiredSessions(now: string): Promise<void> {
    this.db.delete(sessions).where(lt(sessions.expiresAt, now)).run();
  }

  async addApiKey(k: { keyHash: string; name: string; createdAt: string }): Promise<void> {
    this.db.insert(apiKeys).values(k).onConflictDoNothing().run();
  }
  async findApiKey(keyHash: string): Promise<{ name: string } | null> {
    return this.db.select({ name: apiKeys.name }).from(apiKeys).where(eq(apiKeys.keyHash, keyHash)).get() ?? null;
  }

  async logSecurity(e: { at: string; kind: string; username?: string | null; userId?: number | null; detail: string; ip?: string | null }): Promise<void> {
    this.db.insert(securityLog).values({ ...e, username: e.username ?? null, userId: e.userId ?? null, ip: e.ip ?? null }).run();
  }
  async listSecurityLog(limit = 100) {
    return this.db.select().from(securityLog).orderBy(sql`${securityLog.id} desc`).limit(limit).all();
  }
}
