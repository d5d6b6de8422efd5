/**
 * The one test-support kit (`@citygrid/server/testing`): used by the server's own tests, the
 * reliability suite, the browser tests and the benchmarks. Suite-specific pieces (seeded
 * randomness, Chromium, load generators) stay beside their suites and build on this.
 */
export * from './wait.ts';
export * from './fixtures.ts';
export * from './session.ts';
export * from './in-process.ts';
export * from './child-server.ts';
export * from './invariants.ts';
export * from './sql-probe.ts';
// the backup tool under test by the reliability suite (backup-restore, crash-recovery)
export {
  BackupError,
  backupDatabase,
  checkIntegrity,
  openSqliteFile,
  restoreDatabase,
  type SqliteConnection,
} from '@citygrid/db';
export * from './procedures.ts';
export * from './grid-upload-fixtures.ts';
