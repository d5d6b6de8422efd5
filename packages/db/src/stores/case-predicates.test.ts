import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CASE_STATES,
  CLOSED_STATES,
  LOCAL_UTC_OFFSET_MINUTES,
  OPEN_STATES,
  showsLight,
  UNFILED_STATES,
} from '@citygrid/domain';
import { openDatabase } from '../client.ts';
import {
  FILED_PREDICATE,
  localDayCounts,
  OPEN_PREDICATE,
  SHOWS_LIGHT_PREDICATE,
  UTC_BUCKET_CHARS,
} from './case-predicates.ts';

/**
 * The partial index `cases_open_due` (migration 0002) only serves queries whose predicate matches
 * its own word for word, and it must cover exactly the domain's open cases. These tests read the
 * index as SQLite stored it after all migrations ran, so a change to `CLOSED_STATES` without a new
 * migration, or an index edited away from the domain's list, fails here.
 */
const dir = mkdtempSync(join(tmpdir(), 'citygrid-predicates-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function openIndexSql(): string {
  const { sqlite, close } = openDatabase(join(dir, `idx-${Math.random().toString(36).slice(2)}.db`));
  try {
    const row = sqlite
      .prepare("select sql from sqlite_master where type = 'index' and name = 'cases_open_due'")
      .get() as { sql: string } | undefined;
    if (!row) throw new Error('index cases_open_due is missing');
    return row.sql;
  } finally {
    close();
  }
}

describe('the open-case predicate and the partial index cases_open_due', () => {
  it('the migrated index carries the store predicate word for word', () => {
    const indexSql = openIndexSql();
    expect(indexSql.slice(indexSql.indexOf(' WHERE ') + ' WHERE '.length)).toBe(OPEN_PREDICATE);
  });

  it("the index's excluded states are exactly the domain's closed states, so it covers exactly the open ones", () => {
    const indexSql = openIndexSql();
    const list = /not in \(([^)]*)\)/.exec(indexSql)?.[1];
    const excluded = (list ?? '').split(',').map((s) => s.trim().replace(/^'|'$/g, ''));
    expect([...excluded].sort()).toEqual([...CLOSED_STATES].sort());
    expect(CASE_STATES.filter((s) => !excluded.includes(s))).toEqual([...OPEN_STATES]);
  });

  it('the planner uses the index for an open-cases-by-deadline query', () => {
    const { sqlite, close } = openDatabase(join(dir, 'plan.db'));
    try {
      const plan = sqlite
        .prepare(`explain query plan select id from cases where ${OPEN_PREDICATE} order by due_at`)
        .all() as Array<{ detail: string }>;
      expect(plan.map((p) => p.detail).join('\n')).toContain('cases_open_due');
    } finally {
      close();
    }
  });
});

describe('the evaluation predicates and the local-day modifier', () => {
  it('count as overdue-open exactly the states that show a light, and as filed every state but the unfiled ones', () => {
    const { sqlite, close } = openDatabase(join(dir, 'pred.db'));
    try {
      const matches = (predicate: string) =>
        CASE_STATES.filter(
          (state) =>
            (
              sqlite.prepare(`select ${predicate} as ok from (select ? as state)`).get(state) as {
                ok: number;
              }
            ).ok === 1,
        );
      expect(matches(SHOWS_LIGHT_PREDICATE)).toEqual(CASE_STATES.filter((s) => showsLight(s)));
      expect(matches(FILED_PREDICATE)).toEqual(CASE_STATES.filter((s) => !UNFILED_STATES.includes(s)));
    } finally {
      close();
    }
  });
});

describe('per-day counts from UTC buckets', () => {
  it('folds the UTC hours of the domain calendar into local days, in day order', () => {
    expect(LOCAL_UTC_OFFSET_MINUTES).toBe(480);
    expect(UTC_BUCKET_CHARS).toBe(13);
    const bucket = (iso: string) => iso.slice(0, UTC_BUCKET_CHARS);
    expect(
      localDayCounts([
        // 16:00 UTC is already the next day in Beijing, 15:59 is not
        { bucket: bucket('2026-12-01T16:30:00.000Z'), n: 2 },
        { bucket: bucket('2026-12-01T15:59:59.999Z'), n: 3 },
        { bucket: bucket('2026-12-01T00:00:00.000Z'), n: 1 },
        { bucket: bucket('2026-11-30T23:00:00.000Z'), n: 4 },
        { bucket: bucket('2026-12-02T15:00:00.000Z'), n: 5 },
      ]),
    ).toEqual([
      { day: '2026-12-01', n: 8 },
      { day: '2026-12-02', n: 7 },
    ]);
  });
});
