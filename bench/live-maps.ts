/**
 * The soak's live maps, in their own process so that reading 200 event streams does not delay the
 * load generator's clock (both share this machine's 2 cores, but not one event loop):
 *
 *   node --import tsx bench/live-maps.ts <server url> <cookie> <count>
 *
 * Prints `ready` once every map is connected; on a line `expect <n>` on stdin it waits (at most
 * 20 s) until every map has received n events, prints one JSON line `{ lost, reconnects }` and exits.
 */
import http from 'node:http';
import { createInterface } from 'node:readline';

interface LiveMap {
  /** Distinct events received (ids are increasing on one stream, so counting above the last id is enough). */
  received: number;
  last: number;
  reconnects: number;
  close(): void;
}

/** One live map: an SSE stream that counts events and resumes from its last id when dropped. */
export function openLiveMap(url: string, cookie: string, agent: http.Agent): Promise<LiveMap> {
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

async function main(): Promise<void> {
  const [url, cookie, count] = process.argv.slice(2) as [string, string, string];
  const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
  const maps: LiveMap[] = [];
  const n = Number(count);
  for (let i = 0; i < n; i += 50)
    maps.push(
      ...(await Promise.all(
        Array.from({ length: Math.min(50, n - i) }, () => openLiveMap(url, cookie, agent)),
      )),
    );
  console.log('ready');
  for await (const line of createInterface({ input: process.stdin })) {
    const m = /^expect (\d+)$/.exec(line.trim());
    if (!m) continue;
    const expected = Number(m[1]);
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline && maps.some((x) => x.received < expected))
      await new Promise((r) => setTimeout(r, 200));
    const lost = maps.reduce((a, x) => a + Math.max(0, expected - x.received), 0);
    const reconnects = maps.reduce((a, x) => a + x.reconnects, 0);
    console.log(JSON.stringify({ lost, reconnects }));
    for (const x of maps) x.close();
    agent.destroy();
    process.exit(0);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
