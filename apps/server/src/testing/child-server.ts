/**
 * The real server in a child process on 127.0.0.1: the product's own entry on the TypeScript
 * sources (through tsx) or, with `built`, the production bundle. Used where a test must kill the
 * process (`kill -9`), and by the benchmarks, which measure it from outside.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { nodeArgsFor } from '../gc-marking.ts';
import { freePort, healthOk, sleep } from './wait.ts';

export const REPO_ROOT = fileURLToPath(new URL('../../../..', import.meta.url));

export interface ChildServerOptions {
  /** Extra environment (DATABASE_PATH is set from the constructor). */
  env?: Record<string, string>;
  /** Run `apps/server/dist/bin/main.js` (build it first) instead of the sources. */
  built?: boolean;
  /** Node flags, e.g. `--cpu-prof`; `BENCH_SERVER_ARGS` adds more to every server. */
  nodeArgs?: string[];
}

export class ChildServer {
  readonly url: string;
  private readonly child: ChildProcess;
  private readonly exited: Promise<number | string | null>;
  /** The child's recent output, for failure messages. */
  output = '';
  private readonly outputListeners = new Set<(text: string) => void>();

  constructor(
    readonly databasePath: string,
    readonly port: number,
    opts: ChildServerOptions = {},
  ) {
    this.url = `http://127.0.0.1:${port}`;
    const extra = (process.env.BENCH_SERVER_ARGS ?? '').split(' ').filter(Boolean);
    const entry = opts.built
      ? [`${REPO_ROOT}apps/server/dist/bin/main.js`]
      : ['--import', 'tsx', 'apps/server/src/main.ts'];
    // V8's marking as the server's GC_MARKING says, from the start (see gc-marking.ts)
    const marking = nodeArgsFor(
      (opts.env?.GC_MARKING ?? process.env.GC_MARKING) === 'concurrent' ? 'concurrent' : 'main-thread',
    );
    this.child = spawn(process.execPath, [...marking, ...extra, ...(opts.nodeArgs ?? []), ...entry], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        DATABASE_PATH: databasePath,
        PORT: String(port),
        HOST: '127.0.0.1',
        SEED_HISTORY_CASES: '0',
        ARGON2_FAST: 'true',
        OPEN311_DEMO_KEY: 'test-key',
        ...opts.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer) => {
      const text = chunk.toString();
      this.output = (this.output + text).slice(-4000);
      for (const listener of this.outputListeners) listener(text);
    };
    this.child.stdout?.on('data', keep);
    this.child.stderr?.on('data', keep);
    this.exited = new Promise((resolve) =>
      this.child.once('exit', (code, signal) => resolve(signal ?? code)),
    );
  }

  /** Hands `listener` everything the child prints (stdout and stderr) from now on; returns the stop. */
  onOutput(listener: (text: string) => void): () => void {
    this.outputListeners.add(listener);
    return () => this.outputListeners.delete(listener);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Resident memory of the server process, MiB. */
  rssMiB(): number {
    const status = readFileSync(`/proc/${this.child.pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024;
  }

  /** Resolves once /health answers 200; fails if the child exits or `timeoutMs` passes. */
  async ready(timeoutMs = 30_000): Promise<void> {
    let exitedWith: number | string | null | undefined;
    void this.exited.then((c) => (exitedWith = c ?? 'exit'));
    const t0 = Date.now();
    for (;;) {
      if (exitedWith !== undefined)
        throw new Error(`server exited (${String(exitedWith)}) before answering /health:\n${this.output}`);
      if (await healthOk(this.url)) return;
      if (Date.now() - t0 > timeoutMs)
        throw new Error(`server did not answer /health within ${timeoutMs} ms:\n${this.output}`);
      await sleep(50);
    }
  }

  /** kill -9: no shutdown code runs. */
  async kill(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.exited;
  }

  /** A graceful stop (SIGTERM: the server closes its database); SIGKILL after 10 s. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(timer);
  }
}

/** Start a child server on a free port with `env` (which must name DATABASE_PATH) and wait for /health. */
export async function startChildServer(
  env: Record<string, string> & { DATABASE_PATH: string },
  opts: Omit<ChildServerOptions, 'env'> & { readyTimeoutMs?: number } = {},
): Promise<ChildServer> {
  const { DATABASE_PATH, ...rest } = env;
  const server = new ChildServer(DATABASE_PATH, await freePort(), { ...opts, env: rest });
  await server.ready(opts.readyTimeoutMs ?? 600_000);
  return server;
}
