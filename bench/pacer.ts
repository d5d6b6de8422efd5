/**
 * The paced load generator, in a process of its own that `paced()` in lib.ts starts once per bench
 * process and reuses: one POST every 1/rate s on a schedule, each timed from the moment it was due.
 * It imports nothing but undici, so its heap stays a few MB and its garbage collections stay short:
 * in the bench's own process (tsx, every bench module, results) a full collection paused the clock
 * 38 ms in a soak, and every request due meanwhile counted as that much slower. It warms its own
 * code first against a server of its own (a cold client made the first second of a fresh process's
 * run 25 ms slow), so the server under test sees only the measured requests.
 *
 *   node --import tsx bench/pacer.ts
 *
 * Prints `ready` once warm; then takes one run per stdin line (the JSON of a {@link PacerConfig}) and
 * prints one line per answered request, `s <due ms since start> <latency ms> <send lag ms> <status>`,
 * `e` per failed one, and `done <elapsed ms>` at the end of the run.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { Agent, request } from 'undici';

export interface PacerConfig {
  url: string;
  headers: Record<string, string>;
  body: string;
  rate: number;
  seconds: number;
}

async function run(config: PacerConfig, write: (s: string) => void): Promise<number> {
  const agent = new Agent({ connections: 64, pipelining: 1, keepAliveTimeout: 30_000 });
  const interval = 1000 / config.rate;
  const total = Math.round(config.rate * config.seconds);
  // answers are written in batches: one write per 50 ms rather than one per request
  let out = '';
  const flush = () => {
    if (out) write(out);
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
  await agent.close();
  return elapsed;
}

/** The same requests, answered by a server in this process: the client's code is compiled before it counts. */
async function warmUp(): Promise<void> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"result":{}}'));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/warm-up`;
  await run(
    { url, headers: { 'content-type': 'application/json' }, body: '{}', rate: 500, seconds: 1.5 },
    () => undefined,
  );
  await new Promise<void>((r) => server.close(() => r()));
}

async function main(): Promise<void> {
  await warmUp();
  process.stdout.write('ready\n');
  for await (const line of createInterface({ input: process.stdin })) {
    if (!line.trim()) continue;
    const elapsed = await run(JSON.parse(line) as PacerConfig, (s) => process.stdout.write(s));
    process.stdout.write(`done ${elapsed.toFixed(3)}\n`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
