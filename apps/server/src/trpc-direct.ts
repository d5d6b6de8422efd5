import type { NextFunction, Request, Response } from 'express';
import { TRPCError, type AnyTRPCRouter } from '@trpc/server';
import {
  callProcedure,
  getErrorShape,
  getHTTPStatusCode,
  getTRPCErrorFromUnknown,
  transformTRPCResponse,
} from '@trpc/server/unstable-core-do-not-import';

/**
 * tRPC's HTTP protocol for one query or mutation per request (what `httpLink` sends: no `batch`, no
 * JSON Lines), answered by calling the procedure directly. tRPC's own adapter turns every request
 * into a WHATWG `Request` with an `AbortSignal` tied to the socket, and answers through a `Response`
 * and web streams. Those signals are held through `WeakRef`s (undici's request finalizer,
 * `AbortSignal.any`), which V8's scavenger keeps alive, so each request's whole object graph (its
 * `req`, `res`, streams and closures) outlived two scavenges and was promoted: about 40 KB of old
 * generation per intake, a major GC every few seconds at 200 cases/s (issue 14, sampled with the
 * inspector's heap profiler). Here a call allocates its input, its context and its answer.
 *
 * Same wire format, same procedures, middlewares, context, error shapes and status codes (tRPC's
 * `getErrorShape` and `getHTTPStatusCode`), same `onError`. Anything else (batches, streamed
 * batches, subscriptions, unknown paths, a method the procedure does not take) goes to `next()`,
 * the regular adapter.
 */
export function directTrpcCalls<TContext extends object>(opts: {
  router: AnyTRPCRouter;
  createContext: (req: Request, res: Response) => Promise<TContext>;
  maxBodySize: number;
  onError: (o: { error: TRPCError; path: string }) => void;
}) {
  const config = opts.router._def._config;
  const procedures = opts.router._def.procedures as Record<string, { _def: { type: string } } | undefined>;
  return (req: Request, res: Response, next: NextFunction): void => {
    if (req.query.batch !== undefined || req.headers['trpc-accept'] === 'application/jsonl') return next();
    const path = decodeURIComponent(req.path.slice(1));
    const type = procedures[path]?._def.type;
    if (!((type === 'query' && req.method === 'GET') || (type === 'mutation' && req.method === 'POST')))
      return next();
    void answer(req, res, path, type).catch(next);
  };

  async function answer(req: Request, res: Response, path: string, type: 'query' | 'mutation') {
    let input: unknown;
    let ctx: TContext | undefined;
    let body: object;
    try {
      const raw = type === 'query' ? queryInput(req) : await readBody(req, opts.maxBodySize);
      input = raw === undefined ? undefined : config.transformer.input.deserialize(raw);
      ctx = await opts.createContext(req, res);
      const data = await callProcedure({
        router: opts.router,
        path,
        getRawInput: async () => input,
        ctx,
        type,
        signal: undefined,
        batchIndex: 0,
      });
      if (data !== null && typeof data === 'object' && Symbol.asyncIterator in data)
        throw new TRPCError({
          code: 'UNSUPPORTED_MEDIA_TYPE',
          message: 'Cannot use stream-like response in non-streaming request - use httpBatchStreamLink',
        });
      body = { result: { data } };
    } catch (cause) {
      const error = getTRPCErrorFromUnknown(cause);
      opts.onError({ error, path });
      body = { error: getErrorShape({ config, ctx, error, input, path, type }) };
    }
    res.statusCode = getHTTPStatusCode(body as never);
    res.setHeader('content-type', 'application/json');
    res.setHeader('vary', 'trpc-accept, accept');
    res.end(JSON.stringify(transformTRPCResponse(config, body as never)));
  }
}

/** A query's `?input=` (JSON), undefined without one. */
function queryInput(req: Request): unknown {
  const text = new URL(req.originalUrl, 'http://x').searchParams.get('input');
  if (text === null) return undefined;
  return parseJson(text);
}

/** A mutation's body (JSON), undefined when empty; over `limit` bytes is PAYLOAD_TOO_LARGE, as tRPC answers. */
async function readBody(req: Request, limit: number): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new TRPCError({ code: 'PAYLOAD_TOO_LARGE' });
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  return text === '' ? undefined : parseJson(text);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw new TRPCError({ code: 'BAD_REQUEST', cause }); // as tRPC's adapter answers unreadable JSON
  }
}
