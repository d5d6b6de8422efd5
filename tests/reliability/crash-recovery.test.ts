import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkIntegrity, openSqliteFile } from './support.ts';
import {
  ChildServer,
  SCALE,
  SEED,
  freePort,
  loginAs,
  rng,
  sleep,
  versionEventMismatches,
} from './support.ts';
import { checkAcknowledgedAndRetry, runLoad, type Acked } from './intake-load.ts';

/**
 * kill -9 the real server process in the middle of intake load, restart it on the same file, and
 * check that nothing acknowledged was lost or corrupted, and that retries do not duplicate.
 */
const ROUNDS = 5 * SCALE;

const dir = mkdtempSync(join(tmpdir(), 'citygrid-crash-'));
const dbPath = join(dir, 'citygrid.db');
let server: ChildServer | null = null;

afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('kill -9 during intake load', () => {
  it(`keeps every acknowledged case and action intact and replayable across ${ROUNDS} crashes, and retries never duplicate`, async () => {
    const random = rng(SEED);
    const allAcked: Acked[] = [];
    let totalInFlight = 0;
    server = new ChildServer(dbPath, await freePort());
    await server.ready();

    for (let round = 0; round < ROUNDS; round++) {
      const [operator, unit] = await Promise.all([loginAs(server, 'operator'), loginAs(server, 'unit-u09')]);
      const load = runLoad(operator, unit, round, random);
      const delay = 100 + Math.floor(random() * 700);
      await sleep(delay);
      const victim = server;
      const killed = victim.kill(); // SIGKILL: no shutdown code runs
      await killed;
      await load.stop();
      const context = `seed ${SEED}, round ${round}, killed after ${delay} ms with ${load.acked.length} acknowledged and ${load.unacked.length} unacknowledged`;
      totalInFlight += load.unacked.length;

      // restart on the same file; it must come back
      server = new ChildServer(dbPath, await freePort());
      await server.ready(30_000);

      // the file is sound, read through a second connection while the server runs
      expect(checkIntegrity(dbPath), context).toEqual(['ok']);
      const db = openSqliteFile(dbPath);
      try {
        expect(db.pragma('foreign_key_check'), context).toEqual([]);
        expect(versionEventMismatches(db), context).toEqual([]);
      } finally {
        db.close();
      }

      const [operator2, lead] = await Promise.all([loginAs(server, 'operator'), loginAs(server, 'lead')]);

      const retried = await checkAcknowledgedAndRetry(load, operator2, lead, context);
      const check = openSqliteFile(dbPath);
      try {
        const rows = check
          .prepare(
            'select description, count(*) as n from cases where description like ? group by description',
          )
          .all(`崩溃测试 crash ${SEED}-${round}-%`) as Array<{ description: string; n: number }>;
        const stored = new Map(rows.map((r) => [r.description, r.n]));
        const asked = [...load.acked, ...retried].map((r) => r.description);
        expect(
          [...stored.values()].filter((n) => n !== 1),
          context,
        ).toEqual([]);
        // exactly the requests that were made, nothing more (no case appeared that no one asked for)
        expect([...stored.keys()].sort(), context).toEqual([...asked].sort());
        // and every case acknowledged in any earlier round is still there, unchanged
        const byNumber = check.prepare(
          'select description, caller_phone as phone from cases where case_number = ?',
        );
        for (const a of allAcked)
          expect(byNumber.get(a.caseNumber), `${context}: ${a.caseNumber} from round ${a.round}`).toEqual({
            description: a.description,
            phone: a.phone,
          });
      } finally {
        check.close();
      }
      allAcked.push(...load.acked, ...retried);
    }

    expect(allAcked.length).toBeGreaterThan(0);
    expect(totalInFlight).toBeGreaterThan(0);
    await server.stop();
    server = null;
    expect(checkIntegrity(dbPath)).toEqual(['ok']);
  });
});
