import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type CitygridDatabase } from '../client.ts';
import { openPgDatabase, type PgDatabase } from './client.ts';
import { pgTestAvailability, startTestCluster, type TestCluster } from './test-cluster.ts';

/** One city database opened through two connections, as two nodes have it. */
export type TwoNodeDatabase = (
  | { backend: 'sqlite'; a: CitygridDatabase; b: CitygridDatabase }
  | { backend: 'postgres'; a: PgDatabase; b: PgDatabase }
) & { close(): Promise<void> };

/**
 * The two backends a contract suite runs against (tests only): a SQLite file in a temp folder opened
 * twice, and a fresh database of a throwaway PostgreSQL cluster through two pools. Call `start` in
 * `beforeAll` and `stop` in `afterAll`; `names` lists the backends this machine can run (PostgreSQL
 * is left out, with a message, without server binaries; with CI set that fails instead).
 */
export function contractBackends(prefix: string) {
  const pg = pgTestAvailability();
  let cluster: TestCluster | null = null;
  let databases = 0;
  return {
    /** Whether PostgreSQL can run here, and why not (for a skipped test's name). */
    pg,
    names: (pg.available ? ['sqlite', 'postgres'] : ['sqlite']) as Array<'sqlite' | 'postgres'>,
    start: async (): Promise<void> => {
      if (pg.available) cluster = await startTestCluster({ bin: pg.bin });
    },
    stop: (): void => cluster?.stop(),
    open: async (backend: 'sqlite' | 'postgres'): Promise<TwoNodeDatabase> => {
      if (backend === 'sqlite') {
        const dir = mkdtempSync(join(tmpdir(), `citygrid-${prefix}-`));
        const a = openDatabase(join(dir, 'city.db'), { checkpoint: 'inline' });
        const b = openDatabase(join(dir, 'city.db'), { checkpoint: 'inline' });
        return {
          backend,
          a,
          b,
          close: async () => {
            a.close();
            b.close();
            rmSync(dir, { recursive: true, force: true });
          },
        };
      }
      if (!cluster) throw new Error('contractBackends: start() first (PostgreSQL is not available here)');
      const url = cluster.createDatabase(`${prefix}_${++databases}`);
      const a = await openPgDatabase(url, { max: 4 });
      const b = await openPgDatabase(url, { max: 4, migrate: false });
      return {
        backend,
        a,
        b,
        close: async () => {
          await a.close();
          await b.close();
        },
      };
    },
  };
}
