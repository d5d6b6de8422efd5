/** Shared pieces of the benchmarks: child servers, login, load, statistics. */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import type { PacerConfig } from './pacer.ts';
import type { BenchFigure } from './types.ts';
import {
  freePort,
  loginHeaders,
  REPO_ROOT,
  startChildServer,
  type ChildServer,
} from '@citygrid/server/testing';

export { freePort, INTAKE_BODY, REPO_ROOT as ROOT } from '@citygrid/server/testing';

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)]! : NaN;
}
export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! : NaN;
}

export function tempDir(name: string): string {
  return mkdtempSync(join(tmpdir(), `citygrid-bench-${name}-`));
}

/** A benchmarked server: the real product in a child process (the test kit's), measured from outside. */
export type Child = ChildServer;

let serverBuilt = false;

/** Build the production server bundle once per bench process (`pnpm --filter @citygrid/server build`). */
export function ensureServerBuild(): void {
  if (serverBuilt) return;
  const build = spawnSync('pnpm', ['--filter', '@citygrid/server', 'build'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  });
  if (build.status !== 0) throw new Error(`server build failed: ${build.stderr}`);
  serverBuilt = true;
}

/**
 * Start a real server process and wait until /health answers. Benchmarks measure what production
 * runs: the built bundle (`node apps/server/dist/bin/main.js`, as `pnpm start`), built once per run;
 * `built: false` runs the TypeScript sources through tsx instead.
 * `BENCH_SERVER_ARGS` adds node flags to every server, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`.
 */
export function startServerProcess(
  env: Record<string, string> & { DATABASE_PATH: string },
  opts: { built?: boolean; nodeArgs?: string[] } = {},
): Promise<Child> {
  const built = opts.built ?? true;
  if (built) ensureServerBuild();
  return startChildServer(env, { ...opts, built });
}

/** The bare Express endpoint (bench/bare-server.ts) in a child process, running until `stop()`. */
export interface BareServer {
  url: string;
  /** Hands `listener` everything the process prints from now on; returns the stop. */
  onOutput(listener: (text: string) => void): () => void;
  stop(): void;
}

/**
 * Start the bare endpoint and wait until /health answers: on Node's default server (intake's
 * baseline) or `born` with the app's prototypes (`createHttpServer`); `nodeArgs` go to node.
 */
