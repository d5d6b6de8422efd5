import { createHash, randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import { DomainError, type Role, type UnitCode } from '@citygrid/domain';
import type { UserRecord, UserStore } from '@citygrid/db';
import type { SessionUser } from '../context.ts';
import type { Clock } from './clock.ts';

/** OWASP (2025) argon2id minimum: 19 MiB, 2 iterations, 1 lane. Tests pass cheaper parameters. */
export const OWASP_ARGON2 = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;
export type Argon2Params = { memoryCost: number; timeCost: number; parallelism: number };

const SESSION_TTL_S = 12 * 3600;
const MAX_FAILURES = 5;
const FAILURE_WINDOW_MS = 15 * 60_000;

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
 * checked BEFORE hashing so a flood of guesses cannot burn the CPU.
 */
export class AuthService {
  private failures = new Map<string, number[]>();

  constructor(
    private readonly users: UserStore,
    private readonly clock: Clock,
    private readonly argon2: Argon2Params = OWASP_ARGON2,
  ) {}

  hashPassword(password: string): Promise<string> {
    return hash(password, { ...this.argon2, algorithm: 2 /* argon2id */ });
  }

  private recentFailures(key: string): number[] {
    const now = this.clock.now().getTime();
    const list = (this.failures.get(key) ?? []).filter((t) => now - t < FAILURE_WINDOW_MS);
    this.failures.set(key, list);
    return list;
  }

  async login(username: string, password: string, ip: string | null): Promise<{ user: SessionUser; token: string; csrfToken: string; maxAgeSeconds: number }> {
    const at = this.clock.now().toISOString();
    const keys = [`u:${username}`, `ip:${ip ?? '-'}`];
    if (this.recentFailures(keys[0]!).length >= MAX_FAILURES || this.recentFailures(keys[1]!).length >= MAX_FAILURES * 4) {
      await this.users.logSecurity({ at, kind: 'login_throttled', username, detail: 'too many failed logins', ip });
      throw new DomainError('TOO_MANY_REQUESTS', 'too many failed logins; try again in 15 minutes', { field: 'username' });
    }
    const user = await this.users.findByUsername(username);
    const ok = user !== null && user.active && (await verify(user.passwordHash, password).catch(() => false));
    if (!ok || !user) {
      for (const k of keys) this.recentFailures(k).push(this.clock.now().getTime());
      await this.users.logSecurity({ at, kind: 'login_failed', username, detail: user ? 'wrong password' : 'unknown user', ip });
      throw new DomainError('UNAUTHENTICATED', 'wrong username or password', { field: 'password' });
    }
    this.failures.delete(keys[0]!);
    const token = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(24).toString('base64url');
    const expiresAt = new Date(this.clock.now().getTime() + SESSION_TTL_S * 1000).toISOString();
    await this.users.createSession({ tokenHash: sha256(token), userId: user.id, csrfToken, createdAt: at, expiresAt });
    return { user: toSessionUser(user), token, csrfToken, maxAgeSeconds: SESSION_TTL_S };
  }

  async resolveSession(token: string): Promise<{ user: SessionUser; csrfToken: string; tokenHash: string } | null> {
    const tokenHash = sha256(token);
    const s = await this.users.findSession(tokenHash, this.clock.now().toISOString());
    return s ? { user: toSessionUser(s.user), csrfToken: s.csrfToken, tokenHash } : null;
  }

  logout(tokenHash: string): Promise<void> {
    return this.users.deleteSession(tokenHash);
  }

  async logDenied(user: SessionUser, what: string, ip: string | null): Promise<void> {
    await this.users.logSecurity({ at: this.clock.now().toISOString(), kind: 'denied', username: user.username, userId: user.id, detail: what, ip });
  }

  async createUser(u: { username: string; displayName: string; role: Role; unitCode: string | null; password: string }): Promise<SessionUser> {
    if (await this.users.findByUsername(u.username)) throw new DomainError('CONFLICT', `username ${u.username} is taken`, { field: 'username' });
    if (u.role === 'unit_staff' && !u.unitCode) throw new DomainError('BAD_INPUT', 'unit staff need a unit', { field: 'unitCode' });
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
