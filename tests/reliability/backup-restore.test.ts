import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BackupError, backupDatabase, checkIntegrity, openSqliteFile, restoreDatabase } from './support.ts';
import {
  REPO_ROOT,
  SCALE,
  SEED,
  waitFor,
  caseTotals,
  intakeInput,
  loginAs,
  replayMismatches,
  sleep,
  startTestServer,
  versionEventMismatches,
  type Session,
  type TestServer,
} from './support.ts';

/**
 * Online backup under intake load, then restore: every case acknowledged before the backup began
 * is in the backup, the backup is sound, and a server started on the restored file serves them.
 */
const dir = mkdtempSync(join(tmpdir(), 'citygrid-backup-'));
const dbPath = join(dir, 'citygrid.db');
const backupDir = mkdtempSync(join(tmpdir(), 'citygrid-backups-'));
let server: TestServer | null = null;

afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
  rmSync(backupDir, { recursive: true, force: true });
});

function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'apps/server/src/backup-cli.ts', ...args],
      { cwd: REPO_ROOT },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
      },
    );
  });
}

/** Intake load until stopped; each acknowledgement is recorded in order. */
function intakeLoad(operator: Session, workers: number) {
  let stopped = false;
  const acked: Array<{ caseNumber: string; description: string }> = [];
  let n = 0;
  const running = Array.from({ length: workers }, async () => {
    while (!stopped) {
      const description = `备份测试 ${SEED} ${n++}`;
      const r = await operator.client.intake.create.mutate(intakeInput(description, '13300000000'));
      acked.push({ caseNumber: r.caseNumber, description });
    }
  });
  return {
    acked,
    stop: async () => {
      stopped = true;
      await Promise.all(running);
    },
  };
}

function casesIn(file: string, caseNumbers: string[]): Map<string, string> {
  const db = openSqliteFile(file);
  try {
    const get = db.prepare('select description from cases where case_number = ?');
    return new Map(
      caseNumbers.flatMap((n) => {
        const row = get.get(n) as { description: string } | undefined;
        return row ? [[n, row.description] as const] : [];
      }),
    );
  } finally {
    db.close();
  }
}

