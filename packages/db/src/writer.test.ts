import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type CitygridDatabase } from './client.ts';
import { GroupCommitWriter } from './writer.ts';

describe('GroupCommitWriter (group commit on a migrated SQLite file)', () => {
  let dir: string;
  let database: CitygridDatabase;
  let writer: GroupCommitWriter;
  const insert = (v: number) => () =>
    database.sqlite.prepare('insert into probe (v) values (?)').run(v).lastInsertRowid;
  const values = (db: Database.Database = database.sqlite) =>
    (db.prepare('select v from probe order by v').all() as Array<{ v: number }>).map((r) => r.v);

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'citygrid-writer-'));
    database = openDatabase(join(dir, 'w.db'));
    database.sqlite.exec('create table probe (v integer not null unique)');
    writer = new GroupCommitWriter(database.sqlite);
  });
  afterEach(() => {
    database.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs the writes of one event-loop turn in one transaction and resolves each with its own result', async () => {
    const ids = await Promise.all([1, 2, 3, 4, 5].map((v) => writer.submit(insert(v))));
    expect(ids.map(Number)).toEqual([1, 2, 3, 4, 5]);
    expect(writer.stats).toEqual({ batches: 1, writes: 5, maxBatch: 5 });
    expect(values()).toEqual([1, 2, 3, 4, 5]);
  });

  it('commits writes of different turns in different transactions', async () => {
    await writer.submit(insert(1));
    await writer.submit(insert(2));
    expect(writer.stats).toMatchObject({ batches: 2, writes: 2, maxBatch: 1 });
  });

  it('rolls back a failing write alone: the others in its batch commit, its promise rejects', async () => {
    const outcomes = await Promise.allSettled([
      writer.submit(insert(1)),
      writer.submit(() => {
        insert(2)();
        insert(1)(); // unique violation after a successful insert: the savepoint undoes both
      }),
      writer.submit(insert(3)),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(String((outcomes[1] as PromiseRejectedResult).reason)).toMatch(/UNIQUE/);
    expect(values()).toEqual([1, 3]);
    expect(writer.stats).toMatchObject({ batches: 1, writes: 3 });
  });

  it('resolves only after COMMIT: another connection already reads the write', async () => {
    const other = new Database(database.file, { readonly: true });
    try {
      const seen = await writer.submit(insert(42)).then(() => values(other));
      expect(seen).toEqual([42]);
    } finally {
      other.close();
    }
  });

  it('keeps a resolved write after the database is closed and opened again', async () => {
    await writer.submit(insert(7));
    database.close();
    database = openDatabase(join(dir, 'w.db'));
    expect(values()).toEqual([7]);
  });

  it('splits a long queue into batches of at most maxBatch, in order', async () => {
    const small = new GroupCommitWriter(database.sqlite, 2);
    await Promise.all([1, 2, 3, 4, 5].map((v) => small.submit(insert(v))));
    expect(small.stats).toEqual({ batches: 3, writes: 5, maxBatch: 2 });
    expect(values()).toEqual([1, 2, 3, 4, 5]);
  });

  it('acknowledges a batch only once the fsync after its COMMIT resolved, in commit order, and fails it when the fsync fails', async () => {
    const pending: Array<{ resolve: () => void; reject: (e: Error) => void }> = [];
    const durable = new GroupCommitWriter(
      database.sqlite,
      256,
      () => new Promise<void>((resolve, reject) => pending.push({ resolve, reject })),
    );
    let acknowledged = false;
    const first = durable.submit(insert(1)).then(() => (acknowledged = true));
    await new Promise((r) => setTimeout(r, 20));
    // committed (the connection reads it) but not yet on the disk: nobody is told it is stored
    expect(values()).toEqual([1]);
    expect(acknowledged).toBe(false);
    expect(pending).toHaveLength(1);
    pending[0]!.resolve();
    await first;
    expect(acknowledged).toBe(true);

    // a later batch whose fsync returns first is still released after the earlier one
    const order: number[] = [];
    const early = durable.submit(insert(10)).then(() => order.push(10));
    await new Promise((r) => setTimeout(r, 20));
    const late = durable.submit(insert(11)).then(() => order.push(11));
    await new Promise((r) => setTimeout(r, 20));
    expect(pending).toHaveLength(3);
    pending[2]!.resolve();
    await new Promise((r) => setTimeout(r, 20));
    expect(order).toEqual([]);
    pending[1]!.resolve();
    await Promise.all([early, late]);
    expect(order).toEqual([10, 11]);

    const second = durable.submit(insert(2));
    await new Promise((r) => setTimeout(r, 20));
    pending[3]!.reject(new Error('EIO: i/o error, fsync'));
    await expect(second).rejects.toThrow(/EIO/);
  });
});

describe("the database's own writer", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'citygrid-durable-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const synchronousOf = (db: CitygridDatabase) => db.sqlite.pragma('synchronous', { simple: true });

  it('by default leaves the fsync out of COMMIT and fsyncs the WAL off the event loop before acknowledging', async () => {
    const database = openDatabase(join(dir, 'a.db'));
    try {
      database.sqlite.exec('create table probe (v integer)');
      expect(synchronousOf(database)).toBe(1); // NORMAL: COMMIT does not wait for the disk
      const before = database.walSync!.stats.syncs;
      await Promise.all(
        [1, 2, 3].map((v) =>
          database.writer.submit(() => database.sqlite.prepare('insert into probe (v) values (?)').run(v)),
        ),
      );
      expect(database.walSync!.stats.syncs).toBe(before + 1); // one batch, one fsync
      // its duration is counted: the slowest is at least this one, and at most everything's time
      const { slowestMs, over25ms, over100ms } = database.walSync!.stats;
      expect(slowestMs).toBeGreaterThan(0);
      expect(over100ms).toBeLessThanOrEqual(over25ms);
      expect(over25ms).toBeLessThanOrEqual(before + 1);
    } finally {
      database.close();
    }
  });

  it('with synchronous FULL fsyncs inside COMMIT and has no off-loop sync', () => {
    const database = openDatabase(join(dir, 'b.db'), { synchronous: 'FULL' });
    try {
      expect(synchronousOf(database)).toBe(2);
      expect(database.walSync).toBeNull();
    } finally {
      database.close();
    }
  });
});
