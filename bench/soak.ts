/**
 * Soak: intake at an even 100 cases/s for SOAK_SECONDS (default 300) while 200 live maps hold the
 * SSE stream open (each reconnects with Last-Event-ID if dropped, as EventSource does). Reports the
 * intake p99 of every 10-s window (goal ≤ 50 ms in each), live events lost, and server RSS at the
 * start and end. `SOAK_SECONDS=60 pnpm bench soak` for a quick try.
 */
import http from 'node:http';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchFigure } from './types.ts';
import { INTAKE_BODY, login, paced, percentile, startServerProcess, tempDir } from './lib.ts';

const RATE = 100;
const MAPS = Number(process.env.SOAK_MAPS ?? 200);
const SECONDS = Math.max(10, Number(process.env.SOAK_SECONDS ?? 300));
const WINDOW_S = 10;

interface LiveMap {
  /** Distinct events received (ids are increasing on one stream, so counting above the last id is enough). */
  received: number;
  last: number;
  reconnects: number;
  close(): void;
}

/** One live map: an SSE stream that counts events and resumes from its last id when dropped. */
function openLiveMap(url: string, cookie: string, agent: http.Agent): Promise<LiveMap> {
  return new Promise((resolve, reject) => {
    let closed = false;
    let current: http.ClientRequest | null = null;
    const map: LiveMap = {
      received: 0,
      last: 0,
      reconnects: 0,
      close: () => {
        closed = true;
        current?.destroy();
      },
    };
    let first = true;
    const connect = () => {
      const headers: Record<string, string> = { cookie, accept: 'text/event-stream' };
      if (map.last > 0) headers['last-event-id'] = String(map.last);
      current = http.get(`${url}/api/live`, { agent, headers }, (res) => {
        if (res.statusCode !== 200)
          return first ? reject(new Error(`SSE status ${res.statusCode}`)) : undefined;
        res.setEncoding('utf8');
        let buf = '';
        res.on('data', (chunk: string) => {
          buf += chunk;
          let i: number;
          while ((i = buf.indexOf('\n\n')) >= 0) {
            const block = buf.slice(0, i);
            buf = buf.slice(i + 2);
            if (first && block.includes('connected')) {
              first = false;
              resolve(map);
            }
            if (block.startsWith('id: ')) {
              const id = Number(block.slice(4, block.indexOf('\n')));
              if (id > map.last) {
                map.last = id;
                map.received++;
              }
            }
          }
        });
        res.on('close', () => {
          if (closed) return;
          map.reconnects++;
          setTimeout(connect, 1000);
        });
      });
      current.on('error', () => undefined);
    };
    connect();
  });
}

export default async function runSoakBench(): Promise<BenchFigure[]> {
  const dir = tempDir('soak');
  const server = await startServerProcess({ DATABASE_PATH: join(dir, 'soak.db') });
  const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
  const maps: LiveMap[] = [];
  try {
    const headers = await login(server.url, 'operator');
    const wall = await login(server.url, 'supervisor');
    for (let i = 0; i < MAPS; i += 50)
      maps.push(
        ...(await Promise.all(
          Array.from({ length: Math.min(50, MAPS - i) }, () => openLiveMap(server.url, wall.cookie!, agent)),
        )),
      );
    const rssStart = server.rssMiB();
    const windows: number[][] = Array.from({ length: Math.ceil(SECONDS / WINDOW_S) }, () => []);
    const result = await paced({
      url: `${server.url}/api/trpc/intake.create`,
      headers,
      body: INTAKE_BODY,
      rate: RATE,
      seconds: SECONDS,
      onSample: (due, latency) =>
        windows[Math.min(windows.length - 1, Math.floor(due / (WINDOW_S * 1000)))]!.push(latency),
    });
    const created = result.requests - result.errors - result.non2xx;
    // intake writes 3 events (report, file, dispatch) per case
    const expected = created * 3;
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline && maps.some((m) => m.received < expected))
      await new Promise((r) => setTimeout(r, 200));
    const lost = maps.reduce((a, m) => a + Math.max(0, expected - m.received), 0);
    const reconnects = maps.reduce((a, m) => a + m.reconnects, 0);
    const rssEnd = server.rssMiB();
    const p99s = windows.map((w) => percentile(w, 99));
    const worst = Math.max(...p99s);
    const over = p99s.filter((p) => p > 50).length;
    return [
      {
        group: 'soak',
        name: `intake p99, worst 10-s window of a ${SECONDS}-s soak at an even ${RATE} cases/s with ${MAPS} live maps open`,
        value: worst,
        unit: 'ms',
        note: `goal ≤ 50 ms in every window; ${over} of ${p99s.length} windows over; window p99s ${p99s.map((p) => Math.round(p)).join(' ')}`,
      },
      {
        group: 'soak',
        name: 'intake p50 over the whole soak',
        value: result.p50,
        unit: 'ms',
        note: `${result.requests} cases sent, ${result.errors + result.non2xx} failed; max ${Math.round(result.max)} ms`,
      },
      {
        group: 'soak',
        name: `live events lost over ${MAPS} maps`,
        value: lost,
        unit: 'events',
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
    ];
  } finally {
    for (const m of maps) m.close();
    agent.destroy();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.table(await runSoakBench());
  process.exit(0);
}