describe('online backup and restore', () => {
  it('backs up a database under load with every case acknowledged before it began, and restores it to a working server', async () => {
    server = await startTestServer({ SEED_HISTORY_CASES: 300 * SCALE }, { dir });
    const operator = await loginAs(server, 'operator');
    const load = intakeLoad(operator, 6);
    // the load is running (on a busy machine the first acknowledgements can take a while)
    await waitFor(() => load.acked.length >= 5, 'the first acknowledged cases', 60_000);

    // in process, in small steps so the copy interleaves with the writes (and restarts)
    const before1 = [...load.acked];
    expect(before1.length).toBeGreaterThan(0);
    const first = await backupDatabase(dbPath, join(backupDir, 'one.db'), { pagesPerStep: 8 });
    await sleep(200);
    // from another process, with the CLI, as an operator would
    const before2 = [...load.acked];
    const viaCli = await cli('backup', dbPath, join(backupDir, 'two.db'));
    await sleep(200);
    await load.stop();
    expect(viaCli.code, viaCli.stderr).toBe(0);
    expect(viaCli.stdout).toContain('integrity ok');
    expect(first.pages).toBeGreaterThan(0);

    for (const [file, before] of [
      ['one.db', before1],
      ['two.db', before2],
    ] as const) {
      const path = join(backupDir, file);
      expect(checkIntegrity(path), file).toEqual(['ok']);
      const found = casesIn(
        path,
        before.map((a) => a.caseNumber),
      );
      expect(
        before.filter((a) => found.get(a.caseNumber) !== a.description).map((a) => a.caseNumber),
        `${file}: acknowledged before the backup but missing`,
      ).toEqual([]);
      const b = openSqliteFile(path);
      try {
        // one consistent moment: every row matches its events, nothing half-written
        expect(versionEventMismatches(b), file).toEqual([]);
        expect(b.pragma('foreign_key_check'), file).toEqual([]);
        expect(b.pragma('journal_mode', { simple: true }), file).toBe('delete');
        expect(caseTotals(b).cases).toBeLessThanOrEqual(caseTotals(server.services.database!.sqlite).cases);
      } finally {
        b.close();
      }
    }
    // nothing is left half-written beside the backups
    expect(readdirSync(backupDir).sort()).toEqual(['one.db', 'two.db']);

    // restoring over the live file is refused while the server has it open
    await expect(restoreDatabase(join(backupDir, 'two.db'), dbPath)).rejects.toThrow(/in use/);
    const cliRefused = await cli('restore', join(backupDir, 'two.db'), dbPath);
    expect(cliRefused.code).toBe(1);
    expect(cliRefused.stderr).toMatch(/in use/);

    // stop, restore the CLI's backup in place, start again on it
    const liveTotals = caseTotals(server.services.database!.sqlite);
    await server.stop();
    server = null;
    const restored = await cli('restore', join(backupDir, 'two.db'), dbPath);
    expect(restored.code, restored.stderr).toBe(0);
    expect(readdirSync(dir).some((f) => f.startsWith('citygrid.db.pre-restore-'))).toBe(true); // the replaced database is kept
    server = await startTestServer({}, { dir });
    const backupTotals = (() => {
      const b = openSqliteFile(join(backupDir, 'two.db'));
      try {
        return caseTotals(b);
      } finally {
        b.close();
      }
    })();
    expect(caseTotals(server.services.database!.sqlite)).toEqual(backupTotals);
    expect(backupTotals.cases).toBeLessThanOrEqual(liveTotals.cases);
    const lead = await loginAs(server, 'lead');
    for (const a of before2) {
      const view = await lead.client.cases.get.query({ caseNumber: a.caseNumber });
      expect(view.record.description).toBe(a.description);
      expect(replayMismatches(view)).toEqual([]);
    }
    // and it keeps working: a new case gets the next number
    const next = await (
      await loginAs(server, 'operator')
    ).client.intake.create.mutate(intakeInput('备份恢复之后', '13300000001'));
    expect(before2.map((a) => a.caseNumber)).not.toContain(next.caseNumber);
    expect(checkIntegrity(dbPath)).toEqual(['ok']);
  });

  it('refuses to restore a file that is not a sound citygrid database, and leaves the target alone', async () => {
    const target = join(backupDir, 'target.db');
    await backupDatabase(dbPath, target);
    const junk = join(backupDir, 'junk.db');
    writeFileSync(junk, 'this is not a database');
    await expect(restoreDatabase(junk, target)).rejects.toThrow();
    await expect(restoreDatabase(join(backupDir, 'missing.db'), target)).rejects.toThrow(BackupError);
    expect(checkIntegrity(target)).toEqual(['ok']);
    await expect(backupDatabase(dbPath, dbPath)).rejects.toThrow(BackupError);
    await expect(backupDatabase(dbPath, join(backupDir, 'no-such-dir', 'x.db'))).rejects.toThrow(BackupError);
    expect(existsSync(join(backupDir, 'no-such-dir'))).toBe(false);
  });

  it('explains its usage and fails with exit code 2 on wrong arguments', async () => {
    const wrong = [[], ['copy', 'a', 'b'], ['backup', 'only-one'], ['restore', 'a', 'b', 'c']];
    const [missing, ...answers] = await Promise.all([
      cli('backup', join(backupDir, 'nope.db'), join(backupDir, 'out.db')),
      ...wrong.map((args) => cli(...args)),
    ]);
    answers.forEach((r, i) => {
      expect(r.code, wrong[i]!.join(' ')).toBe(2);
      expect(r.stderr + r.stdout).toMatch(/usage:/);
    });
    expect(missing!.code).toBe(1);
    expect(missing!.stderr).toMatch(/no database at/);
  });
});
