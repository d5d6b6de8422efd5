import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOSED_STATES, localDate, type CaseState } from '@citygrid/domain';
import { MIGRATIONS_DIR, openDatabase, type CitygridDatabase } from '../client.ts';
import { openPgDatabase, PG_MIGRATIONS_DIR, type PgDatabase } from '../pg/client.ts';
import { PgAdminStore } from '../pg/pg-admin-store.ts';
import { PgCaseReads } from '../pg/pg-case-reads.ts';
import { PgCaseStore } from '../pg/pg-case-store.ts';
import { pgTestAvailability, startTestCluster, type TestCluster } from '../pg/test-cluster.ts';
import { GroupCommitWriter } from '../writer.ts';
import { casesInWindowsQuery, countsInWindowsRows } from './admin-report-sql.ts';
import { AdminStore } from './admin-store.ts';
import { attachmentSha, buildCity, CATEGORIES, CELLS, UNITS } from './case-reads-city.ts';
import type { CaseStorePort } from './case-store-port.ts';
import { CaseStore, type MarkerRow } from './case-store.ts';
import type { CaseFilter, CaseRecord, EvaluationGroup, EvaluationRow } from './case-types.ts';

/*
 * The read contract of the case store, differential: the SAME city is filed on SQLite (`CaseStore`)
 * and on PostgreSQL (`PgCaseStore` writes, `PgCaseReads` reads), then every read must answer the
 * same on both, for many filters and periods; a few absolute checks per read keep both from being
 * wrong the same way. Needs the PostgreSQL binaries (skipped without them, failing with CI=true).
 */

type Reads = Omit<
  CaseStorePort,
  | 'backend'
  | 'addEventHook'
  | 'createCase'
  | 'applyAction'
  | 'createCasesBulk'
  | 'getByNumber'
  | 'listEvents'
  | 'listEventsAfter'
  | 'lastEventId'
>;

const N = 320;
const pg = pgTestAvailability();

const FROM = '2026-10-10T00:00:00.000Z';
const TO = '2026-11-10T00:00:00.000Z';
const NOW = '2026-11-20T00:00:00.000Z';
const ALL_FROM = '2026-01-01T00:00:00.000Z';
const ALL_TO = '2027-12-31T00:00:00.000Z';

const FILTERS: CaseFilter[] = [
  {},
  { openOnly: true },
  { openOnly: true, orderBy: 'due', limit: 1000 },
  { states: ['dispatched', 'accepted'], orderBy: 'due' },
  { unitCode: 'U02', orderBy: 'updated_desc' },
  { cellCode: CELLS[0]!.cell },
  { communityCode: 'C02', limit: 7, offset: 3 },
  { subDistrictCode: 'S01', orderBy: 'due', limit: 20, offset: 20 },
  { minorClassCode: 'C0101', hotlineCategory: 'environment' },
  { callerPhone: '13800000004' },
  { publicOnly: true, limit: 1000 },
  { reportedFrom: FROM, reportedTo: TO, limit: 1000 },
  { overdueAt: NOW, openOnly: true, orderBy: 'due' },
  { search: 'pothole', limit: 1000 },
  { search: '100%_' },
  { search: '1380 000-0012' },
  { search: '锡林浩特市 1', orderBy: 'updated_desc', limit: 15 },
  { search: '0303' },
];
const PERIODS: Array<[string, string]> = [
  [FROM, TO],
  [ALL_FROM, ALL_TO],
  ['2026-10-01T16:00:00.000Z', '2026-10-02T16:00:00.000Z'],
  ['2020-01-01T00:00:00.000Z', '2020-02-01T00:00:00.000Z'],
];
const GROUPS: EvaluationGroup[] = ['unit', 'community', 'category', 'cell', 'none'];

/** Evaluation rows equal, their averages within 1e-9. */
function expectSameEvaluation(a: EvaluationRow | null | undefined, b: EvaluationRow | null | undefined) {
  if (!a || !b) return expect(a).toEqual(b);
  const { avgDisposalHours: ha, avgSatisfaction: sa, ...ra } = a;
  const { avgDisposalHours: hb, avgSatisfaction: sb, ...rb } = b;
  expect(ra).toEqual(rb);
  for (const [x, y] of [
    [ha, hb],
    [sa, sb],
  ]) {
    if (x === null || y === null) expect(x).toBe(y);
    else expect(Math.abs(x! - y!)).toBeLessThan(1e-9);
  }
}

