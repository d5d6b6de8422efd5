import { createHash, randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import { DomainError, type Role, type UnitCode } from '@citygrid/domain';
import type { UserRecord, UserStorePort } from '@citygrid/db';
import type { SessionUser } from '../session-user.ts';
import type { Clock } from './clock.ts';

/** OWASP (2025) argon2id minimum: 19 MiB, 2 iterations, 1 lane. Tests pass cheaper parameters. */
export const OWASP_ARGON2 = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;
export type Argon2Params = { memoryCost: number; timeCost: number; parallelism: number };

export type SessionKind = 'staff' | 'wall';

/**
 * Session lifetimes. A session slides forward while it is used (each request pushes its expiry to
 * now + idle) but never past its absolute cap. Staff sessions end after 2 h unused or 12 h (a shift)
 * at most; wall-display sessions are read-only and last while the display keeps polling (7 days idle,
 * 180 days at most) so the command hall's wall is not logged out in the night.
 */
export const SESSION_POLICY: Record<SessionKind, { idleS: number; absoluteS: number }> = {
  staff: { idleS: 2 * 3600, absoluteS: 12 * 3600 },
  wall: { idleS: 7 * 24 * 3600, absoluteS: 180 * 24 * 3600 },
};
/** Renewal writes only when it moves the expiry by more than this (one write a minute at most). */
const RENEW_STEP_MS = 60_000;
/** Roles that may open a wall-display session: those whose screens include the command map. */
const WALL_ROLES: readonly Role[] = [
  'operator',
  'shift_lead',
  'dispatcher',
  'inspector',
  'supervisor',
  'admin',
];
const MAX_FAILURES = 5;
const FAILURE_WINDOW_MS = 15 * 60_000;

export interface ResolvedSession {
  user: SessionUser;
  csrfToken: string;
  tokenHash: string;
  kind: SessionKind;
}

export const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const toSessionUser = (u: UserRecord): SessionUser => ({
  id: u.id,
  username: u.username,
  displayName: u.displayName,
  role: u.role,
  unitCode: (u.unitCode as UnitCode | null) ?? null,
});

/**
 * Passwords (argon2id), sessions (random tokens, stored hashed) and login throttling. Throttling is
 * checked BEFORE hashing so a flood of guesses cannot burn the CPU. It counts the failures the
 * security log holds (written by every node into the shared database), so a guesser gets the limit
 * once, not once per node behind the balancer; a successful login resets the username's count.
 */
export class AuthService {
  constructor(
    private readonly users: UserStorePort,
    private readonly clock: Clock,
    private readonly argon2: Argon2Params = OWASP_ARGON2,
  ) {}

  hashPassword(password: string): Promise<string> {
    return hash(password, { ...this.argon2, algorithm: 2 /* argon2id */ });
  }

  /** Too many recent failures for this username, or (four times as many) from this address. */
  private async throttled(username: string, ip: string | null): Promise<boolean> {
    const since = new Date(this.clock.now().getTime() - FAILURE_WINDOW_MS + 1).toISOString();
    const [byUser, byIp] = await Promise.all([
      this.users.countLoginFailures({ username }, since),
      ip === null ? 0 : this.users.countLoginFailures({ ip }, since),
    ]);
    return byUser >= MAX_FAILURES || byIp >= MAX_FAILURES * 4;
  }

  async login(
    username: string,
    password: string,
    ip: string | null,
    opts: { wall?: boolean } = {},
  ): Promise<{
    user: SessionUser;
    token: string;
    csrfToken: string;
    maxAgeSeconds: number;
    kind: SessionKind;
  }> {
    const at = this.clock.now().toISOString();
    if (await this.throttled(username, ip)) {
      await this.users.logSecurity({
        at,
        kind: 'login_throttled',
        username,
        detail: 'too many failed logins',
        ip,
      });
      throw new DomainError('TOO_MANY_REQUESTS', 'too many failed logins; try again in 15 minutes', {
        field: 'username',
      });
    }
    const user = await this.users.findByUsername(username);
    const ok = user !== null && user.active && (await verify(user.passwordHash, password).catch(() => false));
    if (!ok || !user) {
      await this.users.logSecurity({
        at,
        kind: 'login_failed',
        username,
        detail: user ? 'wrong password' : 'unknown user',
        ip,
      });
      throw new DomainError('UNAUTHENTICATED', 'wrong username or password', { field: 'password' });
    }
    const kind: SessionKind = opts.wall ? 'wall' : 'staff';
    if (kind === 'wall' && !WALL_ROLES.includes(user.role)) {
      await this.users.logSecurity({
        at,
        kind: 'denied',
        username,
        userId: user.id,
        detail: 'wall-display session for a role without the map',
        ip,
      });
      throw new DomainError('FORBIDDEN', 'this account may not open a wall-display session', {
        field: 'wall',
      });
    }
    const token = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(24).toString('base64url');
    const policy = SESSION_POLICY[kind];
    const nowMs = this.clock.now().getTime();
    await this.users.createSession({
      tokenHash: sha256(token),
      userId: user.id,
      csrfToken,
      createdAt: at,
      expiresAt: new Date(nowMs + policy.idleS * 1000).toISOString(),
      kind,
      absoluteExpiresAt: new Date(nowMs + policy.absoluteS * 1000).toISOString(),
    });
    await this.users.logSecurity({
      at,
      kind: 'login',
      username,
      userId: user.id,
      detail: kind === 'wall' ? 'wall-display session' : 'staff session',
      ip,
    });
    // the cookie lives as long as the absolute cap; the server's sliding expiry decides before that
    return { user: toSessionUser(user), token, csrfToken, maxAgeSeconds: policy.absoluteS, kind };
  }

  /** The session of a cookie token, renewed (sliding expiry, capped) because it is being used. */
  async resolveSession(token: string): Promise<ResolvedSession | null> {
    const tokenHash = sha256(token);
    const now = this.clock.now();
    const s = await this.users.findSession(tokenHash, now.toISOString());
    if (!s) return null;
    const cap = s.absoluteExpiresAt ? Date.parse(s.absoluteExpiresAt) : Date.parse(s.expiresAt);
    const renewed = Math.min(now.getTime() + SESSION_POLICY[s.kind].idleS * 1000, cap);
    if (renewed - Date.parse(s.expiresAt) > RENEW_STEP_MS)
      await this.users.renewSession(tokenHash, new Date(renewed).toISOString());
    return { user: toSessionUser(s.user), csrfToken: s.csrfToken, tokenHash, kind: s.kind };
  }

  async logout(session: { tokenHash: string; user: SessionUser }, ip: string | null): Promise<void> {
    await this.users.deleteSession(session.tokenHash);
    await this.users.logSecurity({
      at: this.clock.now().toISOString(),
      kind: 'logout',
      username: session.user.username,
      userId: session.user.id,
      detail: 'session ended',
      ip,
    });
  }

  /**
   * Housekeeping: delete sessions past their expiry (one delete on a small table). The throttle
   * keeps no state of its own: it reads the security log, which is kept for the audit.
   */
  async purgeExpired(): Promise<{ sessions: number }> {
    const sessions = await this.users.deleteExpiredSessions(this.clock.now().toISOString());
    return { sessions };
  }

  /** Run `purgeExpired` every `intervalMs` (unref'd timer); returns the stop function. */
  startHousekeeping(intervalMs: number, onError: (e: unknown) => void = () => {}): () => void {
    const timer = setInterval(() => void this.purgeExpired().catch(onError), intervalMs);
    timer.unref();
    return () => clearInterval(timer);
  }

  async logDenied(user: SessionUser, what: string, ip: string | null): Promise<void> {
    await this.users.logSecurity({
      at: this.clock.now().toISOString(),
      kind: 'denied',
      username: user.username,
      userId: user.id,
      detail: what,
      ip,
    });
  }

  async createUser(u: {
    username: string;
    displayName: string;
    role: Role;
    unitCode: string | null;
    password: string;
  }): Promise<SessionUser> {
    if (await this.users.findByUsername(u.username))
      throw new DomainError('CONFLICT', `username ${u.username} is taken`, { field: 'username' });
    if (u.role === 'unit_staff' && !u.unitCode)
      throw new DomainError('BAD_INPUT', 'unit staff need a unit', { field: 'unitCode' });
    const rec = await this.users.create({
      username: u.username,
      displayName: u.displayName,
      role: u.role,
      unitCode: u.role === 'unit_staff' ? u.unitCode : null,
      passwordHash: await this.hashPassword(u.password),
      active: true,
      createdAt: this.clock.now().toISOString(),
    });
    return toSessionUser(rec);
  }

  async checkApiKey(key: string | undefined): Promise<{ name: string } | null> {
    if (!key) return null;
    return this.users.findApiKey(sha256(key));
  }
}
