import type { Role } from '@citygrid/domain';

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

export type SessionKind = 'staff' | 'wall';
export interface NewSession {
  tokenHash: string;
  userId: number;
  csrfToken: string;
  createdAt: string;
  expiresAt: string;
  kind: SessionKind;
  absoluteExpiresAt: string | null;
}
export interface SessionRecord {
  user: UserRecord;
  csrfToken: string;
  kind: SessionKind;
  expiresAt: string;
  absoluteExpiresAt: string | null;
}

/** One row of the security log (logins, failures, logouts, lockouts, purges), newest first when listed. */
export interface SecurityLogEntry {
  id: number;
  at: string;
  kind: string;
  username: string | null;
  userId: number | null;
  detail: string;
  ip: string | null;
}

/** What `logSecurity` takes: the row without its id. */
export interface NewSecurityLogEntry {
  at: string;
  kind: string;
  username?: string | null;
  userId?: number | null;
  detail: string;
  ip?: string | null;
}

/** The user fields an administrator (or a password reset) may change. */
export type UserPatch = Partial<
  Pick<UserRecord, 'displayName' | 'role' | 'unitCode' | 'active' | 'passwordHash'>
>;

/**
 * Users, sessions, Open311 API keys and the security log, as the services use them: what both
 * backends implement (`UserStore` on SQLite, `PgUserStore` on PostgreSQL). Every method is async.
 *
 * Revocation: once `deleteSession`, `deleteExpiredSessions` or an `update` that disables a user or
 * changes its password has resolved, `findSession` no longer returns that session on any node of
 * the backend (SQLite: a process-local cache dropped by triggers; PostgreSQL: no cache at all, see
 * packages/db/CONTEXT.md). Instants are ISO-8601 UTC strings; `findSession` checks expiry against `now`.
 */
export interface UserStorePort {
  findByUsername(username: string): Promise<UserRecord | null>;
  findById(id: number): Promise<UserRecord | null>;
  /** Every user, by id. */
  list(): Promise<UserRecord[]>;
  count(): Promise<number>;
  /** Insert a user; a taken username fails (unique). */
  create(u: Omit<UserRecord, 'id'>): Promise<UserRecord>;
  /** Change some fields; null when there is no such user. */
  update(id: number, patch: UserPatch): Promise<UserRecord | null>;

  createSession(s: NewSession): Promise<void>;
  /** The live session of this token with its (active) user, or null: unknown, expired or user disabled. */
  findSession(tokenHash: string, now: string): Promise<SessionRecord | null>;
  /** Slide a session's expiry forward (renewal while it is used). */
  renewSession(tokenHash: string, expiresAt: string): Promise<void>;
  deleteSession(tokenHash: string): Promise<void>;
  /** Delete sessions past their sliding or absolute expiry; returns how many went. */
  deleteExpiredSessions(now: string): Promise<number>;

  /** Register an Open311 key by its hash; an existing hash is left as it is. */
  addApiKey(k: { keyHash: string; name: string; createdAt: string }): Promise<void>;
  findApiKey(keyHash: string): Promise<{ name: string } | null>;

  logSecurity(e: NewSecurityLogEntry): Promise<void>;
  /**
   * Failed logins at or after `since`, from the security log every node writes (the login throttle,
   * shared by all nodes): for a username, only those after that user's last successful login; for an
   * address, all of them.
   */
  countLoginFailures(by: { username: string } | { ip: string }, since: string): Promise<number>;
  /** The latest `limit` entries, newest first. */
  listSecurityLog(limit?: number): Promise<SecurityLogEntry[]>;
}
