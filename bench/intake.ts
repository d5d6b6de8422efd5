/**
 * 1. Intake through HTTP (validation, routing, durable commit, event, fan-out) vs a bare Express JSON
 *    endpoint: closed loop at fixed concurrency, alternating runs, medians; then latency at 200 cases/s.
 * 2. Durable commit rate: intake with synchronous=FULL vs NORMAL, and the machine's raw fsync rate.
 */
import { spawn } from 'node:child_process';
import { closeSync, fsyncSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchFigure } from './types.ts';
import { freePort, INTAKE_BODY, load, login, median, paced, ROOT, startServerProcess, tempDir } from './lib.ts';

const RUNS = 3;
const SECONDS = 5;
const CONNECTIONS = 16;

async function startBare(): Promise<{ url: string; stop: () => void }> {
  const port = await freePort();
  const proc = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bench/bare-server.ts'), String(port)], { cwd: ROOT, stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`${url}/health`)).ok) break;
    } catch {
      /* starting */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, stop: () => proc.kill('SIGTERM') };
}

function rawFsyncRate(dir: string, seconds = 2): number {
  const file = join(dir, 'fsync.bin');
  const fd = openSync(file, 'w');
  const buf = Buffer.alloc(4096, 7);
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000) {
    writeSync(fd, buf, 0, buf.length, (n % 64) * 4096);
    fsyncSync(fd);
    n++;
  }
  closeSync(fd);
  rmSync(file);
  return n / ((performance.now() - t0) / 1000);
}

export default async function runIntakeBench(): Promise<BenchFigure[]> {
  const dir = tempDir('intake');
  const full = await startServerProcess({ DATABASE_PATH: join(dir, 'full.db') });
  const normal = await startServerProcess({ DATABASE_PATH: join(dir, 'normal.db'), DB_SYNCHRONOUS: 'NORMAL' });
  const bare = await startBare();
  const [hFull, hNormal] = [await login(full.url), await login(normal.url)];
  const bareHeaders = { 'content-type': 'application/json' };
  const intakeUrl = (u: string) => `${u}/api/trpc/intake.create`;
  try {
    // warm up (JIT, page cache)
    await load({ url: intakeUrl(full.url), headers: hFull, body: INTAKE_BODY, connections: 4, seconds: 1 });
    await load({ url: `${bare.url}/api/trpc/intake.create`, headers: bareHeaders, body: INTAKE_BODY, connections: 4, seconds: 1 });
    const fullRps: number[] = [];
    const normalRps: number[] = [];
    const bareRps: number[] = [];
    let failures = 0;
    for (let i = 0; i < RUNS; i++) {
      const a = await load({ url: intakeUrl(full.url), headers: hFull, body: INTAKE_BODY, connections: CONNECTIONS, seconds: SECONDS });
      const b = await load({ url: `${bare.url}/api/trpc/intake.create`, headers: bareHeaders, body: INTAKE_BODY, connections: CONNECTIONS, seconds: SECONDS });
      const c = await load({ url: intakeUrl(normal.url), headers: hNormal, body: INTAKE_BODY, connections: CONNECTIONS, seconds: SECONDS });
      failures += a.errors + a.non2xx + c.errors + c.non2xx;
      fullRps.push(a.rps);
      bareRps.push(b.rps);
      normalRps.push(c.rps);
    }
    // evenly paced open loop (autocannon's overallRate sends each second's quota as a burst)
    const fixed = await paced({ url: intakeUrl(full.url), headers: hFull, body: INTAKE_BODY, rate: 200, seconds: 10 });
    const fsyncRate = rawFsyncRate(dir);
    const intake = median(fullRps);
    const bareMed = median(bareRps);
    const normalMed = median(normalRps);
    return [
      { group: 'intake', name: `intake.create over HTTP, ${CONNECTIONS} connections closed loop (synchronous=FULL)`, value: intake, unit: 'cases/s', baseline: { name: 'bare Express JSON endpoint, same payload and load', value: bareMed }, ratio: intake / bareMed, note: `goal ≥ 0.5; ${failures} failed requests` },
      { group: 'intake', name: 'latency p50 at an even 200 cases/s (open loop, from scheduled send)', value: fixed.p50, unit: 'ms', note: `${fixed.requests} requests, ${fixed.errors + fixed.non2xx} failed` },
      { group: 'intake', name: 'latency p99 at an even 200 cases/s', value: fixed.p99, unit: 'ms', note: 'goal ≤ 25 ms' },
      { group: 'intake', name: 'latency max at an even 200 cases/s', value: fixed.max, unit: 'ms' },
      { group: 'commit', name: 'intake with synchronous=FULL (durable against power loss)', value: intake, unit: 'cases/s', baseline: { name: 'same with synchronous=NORMAL', value: normalMed }, ratio: intake / normalMed },
      { group: 'commit', name: 'raw fsync rate of this disk (4 KiB write + fsync)', value: fsyncRate, unit: 'fsync/s', note: `intake/fsync ratio ${(intake / fsyncRate).toFixed(2)}: group commit puts several cases in one fsync` },
    ];
  } finally {
    bare.stop();
    await Promise.all([full.stop(), normal.stop()]);
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.table(await runIntakeBench());
}
