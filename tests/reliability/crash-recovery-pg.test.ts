import { afterAll, describe, expect, it } from 'vitest';
import {
  openPgDatabase,
  pgTestAvailability,
  startTestCluster,
  type PgDatabase,
  type TestCluster,
} from '@citygrid/db';
import type { ChildServer } from './support.ts';
import { SCALE, SEED, loginAs, pgSqlProbe, rng, sleep, versionEventMismatchesOf } from './support.ts';
import {
  checkAcknowledgedAndRetry,
  expectEachFiledOnce,
  nodeOn,
  runLoad,
  type Acked,
} from './intake-load.ts';

/**
 * The crash test again on PostgreSQL, where two different things can die in the middle of intake
 * load: the node (kill -9; PostgreSQL rolls back its open transactions when the connections drop)
 * and the database server itself (`pg_ctl stop -m immediate`, then crash recovery from the WAL while
 * the node stays up and reconnects by itself). Either way every acknowledged case and action is
 * there and replays, and a request that was in flight, retried with its idempotency key, makes
 * exactly one case.
 */
const ROUNDS = 4 * SCALE;
const pg = pgTestAvailability();

let cluster: TestCluster | null = null;
let server: ChildServer | null = null;
let check: PgDatabase | null = null;

afterAll(async () => {
  await server?.stop();
  await check?.close();
  cluster?.stop();
});

describe.runIf(pg.available)('kill -9 during intake load, on PostgreSQL', () => {
  it(`keeps every acknowledged case and action across ${ROUNDS} crashes of the node or of PostgreSQL`, async () => {
    cluster = await startTestCluster();
    const url = cluster.createDatabase('city');
    const random = rng(SEED);
    const allAcked: Acked[] = [];
    let totalInFlight = 0;
    server = await nodeOn(url);

    for (let round = 0; round < ROUNDS; round++) {
      const victim = round % 2 === 0 ? 'node' : 'database';
      const [operator, unit] = await Promise.all([loginAs(server, 'operator'), loginAs(server, 'unit-u09')]);
      const load = runLoad(operator, unit, round, random);
      const delay = 200 + Math.floor(random() * 700);
      await sleep(delay);
      if (victim === 'node') {
        await server.kill(); // SIGKILL: no shutdown code runs
        await load.stop();
        server = await nodeOn(url);
      } else {
        await cluster.crash();
        await sleep(200); // load keeps coming while the database is down
        await load.stop();
        cluster.restart();
        await server.ready(60_000); // the same node, reconnected
      }
      const context = `seed ${SEED}, round ${round}: ${victim} killed after ${delay} ms with ${load.acked.length} acknowledged and ${load.unacked.length} unacknowledged`;
      totalInFlight += load.unacked.length;
      console.info(`[crash-recovery-pg] ${context}`);

      check ??= await openPgDatabase(url, { max: 1, migrate: false });
      const probe = pgSqlProbe(check.sql);
      expect(await versionEventMismatchesOf(probe), context).toEqual([]);

      const [operator2, lead] = await Promise.all([loginAs(server, 'operator'), loginAs(server, 'lead')]);
      const retried = await checkAcknowledgedAndRetry(load, operator2, lead, context);
      await expectEachFiledOnce(probe, round, [...load.acked, ...retried], context);
      for (const a of allAcked)
        expect(
          await probe.get(
            'select description, caller_phone as phone from cases where case_number = ?',
            a.caseNumber,
          ),
          `${context}: ${a.caseNumber} from round ${a.round}`,
        ).toEqual({ description: a.description, phone: a.phone });
      allAcked.push(...load.acked, ...retried);
    }
    expect(allAcked.length).toBeGreaterThan(0);
    expect(totalInFlight).toBeGreaterThan(0);
  });
});
