import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CASE_STATES, CLOSED_STATES, OPEN_STATES } from '@citygrid/domain';
import { openDatabase } from '../client.ts';
import { OPEN_PREDICATE } from './case-predicates.ts';

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
    const row = sqlite.prepare("select sql from sqlite_master where type = 'index' and name = 'cases_open_due'").get() as { sql: string } | undefined;
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
      const plan = sqlite.prepare(`explain query plan select id from cases where ${OPEN_PREDICATE} order by due_at`).all() as Array<{ detail: string }>;
      expect(plan.map((p) => p.detail).join('\n')).toContain('cases_open_due');
    } finally {
      close();
    }
  });
});