export async function startBareServer(
  opts: { born?: boolean; nodeArgs?: string[] } = {},
): Promise<BareServer> {
  const port = await freePort();
  const proc = spawn(
    process.execPath,
    [
      ...(opts.nodeArgs ?? []),
      '--import',
      'tsx',
      join(REPO_ROOT, 'bench/bare-server.ts'),
      String(port),
      ...(opts.born ? ['born'] : []),
    ],
    { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const listeners = new Set<(text: string) => void>();
  // always read, so that a full pipe never stops the server
  const relay = (chunk: Buffer) => listeners.forEach((l) => l(chunk.toString()));
  proc.stdout.on('data', relay);
  proc.stderr.on('data', relay);
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    if ((await fetch(`${url}/health`).catch(() => null))?.ok) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    onOutput(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    stop: () => proc.kill('SIGTERM'),
  };
}

/** Log in like the browser does; returns the headers an authenticated mutation needs. */
export const login = loginHeaders;

export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  max: number;
  errors: number;
  non2xx: number;
  requests: number;
  /**
   * Open loop only: the most the load generator itself sent a request after its due time (its own
   * event loop held up, e.g. by its garbage collector). Latency counts from the due time, so a late
   * send shows as server latency; this says how much of a spike is the client's.
   */
  sendLagMaxMs?: number;
  /** Open loop only: answered requests slower than 25 ms (the intake goal's bound). */
  over25?: number;
}

/** autocannon against one URL: closed loop at `connections`, or open loop at `rate` req/s. */
export async function load(opts: {
  url: string;
  headers: Record<string, string>;
  body: string;
  connections: number;
  seconds: number;
  rate?: number;
  /** GET without a body (a tRPC query); POST by default. */
  method?: 'GET' | 'POST';
}): Promise<LoadResult> {
  const r = await autocannon({
    url: opts.url,
    method: opts.method ?? 'POST',
    headers: opts.headers,
    ...(opts.method === 'GET' ? {} : { body: opts.body }),
    connections: opts.connections,
    duration: opts.seconds,
    ...(opts.rate ? { overallRate: opts.rate } : {}),
  });
  return {
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    max: r.latency.max,
    errors: r.errors + r.timeouts,
    non2xx: r.non2xx,
    requests: r.requests.total,
  };
}

/** Paced load each server takes before its measured paced runs, not counted: steady state at the rate. */
export const PACED_WARMUP_SECONDS = 3;

/**
 * Open-loop load at an even pace: one request every 1/rate s on a schedule (not bursts of a
 * second's quota, as autocannon's overallRate sends), latency measured per request from its
 * scheduled start, so queueing delay counts. The schedule runs in one process of its own per bench
 * process (`bench/pacer.ts`, warmed before its first run and kept), whose small heap keeps its own
 * pauses out of the figures.
 */
export async function paced(opts: {
  url: string;
  headers: Record<string, string>;
  body: string;
  rate: number;
  seconds: number;
  /**
   * Called once per answered request: ms since the run's start it was due, its latency, and how late
   * the load generator itself sent it (part of the latency that is not the server's).
   */
  onSample?: (dueMs: number, latencyMs: number, sendLagMs: number) => void;
}): Promise<LoadResult> {
  const { onSample, ...config } = opts;
  // one run at a time on the one generator
  const previous = pacerTurn;
  let release: () => void = () => undefined;
  pacerTurn = new Promise<void>((r) => (release = r));
  await previous;
  let pacer: Pacer | null = null;
  try {
    pacer = await startPacer();
    pacer.send(config);
    const latencies: number[] = [];
    let errors = 0;
    let non2xx = 0;
    let sendLagMaxMs = 0;
    for (;;) {
      const line = await pacer.next();
      if (line === 'e') {
        errors++;
        continue;
      }
      const [kind, a, b, c, d] = line.split(' ');
      if (kind === 'done') {
        const elapsedMs = Number(a);
        return {
          rps: latencies.length / (elapsedMs / 1000),
          p50: percentile(latencies, 50),
          p99: percentile(latencies, 99),
          max: latencies.reduce((x, y) => Math.max(x, y), 0),
          errors,
          non2xx,
          requests: Math.round(opts.rate * opts.seconds),
          sendLagMaxMs,
          over25: latencies.filter((l) => l > 25).length,
        };
      }
      if (kind !== 's') continue;
      const [due, latency, sendLag, status] = [Number(a), Number(b), Number(c), Number(d)];
      if (status >= 300) non2xx++;
      latencies.push(latency);
      sendLagMaxMs = Math.max(sendLagMaxMs, sendLag);
      onSample?.(due, latency, sendLag);
    }
  } finally {
    pacer?.idle();
    release();
  }
}

/** The one paced load generator: a run at a time; it keeps this process alive only while it works. */
interface Pacer {
  send(c: PacerConfig): void;
  next(): Promise<string>;
  idle(): void;
}

let pacerTurn: Promise<void> = Promise.resolve();
let pacer: Promise<Pacer> | null = null;

/** The bench process's one paced load generator (bench/pacer.ts), started at its first use and warm after. */
async function startPacer(): Promise<Pacer> {
  pacer ??= (async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'bench/pacer.ts')], {
      cwd: REPO_ROOT,
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    // it keeps this process alive only while it starts or runs (see `hold`), and goes with it
    const handles = [child, child.stdin, child.stdout] as unknown as { ref(): void; unref(): void }[];
    const hold = (on: boolean) => handles.forEach((h) => (on ? h.ref() : h.unref()));
    process.once('exit', () => child.kill());
    const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
    const next = async () => {
      const r = await lines.next();
      if (r.done) throw new Error(`the paced load generator stopped (exit ${child.exitCode})`);
      return r.value as string;
    };
    if ((await next()) !== 'ready') throw new Error('the paced load generator did not start');
    return {
      send: (c: PacerConfig) => {
        hold(true);
        child.stdin!.write(`${JSON.stringify(c)}\n`);
      },
      next,
      idle: () => hold(false),
    };
  })();
  return pacer;
}

/** The server's WAL fsync counters from `/health` (null when it fsyncs inside COMMIT). */
export interface WalFsyncStats {
  syncs: number;
  over25ms: number;
  over100ms: number;
  slowestMs: number;
}
export async function walFsyncOf(url: string): Promise<WalFsyncStats | null> {
  const health = (await (await fetch(`${url}/health`)).json()) as { walFsync?: WalFsyncStats | null };
  return health.walFsync ?? null;
}

/** A figure: how many acknowledgement fsyncs took over 25 ms between two `/health` readings. */
export function slowFsyncFigure(
  group: string,
  during: string,
  before: WalFsyncStats | null,
  after: WalFsyncStats | null,
): BenchFigure[] {
  if (!before || !after) return [];
  const syncs = after.syncs - before.syncs;
  const over25 = after.over25ms - before.over25ms;
  const over100 = after.over100ms - before.over100ms;
  return [
    {
      group,
      name: `WAL fsyncs over 25 ms ${during} (each holds back the acknowledgement of its batch)`,
      value: over25,
      unit: 'fsyncs',
      note: `of ${syncs} fsyncs; ${over100} over 100 ms; slowest since the server started ${after.slowestMs.toFixed(1)} ms`,
    },
  ];
}
