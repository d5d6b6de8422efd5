import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bulkSeedHistory, createServices, seedReferenceData } from '@citygrid/api';
import {
  bareCaseFields,
  SqliteCaseCore,
  copySqliteToPg,
  openDatabase,
  openPgDatabase,
  PgBlobStore,
  PgCaseStore,
  pgTestAvailability,
  ReferenceStore,
  startTestCluster,
  type TestCluster,
} from '@citygrid/db';

/*
 * `pnpm db:copy`: a seeded SQLite city (the generated history of `pnpm seed`, smaller) copied into a
 * throwaway PostgreSQL cluster, verified, and a tampered copy refused by the CLI with exit code 1.
 */

const pg = pgTestAvailability();
const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'packages/db/src/pg/copy-cli.ts', ...args], {
      cwd: repoRoot,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe.runIf(pg.available)('db:copy from SQLite to PostgreSQL', () => {
  let cluster: TestCluster;
  let dir: string;
  let file: string;
  /** A photo stored as a file by the SQLite city (bytes with every value, so nothing is lost in bytea). */
  const photo = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    Buffer.from(Array.from({ length: 512 }, (_, i) => i % 256)),
  ]);
  let photoSha: string;
  beforeAll(async () => {
    cluster = await startTestCluster();
    dir = mkdtempSync(join(tmpdir(), 'citygrid-copy-'));
    file = join(dir, 'city.db');
    const database = openDatabase(file, { checkpoint: 'inline' });
    await seedReferenceData(new ReferenceStore(database), new Date().toISOString());
    const services = await createServices({ database });
    await bulkSeedHistory(
      { ...services, database },
      {
        count: 300,
        days: 60,
        now: new Date('2026-11-30T04:00:00Z'),
        seed: 11,
      },
    );
    photoSha = (await services.attachments.storeBytes(photo, 'image/png', null)).sha256;
    database.close();
  });
  afterAll(() => {
    cluster?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('copies every table and the whole event log, verifies each case, and continues the sequences', async () => {
    const url = cluster.createDatabase('copy_ok');
    const report = await copySqliteToPg({ from: file, to: url, batchRows: 97 });
    expect(report.problems).toEqual([]);
    const byTable = Object.fromEntries(report.tables.map((t) => [t.table, t]));
    expect(byTable.cases!.source).toBeGreaterThan(250);
    expect(byTable.case_events!.source).toBeGreaterThan(byTable.cases!.source);
    for (const t of report.tables) expect(t.target, t.table).toBe(t.source);
    expect(report.casesCompared).toBe(byTable.cases!.source);
    expect(report.attachments).toEqual({ copied: 1, missingInSource: 0 });

    const db = await openPgDatabase(url, { migrate: false });
    try {
      const [max] =
        await db.sql`select (select max(id) from cases)::bigint as c, (select max(id) from case_events) as e`;
      const store = new PgCaseStore(db);
      const { record, events } = await store.createCase({
        fields: bareCaseFields('迁移后的第一件', '2026-12-01T02:00:00.000Z'),
        events: [
          {
            actor: { userId: null, role: 'operator', unitCode: null },
            actorName: '受理员',
            at: '2026-12-01T02:00:00.000Z',
            action: { type: 'report' },
          },
        ],
      });
      // the photo's bytes came along, so any node can serve it
      expect(Buffer.compare((await new PgBlobStore(db).get(photoSha))!, photo)).toBe(0);
      expect(record.id).toBe(Number(max!.c) + 1);
      expect(events[0]!.id).toBe(Number(max!.e) + 1);
      await expect(copySqliteToPg({ from: file, to: url })).rejects.toThrow(/target database is not empty/);
    } finally {
      await db.close();
    }
  });

  it('exits non-zero naming the table and the case when the copy does not match', async () => {
    const url = cluster.createDatabase('copy_tampered');
    const ok = await runCli(['--from', file, '--to', url]);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/copied and verified/);

    const db = await openPgDatabase(url, { migrate: false });
    let tamperedNumber: string;
    try {
      const [victim] =
        await db.sql`select case_id, case_number from case_events where seq = 3 order by id limit 1`;
      await db.sql`delete from case_events where case_id = ${victim!.case_id as number} and seq = 3`;
      tamperedNumber = victim!.case_number as string;
      await db.sql`delete from attachment_blobs where sha256 = ${photoSha}`;
    } finally {
      await db.close();
    }
    const bad = await runCli(['--from', file, '--to', url, '--verify-only']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/does NOT match/);
    expect(bad.stderr).toMatch(/table case_events: \d+ rows in SQLite but \d+ in PostgreSQL/);
    expect(bad.stderr).toContain(`${tamperedNumber}: its events differ`);
    expect(bad.stderr).toMatch(new RegExp(`${tamperedNumber}: event seqs 1,2,4`));
    expect(bad.stderr).toContain(`attachment ${photoSha}: its bytes are not in PostgreSQL`);
  });

  it('copies a city that keeps taking cases during the copy as of one instant, and verifies it', async () => {
    const url = cluster.createDatabase('copy_live');
    const live = openDatabase(file, { checkpoint: 'inline' });
    const store = new SqliteCaseCore(live);
    const casesBefore = (live.sqlite.prepare('select count(*) as n from cases').get() as { n: number }).n;
    let writes = 0;
    let stop = false;
    const writer = (async () => {
      while (!stop) {
        await store.createCase({
          fields: bareCaseFields(`复制期间 ${writes}`, '2026-12-01T03:00:00.000Z'),
          events: [
            {
              actor: { userId: null, role: 'operator', unitCode: null },
              actorName: '受理员',
              at: '2026-12-01T03:00:00.000Z',
              action: { type: 'report' },
            },
          ],
        });
        writes++;
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    try {
      const report = await copySqliteToPg({ from: file, to: url, batchRows: 50 });
      expect(report.problems).toEqual([]);
      stop = true;
      await writer;
      const copied = report.tables.find((t) => t.table === 'cases')!.target;
      const casesAfter = (live.sqlite.prepare('select count(*) as n from cases').get() as { n: number }).n;
      expect(writes).toBeGreaterThan(0);
      expect(casesAfter).toBe(casesBefore + writes);
      // one instant: somewhere between the city before and after the copy, never a torn mix (verified above)
      expect(copied).toBeGreaterThanOrEqual(casesBefore);
      expect(copied).toBeLessThan(casesAfter);
    } finally {
      stop = true;
      await writer;
      live.close();
    }
  });
});

if (!pg.available) {
  describe('db:copy from SQLite to PostgreSQL', () => {
    it.skip(pg.reason, () => {});
  });
}
