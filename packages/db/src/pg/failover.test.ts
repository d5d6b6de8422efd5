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

describe.runIf(pg.available)('a standby in a second site, through a failover and after it', () => {
  let pair: ReplicatedPair | undefined;
  let db: PgDatabase | undefined;
  beforeAll(async () => {
    pair = await startReplicatedPair({ bin: pg.available ? pg.bin : undefined });
    pair.createDatabase('city');
    // the node's pool: both sites in one URL, only a server not in recovery accepted
    db = await openPgDatabase(pair.multiHostUrl('city'), { max: 4 });
    await pair.makeSynchronous(true);
  }, 120_000);
  afterAll(async () => {
    await db?.close().catch(() => {});
    pair?.stop();
  }, 60_000);

  /** Run `check` on one server alone (not through the multi-host URL). */
  async function onServer<T>(port: number, check: (sql: PgSql) => Promise<T>): Promise<T> {
    const direct = postgres(pair!.serverUrl(port, 'city'), pgClientOptions(1));
    try {
      return await check(direct);
    } finally {
      await direct.end({ timeout: 1 });
    }
  }

  it('keeps every acknowledged case when the primary dies, and intake resumes on the promoted standby by itself', async () => {
    const store = new PgCaseStore(db!);
    const standbyPort = pair!.standbyPort;
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
    const acked = [
      ...report.acked,
      ...burst.map((r, i) => ({ ...report.acked[0]!, key: `after-${i}`, caseNumber: r.record.caseNumber })),
    ];

    expect(pair!.primaryPort).toBe(standbyPort);
    const check = await onServer(standbyPort, async (sql) => {
      const [{ recovering }] = await sql<[{ recovering: boolean }]>`select pg_is_in_recovery() as recovering`;
      expect(recovering).toBe(false);
      return checkAfterFailover(sql, acked);
    });
    expect(check.lost).toEqual([]);
    expect(check.duplicated).toEqual([]);
    // every key tried was acknowledged in the end, and each made exactly one case
    expect(check.cases).toBe(new Set(acked.map((a) => a.key)).size);
    expect(check.cases).toBe(acked.length);
    expect(check.replay).toEqual({ checked: check.cases, problems: [] });
  }, 90_000);

  it('gives the promoted server a new standby that follows it, and a read-write URL listing that standby first still files on the primary', async () => {
    await pair!.makeStandby();
    await pair!.makeSynchronous(true);
    // PostgreSQL 14+ reports default_transaction_read_only=off on a hot standby; postgres.js 3.4
    // judges `read-write` by that alone, so without care it would settle on the standby
    const url = `postgres://postgres@127.0.0.1:${pair!.standbyPort},127.0.0.1:${pair!.primaryPort}/city?target_session_attrs=read-write`;
    const node = await openPgDatabase(url, { max: 2, migrate: false });
    try {
      const { record } = await new PgCaseStore(node).createCase(drillCase('standby-first'));
      const onStandby = await onServer(pair!.standbyPort, async (sql) => {
        // synchronous_commit = on: flushed on the standby at the ack, visible once replayed
        for (let i = 0; i < 100; i++) {
          const rows = await sql`select 1 from cases where case_number = ${record.caseNumber}`;
          if (rows.length === 1) return true;
          await sleep(50);
        }
        return false;
      });
      expect(onStandby).toBe(true);
    } finally {
      await node.close();
    }
  }, 60_000);

  it('holds the acknowledgement of a filing while the standby is gone, until make-synchronous.sh off releases it', async () => {
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

  it('promotes a standby that carries a synchronous_standby_names setting without making its COMMITs wait', async () => {
    await pair!.makeStandby();
    // what a standby copied from a synchronous primary carries in its postgresql.auto.conf
    const standbyPort = pair!.standbyPort;
    await onServer(standbyPort, async (sql) => {
      await sql.unsafe(`alter system set synchronous_standby_names = 'FIRST 1 ("site-that-is-gone")'`);
      await sql`select pg_reload_conf()`;
    });
    await pair!.promoteStandby();
    const node = await openPgDatabase(pair!.multiHostUrl('city'), { max: 1, migrate: false });
    try {
      const [{ names }] = await node.sql<
        [{ names: string }]
      >`select current_setting('synchronous_standby_names') as names`;
      expect(names).toBe('');
      const filed = await Promise.race([
        new PgCaseStore(node).createCase(drillCase('after-second-promotion')),
        sleep(10_000).then(() => null),
      ]);
      expect(filed?.record.description).toBe('failover drill after-second-promotion');
    } finally {
      await node.close();
    }
  }, 60_000);
});
