import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CaseStore,
  openDatabase,
  ReferenceStore,
  type CaseFilter,
  type CitygridDatabase,
} from '@citygrid/db';
import { summarizeCase } from '../live/case-bus.ts';
import { seedHistory } from '../seed/history.ts';
import { seedDemoUsers, seedReferenceData } from '../seed/reference.ts';
import type { SessionUser } from '../context.ts';
import { createServices, type Services } from '../compose.ts';

/**
 * The dashboard's read paths over a realistic history: the open-case snapshot equals the plain
 * reading of the open cases (full rows, light on the working calendar), and the queries behind the
 * map, the counts and the evaluation are answered from indexes alone (EXPLAIN QUERY PLAN).
 */
const dir = mkdtempSync(join(tmpdir(), 'citygrid-dashboard-'));
let now = new Date('2026-11-24T01:00:00Z');
const clock = { now: () => now };
let database: CitygridDatabase;
let s: Services;

beforeAll(async () => {
  database = openDatabase(join(dir, 'dash.db'));
  await seedReferenceData(new ReferenceStore(database), now.toISOString());
  s = await createServices({ database, clock, argon2: { memoryCost: 1024, timeCost: 1, parallelism: 1 } });
  await seedHistory(s.cases, s.reference, { count: 1500, days: 60, now, seed: 7 });
  database.sqlite.exec('analyze');
});
afterAll(async () => {
  await s?.close();
  database?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The snapshot as computed before the covering index: full rows, then summary and light. */
async function plainSnapshot(filter: CaseFilter) {
  const rows = await s.cases.list({
    ...filter,
    ...(filter.states?.length ? {} : { openOnly: true }),
    orderBy: 'due',
    limit: 20_000,
  });
  return rows.map((r) => {
    const l = s.cases.lightOf(r, now);
    return { ...summarizeCase(r), light: l?.light ?? null, usedFraction: l?.usedFraction ?? null };
  });
}

/** Texts of the statements prepared while `fn` runs. */
async function statementsOf(fn: () => Promise<unknown>): Promise<string[]> {
  const sqlite = database.sqlite;
  const prepare = sqlite.prepare.bind(sqlite);
  const seen: string[] = [];
  sqlite.prepare = ((text: string) => {
    seen.push(text);
    return prepare(text);
  }) as typeof sqlite.prepare;
  // and the long scans handed to the reader threads
  const reads = database.reads;
  const rows = reads?.rows;
  if (reads && rows)
    reads.rows = (text, params) => {
      seen.push(text);
      return rows(text, params);
    };
  try {
    await fn();
  } finally {
    sqlite.prepare = prepare;
    if (reads && rows) reads.rows = rows;
  }
  return seen;
}

/** EXPLAIN QUERY PLAN details of a statement text, with every parameter bound to a plausible value. */
function planOf(text: string): string {
  const params = (text.match(/\?/g) ?? []).map(() => now.toISOString());
  const plan = database.sqlite.prepare(`explain query plan ${text}`).all(...params) as Array<{
    detail: string;
  }>;
  return plan.map((p) => p.detail).join('\n');
}

describe('dashboard.openCases', () => {
  it('equals the open cases read in full, with their lights, at several moments and filters', async () => {
    const open = await s.cases.count({ openOnly: true });
    expect(open).toBeGreaterThan(20);
    for (const at of ['2026-11-24T01:00:00Z', '2026-11-24T05:10:00Z', '2026-11-28T12:00:00Z']) {
      now = new Date(at);
      const got = await s.dashboard.openCases({});
      expect(got).toHaveLength(open);
      expect(got).toEqual(await plainSnapshot({}));
      const lights = new Set(got.map((c) => c.light));
      expect(lights.has('red')).toBe(true);
      expect(lights.has(null)).toBe(true);
    }
    now = new Date('2026-11-24T01:00:00Z');
    const unit = (await s.dashboard.openCases({})).find((c) => c.unitCode)!.unitCode!;
    for (const f of [
      { unitCode: unit },
      { states: ['dispatched', 'closed'] as const },
      { search: '反映' },
    ] satisfies CaseFilter[]) {
      const got = await s.dashboard.openCases(f);
      expect(got.length).toBeGreaterThan(0);
      expect(got).toEqual(await plainSnapshot(f));
    }
  });

  it('stays equal to the full reading after cases are filed, disposed, closed and redispatched', async () => {
    await seedDemoUsers(s.users, s.auth, s.reference.snapshot.units, now.toISOString());
    const user = (username: string) =>
      database.sqlite
        .prepare(
          'select id, username, display_name as displayName, role, unit_code as unitCode from users where username = ?',
        )
        .get(username) as SessionUser;
    const [operator, lead, unit] = [user('operator'), user('lead'), user('unit-u09')];
    const same = async () => expect(await s.dashboard.openCases({})).toEqual(await plainSnapshot({}));
    const filed = [];
    for (let i = 0; i < 3; i++) {
      filed.push(
        await s.cases.intake(
          {
            nature: 'complaint',
            minorClassCode: 'C0302',
            description: `垃圾箱满溢 ${i}`,
            urgency: 'normal',
            location: { lat: 43.934, lng: 116.086 },
          },
          operator,
        ),
      );
      await same();
    }
    const [a, b] = filed;
    now = new Date(now.getTime() + 3 * 3600_000);
    const v = await s.cases.act(
      a!.caseNumber,
      a!.version,
      { type: 'report_disposal', note: '已处置', attachments: [] },
      unit,
    );
    await same();
    await s.cases.act(a!.caseNumber, v.record.version, { type: 'close' }, lead);
    await same();
    await s.cases.act(
      b!.caseNumber,
      b!.version,
      { type: 'redispatch', unitCode: 'U10', reason: '不属本单位' },
      lead,
    );
    now = new Date(now.getTime() + 48 * 3600_000);
    await same();
    const open = await s.dashboard.openCases({});
    expect(open.some((c) => c.caseNumber === a!.caseNumber)).toBe(false);
    expect(open.some((c) => c.caseNumber === b!.caseNumber)).toBe(true);
  });
});

describe('the in-memory open-case index', () => {
  it('picks up cases written past the services (seeding straight into the store) on the next read', async () => {
    const before = await s.dashboard.openCases({});
    await seedHistory(s.cases, s.reference, { count: 200, days: 5, now, seed: 99 });
    const after = await s.dashboard.openCases({});
    expect(after.length).toBeGreaterThan(before.length);
    expect(after).toEqual(await plainSnapshot({}));
    const unit = after.find((c) => c.unitCode)!.unitCode!;
    expect(await s.dashboard.openCases({ unitCode: unit, cellCode: undefined })).toEqual(
      await plainSnapshot({ unitCode: unit }),
    );
    expect(await s.dashboard.openCases({ unitCode: unit }, 3)).toEqual(
      (await plainSnapshot({ unitCode: unit })).slice(0, 3),
    );
  });

  it('serves a new services instance (a restarted server) the same snapshot', async () => {
    const fresh = await createServices({ database, clock });
    expect(await fresh.dashboard.openCases({})).toEqual(await s.dashboard.openCases({}));
    await fresh.close();
  });
});

describe('query plans over the dashboard indexes', () => {
  it('reads the open-case snapshot from the covering partial index only', async () => {
    const fresh = await createServices({ database, clock });
    // the first read of the in-memory index, and the summaries read straight from SQL (filtered snapshots)
    const texts = [...(await statementsOf(() => fresh.dashboard.openCases({})))];
    texts.push(
      ...(await statementsOf(() =>
        new CaseStore(database, database.writer).listSummaries({
          openOnly: true,
          orderBy: 'due',
          limit: 20_000,
        }),
      )),
    );
    await fresh.close();
    const snapshots = texts.filter((t) => /case_number"? as "?caseNumber/.test(t));
    expect(snapshots).toHaveLength(2);
    for (const text of snapshots) expect(planOf(text)).toMatch(/USING COVERING INDEX cases_open_due\b/);
  });

  it('answers every query of the evaluation, today and per-cell counts from covering indexes', async () => {
    const texts = await statementsOf(async () => {
      for (const groupBy of ['unit', 'community', 'category', 'cell'] as const)
        await s.dashboard.evaluation({ from: '2026-10-24T16:00:00Z', to: now.toISOString(), groupBy });
      await s.dashboard.today();
      await s.dashboard.cellCounts({});
    });
    const selects = texts.filter((t) => t.startsWith('select') && t.includes('from "cases"'));
    expect(selects.length).toBeGreaterThanOrEqual(12);
    for (const text of selects) {
      const plan = planOf(text);
      // a SEARCH or SCAN of cases that is not through a covering index reads table rows
      expect
        .soft(
          plan.split('\n').filter((l) => /^(SEARCH|SCAN) cases\b/.test(l) && !/COVERING INDEX/.test(l)),
          `${text}\n${plan}`,
        )
        .toEqual([]);
    }
  });
});

describe('the evaluation read once for a report', () => {
  const period = { from: '2026-10-01T00:00:00.000Z', to: '2026-11-24T00:00:00.000Z' };

  it('gives, beside each group, the figures of all groups together exactly as groupBy none does', async () => {
    const [none] = await s.dashboard.evaluation({ ...period, groupBy: 'none' });
    expect(none!.dispatched).toBeGreaterThan(100);
    expect(none!.rated).toBeGreaterThan(10);
    for (const groupBy of ['unit', 'community', 'category', 'cell'] as const) {
      const { rows, total } = await s.dashboard.evaluationWithTotal({ ...period, groupBy });
      expect(rows).toEqual(await s.dashboard.evaluation({ ...period, groupBy }));
      const { avgDisposalHours, avgSatisfaction, ...counts } = total!;
      const { avgDisposalHours: h, avgSatisfaction: sat, ...noneCounts } = none!;
      expect(counts).toEqual({ ...noneCounts, name: null });
      expect(avgDisposalHours).toBeCloseTo(h!, 9);
      expect(avgSatisfaction).toBeCloseTo(sat!, 9);
    }
  });

  it('counts the dispatched cohort per group as the full evaluation does, and nothing when none was dispatched', async () => {
    for (const groupBy of ['unit', 'none'] as const) {
      const full = await s.dashboard.evaluation({ ...period, groupBy });
      const counts = await s.dashboard.dispatchedCounts({ ...period, groupBy });
      expect(new Map(full.map((r) => [r.key, r.dispatched]))).toEqual(counts);
    }
    const empty = { from: '2020-01-01T00:00:00.000Z', to: '2020-02-01T00:00:00.000Z' };
    expect((await s.dashboard.evaluationWithTotal({ ...empty, groupBy: 'unit' })).total).toBeNull();
    expect((await s.dashboard.dispatchedCounts({ ...empty, groupBy: 'unit' })).size).toBe(0);
  });
});
