import { and, asc, count, desc, eq, gt, gte, lte, max, or } from 'drizzle-orm';
import type { Role } from '@citygrid/domain';
import type {
  NewSecurityLogEntry,
  SecurityLogEntry,
  UserPatch,
  UserStorePort,
} from '../stores/user-store-port.ts';
import type { NewSession, SessionRecord, UserRecord } from '../stores/user-store.ts';
import type { PgDatabase, PgDrizzle, PgSql } from './client.ts';
import { apiKeys, securityLog, sessions, users } from './schema.ts';

const toUser = (r: typeof users.$inferSelect): UserRecord => ({ ...r, role: r.role as Role });

interface SessionRow {
  id: number;
  username: string;
  displayName: string;
  role: string;
  unitCode: string | null;
  passwordHash: string;
  active: boolean;
  createdAt: string;
  csrfToken: string;
  kind: string;
  expiresAt: string;
  absoluteExpiresAt: string | null;
}

/**
 * Users, sessions, Open311 API keys and the security log on PostgreSQL.
 *
 * `findSession` has NO cache: every lookup is one query on two primary keys (`sessions.token_hash`,
 * `users.id`). Many nodes share the database, so a logout, a purge, a disabled account or a password
 * reset committed by any node is seen by the next lookup on every node; a process-local cache would
 * let a revoked session live on other nodes for the cache's life (see packages/db/CONTEXT.md).
 */
export class PgUserStore implements UserStorePort {
  private readonly sql: PgSql;
  private readonly db: PgDrizzle;
  constructor(database: Pick<PgDatabase, 'sql' | 'db'>) {
    this.sql = database.sql;
    this.db = database.db;
  }

  async findByUsername(username: string): Promise<UserRecord | null> {
    const [r] = await this.db.select().from(users).where(eq(users.username, username));
    return r ? toUser(r) : null;
  }
  async findById(id: number): Promise<UserRecord | null> {
    const [r] = await this.db.select().from(users).where(eq(users.id, id));
    return r ? toUser(r) : null;
  }
  async list(): Promise<UserRecord[]> {
    return (await this.db.select().from(users).orderBy(asc(users.id))).map(toUser);
  }
  async count(): Promise<number> {
    const [r] = await this.db.select({ n: count() }).from(users);
    return r?.n ?? 0;
  }
  async create(u: Omit<UserRecord, 'id'>): Promise<UserRecord> {
    const [r] = await this.db.insert(users).values(u).returning();
    return toUser(r!);
  }
  async update(id: number, patch: UserPatch): Promise<UserRecord | null> {
    if (Object.keys(patch).length === 0) return this.findById(id);
    const [r] = await this.db.update(users).set(patch).where(eq(users.id, id)).returning();
    return r ? toUser(r) : null;
  }

  async createSession(s: NewSession): Promise<void> {
    await this.db.insert(sessions).values(s);
  }
  async findSession(tokenHash: string, now: string): Promise<SessionRecord | null> {
    const [r] = await this.sql<SessionRow[]>`
      select u.id, u.username, u.display_name as "displayName", u.role, u.unit_code as "unitCode",
             u.password_hash as "passwordHash", u.active, u.created_at as "createdAt",
             s.csrf_token as "csrfToken", s.kind, s.expires_at as "expiresAt",
             s.absolute_expires_at as "absoluteExpiresAt"
        from sessions s join users u on u.id = s.user_id
       where s.token_hash = ${tokenHash} and s.expires_at > ${now}
         and (s.absolute_expires_at is null or s.absolute_expires_at > ${now}) and u.active`;
    if (!r) return null;
    const { csrfToken, kind, expiresAt, absoluteExpiresAt, role, ...u } = r;
    return {
      user: { ...u, role: role as Role },
      csrfToken,
      kind: kind === 'wall' ? 'wall' : 'staff',
      expiresAt,
      absoluteExpiresAt,
    };
  }
  async renewSession(tokenHash: string, expiresAt: string): Promise<void> {
    await this.sql`update sessions set expires_at = ${expiresAt} where token_hash = ${tokenHash}`;
  }
  async deleteSession(tokenHash: string): Promise<void> {
    await this.db.delete(sessions).where(eq(sessions.tokenHash, tokenHash));
  }
  async deleteExpiredSessions(now: string): Promise<number> {
    const gone = await this.db
      .delete(sessions)
      .where(or(lte(sessions.expiresAt, now), lte(sessions.absoluteExpiresAt, now)))
      .returning({ tokenHash: sessions.tokenHash });
    return gone.length;
  }

  async addApiKey(k: { keyHash: string; name: string; createdAt: string }): Promise<void> {
    await this.db.insert(apiKeys).values(k).onConflictDoNothing();
  }
  async findApiKey(keyHash: string): Promise<{ name: string } | null> {
    const [r] = await this.db
      .select({ name: apiKeys.name })
      .from(apiKeys)
      .where(eq(apiKeys.keyHash, keyHash));
    return r ?? null;
  }

  async logSecurity(e: NewSecurityLogEntry): Promise<void> {
    await this.db
      .insert(securityLog)
      .values({ ...e, username: e.username ?? null, userId: e.userId ?? null, ip: e.ip ?? null });
  }
  async countLoginFailures(by: { username: string } | { ip: string }, since: string): Promise<number> {
    const who = 'username' in by ? eq(securityLog.username, by.username) : eq(securityLog.ip, by.ip);
    const lastLogin =
      'username' in by
        ? ((
            await this.db
              .select({ at: max(securityLog.at) })
              .from(securityLog)
              .where(and(who, eq(securityLog.kind, 'login')))
          )[0]?.at ?? null)
        : null;
    const [row] = await this.db
      .select({ n: count() })
      .from(securityLog)
      .where(
        and(
          who,
          eq(securityLog.kind, 'login_failed'),
          gte(securityLog.at, since),
          ...(lastLogin ? [gt(securityLog.at, lastLogin)] : []),
        ),
      );
    return row?.n ?? 0;
  }

  async listSecurityLog(limit = 100): Promise<SecurityLogEntry[]> {
    return this.db.select().from(securityLog).orderBy(desc(securityLog.id)).limit(limit);
  }
}
