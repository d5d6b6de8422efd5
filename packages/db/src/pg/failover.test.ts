import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPgDatabase, pgClientOptions, type PgDatabase, type PgSql } from './client.ts';
import { checkAfterFailover, drillCase, runFailoverDrill } from './failover-drill.ts';
import { PgCaseStore } from './pg-case-store.ts';
import { startReplicatedPair, type ReplicatedPair } from './standby-cluster.ts';
import { pgTestAvailability } from './test-cluster.ts';

/*
 * The standby in a second site, on real Debian PostgreSQL: a primary and a streaming standby made by
 * deploy/postgres/make-standby.sh, made synchronous by make-synchronous.sh, promoted by promote.sh.
 * Both "sites" are on this machine (two clusters, two ports); the primary's death is a SIGKILL to its
 * postmaster.
 */

const pg = pgTestAvailability();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.runIf(pg.available)('failover to a synchronous standby', () => {
  let pair: ReplicatedPair | undefined;
  let db: PgDatabase | undefined;
  let direct: PgSql | undefined;
  beforeAll(async () => {
    pair = await startReplicatedPair({ bin: pg.available ? pg.bin : undefined });
    pair.primary.createDatabase('city');
    // the node's pool: both sites in one URL, only a writable server accepted
    db = await openPgDatabase(pair.multiHostUrl('city'), { max: 4 });
    await pair.makeSynchronous(true);
  }, 120_000);
  afterAll(async () => {
    await direct?.end({ timeout: 1 }).catch(() => {});
    await db?.close().catch(() => {});
    pair?.stop();
  }, 60_000);

  it('keeps every acknowledged case when the primary dies, and intake resumes on the promoted standby by itself', async () => {
    const store = new PgCaseStore(db!);
    const report = await runFailoverDrill(pair!, store, {
      writers: 4,
      killAfterMs: 1500,
      resumeCases: 20,
      timeoutMs: 40_000,
    });
    const resumed = report.acked.filter((a) => a.startedAt > report.killAt);
    console.log(
      `failover drill: ${report.ackedBeforeKill} cases acknowledged before the kill, ${report.acked.length} in all; ` +
        `promote.sh returned ${(report.promoteMs / 1000).toFixed(2)} s after the kill, first case acknowledged ` +
        `on the new primary ${(report.recoveryMs / 1000).toFixed(2)} s after it; ${report.failedAttempts} failed ` +
        `attempts retried: ${JSON.stringify([...report.errors])}; longest wait of a filing ${(report.maxWaitMs / 1000).toFixed(2)} s`,
    );
    expect(report.ackedBeforeKill).toBeGreaterThan(0);
    // the same store object, the same pool: postgres.js found the promoted standby by itself
    expect(resumed.length).toBeGreaterThanOrEqual(20);
    expect(report.recoveryMs).toBeGreaterThan(0);
    // no filing waits out a connect timeout (postgres.js's default is 30 s): the outage is the promotion
    expect(report.maxWaitMs).toBeLessThan(20_000);
    // and afterwards every pooled connection works (none left unable to flush its writes)
    const t0 = performance.now();
    const burst = await Promise.all(
      Array.from({ length: 16 }, (_, i) => store.createCase(drillCase(`after-${i}`))),
    );
    expect(burst.every((r) => !r.replayed)).toBe(true);
    expect(performance.now() - t0).toBeLessThan(10_000);
    report.acked.push(
      ...burst.map((r, i) => ({
        key: `after-${i}`,
        caseNumber: r.record.caseNumber,
        firstTriedAt: t0,
        startedAt: t0,
        ackedAt: t0,
        attempts: 1,
      })),
    );

    // the promoted standby alone, not through the multi-host URL
    direct = postgres(pair!.standbyUrl('city'), pgClientOptions(1));
    const [{ recovering }] = await direct<
      [{ recovering: boolean }]
    >`select pg_is_in_recovery() as recovering`;
    expect(recovering).toBe(false);
    const check = await checkAfterFailover(direct, report.acked);
    expect(check.lost).toEqual([]);
    expect(check.duplicated).toEqual([]);
    // every key tried was acknowledged in the end, and each made exactly one case
    expect(check.cases).toBe(new Set(report.acked.map((a) => a.key)).size);
    expect(check.cases).toBe(report.acked.length);
    expect(check.replay).toEqual({ checked: check.cases, problems: [] });
  }, 90_000);
});

describe.runIf(pg.available)('make-synchronous.sh', () => {
  let pair: ReplicatedPair | undefined;
  let db: PgDatabase | undefined;
  beforeAll(async () => {
    pair = await startReplicatedPair({ bin: pg.available ? pg.bin : undefined });
    db = await openPgDatabase(pair.primary.createDatabase('city'), { max: 2 });
    await pair.makeSynchronous(true);
  }, 120_000);
  afterAll(async () => {
    await db?.close().catch(() => {});
    pair?.stop();
  }, 60_000);

  it('files on the primary through a multi-host URL that lists the standby first with target_session_attrs=read-write', async () => {
    // PostgreSQL 14+ reports default_transaction_read_only=off on a hot standby; postgres.js 3.4
    // judges `read-write` by that alone, so without care it would settle on the standby
    const url = `postgres://postgres@127.0.0.1:${pair!.standbyPort},127.0.0.1:${pair!.primary.port}/city?target_session_attrs=read-write`;
    const node = await openPgDatabase(url, { max: 2, migrate: false });
    try {
      const { record } = await new PgCaseStore(node).createCase(drillCase('standby-first'));
      expect(record.caseNumber).toMatch(/^\d{8}-\d{4}$/);
    } finally {
      await node.close();
    }
  });

  it('holds the acknowledgement of a filing while the standby is gone, until `off` releases it', async () => {
    const store = new PgCaseStore(db!);
    await store.createCase(drillCase('sync-1'));
    pair!.stopStandby();
    let acknowledged = false;
    const filing = store.createCase(drillCase('sync-2')).then((r) => {
      acknowledged = true;
      return r;
    });
    await sleep(1500);
    expect(acknowledged).toBe(false);
    await pair!.makeSynchronous(false);
    const { record, replayed } = await filing;
    expect(replayed).toBe(false);
    expect((await store.getByNumber(record.caseNumber))?.description).toBe('failover drill sync-2');
  }, 60_000);
});
