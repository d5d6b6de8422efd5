import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SQL } from 'drizzle-orm';
import { SQLiteSyncDialect } from 'drizzle-orm/sqlite-core';
import { defaultCalendarData, loadShippedGrid, type AddressEntry } from '@citygrid/domain';
import { pgTestAvailability, startTestCluster, type TestCluster } from '../pg/test-cluster.ts';
import {
  adminBackends,
  auditCount,
  CELL_A,
  CELL_B,
  codeOf,
  draft,
  entries,
  fileReportCases,
  newUser,
  nextGrid,
  SEEDED_AT,
  shippedSeed,
  type Opened,
} from './admin-stores.fixtures.ts';
import { countsInWindowsQuery, superviseCountsQuery } from './admin-report-sql.ts';

/*
 * One contract, two backends, for the administration stores: reference data (seed, load, grid
 * versions), the audited admin changes, API keys, the gazetteer and the report reads. Real SQLite
 * file, real PostgreSQL on a throwaway cluster; nothing mocked.
 */

const pg = pgTestAvailability();

/** SQLite's EXPLAIN QUERY PLAN lines of a report query, its parameters (ISO instants) inlined. */
async function sqlitePlanOf(db: Opened, query: SQL): Promise<string[]> {
  const q = new SQLiteSyncDialect().sqlToQuery(query);
  const text = q.params.reduce<string>((t, p) => t.replace('?', `'${String(p)}'`), q.sql);
  return (await db.query(`explain query plan ${text}`)).map((r) => String(r.detail));
}
let cluster: TestCluster | null = null;
const backends = adminBackends(() => cluster);
const available = backends.filter((b) => b.name === 'sqlite' || pg.available);

beforeAll(async () => {
  if (pg.available) cluster = await startTestCluster({ bin: pg.bin });
});
afterAll(() => cluster?.stop());

