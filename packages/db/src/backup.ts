/**
 * Online backup and offline restore of the command center's SQLite database.
 *
 * Backup uses SQLite's online backup API through better-sqlite3 (`db.backup`) on a separate
 * read-only connection: it is safe while the server writes, and the copy is one consistent
 * snapshot of committed transactions. The copy goes to a temporary file beside the destination,
 * is checked with `PRAGMA integrity_check`, switched to a single-file journal mode and only then
 * renamed into place, so a file at `destFile` is always a complete, checked backup.
 *
 * Restore replaces a database file with a checked backup. The server must be stopped: the target
 * is refused while another connection holds it open. The replaced database is kept beside the
 * target (`<target>.pre-restore-<time>`), never deleted.
 */
import {
  closeSync,
  copyFileSync,
  existsSync,
  fsyncSync,
  openSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import Sqlite from 'better-sqlite3';

export type SqliteConnection = Sqlite.Database;

/** Open a database file without migrating it (read-only unless asked otherwise). */
export function openSqliteFile(file: string, opts: { readonly?: boolean } = {}): SqliteConnection {
  return new Sqlite(file, { readonly: opts.readonly ?? true, fileMustExist: true, timeout: 5000 });
}

/** `PRAGMA integrity_check` of a database file: `['ok']` when it is sound, else the problems. */
export function checkIntegrity(file: string): string[] {
  const db = openSqliteFile(file);
  try {
    return (db.pragma('integrity_check') as Array<{ integrity_check: string }>).map((r) => r.integrity_check);
  } finally {
    db.close();
  }
}

export class BackupError extends Error {}

function assertSound(file: string, what: string): void {
  const problems = checkIntegrity(file);
  if (problems.length !== 1 || problems[0] !== 'ok')
    throw new BackupError(`${what} ${file} fails integrity_check: ${problems.slice(0, 5).join('; ')}`);
  const db = openSqliteFile(file);
  try {
    const table = db.prepare("select name from sqlite_master where type = 'table' and name = 'cases'").get();
    if (!table) throw new BackupError(`${what} ${file} is not a citygrid database (no cases table)`);
  } finally {
    db.close();
  }
}

/** Flush a file (or a directory entry, after a rename) to disk. */
function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

const removeSidecars = (file: string) => {
  for (const suffix of ['-wal', '-shm', '-journal']) rmSync(`${file}${suffix}`, { force: true });
};

/**
 * Copy a live database to `destFile` with SQLite's online backup. Safe while the server writes:
 * the backup copies a consistent snapshot; if a writer changes the source between two steps SQLite
 * restarts the copy, and each restart copies more pages per step, so the backup always finishes.
 */
export async function backupDatabase(
  sourceFile: string,
  destFile: string,
  opts: { pagesPerStep?: number } = {},
): Promise<{ pages: number; restarts: number }> {
  const source = resolve(sourceFile);
  const dest = resolve(destFile);
  if (!existsSync(source)) throw new BackupError(`no database at ${source}`);
  if (source === dest) throw new BackupError('the backup must not overwrite its source');
  if (!existsSync(dirname(dest))) throw new BackupError(`the directory ${dirname(dest)} does not exist`);
  const tmp = join(dirname(dest), `.${basename(dest)}.${process.pid}.${Date.now()}.tmp`);
  const db = openSqliteFile(source);
  let pages = 0;
  let restarts = 0;
  try {
    let rate = Math.max(1, opts.pagesPerStep ?? 1000);
    let lastRemaining = Number.POSITIVE_INFINITY;
    const result = await db.backup(tmp, {
      progress: ({ remainingPages }) => {
        // a restart (the source changed between steps) shows as more pages remaining than last time
        if (remainingPages > lastRemaining) {
          restarts++;
          rate = Math.min(rate * 4, 0x7fffffff);
        }
        lastRemaining = remainingPages;
        return rate;
      },
    });
    pages = result.totalPages;
    // a backup is one self-contained file: no WAL beside it
    const copy = openSqliteFile(tmp, { readonly: false });
    try {
      copy.pragma('journal_mode = DELETE');
    } finally {
      copy.close();
    }
    assertSound(tmp, 'the new backup');
    fsyncPath(tmp);
    renameSync(tmp, dest);
    fsyncPath(dirname(dest));
  } catch (e) {
    rmSync(tmp, { force: true });
    removeSidecars(tmp);
    throw e;
  } finally {
    db.close();
  }
  return { pages, restarts };
}

/**
 * Put a backup in place of the database at `targetFile`. Run only while the server is stopped.
 * The backup is checked first; the database it replaces is kept as `<target>.pre-restore-<time>`.
 */
export async function restoreDatabase(
  backupFile: string,
  targetFile: string,
): Promise<{ replaced: string | null }> {
  const backup = resolve(backupFile);
  const target = resolve(targetFile);
  if (!existsSync(backup)) throw new BackupError(`no backup at ${backup}`);
  if (backup === target) throw new BackupError('the backup and the target are the same file');
  if (!existsSync(dirname(target))) throw new BackupError(`the directory ${dirname(target)} does not exist`);
  assertSound(backup, 'the backup');

  let replaced: string | null = null;
  if (existsSync(target)) {
    // Opening and closing folds any WAL left by a crash into the file; the last connection to close
    // removes the WAL. If it is still there, someone else (the server) has the database open.
    const db = openSqliteFile(target, { readonly: false });
    try {
      db.prepare('select count(*) from sqlite_master').get();
    } finally {
      db.close();
    }
    if (existsSync(`${target}-wal`))
      throw new BackupError(`${target} is in use: stop the server before restoring`);
    replaced = `${target}.pre-restore-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    renameSync(target, replaced);
    removeSidecars(target);
  }
  const tmp = join(dirname(target), `.${basename(target)}.${process.pid}.${Date.now()}.restore.tmp`);
  try {
    copyFileSync(backup, tmp);
    fsyncPath(tmp);
    renameSync(tmp, target);
    fsyncPath(dirname(target));
  } catch (e) {
    rmSync(tmp, { force: true });
    if (replaced && !existsSync(target)) renameSync(replaced, target);
    throw e;
  }
  assertSound(target, 'the restored database');
  return { replaced };
}

/** Size of a file in bytes (for the CLI's report). */
export const fileSize = (file: string) => statSync(file).size;
