/**
 * The environment the PostgreSQL test harness reads (the only place in this package that reads
 * process.env): `PG_BIN`, a folder holding initdb/pg_ctl, and `CI`, under which a missing server is
 * an error instead of a skip.
 */
export function pgTestEnv(env: NodeJS.ProcessEnv = process.env): { pgBin: string | null; ci: boolean } {
  return { pgBin: env.PG_BIN?.trim() || null, ci: env.CI === 'true' || env.CI === '1' };
}
