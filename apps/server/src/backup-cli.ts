/**
 * Backup and restore from the command line:
 *   tsx apps/server/src/backup-cli.ts backup  <database> <backup-file>   (safe while the server runs)
 *   tsx apps/server/src/backup-cli.ts restore <backup-file> <database>   (stop the server first)
 * Exit codes: 0 done, 1 failed, 2 usage error.
 */
import { BackupError, backupDatabase, fileSize, restoreDatabase } from '@citygrid/db';

const USAGE = `usage:
  backup  <database> <backup-file>   copy a live database (safe while the server runs)
  restore <backup-file> <database>   replace a database with a checked backup (server stopped)`;

function usage(problem: string): never {
  console.error(`${problem}\n${USAGE}`);
  process.exit(2);
}

const [command, from, to, ...extra] = process.argv.slice(2);
if (command === undefined || command === '-h' || command === '--help') {
  console.log(USAGE);
  process.exit(command === undefined ? 2 : 0);
}
if (command !== 'backup' && command !== 'restore') usage(`unknown command "${command}"`);
if (!from || !to) usage(`${command} needs two file paths`);
if (extra.length > 0) usage(`unexpected arguments: ${extra.join(' ')}`);

try {
  if (command === 'backup') {
    const t0 = Date.now();
    const { pages, restarts } = await backupDatabase(from, to);
    console.log(
      `backed up ${from} to ${to}: ${pages} pages, ${fileSize(to)} bytes, integrity ok, ${Date.now() - t0} ms${restarts ? `, restarted ${restarts}× by concurrent writes` : ''}`,
    );
  } else {
    const { replaced } = await restoreDatabase(from, to);
    console.log(
      `restored ${to} from ${from} (integrity ok)${replaced ? `; the previous database is kept as ${replaced}` : ''}`,
    );
  }
} catch (e) {
  console.error(
    `${command} failed: ${e instanceof BackupError ? e.message : e instanceof Error ? e.message : String(e)}`,
  );
  process.exit(1);
}
