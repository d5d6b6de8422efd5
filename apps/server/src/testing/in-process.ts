/** A real server in this process, on a real SQLite file in a temp directory, listening on port 0. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '@citygrid/api';
import { loadConfig, type ServerConfig } from '../env.ts';
import { startServer, type RunningServer } from '../server.ts';

export interface TestServer extends RunningServer {
  dir: string;
  stop(): Promise<void>;
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