const byId = <T extends { id: number }>(rows: T[]) => [...rows].sort((x, y) => x.id - y.id);
const markers = (json: string) => (JSON.parse(json) as MarkerRow[]).sort((x, y) => x[0].localeCompare(y[0]));

describe.runIf(pg.available)('case reads: SQLite and PostgreSQL answer the same', () => {
  let dir: string;
  let sqliteDb: CitygridDatabase;
  let cluster: TestCluster;
  let pgDb: PgDatabase;
  let lite: Reads;
  let post: Reads;
  let city: CaseRecord[];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'citygrid-reads-'));
    sqliteDb = openDatabase(join(dir, 'city.db'));
    const sqliteStore = new CaseStore(sqliteDb, new GroupCommitWriter(sqliteDb.sqlite));
    cluster = await startTestCluster();
    pgDb = await openPgDatabase(cluster.createDatabase('reads'), { max: 4 });
    const pgStore = new PgCaseStore(pgDb, { notify: false });
    const pgReads = new PgCaseReads(pgDb);
    lite = sqliteStore;
    post = pgReads;
    city = await buildCity(sqliteStore, N);
    const pgCity = await buildCity(
      {
        createCase: (i) => pgStore.createCase(i),
        applyAction: (i) => pgStore.applyAction(i),
        addAttachment: (a) => pgReads.addAttachment(a),
      },
      N,
    );
    expect(pgCity).toEqual(city);
    await pgDb.sql`analyze`;
  }, 240_000);
  afterAll(async () => {
    await pgDb?.close();
    cluster?.stop();
    sqliteDb?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the city has every kind of case the reads must tell apart', () => {
    const states = new Set(city.map((c) => c.state));
    for (const s of [
      'reported',
      'filed',
      'dispatched',
      'accepted',
      'disposed',
      'closed',
      'callback_done',
      'voided',
    ])
      expect(states, s).toContain(s);
    expect(city.some((c) => c.reworkCount > 0 && c.closedAt)).toBe(true);
    expect(city.some((c) => c.redispatchCount > 0)).toBe(true);
    expect(city.some((c) => c.disposedLate)).toBe(true);
    expect(city.some((c) => c.satisfaction !== null)).toBe(true);
    expect(city.some((c) => c.lat === null)).toBe(true);
    expect(city.some((c) => c.lat !== null && c.cellCode === null)).toBe(true);
    expect(city.some((c) => c.source === 'online' && c.publicConsent)).toBe(true);
  });

  it('getById and getByOpen311Token', async () => {
    for (const c of city) expect(await post.getById(c.id)).toEqual(await lite.getById(c.id));
    expect(await post.getById(city[5]!.id)).toEqual(city[5]);
    expect(await post.getById(999_999)).toBeNull();
    const token = city.find((c) => c.open311Token)!;
    expect(await post.getByOpen311Token(token.open311Token!)).toEqual(token);
    expect(await lite.getByOpen311Token(token.open311Token!)).toEqual(token);
    expect(await post.getByOpen311Token('nope')).toBeNull();
  });

  it('list, listSummaries, count, countByLocationKind and countBy for every filter', async () => {
    for (const f of FILTERS) {
      const listed = await post.list(f);
      expect(listed, JSON.stringify(f)).toEqual(await lite.list(f));
      expect(await post.listSummaries(f), JSON.stringify(f)).toEqual(await lite.listSummaries(f));
      expect(await post.count(f), JSON.stringify(f)).toBe(await lite.count(f));
      expect(await post.countByLocationKind(f)).toEqual(await lite.countByLocationKind(f));
      for (const column of ['cellCode', 'unitCode', 'state', 'communityCode', 'hotlineCategory'] as const)
        expect(await post.countBy(column, f), `${column} ${JSON.stringify(f)}`).toEqual(
          await lite.countBy(column, f),
        );
    }
    // absolute
    const open = city.filter((c) => !CLOSED_STATES.includes(c.state));
    expect(await post.count({})).toBe(N);
    expect(await post.count({ openOnly: true })).toBe(open.length);
    const pothole = city.filter((c) => c.description.toLowerCase().includes('pothole'));
    expect((await post.list({ search: 'POTHOLE', limit: 1000 })).map((c) => c.id).sort()).toEqual(
      pothole.map((c) => c.id).sort(),
    );
    // like SQLite's LIKE, `%` and `_` typed in a search are wildcards
    expect(await post.count({ search: '100%_' })).toBe(
      city.filter((c) => [c.caseNumber, c.description, c.address ?? ''].some((t) => /100./.test(t))).length,
    );
    expect((await post.list({ search: '1380 000-0012' })).map((c) => c.callerPhone)).toEqual(['13800000012']);
    const due = await post.list({ openOnly: true, orderBy: 'due', limit: 1000 });
    const dues = due.map((c) => c.dueAt).filter((d) => d !== null);
    expect(dues).toEqual([...dues].sort());
    expect(due.slice(dues.length).every((c) => c.dueAt === null)).toBe(true);
    expect(await post.countByLocationKind({})).toEqual({
      no_location: city.filter((c) => c.lat === null).length,
      outside_grid: city.filter((c) => c.lat !== null && c.cellCode === null).length,
      in_grid: city.filter((c) => c.cellCode !== null).length,
    });
    const byUnit = await post.countBy('unitCode', {});
    expect(byUnit.map((r) => r.key)).toEqual([
      null,
      ...UNITS.filter((u) => city.some((c) => c.unitCode === u)),
    ]);
    expect(byUnit.find((r) => r.key === 'U01')?.n).toBe(city.filter((c) => c.unitCode === 'U01').length);
  });

  it('openSummaries and caseIdsWithEventsBetween', async () => {
    const all = byId(await post.openSummaries(null));
    expect(all).toEqual(byId(await lite.openSummaries(null)));
    expect(all.map((r) => r.id)).toEqual(
      city.filter((c) => !CLOSED_STATES.includes(c.state)).map((c) => c.id),
    );
    const ids = city.filter((_, i) => i % 3 === 0).map((c) => c.id);
    const some = byId(await post.openSummaries(ids));
    expect(some).toEqual(byId(await lite.openSummaries(ids)));
    expect(some.every((r) => ids.includes(r.id) && r.description.length > 0)).toBe(true);
    expect(await post.openSummaries([])).toEqual([]);
    for (const [a, b] of [
      [0, 50],
      [100, 400],
      [0, 1e9],
      [5, 5],
    ] as const) {
      const got = (await post.caseIdsWithEventsBetween(a, b)).sort((x, y) => x - y);
      expect(got).toEqual((await lite.caseIdsWithEventsBetween(a, b)).sort((x, y) => x - y));
    }
    expect((await post.caseIdsWithEventsBetween(0, 1e9)).length).toBe(N);
  });

  it('listMarkersJson: the same rows, every real the very same JS number', async () => {
    for (const f of FILTERS) {
      const [a, b] = [await post.listMarkersJson(f, 10_000), await lite.listMarkersJson(f, 10_000)];
      expect(a.truncated).toBe(false);
      expect(markers(a.json), JSON.stringify(f)).toEqual(markers(b.json));
      // a cut list: as many rows, each one of the full list (the order of rows is unspecified on both)
      const [c, d] = [await post.listMarkersJson(f, 5), await lite.listMarkersJson(f, 5)];
      expect(c.truncated).toBe(d.truncated);
      expect(markers(c.json).length).toBe(markers(d.json).length);
      const full = markers(a.json).map((r) => JSON.stringify(r));
      for (const row of markers(c.json)) expect(full).toContain(JSON.stringify(row));
    }
    const located = city.filter((c) => c.lat !== null);
    const rows = markers((await post.listMarkersJson({}, 10_000)).json);
    expect(rows.length).toBe(located.length);
    for (const [caseNumber, lat, lng, state, version] of rows) {
      const c = located.find((x) => x.caseNumber === caseNumber)!;
      expect([lat, lng, state, version]).toEqual([c.lat, c.lng, c.state, c.version]);
    }
    // 43.9 + (0.1 + 0.2) has no short decimal: it needs all 17 digits to come back
    expect(rows.find((r) => r[0] === city[7]!.caseNumber)?.[1]).toBe(43.9 + (0.1 + 0.2));
    expect(await post.listMarkersJson({ cellCode: 'none' }, 10)).toEqual({ json: '[]', truncated: false });
    const [setting] = await pgDb.sql`show extra_float_digits`;
    expect(Number(setting!.extra_float_digits)).toBeGreaterThan(0);
  });

  it('evaluate, evaluateWithTotal and countDispatched for every grouping, period and filter', async () => {
    const filters: CaseFilter[] = [
      {},
      { unitCode: 'U03' },
      { hotlineCategory: CATEGORIES[1] },
      { publicOnly: true },
    ];
    for (const [from, to] of PERIODS)
      for (const groupBy of GROUPS) {
        for (const filter of filters) {
          const q = { from, to, now: NOW, groupBy, filter };
          const [a, b] = [await post.evaluateWithTotal(q), await lite.evaluateWithTotal(q)];
          expect(a.rows.map((r) => r.key)).toEqual(b.rows.map((r) => r.key));
          a.rows.forEach((r, i) => expectSameEvaluation(r, b.rows[i]));
          expectSameEvaluation(a.total, b.total);
          expect((await post.evaluate(q)).length).toBe(a.rows.length);
        }
        expect(await post.countDispatched({ from, to, groupBy })).toEqual(
          await lite.countDispatched({ from, to, groupBy }),
        );
      }
    // absolute
    const cohort = city.filter(
      (c) => c.firstDispatchedAt && c.firstDispatchedAt >= FROM && c.firstDispatchedAt < TO,
    );
    const { total } = await post.evaluateWithTotal({ from: FROM, to: TO, now: NOW, groupBy: 'unit' });
    const disposed = cohort.filter((c) => c.disposedAt);
    const rated = cohort.filter((c) => c.satisfaction !== null);
    expect(total).toMatchObject({
      dispatched: cohort.length,
      disposed: disposed.length,
      closed: cohort.filter((c) => c.closedAt).length,
      reworked: cohort.filter((c) => c.reworkCount > 0 && c.closedAt).length,
      redispatched: cohort.filter((c) => c.redispatchCount > 0).length,
      rated: rated.length,
    });
    const hours = disposed.map(
      (c) => (Date.parse(c.disposedAt!) - Date.parse(c.firstDispatchedAt!)) / 3_600_000,
    );
    expect(total!.avgDisposalHours!).toBeCloseTo(hours.reduce((x, y) => x + y, 0) / hours.length, 6);
    expect(total!.avgSatisfaction!).toBeCloseTo(
      rated.reduce((x, c) => x + c.satisfaction!, 0) / rated.length,
      9,
    );
    expect(
      await post.evaluateWithTotal({ from: PERIODS[3]![0], to: PERIODS[3]![1], now: NOW, groupBy: 'none' }),
    ).toEqual({
      rows: [],
      total: null,
    });
  });

  it('dailyIntake (Beijing days), countClosedBetween', async () => {
    for (const [from, to] of PERIODS) {
      expect(await post.dailyIntake(from, to)).toEqual(await lite.dailyIntake(from, to));
      expect(await post.countClosedBetween(from, to)).toBe(await lite.countClosedBetween(from, to));
    }
    const days = await post.dailyIntake(ALL_FROM, ALL_TO);
    const expected = new Map<string, number>();
    for (const c of city)
      expected.set(localDate(c.reportedAt), (expected.get(localDate(c.reportedAt)) ?? 0) + 1);
    expect(days).toEqual(
      [...expected].sort(([x], [y]) => x.localeCompare(y)).map(([day, n]) => ({ day, n })),
    );
    // 15:59Z is still the Beijing day before; 16:01Z the next
    expect(city.some((c) => c.reportedAt.endsWith('T16:01:00.000Z'))).toBe(true);
    expect(await post.countClosedBetween(FROM, TO)).toBe(
      city.filter((c) => c.closedAt && c.closedAt >= FROM && c.closedAt < TO).length,
    );
  });

  it('listEventsBetween with excluded types, publicOnly and paging', async () => {
    const variants = [
      { from: FROM, to: TO },
      { from: FROM, to: TO, excludeTypes: ['report', 'accept'], limit: 50, offset: 10 },
      { from: ALL_FROM, to: ALL_TO, publicOnly: true, limit: 5000 },
      { from: ALL_FROM, to: ALL_TO, excludeTypes: ['close'], publicOnly: true, limit: 30, offset: 100 },
    ];
    for (const v of variants)
      expect(await post.listEventsBetween(v), JSON.stringify(v)).toEqual(await lite.listEventsBetween(v));
    const pub = await post.listEventsBetween({ from: ALL_FROM, to: ALL_TO, publicOnly: true, limit: 5000 });
    const hidden = new Set(city.filter((c) => c.source === 'hotline' && !c.publicConsent).map((c) => c.id));
    expect(pub.length).toBeGreaterThan(0);
    expect(pub.some((e) => hidden.has(e.caseId))).toBe(false);
    const ex = await post.listEventsBetween({
      from: ALL_FROM,
      to: ALL_TO,
      excludeTypes: ['report'],
      limit: 5000,
    });
    expect(ex.some((e) => e.type === 'report')).toBe(false);
    expect(ex.map((e) => e.at)).toEqual(ex.map((e) => e.at).sort());
  });

  it('listInBoxes', async () => {
    const box = { minorClassCode: null, south: 43.92, west: 116.04, north: 43.96, east: 116.1 };
    const states: CaseState[] = ['dispatched', 'accepted', 'filed', 'reported'];
    for (const [boxes, limit] of [
      [[box], undefined],
      [[box, { ...box, minorClassCode: 'C0302', south: 43.9, north: 43.93 }], undefined],
      [[box], 3],
      [[], undefined],
    ] as const) {
      expect(await post.listInBoxes(boxes, states, limit)).toEqual(
        await lite.listInBoxes(boxes, states, limit),
      );
    }
    const inBox = city.filter(
      (c) =>
        states.includes(c.state) && c.lat! >= 43.92 && c.lat! <= 43.96 && c.lng! >= 116.04 && c.lng! <= 116.1,
    );
    expect((await post.listInBoxes([box], states)).map((c) => c.id)).toEqual(inBox.map((c) => c.id));
  });

  it('attachments: add (idempotent), get, and the cases referencing one', async () => {
    const sha = attachmentSha(1);
    expect(await post.getAttachment(sha)).toEqual(await lite.getAttachment(sha));
    expect(await post.getAttachment(sha)).toMatchObject({ sha256: sha, mime: 'image/jpeg', caseId: null });
    const fresh = { sha256: 'f'.repeat(64), mime: 'image/png', size: 9, uploadedBy: null, createdAt: NOW };
    for (const s of [post, lite]) {
      await s.addAttachment(fresh);
      await s.addAttachment({ ...fresh, size: 10 });
    }
    expect(await post.getAttachment(fresh.sha256)).toEqual({ ...fresh, caseId: null });
    expect(await lite.getAttachment(fresh.sha256)).toEqual({ ...fresh, caseId: null });
    expect(await post.getAttachment('0'.repeat(64))).toBeNull();
    for (let n = 1; n <= 6; n++)
      expect((await post.casesReferencingAttachment(attachmentSha(n))).sort()).toEqual(
        (await lite.casesReferencingAttachment(attachmentSha(n))).sort(),
      );
    expect((await post.casesReferencingAttachment(sha)).length).toBe(1);
    expect(await post.casesReferencingAttachment(fresh.sha256)).toEqual([]);
  });

  it('the migration that added the stored disposal time fills it as the events replay it, on both backends', async () => {
    const disposed = city.filter((c) => c.disposedAt !== null);
    expect(disposed.length).toBeGreaterThan(20);
    for (const c of city)
      expect(c.disposalMillis, c.caseNumber).toBe(
        c.disposedAt === null ? null : Date.parse(c.disposedAt) - Date.parse(c.firstDispatchedAt!),
      );
    // the rows as a database from before the migration holds them, then the migration's own backfill
    const backfill = (dir: string, file: string) =>
      readFileSync(join(dir, file), 'utf8')
        .split('--> statement-breakpoint')
        .map((s) => s.trim())
        .filter((s) => s.startsWith('UPDATE'));
    sqliteDb.sqlite.exec('update cases set disposal_millis = null');
    for (const s of backfill(MIGRATIONS_DIR, '0013_disposal_millis.sql')) sqliteDb.sqlite.exec(s);
    await pgDb.sql`update cases set disposal_millis = null`;
    for (const s of backfill(PG_MIGRATIONS_DIR, '0005_disposal_millis.sql')) await pgDb.sql.unsafe(s);
    for (const c of city) {
      expect((await lite.getById(c.id))?.disposalMillis, c.caseNumber).toBe(c.disposalMillis);
      expect((await post.getById(c.id))?.disposalMillis, c.caseNumber).toBe(c.disposalMillis);
    }
  });
  /** Instant of Beijing midnight of a date: the reports' window edges. */
  const bj = (date: string) => new Date(Date.parse(`${date}T00:00:00+08:00`)).toISOString();

  it('reads windows of whole Beijing days from the day counts, as a count of the cases gives them', async () => {
    const admins = [new AdminStore(sqliteDb), new PgAdminStore(pgDb)];
    const windowSets = [
      [
        { from: bj('2026-10-10'), to: bj('2026-11-10') },
        { from: bj('2026-09-09'), to: bj('2026-10-10') },
        { from: bj('2026-08-09'), to: bj('2026-09-09') },
      ],
      [{ from: bj('2026-01-01'), to: bj('2027-12-31') }],
      [{ from: bj('2026-10-01'), to: bj('2026-10-02') }],
      [{ from: bj('2020-01-01'), to: bj('2020-02-01') }],
      // out of order and overlapping: a day is counted in every window it falls in
      [
        { from: bj('2026-10-15'), to: bj('2026-10-20') },
        { from: bj('2026-10-01'), to: bj('2026-11-01') },
        { from: bj('2026-09-01'), to: bj('2026-10-05') },
      ],
    ];
    let nonEmpty = 0;
    for (const windows of windowSets)
      for (const column of ['cell_code', 'minor_class_code'] as const) {
        const q = casesInWindowsQuery(column, windows);
        const fromCases = countsInWindowsRows(sqliteDb.db.all<Record<string, unknown>>(q), windows);
        expect(countsInWindowsRows(await pgDb.db.execute<Record<string, unknown>>(q), windows)).toEqual(
          fromCases,
        );
        for (const admin of admins)
          expect(
            await admin.countsInWindows(column, windows),
            `${column} ${JSON.stringify(windows)}`,
          ).toEqual(fromCases);
        if (fromCases.length) nonEmpty++;
      }
    expect(nonEmpty).toBeGreaterThanOrEqual(6);
    // the daily intake of whole days: every case, voided included, by its Beijing day
    const expected = new Map<string, number>();
    for (const c of city)
      expected.set(localDate(c.reportedAt), (expected.get(localDate(c.reportedAt)) ?? 0) + 1);
    const days = [...expected].sort(([x], [y]) => x.localeCompare(y)).map(([day, n]) => ({ day, n }));
    expect(await post.dailyIntake(bj('2026-01-01'), bj('2027-12-31'))).toEqual(days);
    expect(await lite.dailyIntake(bj('2026-01-01'), bj('2027-12-31'))).toEqual(days);
    const oct = days.filter((d) => d.day >= '2026-10-01' && d.day < '2026-10-11');
    expect(oct.length).toBeGreaterThan(0);
    expect(await post.dailyIntake(bj('2026-10-01'), bj('2026-10-11'))).toEqual(oct);
    expect(await lite.dailyIntake(bj('2026-10-01'), bj('2026-10-11'))).toEqual(oct);
  });

  it('keeps the day counts through every change of a case, and the migration fills them alike, on both backends', async () => {
    type Row = {
      reported_at: string;
      cell_code: string | null;
      minor_class_code: string | null;
      state: string;
    };
    // what the table must hold: the cases counted in JS, by the domain's Beijing day
    const recount = (rows: readonly Row[]) => {
      const m = new Map<string, { reported: number; counted: number }>();
      for (const r of rows)
        for (const [dimension, key] of [
          ['cell', r.cell_code ?? ''],
          ['class', r.minor_class_code ?? ''],
        ]) {
          const k = `${dimension} ${localDate(r.reported_at)} ${key}`;
          const v = m.get(k) ?? { reported: 0, counted: 0 };
          v.reported++;
          if (r.state !== 'voided' && r.state !== 'merged') v.counted++;
          m.set(k, v);
        }
      return [...m].map(([k, v]) => `${k} ${v.reported} ${v.counted}`).sort();
    };
    const stored = (rows: ReadonlyArray<Record<string, unknown>>) =>
      rows
        .filter((r) => Number(r.reported) !== 0 || Number(r.counted) !== 0)
        .map(
          (r) =>
            `${String(r.dimension)} ${String(r.day)} ${String(r.key)} ${Number(r.reported)} ${Number(r.counted)}`,
        )
        .sort();
    const casesSql = 'select reported_at, cell_code, minor_class_code, state from cases';
    const countsSql = 'select dimension, day, key, reported, counted from case_day_counts';
    const check = async (what: string) => {
      const liteCases = sqliteDb.sqlite.prepare(casesSql).all() as Row[];
      const pgCases = (await pgDb.sql.unsafe(casesSql)) as unknown as Row[];
      expect(recount(pgCases), what).toEqual(recount(liteCases));
      expect(
        stored(sqliteDb.sqlite.prepare(countsSql).all() as Array<Record<string, unknown>>),
        what,
      ).toEqual(recount(liteCases));
      expect(stored(await pgDb.sql.unsafe(countsSql)), what).toEqual(recount(pgCases));
    };
    await check('the city as filed');
    // changes in SQL, so that every writer is covered, not only the stores' own
    const [a, b, c, d, e, f, g, h] = city.filter((x) => x.cellCode && x.state !== 'voided').map((x) => x.id);
    const voided = city.find((x) => x.state === 'voided')!.id;
    const changes = [
      `update cases set cell_code = '${CELLS[1]!.cell}' where id = ${a}`,
      `update cases set minor_class_code = 'C0302' where id = ${b}`,
      `update cases set cell_code = null where id = ${c}`,
      `update cases set state = 'merged' where id = ${d}`,
      `update cases set state = 'filed' where id = ${voided}`,
      `update cases set reported_at = '2026-10-01T16:01:00.000Z' where id = ${e}`,
      `update cases set state = 'closed' where id = ${f}`,
      `delete from cases where id = ${g}`,
    ];
    for (const sqlText of changes) {
      sqliteDb.sqlite.exec(sqlText);
      await pgDb.sql.unsafe(sqlText);
    }
    await check('after each kind of change');
    // one PostgreSQL transaction changing one case twice and another once: the deferred triggers see each change
    sqliteDb.sqlite.exec(`update cases set state = 'voided' where id = ${h}`);
    sqliteDb.sqlite.exec(`update cases set cell_code = '${CELLS[2]!.cell}' where id = ${h}`);
    sqliteDb.sqlite.exec(`update cases set state = 'voided' where id = ${a}`);
    await pgDb.sql.begin(async (tx) => {
      await tx.unsafe(`update cases set state = 'voided' where id = ${h}`);
      await tx.unsafe(`update cases set cell_code = '${CELLS[2]!.cell}' where id = ${h}`);
      await tx.unsafe(`update cases set state = 'voided' where id = ${a}`);
    });
    await check('after one transaction of three changes');
    // the migrations' own fill statements, on an emptied table
    const fill = (dir: string, file: string) =>
      readFileSync(join(dir, file), 'utf8')
        .split('--> statement-breakpoint')
        .map((x) => x.trim())
        .filter((x) => /^INSERT INTO [`"]case_day_counts/.test(x));
    sqliteDb.sqlite.exec('delete from case_day_counts');
    const liteFill = fill(MIGRATIONS_DIR, '0016_case_day_counts.sql');
    expect(liteFill).toHaveLength(2);
    for (const x of liteFill) sqliteDb.sqlite.exec(x);
    await pgDb.sql`delete from case_day_counts`;
    const pgFill = fill(PG_MIGRATIONS_DIR, '0008_case_day_counts.sql');
    expect(pgFill).toHaveLength(2);
    for (const x of pgFill) await pgDb.sql.unsafe(x);
    await check('filled by the migrations');
  });
});
