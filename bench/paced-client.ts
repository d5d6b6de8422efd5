/**
 * The open-loop load generator of `paced()` (lib.ts), in a process of its own: the bench process
 * carries what earlier modules left in its heap (generated histories, browser sessions), and its
 * garbage collections held this clock back, so that the soak once measured a 73 ms window whose
 * requests the load generator itself had sent up to 56 ms late. Here the loop has a small heap and
 * an event loop of its own.
 *
 *   node --import tsx bench/paced-client.ts '<json: url, headers, body, rate, seconds>'
 *
 * Prints one JSON line: how many requests were sent, failed and not 2xx, the run's length, and per
 * answered request [ms since the start it was due, latency from that time, how late it was sent].
 */
import { Agent, request } from 'undici';

export interface PacedRun {
  url: string;
  headers: Record<string, string>;
  body: string;
  rate: number;
  seconds: number;
}

export interface PacedOutcome {
  requests: number;
  errors: number;
  non2xx: number;
  elapsedS: number;
  /** [dueMs, latencyMs, sendLagMs] of each answered request, in the order the answers came. */
  samples: Array<[number, number, number]>;
}

async function run(o: PacedRun): Promise<PacedOutcome> {
  const agent = new Agent({ connections: 64, pipelining: 1, keepAliveTimeout: 30_000 });
  const interval = 1000 / o.rate;
  const total = Math.round(o.rate * o.seconds);
  const samples: Array<[number, number, number]> = [];
  let errors = 0;
  let non2xx = 0;
  const inflight: Promise<void>[] = [];
  const t0 = performance.now();
  for (let i = 0; i < total; i++) {
    const due = t0 + i * interval;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const sendLag = performance.now() - due;
    inflight.push(
      request(o.url, { method: 'POST', headers: o.headers, body: o.body, dispatcher: agent })
        .then(async (res) => {
          await res.body.arrayBuffer();
          if (res.statusCode >= 300) non2xx++;
          samples.push([due - t0, performance.now() - due, sendLag]);
        })
        .catch(() => {
          errors++;
        }),
    );
  }
  await Promise.all(inflight);
  const elapsedS = (performance.now() - t0) / 1000;
  await agent.close();
  return { requests: total, errors, non2xx, elapsedS, samples };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const outcome = await run(JSON.parse(process.argv[2] ?? '{}') as PacedRun);
  process.stdout.write(`${JSON.stringify(outcome)}\n`);
}
