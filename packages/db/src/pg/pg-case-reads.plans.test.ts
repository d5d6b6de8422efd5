import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCity } from '../stores/case-reads-city.ts';
import { openPgDatabase, pgClientOptions, type PgDatabase } from './client.ts';
import { PgAdminStore } from './pg-admin-store.ts';
import { PgCaseReads } from './pg-case-reads.ts';
import { PgCaseStore } from './pg-case-store.ts';
import * as pgSchema from './schema.ts';
import { pgTestAvailability, startTestCluster, type TestCluster } from './test-cluster.ts';

/*
 * The dashboard's reads on PostgreSQL are served by the same indexes as on SQLite: a city of ~30,000
 * cases (the seeded city copied 100 times, one case in 40 left open, as in a city whose backlog is
 * small), then EXPLAIN of the very statements `PgCaseReads` sends (caught through postgres.js's `debug`).
 */

const pg = pgTestAvailability();
const FROM = '2026-10-10T00:00:00.000Z';
const TO = '2026-10-20T00:00:00.000Z';

describe.runIf(pg.available)('PgCaseReads query plans', () => {
  let cluster: TestCluster;
  let db: PgDatabase;
  let traced: postgres.Sql;
  let reads: PgCaseReads;
  let admin: PgAdminStore;
  const sent: Array<{ text: string; params: unknown[] }> = [];

  beforeAll(async () => {
    cluster = await startTestCluster();
    const url = cluster.createDatabase('plans');
    db = await openPgDatabase(url, { max: 2 });
    const store = new PgCaseStore(db, { notify: false });
    const seed = new PgCaseReads(db);
    await buildCity(
      {
        createCase: (i) => store.createCase(i),
        applyAction: (i) => store.applyAction(i),
        addAttachment: (a) => seed.addAttachment(a),
      },
      300,
    );
    const [{ columns }] = await db.sql<
      [{ columns: string }]
    >`select string_agg(column_name, ', ' order by ordinal_position) as columns
      from information_schema.columns where table_name = 'cases' and column_name not in ('id', 'case_number', 'open311_token')`;
    await db.sql.unsafe(
      `insert into cases (case_number, ${columns}) select case_number || '-' || g, ${columns} from cases, generate_series(1, 100) g`,
    );
    await db.sql`update cases set state = 'closed', closed_at = coalesce(closed_at, reported_at) where id % 40 <> 0`;
    // a compact index and a current visibility map, as a long-running database has after autovacuum
    await db.sql`reindex table cases`;
    await db.sql`vacuum analyze cases`;
    traced = postgres(url, {
      ...pgClientOptions(1, url),
      debug: (_c, text, params) => void sent.push({ text, params }),
    });
    const tracedDb = { sql: traced, db: drizzle({ client: traced, schema: pgSchema, casing: 'snake_case' }) };
    reads = new PgCaseReads(tracedDb);
    admin = new PgAdminStore(tracedDb);
  }, 240_000);
  afterAll(async () => {
    await traced?.end({ timeout: 5 });
    await db?.close();
    cluster?.stop();
  });

  /** The plan of the last statement `call` sent. */
  async function planOf(call: () => Promise<unknown>): Promise<string> {
    sent.length = 0;
    await call();
    const last = sent.filter((s) => /^\s*select/i.test(s.text) && !s.text.includes('pg_catalog')).at(-1)!;
    const rows = await db.sql.unsafe(`explain ${last.text}`, last.params as never[]);
    return rows.map((r) => r['QUERY PLAN'] as string).join('\n');
  }

  it('reads the open cases from the covering partial index alone (markers, counts per cell, location kinds)', async () => {
    for (const call of [
      () => reads.listMarkersJson({ openOnly: true }, 5000),
      () => reads.count({ openOnly: true }),
      () => reads.countBy('cellCode', { openOnly: true }),
      () => reads.countByLocationKind({ openOnly: true }),
    ])
      expect(await planOf(call)).toContain('Index Only Scan using cases_open_due');
  });

  it('reads the open-case summaries through the partial index (plus the row: `description` is not in it on PG)', async () => {
    for (const call of [
      () => reads.openSummaries(null),
      () => reads.listSummaries({ openOnly: true, orderBy: 'due' }),
    ]) {
      const plan = await planOf(call);
      expect(plan).toContain('cases_open_due');
      expect(plan).not.toContain('Seq Scan');
    }
  });

  it('reads evaluations, intake and closures from their covering indexes alone', async () => {
    const evaluation = { from: FROM, to: TO, now: TO, groupBy: 'unit' as const };
    expect(await planOf(() => reads.countDispatched(evaluation))).toContain(
      'Index Only Scan using cases_first_dispatched_at',
    );
    sent.length = 0;
    await reads.evaluateWithTotal(evaluation);
    const [dispatched] = sent.filter((s) => /^\s*select/i.test(s.text));
    const plan = await db.sql.unsafe(`explain ${dispatched!.text}`, dispatched!.params as never[]);
    expect(plan.map((r) => r['QUERY PLAN']).join('\n')).toContain(
      'Index Only Scan using cases_first_dispatched_at',
    );
    expect(await planOf(() => reads.evaluateWithTotal(evaluation))).toContain(
      'Index Only Scan using cases_reported_at',
    );
    expect(await planOf(() => reads.dailyIntake(FROM, TO))).toContain(
      'Index Only Scan using cases_reported_at',
    );
    expect(await planOf(() => reads.countClosedBetween(FROM, TO))).toContain(
      'Index Only Scan using cases_closed_at',
    );
  });

  it("reads a monthly report's hotspot windows as one range of the day counts, never a parallel plan", async () => {
    // the current month and the six before it, as the report's hotspots ask for them (Beijing midnights)
    const month = (k: number) =>
      new Date(Date.parse('2026-10-01T00:00:00+08:00') + k * 30 * 86_400_000).toISOString();
    const windows = Array.from({ length: 7 }, (_, i) => ({ from: month(-i), to: month(1 - i) }));
    for (const column of ['cell_code', 'minor_class_code'] as const) {
      const plan = await planOf(() => admin.countsInWindows(column, windows));
      expect(plan, column).not.toMatch(/Gather|Parallel|\bcases\b/);
      expect(plan.match(/ on case_day_counts\b/g), column).toHaveLength(1);
      expect(plan, column).toMatch(/Index Cond: \(\(dimension = .*day >= .*day < /);
    }
  });
});
