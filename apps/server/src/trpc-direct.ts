import type { NextFunction, Request, Response } from 'express';
import getRawBody from 'raw-body';
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
      const text = type === 'query' ? queryInput(req) : await readBody(req, opts.maxBodySize);
      ctx = await opts.createContext(req, res);
      let parsed: Promise<unknown> | null = null;
      const data = await callProcedure({
        router: opts.router,
        path,
        // parsed when the procedure asks; what cannot be read is BAD_REQUEST with its message, as in tRPC's adapter
        getRawInput: () =>
          (parsed ??= (async () => {
            try {
              input = text === undefined ? undefined : config.transformer.input.deserialize(JSON.parse(text));
              return input;
            } catch (cause) {
              throw new TRPCError({
                code: 'BAD_REQUEST',
                message: cause instanceof Error ? cause.message : 'Invalid input',
                cause,
              });
            }
          })()),
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

/** A query's `?input=` text, undefined without one (or an empty one), as tRPC reads it. */
function queryInput(req: Request): string | undefined {
  return new URL(req.originalUrl, 'http://x').searchParams.get('input') || undefined;
}

/**
 * A mutation's body text, read by raw-body (UTF-8 decoded across chunk boundaries, the limit counted
 * as bytes arrive); over `limit` bytes is PAYLOAD_TOO_LARGE, as tRPC answers. The rest of a body too
 * large is read and dropped, not cut off (a reset connection would lose the answer).
 *
 * raw-body rather than the reader this file had (`data` and `end` listeners gathering Buffers): with
 * that reader about 950 KB of each young-generation collection survived under intake at an even 200
 * cases/s, against about 350 KB with raw-body, and scavenges took 4-6 ms against 2-3 (the server's
 * `--trace-gc-nvp`, `pnpm bench gc`). Decoding to a string with `setEncoding` or reading in paused
 * mode kept the survival; what raw-body does differently was not pinned down.
 */
async function readBody(req: Request, limit: number): Promise<string> {
  try {
    return await getRawBody(req, { limit, encoding: 'utf8' });
  } catch (e) {
    if ((e as { type?: unknown }).type !== 'entity.too.large') throw e;
    req.resume();
    throw new TRPCError({ code: 'PAYLOAD_TOO_LARGE' });
  }
}
