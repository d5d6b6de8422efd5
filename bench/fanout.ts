/**
 * 3. Live fan-out: N SSE subscribers on the real server, 50 transitions/s from intake (3 events per
 *    case); time from the event's commit stamp to receipt at every subscriber, events lost, and server
 *    memory per connection. Baseline: the same with a single subscriber.
 */
import http from 'node:http';
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import type { BenchFigure } from './types.ts';
import { INTAKE_BODY, login, percentile, startServerProcess, tempDir } from './lib.ts';

interface Subscriber {
  ids: number[];
  latencies: number[];
  close(): void;
}

export function subscribe(url: string, cookie: string, agent: http.Agent): Promise<Subscriber> {
  return new Promise((resolve, reject) => {
    const sub: Subscriber = { ids: [], latencies: [], close: () => req.destroy() };
    const req = http.get(
      `${url}/api/live`,
      { agent, headers: { cookie, accept: 'text/event-stream' } },
      (res) => {
        if (res.statusCode !== 200) return reject(new Error(`SSE status ${res.statusCode}`));
        res.setEncoding('utf8');
        let buf = '';
        let opened = false;
        res.on('data', (chunk: string) => {
          buf += chunk;
          let i: number;
          while ((i = buf.indexOf('\n\n')) >= 0) {
            const block = buf.slice(0, i);
            buf = buf.slice(i + 2);
            if (!opened && block.includes('connected')) {
              opened = true;
              resolve(sub);
            }
            const id = /^id: ?(\d+)$/m.exec(block)?.[1];
            const data = /^data: ?(.*)$/m.exec(block)?.[1];
            if (id && data) {
              const now = Date.now();
              sub.ids.push(Number(id));
              const at = /"at":"([^"]+)"/.exec(data)?.[1];
              if (at) sub.latencies.push(now - Date.parse(at));
            }
          }
        });
        setTimeout(() => (opened ? undefined : resolve(sub)), 3000);
      },
    );
    req.on('error', (e) => (e.message.includes('socket hang up') ? undefined : reject(e)));
  });
}

export async function round(
  url: string,
  n: number,
  seconds: number,
): Promise<{ p50: number; p99: number; max: number; lost: number; expected: number }> {
  const headers = await login(url, 'operator');
  const sup = await login(url, 'supervisor');
  const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
  const subs: Subscriber[] = [];
  for (let i = 0; i < n; i += 100)
    subs.push(
      ...(await Promise.all(
        Array.from({ length: Math.min(100, n - i) }, () => subscribe(url, sup.cookie!, agent)),
      )),
    );
  const firstCase = await fetch(`${url}/api/trpc/intake.create`, {
    method: 'POST',
    headers,
    body: INTAKE_BODY,
  });
  await firstCase.arrayBuffer();
  await new Promise((r) => setTimeout(r, 500));
  // 50 transitions/s = one intake (report, file, dispatch) every 60 ms
  const created: Promise<unknown>[] = [];
  const t0 = Date.now();
  while (Date.now() - t0 < seconds * 1000) {
    created.push(
      fetch(`${url}/api/trpc/intake.create`, { method: 'POST', headers, body: INTAKE_BODY }).then((r) =>
        r.arrayBuffer(),
      ),
    );
    await new Promise((r) => setTimeout(r, 60));
  }
  await Promise.all(created);
  const expected = (created.length + 1) * 3;
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline && subs.some((s) => s.ids.length < expected))
    await new Promise((r) => setTimeout(r, 100));
  const lat = subs.flatMap((s) => s.latencies);
  const lost = subs.reduce((a, s) => a + Math.max(0, expected - new Set(s.ids).size), 0);
  for (const s of subs) s.close();
  agent.destroy();
  return {
    p50: percentile(lat, 50),
    p99: percentile(lat, 99),
    max: lat.reduce((a, b) => Math.max(a, b), 0),
    lost,
    expected,
  };
}

export default async function runFanoutBench(): Promise<BenchFigure[]> {
  const figures: BenchFigure[] = [];
  const dir = tempDir('fanout');
  const server = await startServerProcess({ DATABASE_PATH: join(dir, 'c.db') });
  try {
    const single = await round(server.url, 1, 5);
    for (const n of [500, 2000]) {
      const rssBefore = server.rssMiB();
      const r = await roundWithRss(server, n);
      figures.push(
        {
          group: 'fanout',
          name: `commit → receipt p50, ${n} subscribers, 50 transitions/s`,
          value: r.p50,
          unit: 'ms',
          baseline: { name: 'same, 1 subscriber', value: single.p50 },
          ratio: r.p50 / Math.max(single.p50, 0.5),
        },
        {
          group: 'fanout',
          name: `commit → receipt p99, ${n} subscribers`,
          value: r.p99,
          unit: 'ms',
          baseline: { name: 'same, 1 subscriber', value: single.p99 },
          ratio: r.p99 / Math.max(single.p99, 0.5),
        },
        { group: 'fanout', name: `commit → receipt max, ${n} subscribers`, value: r.max, unit: 'ms' },
        {
          group: 'fanout',
          name: `events lost, ${n} subscribers`,
          value: r.lost,
          unit: 'events',
          goal: { of: 'value', op: '<=', bound: 0 },
          note: `of ${r.expected} × ${n} delivered`,
        },
        {
          group: 'fanout',
          name: `server memory per SSE connection, ${n} subscribers`,
          value: ((r.rssDuring - rssBefore) * 1024) / n,
          unit: 'KiB',
          note: `RSS ${rssBefore.toFixed(0)} → ${r.rssDuring.toFixed(0)} MiB`,
        },
      );
    }
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return figures;

  async function roundWithRss(s: typeof server, n: number) {
    let rssDuring = 0;
    const timer = setInterval(() => (rssDuring = Math.max(rssDuring, s.rssMiB())), 200);
    const r = await round(s.url, n, 10);
    clearInterval(timer);
    return { ...r, rssDuring };
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.table(await runFanoutBench());
}
