import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import * as pgSchema from './schema.ts';

/*
 * The PostgreSQL connection: postgres.js (`postgres`), chosen for
 * - a built-in pool (`max` connections, lazily opened, each recycled after 30-60 min);
 * - automatic prepared statements for every static query (named statements per connection);
 * - multi-host connection strings with `target_session_attrs`: `postgres://h1:5432,h2:5432/citygrid
 *   ?target_session_attrs=primary` tries the hosts in order and keeps only a server not in recovery, so
 *   after a standby is promoted, new connections find the new primary by themselves (its README,
 *   "Multi-host connections - High Availability", and src/index.js accept read-write | read-only |
 *   primary | standby | prefer-standby). `read-write` is taken as `primary` (`pgClientOptions`):
 *   postgres.js 3.4 judges `read-write` by the `default_transaction_read_only` the server reports at
 *   startup, which PostgreSQL 14+ reports as `off` on a hot standby too, so it would settle on the
 *   standby and every write would fail (failover.test.ts; its author hit the same, see
 *   github.com/hapostgres/pg_auto_failover/issues/970);
 * - LISTEN/NOTIFY on a dedicated connection that re-listens after a reconnect (`sql.listen`).
 * drizzle-orm supports it (drizzle-orm/postgres-js), so the schema and migrations are drizzle's.
 */

export type PgSchema = typeof pgSchema;
export type PgDrizzle = PostgresJsDatabase<PgSchema>;
export type PgSql = postgres.Sql;

/** `packages/db/drizzle-pg` from the sources; `dist/drizzle-pg` beside the server's bundle (`dist/bin`). */
export const PG_MIGRATIONS_DIR = [
  join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'drizzle-pg'),
  join(dirname(fileURLToPath(import.meta.url)), '..', 'drizzle-pg'),
].find((dir) => existsSync(join(dir, 'meta', '_journal.json')))!;

/** Any number of nodes may start at once: migrations run under this session advisory lock. */
const MIGRATION_LOCK = 7_310_001;

export interface PgDatabase {
  readonly sql: PgSql;
  readonly db: PgDrizzle;
  readonly url: string;
  close(): Promise<void>;
}

export interface OpenPgOptions {
  /** Pool size (default 10). */
  max?: number;
  /** Run the migrations first (default true). */
  migrate?: boolean;
  /** Seconds a new connection may take (postgres.js `connect_timeout`, default 30). */
  connectTimeoutS?: number;
}

/** `target_session_attrs` as postgres.js must get it for `url`: `read-write` becomes `primary` (above). */
export function targetSessionAttrsOf(url: string | undefined): { target_session_attrs?: 'primary' } {
  const asked = url && /[?&]target_session_attrs=([^&#]*)/.exec(url)?.[1];
  return asked === 'read-write' ? { target_session_attrs: 'primary' } : {};
}

/** postgres.js options shared by every connection this package opens (to `url`, when given). */
export function pgClientOptions(
  max = 10,
  url?: string,
): postgres.Options<Record<string, postgres.PostgresType>> {
  return {
    max,
    ...targetSessionAttrsOf(url),
    onnotice: () => {},
    // bigint (event ids, count(*)) as a JS number: ids stay far below 2^53
    types: {
      bigint: { to: 20, from: [20], serialize: (x: number) => String(x), parse: (x: string) => Number(x) },
    },
  };
}

/** Apply the committed migrations (drizzle-pg/) under an advisory lock, on a connection of its own. */
export async function migratePg(url: string): Promise<void> {
  const one = postgres(url, pgClientOptions(1, url));
  try {
    await one`select pg_advisory_lock(${MIGRATION_LOCK})`;
    await migrate(drizzle({ client: one, casing: 'snake_case' }), { migrationsFolder: PG_MIGRATIONS_DIR });
    await one`select pg_advisory_unlock(${MIGRATION_LOCK})`;
  } finally {
    await one.end({ timeout: 5 });
  }
}

/** Open a pool on `url` (a `postgres://` URL, several hosts allowed) and migrate. */
export async function openPgDatabase(url: string, opts: OpenPgOptions = {}): Promise<PgDatabase> {
  if (opts.migrate ?? true) await migratePg(url);
  const sql = postgres(url, {
    ...pgClientOptions(opts.max, url),
    ...(opts.connectTimeoutS ? { connect_timeout: opts.connectTimeoutS } : {}),
  });
  const db = drizzle({ client: sql, schema: pgSchema, casing: 'snake_case' });
  return { sql, db, url, close: () => sql.end({ timeout: 5 }) };
}
