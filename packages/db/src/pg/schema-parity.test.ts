import { getTableColumns, getTableName, isTable, type Table } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import * as sqliteSchema from '../schema/index.ts';
import * as pgSchema from './schema.ts';

/** Every table of a schema module, by name, with its column names (as stored, snake_case). */
function tablesOf(schema: Record<string, unknown>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const value of Object.values(schema)) {
    if (!isTable(value)) continue;
    const table = value as Table;
    out.set(
      getTableName(table),
      Object.values(getTableColumns(table))
        .map((c) => c.name)
        .sort(),
    );
  }
  return out;
}

describe('the PostgreSQL schema', () => {
  it('has every table and column of the SQLite schema, so db:copy moves a whole city', () => {
    const sqlite = tablesOf(sqliteSchema);
    const pg = tablesOf(pgSchema);
    for (const name of Object.keys(pgSchema.PG_ONLY_TABLES)) pg.delete(name); // each with its reason there
    expect([...pg.keys()].sort()).toEqual([...sqlite.keys()].sort());
    for (const [name, columns] of sqlite) expect({ name, columns: pg.get(name) }).toEqual({ name, columns });
  });
});
