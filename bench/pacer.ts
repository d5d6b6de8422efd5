/**
 * The paced load generator, in a process of its own (`paced()` in lib.ts starts it): one POST every
 * 1/rate s on a schedule, each timed from the moment it was due. It imports nothing but undici, so
 * its heap stays a few MB and its garbage collections stay short: in the bench's own process (tsx,
 * every bench module, results) a full collection paused the clock 38 ms in a soak, and every request
 * due meanwhile counted as that much slower.
 *
 *   node --import tsx bench/pacer.ts '<json of PacerConfig>'
 *
 * Prints one line per answered request, `s <due ms since start> <latency ms> <send lag ms> <status>`,
 * `e` per failed one, and `done <elapsed ms>` at the end.
 */
import { Agent, request } from 'undici';

export interface PacerConfig {
  url: string;
  headers: Record<string, string>;
  body: string;
  rate: number;
  seconds: number;
}

async function main(config: PacerConfig): Promise<void> {
  const agent = new Agent({ connections: 64, pipelining: 1, keepAliveTimeout: 30_000 });
  const interval = 1000 / config.rate;
  const total = Math.round(config.rate * config.seconds);
  // answers are written in batches: one write per 50 ms rather than one per request
  let out = '';
  const flush = () => {
    if (out) process.stdout.write(out);
    out = '';
  };
  const flusher = setInterval(flush, 50);
  let pending = total;
  let allAnswered: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (allAnswered = resolve));
  const settle = () => {
    if (--pending === 0) allAnswered();
  };
  const t0 = performance.now();
  for (let i = 0; i < total; i++) {
    const due = t0 + i * interval;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const sendLag = performance.now() - due;
    request(config.url, { method: 'POST', headers: config.headers, body: config.body, dispatcher: agent })
      .then(async (res) => {
        await res.body.arrayBuffer();
        const latency = performance.now() - due;
        out += `s ${(due - t0).toFixed(3)} ${latency.toFixed(3)} ${sendLag.toFixed(3)} ${res.statusCode}\n`;
      })
      .catch(() => {
        out += 'e\n';
      })
      .finally(settle);
  }
  if (total > 0) await done;
  const elapsed = performance.now() - t0;
  clearInterval(flusher);
  flush();
  process.stdout.write(`done ${elapsed.toFixed(3)}\n`);
  await agent.close();
}

if (import.meta.url === `file://${process.argv[1]}`) await main(JSON.parse(process.argv[2]!) as PacerConfig);
