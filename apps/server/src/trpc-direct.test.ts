import type { AddressInfo } from 'node:net';
import express from 'express';
import superjson from 'superjson';
import { initTRPC, TRPCError } from '@trpc/server';
import { createExpressMiddleware } from '@trpc/server/adapters/express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { directTrpcCalls } from './trpc-direct.ts';

/*
 * The direct path against tRPC's own adapter, on a small router: the same call answered both ways
 * must give the same status and the same body; what the direct path does not answer reaches the
 * next handler. (The whole product's server tests call through `httpLink`, so every procedure's
 * errors and results go the direct way there too.)
 */
interface Ctx {
  user: string | null;
}
const t = initTRPC.context<Ctx>().create({ transformer: superjson });
const router = t.router({
  echo: t.procedure
    .input(z.object({ n: z.number(), at: z.date() }))
    .query(({ input, ctx }) => ({ ...input, user: ctx.user })),
  file: t.procedure
    .input(z.object({ text: z.string().min(2) }))
    .mutation(({ input }) => ({ saved: input.text })),
  refuse: t.procedure.mutation(() => {
    throw new TRPCError({ code: 'FORBIDDEN', message: 'not yours' });
  }),
  crash: t.procedure.mutation(() => {
    throw new Error('disk on fire');
  }),
});

let base = '';
let close = () => {};
const errors: string[] = [];
const calledDirect: string[] = [];

beforeAll(async () => {
  const app = express();
  const createContext = async (req: express.Request) => ({
    user: req.headers['x-user'] ? String(req.headers['x-user']) : null,
  });
  const onError = ({ error, path }: { error: TRPCError; path: string | undefined }) =>
    errors.push(`${path ?? '?'} ${error.code}`);
  app.use(
    '/direct',
    (req, _res, next) => {
      calledDirect.push(req.url);
      next();
    },
    directTrpcCalls({ router, createContext, maxBodySize: 1000, onError }),
    (_req, res) => res.status(299).send('next'),
  );
  app.use(
    '/adapter',
    createExpressMiddleware({
      router,
      createContext: ({ req }) => createContext(req),
      maxBodySize: 1000,
      onError,
    }),
  );
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => server.close();
});
afterAll(() => close());

async function call(prefix: string, path: string, init: RequestInit = {}) {
  const res = await fetch(`${base}/${prefix}/${path}`, init);
  const text = await res.text();
  return { status: res.status, text, type: res.headers.get('content-type') };
}
const post = (body: string, headers: Record<string, string> = {}): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body,
});
/** Both ways, with the stack (which differs by call site) taken out of error bodies. */
async function both(path: string, init?: RequestInit) {
  const strip = (r: { status: number; text: string; type: string | null }) => ({
    ...r,
    text: r.text.replace(/"stack":"(?:[^"\\]|\\.)*"/, '"stack":"…"'),
  });
  return [strip(await call('direct', path, init)), strip(await call('adapter', path, init))] as const;
}

describe('one tRPC call per request, answered directly', () => {
  it('answers queries and mutations as the adapter does: results, context, transformed values', async () => {
    const input = encodeURIComponent(
      JSON.stringify(superjson.serialize({ n: 7, at: new Date('2026-12-03T01:02:03Z') })),
    );
    const [d, a] = await both(`echo?input=${input}`, { headers: { 'x-user': 'op1' } });
    expect(d).toEqual(a);
    expect(d.status).toBe(200);
    expect(superjson.deserialize(JSON.parse(d.text).result.data)).toEqual({
      n: 7,
      at: new Date('2026-12-03T01:02:03Z'),
      user: 'op1',
    });
    const [dm, am] = await both('file', post(JSON.stringify({ json: { text: '路灯不亮' } })));
    expect(dm).toEqual(am);
    expect(JSON.parse(dm.text)).toEqual({ result: { data: { json: { saved: '路灯不亮' } } } });
  });

  it('gives the same error shapes and statuses: bad input, refused, crashed, unreadable body', async () => {
    for (const [path, init, status] of [
      ['file', post(JSON.stringify({ json: { text: 'x' } })), 400],
      ['refuse', post(''), 403],
      ['crash', post(''), 500],
      ['file', post('{"json":'), 400],
      ['echo?input=%7Bnot', {}, 400],
      ['file', post('null'), 400],
      ['file', post('{"json":{"text":"ab"},"meta":{"values":{"text":["Date"]}}}'), 400],
    ] as const) {
      const [d, a] = await both(path, init);
      expect(d, path).toEqual(a);
      expect(d.status, path).toBe(status);
    }
    expect(errors).toContain('crash INTERNAL_SERVER_ERROR');
    expect(errors.filter((e) => e === 'refuse FORBIDDEN')).toHaveLength(2);
  });

  it('refuses a body over the limit as PAYLOAD_TOO_LARGE', async () => {
    const r = await call('direct', 'file', post(JSON.stringify({ json: { text: '长'.repeat(600) } })));
    expect(r.status).toBe(413);
    expect(JSON.parse(r.text).error.json.data.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('leaves batches, streamed batches, unknown paths and wrong methods to the next handler', async () => {
    const input = encodeURIComponent(JSON.stringify({ 0: superjson.serialize({ n: 1, at: new Date() }) }));
    for (const [path, init] of [
      [`echo?batch=1&input=${input}`, {}],
      ['file', post(JSON.stringify({ json: { text: 'ok' } }), { 'trpc-accept': 'application/jsonl' })],
      ['nothing.here', {}],
      ['file', {}], // a mutation by GET
      ['echo', post('{}')], // a query by POST
    ] as const) {
      const r = await call('direct', path, init);
      expect(r, path).toMatchObject({ status: 299, text: 'next' });
    }
    expect(calledDirect.length).toBeGreaterThan(5);
  });
});
