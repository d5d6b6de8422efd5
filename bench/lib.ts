/** Shared pieces of the benchmarks: child servers, login, load, statistics. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import autocannon from 'autocannon';

export const ROOT = resolve(import.meta.dirname, '..');

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)]! : NaN;
}
export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! : NaN;
}

export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
    s.on('error', rej);
  });
}

export function tempDir(name: string): string {
  return mkdtempSync(join(tmpdir(), `citygrid-bench-${name}-`));
}

export interface Child {
  url: string;
  pid: number;
  proc: ChildProcess;
  rssMiB(): number;
  stop(): Promise<void>;
}

/**
 * Start a real server process (the product's own entry) and wait until /health answers: on the
 * TypeScript sources (through tsx), or with `built` on the production bundle (`pnpm --filter
 * @citygrid/server build` first). `BENCH_SERVER_ARGS` adds node flags to every server, e.g.
 * `--cpu-prof --cpu-prof-dir=/tmp/prof`.
 */
export async function startServerProcess(env: Record<string, string>, opts: { built?: boolean; nodeArgs?: string[] } = {}): Promise<Child> {
  const port = await freePort();
  const extra = (process.env.BENCH_SERVER_ARGS ?? '').split(' ').filter(Boolean);
  const entry = opts.built ? [join(ROOT, 'apps/server/dist/bin/main.js')] : ['--import', 'tsx', join(ROOT, 'apps/server/src/main.ts')];
  const proc = spawn(process.execPath, [...extra, ...(opts.nodeArgs ?? []), ...entry], {
    cwd: ROOT,
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), ARGON2_FAST: 'true', SEED_HISTORY_CASES: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  proc.stdout!.on('data', (d) => (log += d));
  proc.stderr!.on('data', (d) => (log += d));
  const url = `http://127.0.0.1:${port}`;
  const t0 = Date.now();
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`server exited: ${log}`);
    try {
      if ((await fetch(`${url}/health`)).ok) break;
    } catch {
      /* not yet */
    }
    if (Date.now() - t0 > 600_000) throw new Error(`server did not start: ${log}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    pid: proc.pid!,
    proc,
    rssMiB: () => rssOf(proc.pid!),
    stop: () =>
      new Promise<void>((r) => {
        if (proc.exitCode !== null) return r();
        proc.once('exit', () => r());
        proc.kill('SIGTERM');
      }),
  };
}

export function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

/** Log in like the browser does; returns the headers an authenticated mutation needs. */
export async function login(url: string, username = 'operator', password = 'citygrid-demo'): Promise<Record<string, string>> {
  const res = await fetch(`${url}/api/trpc/auth.login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-csrf-token': 'login' },
    body: JSON.stringify({ json: { username, password } }),
  });
  const body = (await res.json()) as { result: { data: { json: { csrfToken: string } } } };
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  return { cookie, 'x-csrf-token': body.result.data.json.csrfToken, 'content-type': 'application/json' };
}

export const INTAKE_BODY = JSON.stringify({
  json: { nature: 'complaint', minorClassCode: 'C0302', description: '垃圾箱满溢，周边有异味，请尽快处理', urgency: 'normal', location: { lat: 43.934, lng: 116.086 }, callerPhone: '13800000000' },
});

export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  max: number;
  errors: number;
  non2xx: number;
  requests: number;
}

/** autocannon against one URL: closed loop at `connections`, or open loop at `rate` req/s. */
export async function load(opts: { url: string; headers: Record<string, string>; body: string; connections: number; seconds: number; rate?: number }): Promise<LoadResult> {
  const r = await autocannon({
    url: opts.url,
    method: 'POST',
    headers: opts.headers,
    body: opts.body,
    connections: opts.connections,
    duration: opts.seconds,
    ...(opts.rate ? { overallRate: opts.rate } : {}),
  });
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, max: r.latency.max, errors: r.errors + r.timeouts, non2xx: r.non2xx, requests: r.requests.total };
}

/**
 * Open-loop load at an even pace: one request every 1/rate s on a schedule (not bursts of a
 * second's quota, as autocannon's overallRate sends), latency measured per request from its
 * scheduled start, so queueing delay counts.
 */
export async function paced(opts: {
  url: string;
  headers: Record<string, string>;
  body: string;
  rate: number;
  seconds: number;
  /** Called once per answered request: ms since the run's start it was due, and its latency. */
  onSample?: (dueMs: number, latencyMs: number) => void;
}): Promise<LoadResult> {
  const { Agent, request } = await import('undici');
  const agent = new Agent({ connections: 64, pipelining: 1, keepAliveTimeout: 30_000 });
  const interval = 1000 / opts.rate;
  const total = Math.round(opts.rate * opts.seconds);
  const latencies: number[] = [];
  let errors = 0;
  let non2xx = 0;
  const inflight: Promise<void>[] = [];
  const t0 = performance.now();
  for (let i = 0; i < total; i++) {
    const due = t0 + i * interval;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    inflight.push(
      request(opts.url, { method: 'POST', headers: opts.headers, body: opts.body, dispatcher: agent })
        .then(async (res) => {
          await res.body.arrayBuffer();
          if (res.statusCode >= 300) non2xx++;
          const latency = performance.now() - due;
          latencies.push(latency);
          opts.onSample?.(due - t0, latency);
        })
        .catch(() => {
          errors++;
        }),
    );
  }
  await Promise.all(inflight);
  const elapsed = (performance.now() - t0) / 1000;
  await agent.close();
  return { rps: latencies.length / elapsed, p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies.reduce((a, b) => Math.max(a, b), 0), errors, non2xx, requests: total };
}
