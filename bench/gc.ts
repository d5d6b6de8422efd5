/**
 * The young generation under an even load (issue 14's p99 stalls), from V8's own account of every
 * scavenge (`--trace-gc-nvp`): how much of what was allocated survived the scavenge, and how long the
 * scavenge held the event loop. Objects that survive two scavenges are promoted to the old generation,
 * where only a major GC collects them; the more a request's garbage survives, the longer each scavenge
 * and the more often a major GC.
 * 1. A bare Express 5 JSON endpoint at an even 200 requests/s: requests and responses born with the
 *    app's prototypes (`createHttpServer`, what the command center listens through) vs Node's default
 *    server, where Express changes each request's prototype (`bench/bare-server.ts`).
 * 2. The command center (production bundle) under intake at an even 200 cases/s.
 */
import { join } from 'node:path';
import type { BenchFigure } from './types.ts';
import {
  INTAKE_BODY,
  login,
  median,
  paced,
  PACED_WARMUP_SECONDS,
  percentile,
  startBareServer,
  startServerProcess,
  tempDir,
} from './lib.ts';

const RATE = 200;
const SECONDS = 10;
const TRACE = ['--trace-gc', '--trace-gc-nvp'];

export interface Scavenge {
  pauseMs: number;
  /** Bytes allocated in the young generation since the previous GC. */
  allocated: number;
  /** Bytes that survived this scavenge (copied within the young generation or promoted: V8's `new_space_survived`). */
  survived: number;
}

/** The scavenges in `--trace-gc-nvp` output (one `gc=s` line each). */
export function scavengesOf(text: string): Scavenge[] {
  const out: Scavenge[] = [];
  for (const line of text.split('\n')) {
    if (!/\bgc=s\b/.test(line)) continue;
    const field = (name: string) => Number(new RegExp(`\\b${name}=([0-9.]+)`).exec(line)?.[1] ?? NaN);
    out.push({
      pauseMs: field('pause'),
      allocated: field('allocated'),
      survived: field('new_space_survived'),
    });
  }
  return out.filter((s) => [s.pauseMs, s.allocated, s.survived].every(Number.isFinite));
}

const majorGcsOf = (text: string) => text.split('\n').filter((l) => /\bgc=(mc|mmc|ms)\b/.test(l)).length;

interface Window {
  scavenges: Scavenge[];
  majors: number;
}

/** Paced load on `url` after a warm-up; what the server printed during the measured part. */
async function measure(
  url: string,
  headers: Record<string, string>,
  onOutput: (listener: (t: string) => void) => () => void,
): Promise<Window> {
  await paced({ url, headers, body: INTAKE_BODY, rate: RATE, seconds: PACED_WARMUP_SECONDS });
  let text = '';
  const stop = onOutput((t) => (text += t));
  await paced({ url, headers, body: INTAKE_BODY, rate: RATE, seconds: SECONDS });
  stop();
  return { scavenges: scavengesOf(text), majors: majorGcsOf(text) };
}

const survivalOf = (w: Window) =>
  (100 * w.scavenges.reduce((a, s) => a + s.survived, 0)) /
  Math.max(
    1,
    w.scavenges.reduce((a, s) => a + s.allocated, 0),
  );
const pausesOf = (w: Window) => w.scavenges.map((s) => s.pauseMs);

export default async function runGcBench(): Promise<BenchFigure[]> {
  const figures: BenchFigure[] = [];
  const json = { 'content-type': 'application/json' };
  // 1. bare Express, both ways, one after the other (alternating twice)
  const runs: Record<'born' | 'default', Window[]> = { born: [], default: [] };
  for (let round = 0; round < 2; round++)
    for (const mode of ['default', 'born'] as const) {
      const s = await startBareServer({
        born: mode === 'born',
        nodeArgs: ['--no-concurrent-marking', ...TRACE],
      });
      try {
        runs[mode].push(await measure(`${s.url}/echo`, json, s.onOutput));
      } finally {
        s.stop();
      }
    }
  const merged = (ws: Window[]): Window => ({
    scavenges: ws.flatMap((w) => w.scavenges),
    majors: ws.reduce((a, w) => a + w.majors, 0),
  });
  const [born, plain] = [merged(runs.born), merged(runs.default)];
  figures.push(
    {
      group: 'gc',
      name: `young allocation surviving its scavenge, bare Express 5 JSON endpoint at an even ${RATE} requests/s: requests born with the app's prototypes (createHttpServer)`,
      value: survivalOf(born),
      unit: '%',
      baseline: {
        name: "Node's default server, Express changing each request's prototype",
        value: survivalOf(plain),
      },
      ratio: survivalOf(born) / survivalOf(plain),
      note: `${born.scavenges.length} against ${plain.scavenges.length} scavenges over 2 × ${SECONDS} s each; major GCs ${born.majors} against ${plain.majors}`,
    },
    {
      group: 'gc',
      name: `scavenge pause p50, bare Express 5 JSON endpoint at an even ${RATE} requests/s: born with the app's prototypes`,
      value: median(pausesOf(born)),
      unit: 'ms',
      baseline: { name: "Node's default server", value: median(pausesOf(plain)) },
      ratio: median(pausesOf(born)) / median(pausesOf(plain)),
      note: `p99 ${percentile(pausesOf(born), 99).toFixed(1)} against ${percentile(pausesOf(plain), 99).toFixed(1)} ms`,
    },
  );

  // 2. the command center under intake
  const dir = tempDir('gc');
  const server = await startServerProcess({ DATABASE_PATH: join(dir, 'city.db') }, { nodeArgs: TRACE });
  try {
    const headers = await login(server.url);
    const w = await measure(`${server.url}/api/trpc/intake.create`, headers, (l) => server.onOutput(l));
    figures.push(
      {
        group: 'gc',
        name: `young allocation surviving its scavenge, the command center under intake at an even ${RATE} cases/s`,
        value: survivalOf(w),
        unit: '%',
        note: `${w.scavenges.length} scavenges and ${w.majors} major GCs in ${SECONDS} s; ${(w.scavenges.reduce((a, s) => a + s.allocated, 0) / (RATE * SECONDS) / 1024).toFixed(0)} KiB allocated per case`,
      },
      {
        group: 'gc',
        name: `scavenge pause p50, the command center under intake at an even ${RATE} cases/s`,
        value: median(pausesOf(w)),
        unit: 'ms',
        note: `max ${Math.max(...pausesOf(w)).toFixed(1)} ms`,
      },
    );
  } finally {
    await server.stop();
  }
  return figures;
}
