import type { Statement } from 'better-sqlite3';
import { and, asc, eq, gt, gte, lte, or, sql } from 'drizzle-orm';
import type { Role } from '@citygrid/domain';
import type { CitygridDatabase } from '../client.ts';
import { apiKeys, securityLog, sessions, users } from '../schema/index.ts';
import type {
  NewSecurityLogEntry,
  NewSession,
  SecurityLogEntry,
  SessionRecord,
  UserPatch,
  UserRecord,
  UserStorePort,
} from './user-store-port.ts';

export type { NewSession, SessionKind, SessionRecord, UserRecord } from './user-store-port.ts';

const toUser = (r: typeof users.$inferSelect): UserRecord => ({ ...r, role: r.role as Role });

/** How long a session lookup may be answered from memory when nothing changed on this node. */
const SESSION_CACHE_MS = 2_000;
const SESSION_CACHE_MAX = 10_000;
/** The session caches of every store on a connection (the triggers are per connection). */
const CACHES_OF = new WeakMap<object, Set<Map<string, unknown>>>();

/**
 * Users, sessions, Open311 API keys and the security log.
 *
 * Every request resolves its session, so lookups are cached for SESSION_CACHE_MS. Revocation on
 * this node is still seen at once: temporary triggers on this connection call back into JavaScript
 * on ANY update or delete of `sessions` or `users` (logout, purge, an administrator's change, even
 * raw SQL), and the whole cache is dropped. A change made by another process shows within the
 * cache's life. Expiry is checked against the caller's clock on every lookup.
 */
