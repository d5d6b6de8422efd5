/**
 * Soak: intake at an even 100 cases/s for SOAK_SECONDS (default 300) while 200 live maps hold the
 * SSE stream open (each reconnects with Last-Event-ID if dropped, as EventSource does), after 5 s
 * at the same rate that are not measured (JIT, connections). Reports the
 * intake p99 of every 10-s window (goal ≤ 50 ms in each), live events lost, server RSS at the
 * start and end, and the WAL file's size at the end. `SOAK_SECONDS=60 pnpm bench soak` for a quick try.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchFigure } from './types.ts';
import {
  INTAKE_BODY,
  login,
  paced,
  percentile,
  ROOT,
  slowFsyncFigure,
  startServerProcess,
  tempDir,
  walFsyncOf,
} from './lib.ts';

const RATE = 100;
const MAPS = Number(process.env.SOAK_MAPS ?? 200);
const SECONDS = Math.max(10, Number(process.env.SOAK_SECONDS ?? 300));
const WINDOW_S = 10;
const WARMUP_S = 5;

export default async function runSoakBench(): Promise<BenchFigure[]> {
  const dir = tempDir('soak');
  const server = await startServerProcess({ DATABASE_PATH: join(dir, 'soak.db') });
  let maps: ReturnType<typeof spawn> | null = null;
  try {
    const headers = await login(server.url, 'operator');
    const wall = await login(server.url, 'supervisor');
    // the maps read their streams in another process, and paced() sends from one of its own
    maps = spawn(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'bench/live-maps.ts'), server.url, wall.cookie!, String(MAPS)],
      { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] },
    );
    const lines = createInterface({ input: maps.stdout! })[Symbol.asyncIterator]();
    const next = async () => String((await lines.next()).value ?? '');
    if ((await next()) !== 'ready') throw new Error('the live maps did not connect');
    const intake = (seconds: number, onSample?: (due: number, latency: number, sendLag: number) => void) =>
      paced({
        url: `${server.url}/api/trpc/intake.create`,
        headers,
        body: INTAKE_BODY,
        rate: RATE,
        seconds,
        ...(onSample ? { onSample } : {}),
      });
    // 5 s at the same rate first, not measured: the server's JIT and the client's connections warm
    // up (unwarmed, the first window measured 75 ms p99 against 15-42 ms for the other 29)
    const warmup = await intake(WARMUP_S);
    const rssStart = server.rssMiB();
    const fsyncBefore = await walFsyncOf(server.url);
    const windows: number[][] = Array.from({ length: Math.ceil(SECONDS / WINDOW_S) }, () => []);
    // per window, how late the load generator itself sent (a spike it made is not the server's)
    const lags: number[] = windows.map(() => 0);
    const result = await intake(SECONDS, (due, latency, sendLag) => {
      const w = Math.min(windows.length - 1, Math.floor(due / (WINDOW_S * 1000)));
      windows[w]!.push(latency);
      lags[w] = Math.max(lags[w]!, sendLag);
    });
    const createdOf = (r: typeof result) => r.requests - r.errors - r.non2xx;
    // intake writes 3 events (report, file, dispatch) per case; the maps saw the warm-up's too
    const expected = (createdOf(warmup) + createdOf(result)) * 3;
    maps.stdin!.write(`expect ${expected}\n`);
    const { lost, reconnects } = JSON.parse(await next()) as { lost: number; reconnects: number };
    const rssEnd = server.rssMiB();
    const fsyncAfter = await walFsyncOf(server.url);
    const mib = (f: string) => statSync(join(dir, f)).size / 1048576;
    const [walMiB, dbMiB] = [mib('soak.db-wal'), mib('soak.db')];
    const p99s = windows.map((w) => percentile(w, 99));
    const worst = Math.max(...p99s);
    const over = p99s.filter((p) => p > 50).length;
    return [
      {
        group: 'soak',
        name: `intake p99, worst 10-s window of a ${SECONDS}-s soak at an even ${RATE} cases/s with ${MAPS} live maps open (after ${WARMUP_S} s of warm-up)`,
        value: worst,
        unit: 'ms',
        goal: { of: 'value', op: '<=', bound: 50 },
        note: `≤ 50 ms in every window; ${over} of ${p99s.length} windows over; window p99s ${p99s.map((p) => Math.round(p)).join(' ')}; the load generator's latest send in each window over 50 ms: ${
          p99s
            .map((p, i) => (p > 50 ? `window ${i + 1} ${Math.round(lags[i]!)} ms` : null))
            .filter(Boolean)
            .join(', ') || 'none'
        }`,
      },
      {
        group: 'soak',
        name: 'intake p50 over the whole soak',
        value: result.p50,
        unit: 'ms',
        note: `${result.requests} cases sent, ${result.errors + result.non2xx} failed; max ${Math.round(result.max)} ms; the load generator's own latest send ${Math.round(result.sendLagMaxMs ?? 0)} ms`,
      },
      {
        group: 'soak',
        name: `live events lost over ${MAPS} maps`,
        value: lost,
        unit: 'events',
        goal: { of: 'value', op: '<=', bound: 0 },
        note: `${expected} expected per map; ${reconnects} reconnects (resumed with Last-Event-ID)`,
      },
      {
        group: 'soak',
        name: 'server RSS at the end of the soak',
        value: rssEnd,
        unit: 'MiB',
        baseline: { name: 'RSS once the maps were open, before the soak', value: rssStart },
        ratio: rssEnd / rssStart,
      },
      {
        group: 'soak',
        name: 'WAL file at the end of the soak (restarted by the checkpointer, trimmed to 64 MiB)',
        value: walMiB,
        unit: 'MiB',
        baseline: { name: 'the database file', value: dbMiB },
        ratio: walMiB / dbMiB,
        note: 'a WAL that never restarts holds everything the soak wrote (about 130 KiB a case)',
      },
      ...slowFsyncFigure('soak', 'during the soak', fsyncBefore, fsyncAfter),
    ];
  } finally {
    maps?.kill();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.table(await runSoakBench());
  process.exit(0);
}
