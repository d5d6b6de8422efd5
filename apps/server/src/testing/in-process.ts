/**
 * A real server in this process, listening on port 0: on a real SQLite file in a temp directory, or,
 * with `CITYGRID_TEST_BACKEND=postgres` (the `postgres` test project), on a fresh database of a
 * throwaway PostgreSQL cluster shared by the test file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '@citygrid/api';
import { startTestCluster, type TestCluster } from '@citygrid/db';
import { loadConfig, type ServerConfig } from '../env.ts';
import { startServer, type RunningServer } from '../server.ts';

export interface TestServer extends RunningServer {
  dir: string;
  stop(): Promise<void>;
}

let cluster: Promise<TestCluster> | null = null;
let databases = 0;

/** The backend the integration tests run on: SQLite unless `CITYGRID_TEST_BACKEND=postgres`. */
export const TEST_BACKEND: 'sqlite' | 'postgres' =
  process.env.CITYGRID_TEST_BACKEND === 'postgres' ? 'postgres' : 'sqlite';

/** The PostgreSQL database of each test folder: a server started again on the same `dir` finds its city. */
const databaseOfDir = new Map<string, string>();

/** A new, empty PostgreSQL database on this file's throwaway cluster (started on first use). */
async function freshPostgresUrl(): Promise<string> {
  cluster ??= startTestCluster();
  return (await cluster).createDatabase(`city_${process.pid}_${++databases}`);
}

/**
 * Stop this file's throwaway cluster, if one was started. Vitest ends its workers without the
 * process's `exit` event, so the `postgres` project calls this after every file
 * (`postgres-teardown.ts`); a later test server starts a new cluster.
 */
export async function stopTestCluster(): Promise<void> {
  const started = cluster;
  cluster = null;
  databaseOfDir.clear();
  if (started) (await started).stop();
}

async function postgresUrlOf(dir: string): Promise<string> {
  const url = databaseOfDir.get(dir) ?? (await freshPostgresUrl());
  databaseOfDir.set(dir, url);
  return url;
}

export async function startTestServer(
  overrides: Partial<ServerConfig> = {},
  opts: { clock?: Clock; dir?: string } = {},
): Promise<TestServer> {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'citygrid-test-'));
  const config = loadConfig(
    {},
    {
      PORT: 0,
      HOST: '127.0.0.1',
      DATABASE_PATH: join(dir, 'citygrid.db'),
      SEED_HISTORY_CASES: 0,
      ARGON2_FAST: true,
      OPEN311_DEMO_KEY: 'test-key',
      SHUTDOWN_TIMEOUT_MS: 2000,
      ...(TEST_BACKEND === 'postgres' ? { DATABASE_URL: await postgresUrlOf(dir), DATABASE_POOL: 4 } : {}),
      ...overrides,
    },
  );
  const running = await startServer(config, opts.clock ? { clock: opts.clock } : {});
  return {
    ...running,
    dir,
    stop: async () => {
      await running.close();
      if (!opts.dir) rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    },
  };
}
