import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/*
 * The shipped balancer config (deploy/haproxy.cfg) under Debian's HAProxy, in front of two small
 * stand-in nodes that answer /health and stream server-sent events like the real server's
 * /api/trpc/live.* (fast and deterministic; the real nodes on PostgreSQL are in two-nodes.test.ts).
 */

const HAPROXY = ['/usr/sbin/haproxy', '/usr/bin/haproxy'].find((p) => existsSync(p)) ?? null;
if (!HAPROXY && (process.env.CI === 'true' || process.env.CI === '1'))
  throw new Error('haproxy not found and CI is set: CI must install haproxy (see .ci/run)');
if (!HAPROXY) console.warn('haproxy not found (apt-get install haproxy): balancer tests skipped');
const CONFIG = fileURLToPath(new URL('../../../deploy/haproxy.cfg', import.meta.url));

interface Node {
  name: string;
  server: Server;
  port: number;
  draining: boolean;
  streams: Set<ServerResponse>;
}

async function startNode(name: string): Promise<Node> {
  const state = { draining: false, streams: new Set<ServerResponse>() };
  const server = createServer((req, res) => {
    const node = state;
    if (req.url === '/health') {
      res
        .writeHead(node.draining ? 503 : 200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ status: node.draining ? 'draining' : 'ok' }));
    } else if (req.url === '/api/trpc/live.events') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      node.streams.add(res);
      let n = 0;
      const timer = setInterval(
        () => res.write(`id: ${++n}\ndata: ${JSON.stringify({ node: name, n, sentAt: Date.now() })}\n\n`),
        100,
      );
      res.on('close', () => {
        clearInterval(timer);
        node.streams.delete(res);
      });
    } else res.writeHead(200, { 'content-type': 'text/plain' }).end(name);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  // the request handler reads `draining` and `streams` through `state`: the node is that same object
  return Object.assign(state, { name, server, port });
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createNetServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

const until = async (check: () => boolean | Promise<boolean>, ms: number) => {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return check();
};

describe.runIf(HAPROXY)('the shipped HAProxy config in front of two nodes', () => {
  let nodes: Node[];
  let haproxy: ChildProcess;
  let base: string;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    nodes = [await startNode('node1'), await startNode('node2')];
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    env = {
      ...process.env,
      CITYGRID_LISTEN: `127.0.0.1:${port}`,
      CITYGRID_NODE1: `127.0.0.1:${nodes[0]!.port}`,
      CITYGRID_NODE2: `127.0.0.1:${nodes[1]!.port}`,
    };
    haproxy = spawn(HAPROXY!, ['-db', '-f', CONFIG], { env, stdio: 'ignore' });
    expect(
      await until(async () => (await fetch(`${base}/whoami`).catch(() => null))?.ok === true, 10_000),
    ).toBe(true);
  });
  afterAll(async () => {
    haproxy?.kill('SIGKILL');
    for (const n of nodes ?? []) {
      for (const s of n.streams) s.destroy();
      await new Promise((r) => n.server.close(r));
    }
  });

  it('is accepted by haproxy -c', () => {
    const r = spawnSync(HAPROXY!, ['-c', '-f', CONFIG], { env, encoding: 'utf8' });
    expect(r.stdout + r.stderr).toMatch(/Configuration file is valid/);
    expect(r.stderr).not.toMatch(/WARNING/);
    expect(r.status).toBe(0);
  });

  it('passes server-sent events through as they are sent, not in lumps', async () => {
    const ac = new AbortController();
    const res = await fetch(`${base}/api/trpc/live.events`, { signal: ac.signal });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const reader = res.body!.getReader();
    const got: Array<{ lag: number; at: number }> = [];
    const decoder = new TextDecoder();
    let text = '';
    while (got.length < 8) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
      let i: number;
      while ((i = text.indexOf('\n\n')) >= 0) {
        const data = /data: (.*)/.exec(text.slice(0, i))?.[1];
        text = text.slice(i + 2);
        if (data)
          got.push({ lag: Date.now() - (JSON.parse(data) as { sentAt: number }).sentAt, at: Date.now() });
      }
    }
    ac.abort();
    const first8 = got.slice(0, 8);
    expect(first8).toHaveLength(8);
    // sent 100 ms apart over 700 ms: a buffering proxy hands them over in one lump, late
    expect(Math.max(...first8.map((g) => g.lag))).toBeLessThan(1000);
    expect(first8[7]!.at - first8[0]!.at).toBeGreaterThan(400);
  });

  it('takes a draining node out of the pool and closes its streams so clients move to the other node', async () => {
    const ac = new AbortController();
    const streams = await Promise.all(
      [0, 1, 2, 3].map(() => fetch(`${base}/api/trpc/live.events`, { signal: ac.signal })),
    );
    expect(nodes[0]!.streams.size).toBeGreaterThan(0);
    nodes[0]!.draining = true;
    // 2 failed checks 2 s apart take node1 out; its open streams are shut
    expect(await until(() => nodes[0]!.streams.size === 0, 12_000)).toBe(true);
    const answers = await Promise.all(
      Array.from({ length: 6 }, async () => (await fetch(`${base}/whoami`)).text()),
    );
    expect(new Set(answers)).toEqual(new Set(['node2']));
    ac.abort();
    void streams;
    nodes[0]!.draining = false;
    // and it comes back once healthy again
    expect(
      await until(
        async () =>
          (
            await Promise.all(Array.from({ length: 6 }, async () => (await fetch(`${base}/whoami`)).text()))
          ).includes('node1'),
        12_000,
      ),
    ).toBe(true);
  });
});
