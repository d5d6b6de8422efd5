import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type CitygridDatabase } from './client.ts';
import { buildCity } from './stores/case-reads-city.ts';
import { CaseStore } from './stores/case-store.ts';
import type { EvaluationGroup } from './stores/case-types.ts';
import { GroupCommitWriter } from './writer.ts';

/** The reports' scans on reader threads answer what the connection answers. */
describe('read pool', () => {
  let dir: string;
  let pooled: CitygridDatabase;
  let direct: CitygridDatabase;
  let pooledStore: CaseStore;
  let directStore: CaseStore;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'citygrid-readpool-'));
    const file = join(dir, 'city.db');
    pooled = openDatabase(file, { checkpoint: 'inline' });
    direct = openDatabase(file, { checkpoint: 'inline', readers: 0 });
    pooledStore = new CaseStore(pooled, new GroupCommitWriter(pooled.sqlite));
    directStore = new CaseStore(direct, new GroupCommitWriter(direct.sqlite));
    // no thread until a scan is asked for
    expect(pooled.reads!.stats.started).toBe(0);
    expect(direct.reads).toBeNull();
    await buildCity(pooledStore, 160);
  }, 60_000);
  afterAll(() => {
    pooled?.close();
    direct?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('gives the evaluation and the dispatched counts of every grouping as the connection does', async () => {
    const q = {
      from: '2026-10-01T00:00:00.000Z',
      to: '2026-12-01T00:00:00.000Z',
      now: '2026-11-20T00:00:00.000Z',
    };
    for (const groupBy of ['unit', 'community', 'category', 'cell', 'none'] as EvaluationGroup[]) {
      const viaPool = await pooledStore.evaluateWithTotal({ ...q, groupBy });
      expect(viaPool.rows.length).toBeGreaterThan(0);
      expect(viaPool).toEqual(await directStore.evaluateWithTotal({ ...q, groupBy }));
      expect(await pooledStore.countDispatched({ ...q, groupBy })).toEqual(
        await directStore.countDispatched({ ...q, groupBy }),
      );
    }
    expect(pooled.reads!.stats.started).toBe(2);
    expect(pooled.reads!.stats.queries).toBeGreaterThanOrEqual(15);
  });

  it('sees what was committed after it started, and runs scans side by side', async () => {
    const count = 'select count(*) from cases';
    const [[before]] = (await pooled.reads!.rows(count, [])) as [[number]];
    pooled.sqlite.exec("update cases set description = description || '.' where id = 1");
    const one = pooled.sqlite.prepare('select * from cases where id = 1').get() as Record<string, unknown>;
    const cols = Object.keys(one).filter((c) => c !== 'id');
    pooled.sqlite
      .prepare(
        `insert into cases (${cols.join(', ')}) select ${cols
          .map((c) => (c === 'case_number' ? "case_number || '-copy'" : c))
          .join(', ')} from cases where id = 1`,
      )
      .run();
    const answers = await Promise.all(Array.from({ length: 6 }, () => pooled.reads!.rows(count, [])));
    for (const [[n]] of answers as Array<[[number]]>) expect(n).toBe(before + 1);
  });

  it('refuses a statement that writes and names the SQLite error, leaving the data as it was', async () => {
    const n = () => (pooled.sqlite.prepare('select count(*) as n from cases').get() as { n: number }).n;
    const before = n();
    await expect(pooled.reads!.rows('delete from cases', [])).rejects.toThrow(/read-only|readonly/);
    await expect(pooled.reads!.rows('select * from no_such_table', [])).rejects.toThrow(
      /no such table: no_such_table/,
    );
    expect(n()).toBe(before);
    // and goes on answering
    expect(await pooled.reads!.rows('select ?', [7])).toEqual([[7]]);
  });

  it('answers nothing once the database is closed', async () => {
    const other = openDatabase(join(dir, 'other.db'), { checkpoint: 'inline' });
    expect(await other.reads!.rows('select 1', [])).toEqual([[1]]);
    other.close();
    await expect(other.reads!.rows('select 1', [])).rejects.toThrow(/closed/);
  });
});
