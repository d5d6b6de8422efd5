import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PgUserStore } from '../pg/pg-user-store.ts';
import { contractBackends } from '../pg/test-backends.ts';
import type { UserStorePort } from './user-store-port.ts';
import { UserStore, type NewSession, type UserRecord } from './user-store.ts';

/*
 * One contract, two backends: users, sessions, API keys and the security log on SQLite (`UserStore`)
 * and PostgreSQL (`PgUserStore`, a throwaway cluster). "Second" is the same database through another
 * connection (pool), as another node has it: what one node revokes, the other must stop accepting.
 */

interface Opened {
  store: UserStorePort;
  second: UserStorePort;
  /** Raw SQL through the first connection (another store's write, e.g. the admin store's "end every session"). */
  exec(statement: string): Promise<void>;
  /** How long the second node may still accept a revoked session it looked up just before (its cache). */
  crossNodeStaleMs: number;
  close(): Promise<void>;
}

const backends = contractBackends('users');

async function open(backend: 'sqlite' | 'postgres'): Promise<Opened> {
  const d = await backends.open(backend);
  if (d.backend === 'sqlite')
    return {
      store: new UserStore(d.a),
      second: new UserStore(d.b),
      exec: async (s) => void d.a.sqlite.exec(s),
      // SQLite runs on one node; a second process sees a change after its 2-s session cache
      crossNodeStaleMs: 2_000,
      close: d.close,
    };
  return {
    store: new PgUserStore(d.a),
    second: new PgUserStore(d.b),
    exec: async (s) => void (await d.a.sql.unsafe(s)),
    crossNodeStaleMs: 0,
    close: d.close,
  };
}

beforeAll(() => backends.start());
afterAll(() => backends.stop());

const T0 = Date.parse('2026-12-02T01:00:00.000Z');
const at = (ms: number) => new Date(T0 + ms).toISOString();
const HOUR = 3_600_000;

const operator = (username = 'op'): Omit<UserRecord, 'id'> => ({
  username,
  displayName: '王受理',
  role: 'operator',
  unitCode: null,
  passwordHash: '$argon2id$x',
  active: true,
  createdAt: at(0),
});
const session = (tokenHash: string, userId: number, over: Partial<NewSession> = {}): NewSession => ({
  tokenHash,
  userId,
  csrfToken: `csrf-${tokenHash}`,
  createdAt: at(0),
  expiresAt: at(HOUR),
  kind: 'staff',
  absoluteExpiresAt: at(12 * HOUR),
  ...over,
});

