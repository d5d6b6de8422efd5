import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as schema from './schema/index.ts';
import { startBackgroundCheckpoints, type Checkpointer } from './checkpointer.ts';
import { createReadPool, type ReadPool } from './read-pool.ts';
import { WalSync } from './wal-sync.ts';
import { GroupCommitWriter } from './writer.ts';

export type Schema = typeof schema;
export type Drizzle = BetterSQLite3Database<Schema>;

export interface Database_ {
  readonly db: Drizzle;
  readonly sqlite: Database.Database;
  readonly file: string;
  /** Directory beside the database file where attachments live, content-addressed. */
  readonly attachmentsDir: string;
  /** The background WAL checkpointer, or null (in-memory database, or `checkpoint: 'inline'`). */
  readonly checkpointer: Checkpointer | null;
  /** The database's one group-commit writer: every acknowledged write goes through it. */
  readonly writer: GroupCommitWriter;
  /** The off-loop WAL fsync behind the writer (`synchronous: 'offloaded'`), or null. */
  readonly walSync: WalSync | null;
  /** The `synchronous` pragma the connection runs with between bulk loads. */
  readonly synchronousPragma: 'FULL' | 'NORMAL';
  /** Reader threads for the reports' long scans (read-pool.ts), or null (in-memory, `readers: 0`). */
  readonly reads: ReadPool | null;
  close(): void;
}
export type { Database_ as CitygridDatabase };

export const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'drizzle');

export interface OpenDatabaseOptions {
  /**
   * When an acknowledged write is on the disk.
   * - `offloaded` (default): the connection runs `synchronous = NORMAL` and the writer fsyncs the WAL
   *   on libuv's thread pool after each batch, acknowledging only then (wal-sync.ts). Survives
   *   power loss like FULL without the event loop waiting for the disk.
   * - `FULL`: SQLite fsyncs inside COMMIT, on the calling thread (the comparison in `pnpm bench`).
   * - `NORMAL`: nothing waits for an fsync: survives a killed process, not power loss (benchmarks).
   * Writes outside the writer (sessions, admin edits) run on the same connection: under `offloaded`
   * they survive a killed process at once and power loss from the next batch's fsync or checkpoint.
   */
  synchronous?: 'offloaded' | 'FULL' | 'NORMAL';
  /**
   * `background` (default for a file): WAL checkpoints in a worker thread, off the commit path
   * (see checkpointer.ts). `inline`: SQLite's own autocheckpoint inside the committing call.
   */
  checkpoint?: 'background' | 'inline';
  /** Reader threads for the reports' long scans (default 2, started at the first; 0: on the connection). */
  readers?: number;
}

/**
 * Open (creating if needed) and migrate the database file. WAL; a write acknowledged by the writer
 * is on disk (see `synchronous`). Foreign-key checks are off during migration (drizzle rebuilds tables inside
 * one transaction where the pragma is a no-op) and verified afterwards.
 */
/** Where a database file's attachment bytes live (`DiskBlobStore`): `attachments/` beside it. */
export function attachmentsDirOf(file: string): string {
  return file === ':memory:'
    ? join(process.cwd(), '.attachments-memory')
    : join(dirname(file), 'attachments');
}

export function openDatabase(file: string, opts: OpenDatabaseOptions = {}): Database_ {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const sqlite = new Database(file);
  sqlite.pragma('journal_mode = WAL');
  const mode = opts.synchronous ?? 'offloaded';
  const synchronousPragma = mode === 'FULL' ? 'FULL' : 'NORMAL';
  sqlite.pragma(`synchronous = ${synchronousPragma}`);
  sqlite.pragma('busy_timeout = 5000');
  // when the WAL restarts (checkpointer.ts), a file grown past this by a burst is cut back
  sqlite.pragma('journal_size_limit = 67108864');
  sqlite.pragma('cache_size = -65536'); // 64 MiB of page cache
  sqlite.pragma('foreign_keys = OFF');
  const db = drizzle({ client: sqlite, schema, casing: 'snake_case' });
  migrate(db, { migrationsFolder: MIGRATIONS_DIR });
  const problems = sqlite.pragma('foreign_key_check') as unknown[];
  if (problems.length > 0)
    throw new Error(`foreign_key_check failed after migration: ${JSON.stringify(problems.slice(0, 5))}`);
  sqlite.pragma('foreign_keys = ON');
  const checkpointer =
    file !== ':memory:' && (opts.checkpoint ?? 'background') === 'background'
      ? startBackgroundCheckpoints(sqlite, file, {
          synchronous: synchronousPragma,
          onError: (e) => console.error(String(e)),
        })
      : null;
  const attachmentsDir = attachmentsDirOf(file);
  const walSync = file !== ':memory:' && mode === 'offloaded' ? new WalSync(`${file}-wal`) : null;
  const writer = new GroupCommitWriter(sqlite, 256, walSync ? () => walSync.sync() : null);
  const readers = opts.readers ?? 2;
  const reads = file !== ':memory:' && readers > 0 ? createReadPool(file, { size: readers }) : null;
  return {
    db,
    sqlite,
    file,
    attachmentsDir,
    checkpointer,
    writer,
    walSync,
    synchronousPragma,
    reads,
    close: () => {
      // the workers' connections first: once close() returns, no thread touches the files
      reads?.closeSync();
      checkpointer?.stopSync();
      walSync?.close();
      sqlite.close();
    },
  };
}

/**
 * Run a bulk load (seeding generated history): a big page cache and no fsync per batch while it
 * runs, then back to the database's own `synchronous` and a checkpoint. Never for acknowledged intake.
 */
export async function withBulkLoad<T>(database: Database_, work: () => Promise<T>): Promise<T> {
  database.sqlite.pragma('cache_size = -262144');
  database.sqlite.pragma('synchronous = OFF');
  try {
    return await work();
  } finally {
    database.sqlite.pragma(`synchronous = ${database.synchronousPragma}`);
    database.sqlite.pragma('wal_checkpoint(TRUNCATE)');
  }
}
