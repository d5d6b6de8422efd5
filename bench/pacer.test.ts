import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paced } from './lib.ts';

describe('paced (the load generator in its own process)', () => {
  let server: Server;
  let url = '';
  const bodies: string[] = [];
  beforeAll(async () => {
    let n = 0;
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        bodies.push(body);
        // every third request is refused
        res.writeHead(++n % 3 === 0 ? 500 : 200).end('{}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/x`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('sends rate × seconds requests on schedule, times each from its due time and counts the refused', async () => {
    const dues: number[] = [];
    const r = await paced({
      url,
      headers: { 'content-type': 'application/json' },
      body: '{"a":1}',
      rate: 50,
      seconds: 0.6,
      onSample: (due, latency, lag) => {
        dues.push(due);
        expect(latency).toBeGreaterThanOrEqual(lag);
      },
    });
    expect(r.requests).toBe(30);
    expect(dues).toHaveLength(30);
    expect(r.non2xx).toBe(10);
    expect(r.errors).toBe(0);
    expect(bodies.slice(-30).every((b) => b === '{"a":1}')).toBe(true);
    // due every 20 ms from the start
    expect([...dues].sort((a, b) => a - b).map((d) => Math.round(d / 20))).toEqual(
      Array.from({ length: 30 }, (_, i) => i),
    );
    expect(r.p99).toBeGreaterThan(0);
  });

  it('counts a request that gets no answer as an error', async () => {
    const r = await paced({ url: 'http://127.0.0.1:1/none', headers: {}, body: '', rate: 20, seconds: 0.2 });
    expect(r.requests).toBe(4);
    expect(r.errors).toBe(4);
  });
});
