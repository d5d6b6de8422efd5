import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type CitygridDatabase } from './client.ts';

const dirs: string[] = [];
const opened: CitygridDatabase[] = [];
afterEach(() => {
  for (const d of opened.splice(0)) d.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function open(opts: Parameters<typeof openDatabase>[1] = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'citygrid-ckpt-'));
  dirs.push(dir);
  const file = join(dir, 'c.db');
  const db = openDatabase(file, opts);
  opened.push(db);
  db.sqlite.exec('create table blob_rows (id integer primary key, body blob)');
  return { db, file };
}

/** Commit about 2,500 pages (10 MB) of WAL in one transaction: far past the 1,000-page autocheckpoint. */
function bigCommit(db: CitygridDatabase) {
  const insert = db.sqlite.prepare('insert into blob_rows (body) values (?)');
  db.sqlite.transaction(() => {
    for (let i = 0; i < 2500; i++) insert.run(Buffer.alloc(4000, i % 256));
  })();
}

describe('WAL checkpoints', () => {
  it('are not run inside a commit: the main file grows only later, from the background worker', async () => {
    const { db, file } = open();
    const before = statSync(file).size;
    bigCommit(db);
    // the commit returned having written the WAL only; its 10 MB were not copied into the main file
    // (the worker may have moved the earlier, small schema commits meanwhile)
    expect(statSync(file).size).toBeLessThan(before + 1_000_000);
    expect(statSync(`${file}-wal`).size).toBeGreaterThan(9_000_000);
    const t0 = Date.now();
    while (
      (statSync(file).size <= before + 9_000_000 || db.checkpointer!.stats.runs === 0) &&
      Date.now() - t0 < 15_000
    )
      await new Promise((r) => setTimeout(r, 50));
    expect(statSync(file).size).toBeGreaterThan(before + 9_000_000);
    expect(db.checkpointer!.stats.runs).toBeGreaterThan(0);
    // the data is intact and readable through the main connection
    expect((db.sqlite.prepare('select count(*) as n from blob_rows').get() as { n: number }).n).toBe(2500);
  });

  it('keep the WAL bounded under sustained commits: it restarts from its beginning instead of growing', async () => {
    // the defect: with a commit every few milliseconds, each PASSIVE checkpoint ended with newer
    // frames uncopied, SQLite never restarted the WAL, and it grew by everything ever written
    const { db, file } = open();
    db.sqlite.exec('create index blob_rows_body on blob_rows (length(body))');
    const insert = db.sqlite.prepare('insert into blob_rows (body) values (?)');
    const pageSize = db.sqlite.pragma('page_size', { simple: true }) as number;
    const walPages = () => statSync(`${file}-wal`).size / (pageSize + 24);
    let written = 0;
    const t0 = Date.now();
    let i = 0;
    // about 2 MB a second in commits of 10 rows, one every 5 ms, for at least 4.5 s and 700 commits
    // and 4 checkpoint ticks (a loaded machine commits more slowly: the loop then runs longer)
    while (
      (Date.now() - t0 < 4_500 || written < 700 || db.checkpointer!.stats.runs < 4) &&
      Date.now() - t0 < 30_000
    ) {
      await db.writer.submit(() => {
        for (let k = 0; k < 10; k++) insert.run(Buffer.alloc(1000, i++ % 256));
      });
      written++;
      await new Promise((r) => setTimeout(r, 5));
    }
    const framesAtLastCheckpoint = db.checkpointer!.stats.walFrames;
    expect(db.checkpointer!.stats.runs).toBeGreaterThanOrEqual(3);
    // everything written would be about (commits × pages per commit); the WAL holds at most about
    // the last second of it
    const pagesPerCommit = 4;
    expect(written * pagesPerCommit).toBeGreaterThan(2_000);
    expect(framesAtLastCheckpoint).toBeLessThan((written * pagesPerCommit) / 2);
    expect(walPages()).toBeLessThan(written * pagesPerCommit);
    expect((db.sqlite.prepare('select count(*) as n from blob_rows').get() as { n: number }).n).toBe(i);
  });

  it('run inside the commit with checkpoint: inline (SQLite autocheckpoint, the old behaviour)', () => {
    const { db, file } = open({ checkpoint: 'inline' });
    const before = statSync(file).size;
    bigCommit(db);
    expect(db.checkpointer).toBeNull();
    expect(statSync(file).size).toBeGreaterThan(before + 9_000_000);
  });
});

describe('closing a database', () => {
  it('leaves no thread touching its files once close() returns, so its folder can be removed at once', async () => {
    // the CI failure this guards: a checkpoint worker opened (or closed) its connection after the
    // owner had closed the database and begun removing its folder, and rmdir met a file that had
    // just appeared (ENOTEMPTY). Twenty workers starting at once make their start-up slow.
    for (const waitMs of [0, 5, 40]) {
      const dirs = Array.from({ length: 20 }, () => mkdtempSync(join(tmpdir(), 'citygrid-ckpt-close-')));
      const dbs = dirs.map((d) => openDatabase(join(d, 'c.db')));
      await new Promise((r) => setTimeout(r, waitMs));
      for (const [i, db] of dbs.entries()) {
        db.close();
        // SQLite removes the WAL when the last connection closes: the worker's closed before ours
        expect(existsSync(join(dirs[i]!, 'c.db-wal'))).toBe(false);
        rmSync(dirs[i]!, { recursive: true });
      }
      await new Promise((r) => setTimeout(r, 200));
      expect(dirs.filter((d) => existsSync(d))).toEqual([]);
    }
  });
});
