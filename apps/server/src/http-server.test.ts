import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, describe, expect, it } from 'vitest';
import { createHttpServer } from './http-server.ts';
import { loginAs, startTestServer } from './testing/index.ts';

/** What a request and its response are made as, seen before any handler runs. */
function recordBirth(server: http.Server) {
  const born: Array<{ req: object; res: object }> = [];
  server.prependListener('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    born.push({ req: Object.getPrototypeOf(req) as object, res: Object.getPrototypeOf(res) as object });
  });
  return born;
}

async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('createHttpServer', () => {
  const servers: http.Server[] = [];
  afterAll(() => servers.forEach((s) => s.close()));

  it('makes requests and responses with the app prototypes, so Express has no prototype to change', async () => {
    const app = express();
    app.set('trust proxy', 'loopback');
    app.use(express.json());
    const seenByHandler: Array<{ req: object; res: object }> = [];
    app.post('/echo/:name', (req, res) => {
      seenByHandler.push({
        req: Object.getPrototypeOf(req) as object,
        res: Object.getPrototypeOf(res) as object,
      });
      // Express's own request and response methods answer through the new prototypes
      res.status(201).json({
        path: req.path,
        name: req.params.name,
        ip: req.ip,
        header: req.get('x-probe'),
        body: req.body as unknown,
        json: req.is('application/json'),
      });
    });
    const server = createHttpServer(app);
    servers.push(server);
    const born = recordBirth(server);
    const url = await listen(server);

    for (let i = 0; i < 2; i++) {
      const res = await fetch(`${url}/echo/grid-${i}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-probe': 'p' },
        body: JSON.stringify({ i }),
      });
      expect(res.status).toBe(201);
      expect(await res.json()).toEqual({
        path: `/echo/grid-${i}`,
        name: `grid-${i}`,
        ip: '127.0.0.1',
        header: 'p',
        body: { i },
        json: 'application/json',
      });
    }
    expect(born).toHaveLength(2);
    for (const b of born) {
      expect(b.req).toBe(app.request);
      expect(b.res).toBe(app.response);
    }
    // Express set the same prototypes it found: nothing changed between birth and handler
    expect(seenByHandler.map((s) => s.req)).toEqual(born.map((b) => b.req));
    expect(seenByHandler.map((s) => s.res)).toEqual(born.map((b) => b.res));
    // and they still lead to Node's classes
    expect(app.request).toBeInstanceOf(http.IncomingMessage);
    expect(app.response).toBeInstanceOf(http.ServerResponse);
  });

  it('an Express app on Node’s default server gets its prototypes only from Express (the change avoided)', async () => {
    const app = express();
    app.get('/', (_req, res) => res.send('ok'));
    const server = http.createServer(app);
    servers.push(server);
    const born = recordBirth(server);
    const url = await listen(server);
    expect(await (await fetch(url)).text()).toBe('ok');
    expect(born[0]!.req).toBe(http.IncomingMessage.prototype);
    expect(born[0]!.req).not.toBe(app.request);
  });

  it('the command center listens through it', async () => {
    const running = await startTestServer();
    try {
      const born = recordBirth(running.server);
      const operator = await loginAs(running, 'operator');
      expect((await operator.client.auth.me.query())?.user.username).toBe('operator');
      expect(born.length).toBeGreaterThan(0);
      for (const b of born) {
        expect(b.req).not.toBe(http.IncomingMessage.prototype);
        expect(b.req).toBeInstanceOf(http.IncomingMessage);
        expect(typeof (b.req as { get?: unknown }).get).toBe('function');
        expect(typeof (b.res as { json?: unknown }).json).toBe('function');
      }
    } finally {
      await running.stop();
    }
  });
});