describe.each(available)('admin stores on $name', ({ name, open }) => {
  let db: Opened;
  beforeEach(async () => {
    db = await open();
  });
  afterEach(async () => {
    await db.close();
  });

  it('seeds the shipped reference data once and loads it back, lists in a defined order', async () => {
    const seed = shippedSeed();
    expect(await db.reference.isSeeded()).toBe(false);
    await db.reference.seed(seed, SEEDED_AT);
    expect(await db.reference.isSeeded()).toBe(true);
    const snap = await db.reference.load();
    const byCode = <T extends { code: string }>(xs: readonly T[]) =>
      [...xs].sort((a, b) => (a.code < b.code ? -1 : 1));
    expect(snap.gridVersion).toMatchObject({ version: seed.grid.version, generated: seed.grid.generated });
    expect(snap.cells.map((c) => c.code)).toEqual(seed.grid.cells.map((c) => c.code));
    expect(snap.cells[0]).toEqual(seed.grid.cells[0]);
    expect(snap.departments).toEqual(byCode(seed.departments));
    expect(snap.units).toEqual(byCode(seed.units));
    expect(snap.hotlineCategories).toEqual(seed.hotlineCategories);
    expect(snap.minorClasses).toEqual(byCode(seed.minorClasses));
    expect(snap.routingRules).toEqual([...seed.routingRules].sort((a, b) => (a.id < b.id ? -1 : 1)));
    expect(snap.calendar).toEqual(defaultCalendarData);
    expect(snap.communities.map((c) => c.code)).toEqual(byCode(seed.grid.communities).map((c) => c.code));
  });

  it('writes a new user with its audit entry, the after-image without the password hash', async () => {
    const user = await db.admin.audited(draft('user.create', 'user:op9'), {
      kind: 'user.create',
      user: newUser('op9'),
    });
    expect(user).toMatchObject({ ...newUser('op9'), id: expect.any(Number) });
    const [entry] = await db.admin.listAudit({ target: 'user:op9' });
    expect(entry).toMatchObject({ action: 'user.create', actorUserId: 1, before: null });
    const { passwordHash: _omit, ...image } = user;
    expect(entry!.after).toEqual(image);
  });

  it('ends the sessions of a disabled user in the same transaction as the change and its entry', async () => {
    const u = await db.admin.audited(draft('user.create', 'user:op8'), {
      kind: 'user.create',
      user: newUser('op8'),
    });
    await db.query(
      `insert into sessions (token_hash, user_id, csrf_token, created_at, expires_at) values ('t1', ${u.id}, 'c', '2026-11-24', '2026-11-25'), ('t2', ${u.id}, 'c', '2026-11-24', '2026-11-25')`,
    );
    const updated = await db.admin.audited(draft('user.disable', 'user:op8', { after: { note: 'left' } }), {
      kind: 'user.update',
      id: u.id,
      patch: { active: false },
      endSessions: true,
    });
    expect(updated.active).toBe(false);
    expect(await db.query(`select token_hash from sessions where user_id = ${u.id}`)).toEqual([]);
    const [entry] = await db.admin.listAudit({ target: 'user:op8', limit: 1 });
    expect(entry).toMatchObject({
      action: 'user.disable',
      after: { active: false, note: 'left', username: 'op8' },
    });
    expect(entry!.after).not.toHaveProperty('passwordHash');
  });

  it('writes neither the change nor its entry when the change fails', async () => {
    await db.reference.seed(shippedSeed(), SEEDED_AT);
    await db.admin.audited(draft('user.create', 'user:dup'), { kind: 'user.create', user: newUser('dup') });
    const entriesBefore = await auditCount(db);
    // a taken username (unique index)
    await expect(
      db.admin.audited(draft('user.create', 'user:dup'), { kind: 'user.create', user: newUser('dup') }),
    ).rejects.toThrow();
    // a user that does not exist
    const missing = await db.admin
      .audited(draft('user.update', 'user:none'), {
        kind: 'user.update',
        id: 9999,
        patch: { displayName: 'x' },
        endSessions: true,
      })
      .catch((e: unknown) => e);
    expect(codeOf(missing)).toBe('NOT_FOUND:id');
    // a grid version name used before: nothing of the new version is written
    const current = (await db.reference.load()).gridVersion;
    const again = await db.admin
      .audited(draft('grid.import', 'grid:again'), {
        kind: 'grid.write',
        grid: nextGrid(current.version),
        at: SEEDED_AT,
        field: 'version',
      })
      .catch((e: unknown) => e);
    expect(codeOf(again)).toBe('CONFLICT:version');
    expect(await auditCount(db)).toBe(entriesBefore);
    expect((await db.reference.load()).gridVersion).toEqual(current);
    expect(await db.query(`select username from users order by id`)).toEqual([{ username: 'dup' }]);
  });

  it('applies organisation, routing, time-limit and calendar changes, each with its entry, and load shows them', async () => {
    const seed = shippedSeed();
    await db.reference.seed(seed, SEEDED_AT);
    const unit = { ...seed.units[4]!, name: '市政设施维护中心（新）', phone: '0479-1234567' };
    await db.admin.audited(draft('unit.update', `unit:${unit.code}`, { after: unit }), {
      kind: 'unit.upsert',
      unit,
    });
    const dept = {
      code: 'D99',
      name: '新部门',
      nameEn: 'New department',
    } as (typeof seed.departments)[number];
    await db.admin.audited(draft('department.create', 'department:D99', { after: dept }), {
      kind: 'department.upsert',
      department: dept,
    });
    expect(await db.admin.getDepartment('D99')).toEqual(dept);
    expect(await db.admin.getDepartment('D98')).toBeNull();
    const rules = seed.routingRules.slice(1);
    await db.admin.audited(draft('routing.replace', 'routing_rules'), { kind: 'routing.replace', rules });
    const m = { ...seed.minorClasses[0]!, timeLimit: { amount: 3, unit: 'working_hours' as const } };
    await db.admin.audited(draft('time_limit.set', `minor_class:${m.code}`), {
      kind: 'minor_class.update',
      minorClass: m,
    });
    const calendar = {
      ...defaultCalendarData,
      years: { ...defaultCalendarData.years, '2030': { holidays: [], makeUpWorkdays: [] } },
    };
    await db.admin.audited(draft('calendar.load_year', 'calendar:2030'), {
      kind: 'calendar.save',
      calendar,
      at: SEEDED_AT,
    });

    const snap = await db.reference.load();
    expect(snap.units.find((u) => u.code === unit.code)).toEqual(unit);
    expect(snap.departments.at(-1)).toEqual(dept);
    expect(snap.routingRules.map((r) => r.id)).toEqual(rules.map((r) => r.id).sort());
    expect(snap.minorClasses[0]).toEqual(m);
    expect(snap.calendar).toEqual(calendar);
    expect((await db.admin.listAudit()).map((e) => e.action)).toEqual([
      'calendar.load_year',
      'time_limit.set',
      'routing.replace',
      'department.create',
      'unit.update',
    ]);
    expect((await db.admin.listAudit({ action: 'unit' }))[0]!.after).toEqual(unit);
  });

  it('lists, inserts and revokes API keys by the first 12 digits of their hash', async () => {
    const k1 = { keyHash: 'aa11'.repeat(16), name: '随手拍 app', createdAt: '2026-11-24T02:00:00.000Z' };
    const k2 = { keyHash: 'bb22'.repeat(16), name: '12345 热线', createdAt: '2026-11-24T03:00:00.000Z' };
    for (const key of [k2, k1])
      await db.admin.audited(draft('api_key.create', `api_key:${key.keyHash.slice(0, 12)}`), {
        kind: 'api_key.insert',
        key,
      });
    expect(await db.admin.listApiKeys()).toEqual([
      { id: k1.keyHash.slice(0, 12), name: k1.name, createdAt: k1.createdAt },
      { id: k2.keyHash.slice(0, 12), name: k2.name, createdAt: k2.createdAt },
    ]);
    const id = k1.keyHash.slice(0, 12);
    const deleted = await db.admin.audited(draft('api_key.revoke', `api_key:${id}`), {
      kind: 'api_key.delete',
      id,
    });
    expect(deleted).toEqual({ id, name: k1.name, createdAt: k1.createdAt });
    expect((await db.admin.listApiKeys()).map((k) => k.name)).toEqual([k2.name]);
    expect(
      await db.admin.audited(draft('api_key.revoke', 'api_key:ffff'), { kind: 'api_key.delete', id: 'ffff' }),
    ).toBeNull();
    expect((await db.admin.listAudit({ action: 'api_key.' })).map((e) => e.target)).toEqual([
      'api_key:ffff',
      `api_key:${id}`,
      `api_key:${k1.keyHash.slice(0, 12)}`,
      `api_key:${k2.keyHash.slice(0, 12)}`,
    ]);
  });

  it('imports a grid as the new current version, audited with its id, the old version kept', async () => {
    await db.reference.seed(shippedSeed(), SEEDED_AT);
    const old = (await db.reference.load()).gridVersion;
    expect(await db.reference.hasGridVersion('2026.2-surveyed')).toBe(false);
    const id = await db.admin.audited(
      draft('grid.import', 'grid:2026.2-surveyed', { after: { version: '2026.2-surveyed' } }),
      {
        kind: 'grid.write',
        grid: nextGrid('2026.2-surveyed'),
        at: '2026-12-01T00:00:00.000Z',
      },
    );
    expect(id).toBeGreaterThan(old.id);
    expect(await db.reference.hasGridVersion('2026.2-surveyed')).toBe(true);
    const snap = await db.reference.load();
    expect(snap.gridVersion).toEqual({
      id,
      version: '2026.2-surveyed',
      validFrom: '2026-12-01',
      generated: false,
      note: 'surveyed',
    });
    expect(snap.cells).toHaveLength(loadShippedGrid().cells.length);
    const [entry] = await db.admin.listAudit({ target: 'grid:2026.2-surveyed' });
    expect(entry!.after).toEqual({ gridVersionId: id, version: '2026.2-surveyed' });
    // the old version's cells stay (old cases keep their cell), closed at the new version's start
    const closed = await db.query(
      `select count(*) as n from cells where grid_version_id = ${old.id} and valid_to = '2026-12-01'`,
    );
    expect(Number(closed[0]!.n)).toBe(loadShippedGrid().cells.length);
  });

  it('upserts gazetteer entries: new rows counted, a repeated key moves its row, counts and order kept', async () => {
    expect(await db.gazetteer.upsertMany(entries, 'seed', '2026-11-24T00:00:00.000Z')).toEqual({
      inserted: 3,
      updated: 0,
    });
    const moved = { ...entries[0]!, lng: 116.09, lat: 43.95 };
    const fresh: AddressEntry = { kind: 'landmark', name: '贝子庙', address: '', lng: 116.05, lat: 43.96 };
    const result = await db.admin.audited(
      draft('gazetteer.import', 'gazetteer', { before: { total: 3 }, after: { format: 'csv', rows: 4 } }),
      // the new landmark twice: the later one wins, the row is numbered by the first
      {
        kind: 'gazetteer.upsert',
        entries: [fresh, moved, { ...fresh, lat: 43.97 }, entries[2]!],
        source: 'import:1',
        at: '2026-11-25T00:00:00.000Z',
      },
    );
    expect(result).toEqual({ inserted: 1, updated: 3 });
    expect(await db.gazetteer.count()).toBe(4);
    expect(await db.gazetteer.countsByKind()).toEqual({ building: 1, compound: 1, door: 1, landmark: 1 });
    const all = await db.gazetteer.all();
    expect(all.map((e) => [e.name, e.lng, e.lat, e.source])).toEqual([
      ['新苑小区', 116.09, 43.95, 'import:1'],
      ['新苑小区 3号楼', 116.0815, 43.9407, 'seed'],
      ['幸福路12号', 116.0701, 43.9331, 'import:1'],
      ['贝子庙', 116.05, 43.97, 'import:1'],
    ]);
    const [entry] = await db.admin.listAudit({ target: 'gazetteer' });
    expect(entry!.after).toEqual({
      inserted: 1,
      updated: 3,
      format: 'csv',
      rows: 4,
      after: { total: 4, byKind: { building: 1, compound: 1, door: 1, landmark: 1 } },
    });
  });

  it.runIf(name === 'sqlite')(
    "reads the urges and escalations of a period from the supervision index alone, not every event's row",
    async () => {
      await fileReportCases(db.cases);
      const plan = await sqlitePlanOf(
        db,
        superviseCountsQuery('unit_code', '2026-11-24T00:00:00.000Z', '2026-11-25T00:00:00.000Z'),
      );
      expect(plan.join('\n')).toMatch(/SEARCH e USING COVERING INDEX case_events_supervision/);
    },
  );

  it.runIf(name === 'sqlite')(
    "counts the hotspot windows per cell and per class from the day counts (whole Beijing days) or the reported-at index's ranges alone",
    async () => {
      await fileReportCases(db.cases);
      const windows = [
        { from: '2026-11-24T00:00:00.000Z', to: '2026-11-25T00:00:00.000Z' },
        { from: '2026-11-23T00:00:00.000Z', to: '2026-11-24T00:00:00.000Z' },
      ];
      for (const column of ['cell_code', 'minor_class_code'] as const) {
        const scans = (await sqlitePlanOf(db, countsInWindowsQuery(column, windows)!)).filter((d) =>
          /^(SEARCH|SCAN) cases\b/.test(d),
        );
        expect(scans, column).toHaveLength(windows.length);
        for (const d of scans)
          expect(d, column).toMatch(
            /^SEARCH cases USING COVERING INDEX cases_reported_at \(reported_at>\? AND reported_at<\?\)/,
          );
        // windows of whole Beijing days (every report's) read the day counts: one range of the
        // primary key over all the windows, whatever their number
        const days = windows.map((w) => ({
          from: w.from.replace('T00:', 'T16:'),
          to: w.to.replace('T00:', 'T16:'),
        }));
        const plan = await sqlitePlanOf(db, countsInWindowsQuery(column, days)!);
        expect(plan.join('\n'), column).not.toMatch(/\bcases\b/);
        expect(
          plan.filter((d) => /^(SEARCH|SCAN) (case_day_counts|d)\b/.test(d)),
          column,
        ).toEqual([
          expect.stringMatching(
            /^SEARCH d USING INDEX sqlite_autoindex_case_day_counts_1 \(dimension=\? AND day>\? AND day<\?\)/,
          ),
        ]);
      }
    },
  );

  it('counts urges and escalations by a case column, and cases per window by cell and class', async () => {
    await fileReportCases(db.cases);
    const day = { from: '2026-11-24T00:00:00.000Z', to: '2026-11-25T00:00:00.000Z' };
    expect(await db.admin.superviseCounts('unit_code', day.from, day.to)).toEqual([
      { key: 'U01', urged: 2, escalated: 1 },
      { key: 'U02', urged: 1, escalated: 0 },
    ]);
    expect(await db.admin.superviseCounts(null, day.from, day.to)).toEqual([
      { key: null, urged: 3, escalated: 1 },
    ]);
    expect(
      await db.admin.superviseCounts('cell_code', '2026-11-25T00:00:00.000Z', '2026-11-26T00:00:00.000Z'),
    ).toEqual([]);
    const windows = [
      { from: '2026-11-23T00:00:00.000Z', to: '2026-11-24T00:00:00.000Z' },
      { from: '2026-11-22T00:00:00.000Z', to: '2026-11-23T00:00:00.000Z' },
      { from: '2026-11-21T00:00:00.000Z', to: '2026-11-22T00:00:00.000Z' },
    ];
    expect(await db.admin.countsInWindows('cell_code', windows)).toEqual([
      { key: CELL_A, counts: [3, 1, 0] },
      { key: CELL_B, counts: [0, 0, 1] },
    ]);
    expect(await db.admin.countsInWindows('minor_class_code', windows)).toEqual([
      { key: 'C0101', counts: [1, 0, 0] },
      { key: 'C0302', counts: [3, 1, 2] },
    ]);
    expect(await db.admin.countsInWindows('cell_code', [])).toEqual([]);
  });
});