export class UserStore implements UserStorePort {
  private findSessionStmt: Statement | undefined;
  private renewSessionStmt: Statement | undefined;
  private sessionCache = new Map<string, { record: SessionRecord; cachedAt: number }>();
  constructor(private readonly database: CitygridDatabase) {
    const sqlite = database.sqlite;
    let caches = CACHES_OF.get(sqlite);
    if (!caches) {
      const registered = new Set<Map<string, unknown>>();
      caches = registered;
      CACHES_OF.set(sqlite, registered);
      sqlite.function('citygrid_sessions_changed', { deterministic: false }, () => {
        for (const c of registered) c.clear();
        return null;
      });
      for (const table of ['sessions', 'users']) {
        for (const op of ['update', 'delete']) {
          sqlite.exec(
            `create temp trigger if not exists citygrid_${table}_${op}_drops_cache after ${op} on main.${table} begin select citygrid_sessions_changed(); end`,
          );
        }
      }
    }
    caches.add(this.sessionCache);
  }
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
    return (
      this.db
        .select({ n: sql<number>`count(*)` })
        .from(users)
        .get()?.n ?? 0
    );
  }
  async create(u: Omit<UserRecord, 'id'>): Promise<UserRecord> {
    return toUser(this.db.insert(users).values(u).returning().get());
  }
  async update(id: number, patch: UserPatch): Promise<UserRecord | null> {
    if (Object.keys(patch).length === 0) return this.findById(id);
    const r = this.db.update(users).set(patch).where(eq(users.id, id)).returning().get();
    return r ? toUser(r) : null;
  }

  async createSession(s: NewSession): Promise<void> {
    this.db.insert(sessions).values(s).run();
  }
  async findSession(tokenHash: string, now: string): Promise<SessionRecord | null> {
    const nowMs = Date.parse(now);
    const hit = this.sessionCache.get(tokenHash);
    if (hit) {
      const r = hit.record;
      const fresh = nowMs - hit.cachedAt >= 0 && nowMs - hit.cachedAt < SESSION_CACHE_MS;
      if (fresh && r.expiresAt > now && (r.absoluteExpiresAt === null || r.absoluteExpiresAt > now)) return r;
      this.sessionCache.delete(tokenHash);
    }
    const found = this.readSession(tokenHash, now);
    if (found) {
      if (this.sessionCache.size >= SESSION_CACHE_MAX) this.sessionCache.clear();
      this.sessionCache.set(tokenHash, { record: found, cachedAt: nowMs });
    }
    return found;
  }
  private readSession(tokenHash: string, now: string): SessionRecord | null {
    // every request resolves its session: a cached prepared statement, not a built query
    this.findSessionStmt ??= this.database.sqlite.prepare(
      `select u.id, u.username, u.display_name as displayName, u.role, u.unit_code as unitCode, u.password_hash as passwordHash,
              u.active, u.created_at as createdAt, s.csrf_token as csrfToken, s.kind as kind, s.expires_at as expiresAt,
              s.absolute_expires_at as absoluteExpiresAt
         from sessions s join users u on u.id = s.user_id
        where s.token_hash = ? and s.expires_at > ? and (s.absolute_expires_at is null or s.absolute_expires_at > ?) and u.active = 1`,
    );
    const r = this.findSessionStmt.get(tokenHash, now, now) as
      | (Omit<UserRecord, 'active'> & {
          csrfToken: string;
          active: number;
          kind: string;
          expiresAt: string;
          absoluteExpiresAt: string | null;
        })
      | undefined;
    if (!r) return null;
    const { csrfToken, active, kind, expiresAt, absoluteExpiresAt, ...u } = r;
    return {
      user: { ...u, active: active === 1 },
      csrfToken,
      kind: kind === 'wall' ? 'wall' : 'staff',
      expiresAt,
      absoluteExpiresAt,
    };
  }
  /** Slide a session's expiry forward (renewal while it is used). */
  async renewSession(tokenHash: string, expiresAt: string): Promise<void> {
    this.renewSessionStmt ??= this.database.sqlite.prepare(
      'update sessions set expires_at = ? where token_hash = ?',
    );
    this.renewSessionStmt.run(expiresAt, tokenHash);
  }
  async deleteSession(tokenHash: string): Promise<void> {
    this.db.delete(sessions).where(eq(sessions.tokenHash, tokenHash)).run();
  }
  /** Delete sessions past their sliding or absolute expiry; returns how many went. */
  async deleteExpiredSessions(now: string): Promise<number> {
    return this.db
      .delete(sessions)
      .where(or(lte(sessions.expiresAt, now), lte(sessions.absoluteExpiresAt, now)))
      .run().changes;
  }

  async addApiKey(k: { keyHash: string; name: string; createdAt: string }): Promise<void> {
    this.db.insert(apiKeys).values(k).onConflictDoNothing().run();
  }
  async findApiKey(keyHash: string): Promise<{ name: string } | null> {
    return (
      this.db.select({ name: apiKeys.name }).from(apiKeys).where(eq(apiKeys.keyHash, keyHash)).get() ?? null
    );
  }

  async logSecurity(e: NewSecurityLogEntry): Promise<void> {
    this.db
      .insert(securityLog)
      .values({ ...e, username: e.username ?? null, userId: e.userId ?? null, ip: e.ip ?? null })
      .run();
  }
  async countLoginFailures(by: { username: string } | { ip: string }, since: string): Promise<number> {
    const who = 'username' in by ? eq(securityLog.username, by.username) : eq(securityLog.ip, by.ip);
    const lastLogin =
      'username' in by
        ? (this.db
            .select({ at: sql<string | null>`max(${securityLog.at})` })
            .from(securityLog)
            .where(and(who, eq(securityLog.kind, 'login')))
            .get()?.at ?? null)
        : null;
    return (
      this.db
        .select({ n: sql<number>`count(*)` })
        .from(securityLog)
        .where(
          and(
            who,
            eq(securityLog.kind, 'login_failed'),
            gte(securityLog.at, since),
            ...(lastLogin ? [gt(securityLog.at, lastLogin)] : []),
          ),
        )
        .get()?.n ?? 0
    );
  }

  async listSecurityLog(limit = 100): Promise<SecurityLogEntry[]> {
    return this.db
      .select()
      .from(securityLog)
      .orderBy(sql`${securityLog.id} desc`)
      .limit(limit)
      .all();
  }
}
