import type { CitygridDatabase } from '../client.ts';

/** A drizzle select that can be run here or handed, as SQL text and parameters, to a reader thread. */
interface SelectQuery<R> {
  all(): R[];
  toSQL(): { sql: string; params: unknown[] };
}

/**
 * The rows of a long read-only scan: on one of the database's reader threads when it has them
 * (read-pool.ts; the event loop answers other calls meanwhile and scans run side by side), else on
 * the connection. `fields` is the object the select was built from: its keys, in order, name the
 * columns (the fields are SQL expressions and columns without decoders, as drizzle returns them raw).
 */
export async function scanRows<R>(
  database: Pick<CitygridDatabase, 'reads'>,
  fields: Record<string, unknown>,
  query: SelectQuery<R>,
): Promise<R[]> {
  const pool = database.reads;
  if (!pool) return query.all();
  const { sql, params } = query.toSQL();
  const keys = Object.keys(fields);
  const rows = await pool.rows(sql, params);
  return rows.map((row) => {
    const out: Record<string, unknown> = {};
    for (let i = 0; i < keys.length; i++) out[keys[i]!] = row[i];
    return out as R;
  });
}