describe.each(backends.names)('user store on %s', (backend) => {
  let db: Opened;
  beforeEach(async () => {
    db = await open(backend);
  });
  afterEach(async () => {
    await db.close();
  });

  it('creates, finds, updates, lists and counts users', async () => {
    expect(await db.store.count()).toBe(0);
    const op = await db.store.create(operator());
    const unit = await db.store.create({ ...operator('u1'), role: 'unit_staff', unitCode: 'U05' });
    expect(op).toEqual({ id: op.id, ...operator() });
    expect(unit.id).toBeGreaterThan(op.id);
    expect(await db.store.count()).toBe(2);
    expect(await db.second.findByUsername('op')).toEqual(op);
    expect(await db.store.findById(unit.id)).toEqual(unit);
    expect(await db.store.findByUsername('nobody')).toBeNull();
    expect(await db.store.findById(9999)).toBeNull();
    await expect(db.store.create(operator())).rejects.toThrow(); // username is unique
    const changed = await db.store.update(op.id, {
      displayName: '李受理',
      role: 'dispatcher',
      active: false,
    });
    expect(changed).toEqual({ ...op, displayName: '李受理', role: 'dispatcher', active: false });
    expect(await db.store.update(9999, { displayName: 'x' })).toBeNull();
    expect(await db.store.update(op.id, {})).toEqual(changed); // nothing to change: the user as it is
    expect(await db.store.update(9999, {})).toBeNull();
    expect((await db.second.list()).map((u) => [u.username, u.active])).toEqual([
      ['op', false],
      ['u1', true],
    ]);
  });

  it('creates, finds, renews and deletes sessions; expiry is checked against the caller’s clock', async () => {
    const op = await db.store.create(operator());
    await db.store.createSession(session('h1', op.id));
    await db.store.createSession(session('w1', op.id, { kind: 'wall', absoluteExpiresAt: null }));
    expect(await db.store.findSession('h1', at(1_000))).toEqual({
      user: op,
      csrfToken: 'csrf-h1',
      kind: 'staff',
      expiresAt: at(HOUR),
      absoluteExpiresAt: at(12 * HOUR),
    });
    expect((await db.store.findSession('w1', at(1_000)))?.kind).toBe('wall');
    expect(await db.store.findSession('nope', at(1_000))).toBeNull();
    // past the sliding expiry: gone; renewed: alive again until the new expiry
    expect(await db.store.findSession('h1', at(HOUR))).toBeNull();
    await db.store.renewSession('h1', at(3 * HOUR));
    expect((await db.store.findSession('h1', at(2 * HOUR)))?.expiresAt).toBe(at(3 * HOUR));
    // the absolute expiry holds whatever the renewals
    await db.store.renewSession('h1', at(20 * HOUR));
    expect(await db.store.findSession('h1', at(12 * HOUR))).toBeNull();
    await db.store.deleteSession('w1');
    expect(await db.store.findSession('w1', at(2_000))).toBeNull();
  });

  it('purges sessions past their sliding or absolute expiry and counts them', async () => {
    const op = await db.store.create(operator());
    await db.store.createSession(session('live', op.id, { expiresAt: at(5 * HOUR) }));
    await db.store.createSession(session('slid', op.id, { expiresAt: at(HOUR) }));
    await db.store.createSession(
      session('capped', op.id, { expiresAt: at(9 * HOUR), absoluteExpiresAt: at(2 * HOUR) }),
    );
    await db.store.createSession(
      session('wall', op.id, { expiresAt: at(9 * HOUR), absoluteExpiresAt: null }),
    );
    expect(await db.store.deleteExpiredSessions(at(2 * HOUR))).toBe(2);
    expect(await db.store.deleteExpiredSessions(at(2 * HOUR))).toBe(0);
    expect(await db.store.findSession('live', at(2 * HOUR))).not.toBeNull();
    expect(await db.store.findSession('wall', at(2 * HOUR))).not.toBeNull();
    await db.store.renewSession('capped', at(20 * HOUR)); // gone: renewing it brings nothing back
    expect(await db.store.findSession('capped', at(HOUR))).toBeNull();
  });

  it('revocation by one node holds on the other: logout, disabled account, every session ended, purge', async () => {
    const op = await db.store.create(operator());
    const other = await db.store.create(operator('op2'));
    for (const h of ['logout', 'ended', 'purged']) await db.store.createSession(session(h, op.id));
    await db.store.createSession(session('disabled', other.id));
    await db.store.createSession(session('purged-late', op.id, { expiresAt: at(2 * HOUR) }));
    // the second node has just accepted each of them (a warm lookup)
    const t = 1_000;
    for (const h of ['logout', 'ended', 'purged', 'disabled'])
      expect(await db.second.findSession(h, at(t)), h).not.toBeNull();

    await db.store.deleteSession('logout');
    await db.store.update(other.id, { active: false });
    await db.exec("delete from sessions where token_hash = 'ended'"); // as the admin store's password reset does
    await db.store.renewSession('purged', at(t + 500));
    expect(await db.store.deleteExpiredSessions(at(t + 500))).toBe(1);

    const seenAt = at(t + 500 + db.crossNodeStaleMs);
    for (const h of ['logout', 'ended', 'purged', 'disabled'])
      expect(await db.second.findSession(h, seenAt), h).toBeNull();
    expect(await db.second.findSession('purged-late', seenAt)).not.toBeNull();
    // on the node that revoked, at once
    for (const h of ['logout', 'ended', 'purged', 'disabled'])
      expect(await db.store.findSession(h, at(t + 501)), h).toBeNull();
  });

  it('registers API keys once and finds them by hash', async () => {
    await db.store.addApiKey({ keyHash: 'k1', name: 'demo', createdAt: at(0) });
    await db.store.addApiKey({ keyHash: 'k1', name: 'renamed', createdAt: at(1) }); // left as it is
    expect(await db.second.findApiKey('k1')).toEqual({ name: 'demo' });
    expect(await db.store.findApiKey('k2')).toBeNull();
  });

  it('writes the security log and lists it newest first, up to a limit', async () => {
    await db.store.logSecurity({
      at: at(0),
      kind: 'login_failed',
      username: 'op',
      detail: 'bad password',
      ip: '10.0.0.1',
    });
    await db.store.logSecurity({ at: at(1), kind: 'login', username: 'op', userId: 1, detail: 'ok' });
    await db.store.logSecurity({ at: at(2), kind: 'logout', userId: 1, detail: '退出' });
    const all = await db.second.listSecurityLog();
    expect(all.map((e) => e.kind)).toEqual(['logout', 'login', 'login_failed']);
    expect(all[2]).toEqual({
      id: all[2]!.id,
      at: at(0),
      kind: 'login_failed',
      username: 'op',
      userId: null,
      detail: 'bad password',
      ip: '10.0.0.1',
    });
    expect(all[0]).toMatchObject({ username: null, userId: 1, ip: null, detail: '退出' });
    expect((await db.store.listSecurityLog(2)).map((e) => e.kind)).toEqual(['logout', 'login']);
  });

  it('counts recent failed logins per username (since its last login) and per address, for every node', async () => {
    const fail = (t: number, username: string, ip: string) =>
      db.store.logSecurity({ at: at(t), kind: 'login_failed', username, detail: 'wrong password', ip });
    await fail(0, 'op', '10.0.0.1');
    await fail(10, 'op', '10.0.0.2');
    await fail(20, 'op', '10.0.0.1');
    await fail(30, 'lead', '10.0.0.1');
    await db.store.logSecurity({
      at: at(25),
      kind: 'login_throttled',
      username: 'op',
      detail: 'x',
      ip: '10.0.0.1',
    });
    // another node reads what this one wrote
    expect(await db.second.countLoginFailures({ username: 'op' }, at(0))).toBe(3);
    expect(await db.second.countLoginFailures({ username: 'op' }, at(5))).toBe(2);
    expect(await db.second.countLoginFailures({ ip: '10.0.0.1' }, at(0))).toBe(3);
    expect(await db.second.countLoginFailures({ ip: '10.0.0.9' }, at(0))).toBe(0);
    // a successful login resets the username's count, not the address's
    await db.store.logSecurity({ at: at(40), kind: 'login', username: 'op', userId: 1, detail: 'ok' });
    expect(await db.second.countLoginFailures({ username: 'op' }, at(0))).toBe(0);
    await fail(50, 'op', '10.0.0.1');
    expect(await db.second.countLoginFailures({ username: 'op' }, at(0))).toBe(1);
    expect(await db.second.countLoginFailures({ ip: '10.0.0.1' }, at(0))).toBe(4);
  });
});
