import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type CitygridDatabase } from '../client.ts';
import { UserStore } from './user-store.ts';

const T0 = Date.parse('2026-12-02T01:00:00Z');
const at = (ms: number) => new Date(T0 + ms).toISOString();

describe('session lookup cache', () => {
  let dir: string;
  let database: CitygridDatabase;
  let store: UserStore;
  let userId: number;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'citygrid-users-'));
    database = openDatabase(join(dir, 'u.db'));
    store = new UserStore(database);
    userId = (
      await store.create({
        username: 'op',
        displayName: '王',
        role: 'operator',
        unitCode: null,
        passwordHash: 'x',
        active: true,
        createdAt: at(0),
      })
    ).id;
    await store.createSession({
      tokenHash: 'h1',
      userId,
      csrfToken: 'c',
      createdAt: at(0),
      expiresAt: at(3600_000),
      kind: 'staff',
      absoluteExpiresAt: at(12 * 3600_000),
    });
  });
  afterEach(() => {
    database.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers a repeated lookup from memory for a short while (a change by another process shows after it)', async () => {
    expect((await store.findSession('h1', at(1000)))?.user.username).toBe('op');
    // another process (a second connection) deletes the session: this node's cache does not see it...
    const other = new Database(database.file);
    other.prepare('delete from sessions').run();
    other.close();
    expect((await store.findSession('h1', at(1500)))?.user.username).toBe('op');
    // ...for longer than the cache's life
    expect(await store.findSession('h1', at(1000 + 2_100))).toBeNull();
  });

  it('sees a logout, a purge or a raw delete through this node at once', async () => {
    expect(await store.findSession('h1', at(1000))).not.toBeNull();
    await store.deleteSession('h1');
    expect(await store.findSession('h1', at(1001))).toBeNull();
    await store.createSession({
      tokenHash: 'h2',
      userId,
      csrfToken: 'c',
      createdAt: at(0),
      expiresAt: at(3600_000),
      kind: 'staff',
      absoluteExpiresAt: null,
    });
    expect(await store.findSession('h2', at(1002))).not.toBeNull();
    database.sqlite.prepare('delete from sessions').run();
    expect(await store.findSession('h2', at(1003))).toBeNull();
  });

  it('drops the cache of every store on the connection', async () => {
    const second = new UserStore(database);
    expect(await second.findSession('h1', at(1000))).not.toBeNull();
    await store.deleteSession('h1');
    expect(await second.findSession('h1', at(1001))).toBeNull();
  });

  it('sees a user deactivated or given another role at once', async () => {
    expect((await store.findSession('h1', at(1000)))?.user.role).toBe('operator');
    await store.update(userId, { role: 'dispatcher' });
    expect((await store.findSession('h1', at(1001)))?.user.role).toBe('dispatcher');
    await store.update(userId, { active: false });
    expect(await store.findSession('h1', at(1002))).toBeNull();
  });

  it('honours expiry and renewal without a new read', async () => {
    expect(await store.findSession('h1', at(1000))).not.toBeNull();
    expect(await store.findSession('h1', at(3600_000))).toBeNull();
    await store.renewSession('h1', at(7200_000));
    expect((await store.findSession('h1', at(3600_001)))?.expiresAt).toBe(at(7200_000));
  });
});
