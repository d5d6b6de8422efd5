import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaseStore, openDatabase, ReferenceStore, type CitygridDatabase } from '@citygrid/db';
import { OPEN_STATES } from '@citygrid/domain';
import { seedHistory } from '../seed/history.ts';
import { seedReferenceData } from '../seed/reference.ts';
import { createServices, type Services } from '../compose.ts';
import {
  openCaseMarkersJson,
  OpenCaseMarkersCache,
  OPEN_CASE_MARKER_LIMIT,
  type OpenCaseMarkers,
} from './open-case-markers.ts';

const listOpenCaseMarkers = async (...args: Parameters<typeof openCaseMarkersJson>) =>
  JSON.parse(await openCaseMarkersJson(...args)) as OpenCaseMarkers;

/**
 * The map's markers are cut at a limit and SAY so: with more located open cases than the limit the
 * answer holds exactly `limit` of them and `truncated: true`; at or below it, every one and `false`.
 * Real SQLite file, real generated history; the limit is injected so no 100,001 rows are needed.
 */
const dir = mkdtempSync(join(tmpdir(), 'citygrid-markers-'));
const now = new Date('2026-11-24T01:00:00Z');
let database: CitygridDatabase;
let s: Services;
/** The located open cases, counted without any cut. */
let located: number;

