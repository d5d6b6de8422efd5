import { afterAll, describe, expect, it } from 'vitest';
import {
  openPgDatabase,
  pgTestAvailability,
  startReplicatedPair,
  type PgDatabase,
  type ReplicatedPair,
} from '@citygrid/db';
import type { ChildServer } from './support.ts';
import { SEED, loginAs, pgSqlProbe, rng, sleep, versionEventMismatchesOf } from './support.ts';
import {
  checkAcknowledgedAndRetry,
  expectEachFiledOnce,
  nodeOn,
  runLoad,
  submit,
  type Acked,
} from './intake-load.ts';

/**
 * The failover drill through the product itself: a node (the real server in its own process) on the
 * multi-host URL of a primary and its synchronous standby, made and promoted by the shipped
 * deploy/postgres scripts. Under intake and accept load over HTTP the primary's postmaster is
 * SIGKILLed (the machine dies) and promote.sh promotes the standby. Nothing is done to the node:
 * it must find the new primary by itself. Then every case acknowledged before the kill is on the new
 * primary and replays, every request that was in flight, retried with its idempotency key, makes
 * exactly one case, and the time from the kill to the first case acknowledged again is measured.
 */
const pg = pgTestAvailability();

let pair: ReplicatedPair | null = null;
let node: ChildServer | null = null;
let check: PgDatabase | null = null;

afterAll(async () => {
  await node?.stop();
  await check?.close();
  pair?.stop();
}, 60_000);

describe.runIf(pg.available)('failover to the synchronous standby, through a node', () => {
  it('loses no acknowledged case, and intake resumes on the promoted standby by itself', async () => {
    pair = await startReplicatedPair({ bin: pg.available ? pg.bin : undefined });
    pair.createDatabase('city');
    await pair.makeSynchronous(true);
    node = await nodeOn(pair.multiHostUrl('city'));
    const random = rng(SEED);
    const [operator, unit] = await Promise.all([loginAs(node, 'operator'), loginAs(node, 'unit-u09')]);
    // acknowledged cases are on the standby before the kill: sessions too, so no one logs in again
    const load = runLoad(operator, unit, 0, random);
    await sleep(800 + Math.floor(random() * 700));
    pair.killPrimary();
    const killAt = performance.now();
    await load.stop();
    const context = `seed ${SEED}: primary killed with ${load.acked.length} acknowledged and ${load.unacked.length} unacknowledged`;
    expect(load.acked.length, context).toBeGreaterThan(0);

    await pair.promoteStandby();
    const promotedAfterMs = performance.now() - killAt;
    // the same sessions, the same node: file until the first acknowledgement
    const probeCase = {
      key: `failover-${SEED}-first`,
      description: `崩溃测试 crash ${SEED}-0-first`,
      phone: '13900000000',
      round: 0,
    };
    let first: Acked | null = null;
    let attempts = 0;
    while (!first && performance.now() - killAt < 60_000) {
      attempts++;
      try {
        first = { ...probeCase, caseNumber: (await submit(operator, probeCase)).caseNumber };
      } catch {
        await sleep(100);
      }
    }
    const resumedAfterMs = performance.now() - killAt;
    console.info(
      `[failover-node] ${context}; promote.sh returned after ${(promotedAfterMs / 1000).toFixed(2)} s, ` +
        `first case acknowledged through the node ${(resumedAfterMs / 1000).toFixed(2)} s after the kill (${attempts} attempts)`,
    );
    expect(first, `${context}: intake did not resume within 60 s`).not.toBeNull();

    check = await openPgDatabase(pair.serverUrl(pair.primaryPort, 'city'), { max: 1, migrate: false });
    const probe = pgSqlProbe(check.sql);
    expect(await probe.get<{ rec: boolean }>('select pg_is_in_recovery() as rec'), context).toEqual({
      rec: false,
    });
    expect(await versionEventMismatchesOf(probe), context).toEqual([]);
    const lead = await loginAs(node, 'lead');
    const retried = await checkAcknowledgedAndRetry(load, operator, lead, context);
    await expectEachFiledOnce(probe, 0, [...load.acked, ...retried, first!], context);

    // a map opened now sees a new case live: the node's event follower found the new primary too
    const supervisor = await loginAs(node, 'supervisor');
    const stream = await fetch(`${node.url}/api/live`, {
      headers: { cookie: supervisor.cookie, accept: 'text/event-stream' },
      signal: AbortSignal.timeout(15_000),
    });
    const reader = stream.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    const readUntil = async (needle: string) => {
      while (!text.includes(needle)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended before ${needle}`);
        text += decoder.decode(value, { stream: true });
      }
    };
    await readUntil(': connected');
    const after = await submit(operator, {
      ...probeCase,
      key: `failover-${SEED}-after`,
      description: 'after',
    });
    await readUntil(after.caseNumber);
    await reader.cancel();
  });
});