describe.runIf(pg.available)('admin stores on both backends', () => {
  it('give the same reference snapshot, audit log, gazetteer and report figures for the same changes', async () => {
    const [a, b] = await Promise.all(backends.map((x) => x.open()));
    try {
      const seen = [];
      for (const db of [a!, b!]) {
        await db.reference.seed(shippedSeed(), SEEDED_AT);
        const seed = shippedSeed();
        await db.admin.audited(draft('unit.update', 'unit:U07'), {
          kind: 'unit.upsert',
          unit: { ...seed.units[6]!, name: '改名' },
        });
        await db.admin.audited(draft('routing.replace', 'routing_rules'), {
          kind: 'routing.replace',
          rules: [...seed.routingRules].reverse().slice(2),
        });
        await db.admin.audited(draft('grid.import', 'grid:v2'), {
          kind: 'grid.write',
          grid: nextGrid('v2'),
          at: SEEDED_AT,
        });
        await db.admin.audited(draft('gazetteer.seed', 'gazetteer'), {
          kind: 'gazetteer.upsert',
          entries,
          source: 'seed',
          at: SEEDED_AT,
        });
        await fileReportCases(db.cases);
        const window = [{ from: '2026-11-23T00:00:00.000Z', to: '2026-11-24T00:00:00.000Z' }];
        seen.push({
          snapshot: await db.reference.load(),
          audit: (await db.admin.listAudit()).map(({ id: _id, ...e }) => e),
          gazetteer: (await db.gazetteer.all()).map(({ id: _id, ...e }) => e),
          supervise: await db.admin.superviseCounts(
            'community_code',
            '2026-11-24T00:00:00.000Z',
            '2026-11-25T00:00:00.000Z',
          ),
          hotspots: await db.admin.countsInWindows('cell_code', window),
        });
      }
      expect(seen[1]).toEqual(seen[0]);
    } finally {
      await Promise.all([a!.close(), b!.close()]);
    }
  });
});

if (!pg.available) {
  describe('admin stores on postgres', () => {
    it.skip(pg.reason, () => {});
  });
}
