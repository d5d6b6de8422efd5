/**
 * Failover to a synchronous standby (PostgreSQL, store level): a primary and a standby made by
 * deploy/postgres/make-standby.sh, made synchronous by make-synchronous.sh. Three drills in a row
 * (each after the first starts from the last promoted server with a new standby): writers file cases
 * through one PgCaseStore on a multi-host URL, the primary's postmaster is SIGKILLed, promote.sh
 * promotes the standby, the writers retry with the same idempotency keys; seconds from the kill to
 * the first case acknowledged on the new primary, and acknowledged cases missing from it. Baseline:
 * the intake rate of the same store with the standby asynchronous vs synchronous (alternating runs),
 * the price of each acknowledged case being on two machines. Without PostgreSQL it reports nothing.
 */
import {
  checkAfterFailover,
  findPgBin,
  measureIntakeRate,
  openPgDatabase,
  PgCaseStore,
  runFailoverDrill,
  startReplicatedPair,
  type DrillReport,
  type ReplicatedPair,
} from '@citygrid/db';
import type { BenchFigure } from './types.ts';
import { median } from './lib.ts';

const DRILLS = 3;
const WRITERS = 4;
const RATE_RUNS = 3;
const RATE_MS = 3000;

/** A node's pool on the current primary and standby, and the standby made synchronous. */
async function nodePool(pair: ReplicatedPair) {
  const db = await openPgDatabase(pair.multiHostUrl('city'), { max: WRITERS });
  await pair.makeSynchronous(true);
  return db;
}

/** Intake rate with the standby asynchronous vs synchronous, alternating runs, medians. */
async function rates(pair: ReplicatedPair): Promise<{ async: number; sync: number }> {
  const db = await nodePool(pair);
  const store = new PgCaseStore(db);
  const asyncRates: number[] = [];
  const syncRates: number[] = [];
  try {
    for (let i = 0; i < RATE_RUNS; i++) {
      await pair.makeSynchronous(false);
      asyncRates.push(await measureIntakeRate(store, { writers: WRITERS, ms: RATE_MS, prefix: `async${i}` }));
      await pair.makeSynchronous(true);
      syncRates.push(await measureIntakeRate(store, { writers: WRITERS, ms: RATE_MS, prefix: `sync${i}` }));
    }
  } finally {
    await db.close();
  }
  return { async: median(asyncRates), sync: median(syncRates) };
}

/** One drill on the pair as it stands; afterwards the promoted standby is the primary, alone. */
async function drill(pair: ReplicatedPair, n: number) {
  const db = await nodePool(pair);
  try {
    const report: DrillReport = await runFailoverDrill(pair, new PgCaseStore(db), {
      writers: WRITERS,
      killAfterMs: 1500,
      resumeCases: 20,
      prefix: `drill${n}`,
    });
    // the promoted standby alone, not through the multi-host URL
    const direct = await openPgDatabase(pair.serverUrl(pair.primaryPort, 'city'), { max: 1, migrate: false });
    try {
      return { report, check: await checkAfterFailover(direct.sql, report.acked) };
    } finally {
      await direct.close();
    }
  } finally {
    await db.close().catch(() => {});
  }
}

export default async function runFailoverBench(): Promise<BenchFigure[]> {
  const bin = findPgBin();
  if (!bin) {
    console.log(
      '  failover: PostgreSQL server binaries not found (apt-get install postgresql, or set PG_BIN): skipped',
    );
    return [];
  }
  const pair = await startReplicatedPair({ bin });
  const drills = [];
  let rate: { async: number; sync: number };
  try {
    pair.createDatabase('city');
    rate = await rates(pair);
    // each drill after the first starts from the last promoted server with a new standby (make-standby.sh)
    for (let n = 0; n < DRILLS; n++) {
      if (n > 0) await pair.makeStandby();
      drills.push(await drill(pair, n));
    }
  } finally {
    pair.stop();
  }
  const recovery = drills.map((d) => d.report.recoveryMs / 1000);
  const promote = drills.map((d) => d.report.promoteMs / 1000);
  const acked = drills.reduce((a, d) => a + d.report.acked.length, 0);
  const lost = drills.reduce((a, d) => a + d.check.lost.length, 0);
  const duplicated = drills.reduce((a, d) => a + d.check.duplicated.length, 0);
  const replayProblems = drills.reduce((a, d) => a + d.check.replay.problems.length, 0);
  const drillRate = median(drills.map((d) => d.report.ratePerS));
  const fmt = (xs: number[]) => xs.map((x) => x.toFixed(2)).join(', ');
  return [
    {
      group: 'failover',
      name: `primary killed → first case acknowledged on the promoted standby (median of ${DRILLS} drills)`,
      value: median(recovery),
      unit: 's',
      note: `drills ${fmt(recovery)} s; promote.sh returned after ${fmt(promote)} s; longest wait of one filing ${fmt(drills.map((d) => d.report.maxWaitMs / 1000))} s`,
    },
    {
      group: 'failover',
      name: `acknowledged cases missing from the new primary (${DRILLS} drills)`,
      value: lost,
      unit: 'cases',
      note: `of ${acked} acknowledged; must be 0. Keys with two cases: ${duplicated}; replay mismatches: ${replayProblems}; failed attempts retried: ${drills.reduce((a, d) => a + d.report.failedAttempts, 0)}`,
    },
    {
      group: 'failover',
      name: `intake during a drill, ${WRITERS} writers, outage included (median of ${DRILLS})`,
      value: drillRate,
      unit: 'cases/s',
      baseline: { name: 'same store, synchronous standby, no failure', value: rate.sync },
      ratio: drillRate / rate.sync,
      note: 'a drill runs 1.5 s before the kill and stops once 20 filings begun after it are acknowledged',
    },
    {
      group: 'failover',
      name: `intake, synchronous standby (each acknowledged case on two machines), ${WRITERS} writers`,
      value: rate.sync,
      unit: 'cases/s',
      baseline: { name: 'same pair, standby asynchronous', value: rate.async },
      ratio: rate.sync / rate.async,
      note: `median of ${RATE_RUNS} alternating ${RATE_MS / 1000}-s runs each; both servers on this machine, so the network round trip to a second site is not in it`,
    },
  ];
}