beforeAll(async () => {
  database = openDatabase(join(dir, 'markers.db'));
  await seedReferenceData(new ReferenceStore(database), now.toISOString());
  s = await createServices({ database, clock: { now: () => now } });
  await seedHistory(s.cases, s.reference, { count: 800, days: 30, now, seed: 11 });
  located = (
    database.sqlite
      .prepare(
        `select count(*) as n from cases where state in (${OPEN_STATES.map(() => '?').join(',')}) and lat is not null and lng is not null`,
      )
      .get(...OPEN_STATES) as { n: number }
  ).n;
});
afterAll(() => {
  s?.live.close();
  database?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A citizen's located complaint, filed through the service (one case, its events committed). */
const fileOneCase = () =>
  s.cases.intake(
    {
      nature: 'complaint',
      minorClassCode: 'C0302',
      description: '垃圾箱满溢，请处理',
      urgency: 'normal',
      location: { lat: 43.934, lng: 116.086 },
    },
    null,
    '市民',
  );

describe('the open-case markers limit', () => {
  it('has located open cases to cut', () => {
    expect(located).toBeGreaterThan(20);
  });

  it('reports truncation when more located open cases match than the limit, holding exactly the limit', async () => {
    const store = new CaseStore(database, database.writer);
    const limit = located - 7;
    const got = await listOpenCaseMarkers(store, {}, limit);
    expect(got.truncated).toBe(true);
    expect(got.limit).toBe(limit);
    expect(got.markers).toHaveLength(limit);
    expect(new Set(got.markers.map((m) => m[0])).size).toBe(limit);
  });

  it('cuts nothing and says so at or below the limit', async () => {
    const store = new CaseStore(database, database.writer);
    for (const limit of [located, located + 1]) {
      const got = await listOpenCaseMarkers(store, {}, limit);
      expect(got.truncated).toBe(false);
      expect(got.markers).toHaveLength(located);
    }
  });

  it('holds each case as its stored columns, the positions as the very same numbers', async () => {
    const store = new CaseStore(database, database.writer);
    const got = await listOpenCaseMarkers(store, {}, located);
    const stored = database.sqlite
      .prepare(
        `select case_number, lat, lng, state, version, dispatched_at, due_at, limit_unit, minor_class_code
         from cases where state in (${OPEN_STATES.map(() => '?').join(',')}) and lat is not null and lng is not null`,
      )
      .raw(true)
      .all(...OPEN_STATES) as unknown[][];
    const byNumber = new Map(stored.map((r) => [r[0], r]));
    for (const m of got.markers) expect(m).toEqual(byNumber.get(m[0]));
    // nothing matches: an empty list, not cut
    expect(await listOpenCaseMarkers(store, { unitCode: 'no-such-unit' }, 5)).toEqual({
      markers: [],
      truncated: false,
      limit: 5,
      position: await store.lastEventId(),
    });
  });

  it('defaults to 100,000 markers: a 50,000-case backlog is drawn whole', async () => {
    expect(OPEN_CASE_MARKER_LIMIT).toBe(100_000);
    const got = JSON.parse(await s.dashboard.openCaseMarkersJson({})) as OpenCaseMarkers;
    expect(got).toMatchObject({ truncated: false, limit: 100_000 });
    expect(got.markers).toHaveLength(located);
  });

  it('takes the limit from createServices and applies it to the dashboard service', async () => {
    const small = await createServices({ database, clock: { now: () => now }, mapMarkerLimit: 5 });
    try {
      const cut = JSON.parse(await small.dashboard.openCaseMarkersJson({})) as OpenCaseMarkers;
      expect(cut).toMatchObject({ truncated: true, limit: 5 });
      expect(cut.markers).toHaveLength(5);
    } finally {
      small.live.close();
    }
  });
});

describe('the position of the markers in the event log', () => {
  it("is the log's last event when read, and moves with the next change, read from memory or not", async () => {
    const store = new CaseStore(database, database.writer);
    const before = await store.lastEventId();
    expect(before).toBeGreaterThan(0);
    const first = JSON.parse(await s.dashboard.openCaseMarkersJson({})) as OpenCaseMarkers;
    expect(first.position).toBe(before);
    // from memory: the same position
    expect((JSON.parse(await s.dashboard.openCaseMarkersJson({})) as OpenCaseMarkers).position).toBe(before);
    // a case filed: the next read is of the log after it, and holds the case
    const filed = await fileOneCase();
    const after = JSON.parse(await s.dashboard.openCaseMarkersJson({})) as OpenCaseMarkers;
    expect(after.position).toBe(await store.lastEventId());
    expect(after.position).toBeGreaterThan(before);
    expect(after.markers.map((m) => m[0])).toContain(filed.caseNumber);
    expect(first.markers.map((m) => m[0])).not.toContain(filed.caseNumber);
  });
});

describe('the markers cache', () => {
  /** The store, counting the marker lists it is asked for. */
  const counted = () => {
    const store = new CaseStore(database, database.writer);
    const calls = { lists: 0 };
    return {
      calls,
      store: {
        lastEventId: () => store.lastEventId(),
        listMarkersJson: (...args: Parameters<CaseStore['listMarkersJson']>) => {
          calls.lists++;
          return store.listMarkersJson(...args);
        },
      },
    };
  };

  it('answers the same filter from memory while no case has changed, whatever the order of its fields', async () => {
    const { store, calls } = counted();
    const cache = new OpenCaseMarkersCache(store);
    const first = await cache.get({ unitCode: 'U09', openOnly: true });
    expect(await cache.get({ openOnly: true, unitCode: 'U09' })).toBe(first);
    expect(calls.lists).toBe(1);
    expect(first).toBe(
      await openCaseMarkersJson(new CaseStore(database, database.writer), { unitCode: 'U09' }),
    );
    // another filter is another text, read once
    const all = await cache.get({});
    expect(all).not.toBe(first);
    await cache.get({});
    expect(calls.lists).toBe(2);
  });

  it('reads again after any committed event: a new case is on the next answer', async () => {
    const { store, calls } = counted();
    const cache = new OpenCaseMarkersCache(store);
    const before = JSON.parse(await cache.get({})) as OpenCaseMarkers;
    const filed = await fileOneCase();
    const after = JSON.parse(await cache.get({})) as OpenCaseMarkers;
    expect(calls.lists).toBe(2);
    expect(after.markers).toHaveLength(before.markers.length + 1);
    expect(after.markers.map((m) => m[0])).toContain(filed.caseNumber);
  });

  it('keeps at most its entries and characters, the least recently used going first', async () => {
    const { store, calls } = counted();
    const cache = new OpenCaseMarkersCache(store, OPEN_CASE_MARKER_LIMIT, 2);
    await cache.get({ unitCode: 'U01' });
    await cache.get({ unitCode: 'U02' });
    await cache.get({ unitCode: 'U01' }); // used: U02 is now the oldest
    await cache.get({ unitCode: 'U03' }); // evicts U02
    expect(calls.lists).toBe(3);
    await cache.get({ unitCode: 'U01' });
    await cache.get({ unitCode: 'U03' });
    expect(calls.lists).toBe(3);
    await cache.get({ unitCode: 'U02' });
    expect(calls.lists).toBe(4);
    // a text over the character budget is answered, not kept
    const tiny = new OpenCaseMarkersCache(store, OPEN_CASE_MARKER_LIMIT, 8, 10);
    await tiny.get({});
    await tiny.get({});
    expect(calls.lists).toBe(6);
  });
});
