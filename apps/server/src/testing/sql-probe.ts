/**
 * Raw SQL against a test server's database, whichever backend it runs on: the stored-city
 * invariants and a test's "nothing was written" checks read the tables themselves, not through
 * the API under test. Statements use `?` placeholders and SQL both dialects accept.
 */
import type { Services } from '@citygrid/api';

export interface SqlProbe {
  readonly backend: 'sqlite' | 'postgres';
  get<T = Record<string, unknown>>(text: string, ...params: unknown[]): Promise<T | undefined>;
  all<T = Record<string, unknown>>(text: string, ...params: unknown[]): Promise<T[]>;
}

/** `?` → `$1, $2, …` (PostgreSQL's placeholders). Test SQL never has a `?` inside a literal. */
const numbered = (text: string) => {
  let i = 0;
  return text.replace(/\?/g, () => `$${++i}`);
};

export function sqlProbe(services: Pick<Services, 'stores'>): SqlProbe {
  const { sqlite, pg } = services.stores;
  if (sqlite)
    return {
      backend: 'sqlite',
      get: async <T>(text: string, ...params: unknown[]) =>
        sqlite.sqlite.prepare(text).get(...params) as T | undefined,
      all: async <T>(text: string, ...params: unknown[]) => sqlite.sqlite.prepare(text).all(...params) as T[],
    };
  if (!pg) throw new Error('the test server has neither a SQLite nor a PostgreSQL database');
  return pgSqlProbe(pg.sql);
}

/** A probe over a PostgreSQL connection of the test's own (e.g. beside a child server). */
export function pgSqlProbe(sql: Pick<NonNullable<Services['stores']['pg']>['sql'], 'unsafe'>): SqlProbe {
  const all = async <T>(text: string, ...params: unknown[]) =>
    (await sql.unsafe(numbered(text), params as never[])) as unknown as T[];
  return {
    backend: 'postgres',
    all,
    get: async <T>(text: string, ...params: unknown[]) => (await all<T>(text, ...params))[0],
  };
}
