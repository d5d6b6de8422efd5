import type { Socket } from 'node:net';
import express, { type Request, type Response } from 'express';
import helmet from 'helmet';
import compression from 'compression';
import { parse as parseCookie, serialize as serializeCookie } from 'cookie';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { constants as zlibConstants } from 'node:zlib';
import type { TRPCError } from '@trpc/server';
import { createExpressMiddleware } from '@trpc/server/adapters/express';
import {
  appRouter,
  createContext,
  CSRF_HEADER,
  DOMAIN_TO_HTTP,
  evaluationToCsv,
  DATABASE_UNAVAILABLE_MESSAGE,
  fieldIssuesOf,
  handleCitizen,
  isDatabaseUnavailable,
  handleOpen311,
  reportFileName,
  reportToCsv,
  reportToXlsx,
  ZReportInputSchema,
  type CookieJar,
  type Services,
} from '@citygrid/api';
import { isDomainError } from '@citygrid/domain';
import type { ServerConfig } from './env.ts';
import { publicTileConfig, tileImageOrigins } from './tile-config.ts';
import { directTrpcCalls } from './trpc-direct.ts';

/** The largest tRPC request body (a case with its description and attachments' references). */
const TRPC_MAX_BODY_BYTES = 1_000_000;

function cookieJar(req: Request, res: Response, secure: boolean): CookieJar {
  const jar = parseCookie(req.headers.cookie ?? '');
  return {
    get: (name) => jar[name],
    set: (name, value, opts) =>
      res.append(
        'Set-Cookie',
        serializeCookie(name, value, {
          httpOnly: opts.httpOnly,
          sameSite: 'strict',
          secure,
          path: '/',
          maxAge: opts.maxAgeSeconds,
        }),
      ),
    clear: (name) =>
      res.append(
        'Set-Cookie',
        serializeCookie(name, '', { httpOnly: true, sameSite: 'strict', secure, path: '/', maxAge: 0 }),
      ),
  };
}

const header = (req: Request, name: string) => {
  const v = req.headers[name];
  return Array.isArray(v) ? (v[0] ?? null) : (v ?? null);
};

/** What the process knows about its own stopping (shared by the app and `close()`). */
export interface NodeLifecycle {
  /** Set on SIGTERM: `/health` answers 503 so a balancer takes the node out. */
  draining: boolean;
  /** Sockets of open event streams (`/api/live` and tRPC subscriptions). */
  readonly eventStreams: Set<Socket>;
}

/** Compose the HTTP surface: health, tRPC, attachments, Open311, and the built web app. */
export function createApp(
  services: Services,
  config: ServerConfig,
  lifecycle: NodeLifecycle = { draining: false, eventStreams: new Set() },
): express.Express {
  const app = express();
  app.disable('x-powered-by');
  // the connections that carry event streams, so that a stopping node can cut them (see server.ts)
  app.use((req, res, next) => {
    if (String(req.headers.accept ?? '').includes('text/event-stream')) {
      const socket = req.socket;
      lifecycle.eventStreams.add(socket);
      res.once('close', () => lifecycle.eventStreams.delete(socket));
    }
    next();
  });
  app.set('trust proxy', 'loopback');
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          imgSrc: ["'self'", 'data:', 'blob:', ...tileImageOrigins(config)],
          styleSrc: ["'self'", "'unsafe-inline'"],
          connectSrc: ["'self'"],
          upgradeInsecureRequests: null,
        },
      },
      hsts: config.COOKIE_SECURE,
    }),
  );

  // gzip for the big JSON (10,000 open cases is ~1.6 MB raw) and the built assets; never for event
  // streams, which must reach the client frame by frame. API answers are made anew for each request,
  // so they take zlib's fastest level: the map's 10,000 markers (1.6 MB) answer in 52 ms instead of
  // 73 (median of 10 from a client on this machine; 28 ms unzipped) for 10 % more bytes (326 against
  // 297 KB). The built assets keep the default level.
  const compressible = (req: Request, res: Response) => {
    const type = String(res.getHeader('Content-Type') ?? '');
    if (type.includes('event-stream') || String(req.headers.accept ?? '').includes('event-stream'))
      return false;
    if (req.path === '/api/live' || req.path.startsWith('/api/trpc/live.')) return false;
    return compression.filter(req, res);
  };
  const compressAnswers = compression({ filter: compressible, level: zlibConstants.Z_BEST_SPEED });
  const compressAssets = compression({ filter: compressible });
  app.use((req, res, next) =>
    (req.path.startsWith('/api/') ? compressAnswers : compressAssets)(req, res, next),
  );

  app.get('/health', async (_req, res) => {
    // a draining node answers 503 so the balancer stops sending it work; it still serves what it has
    if (lifecycle.draining) {
      res.status(503).json({ status: 'draining', pid: process.pid });
      return;
    }
    let cases: number;
    try {
      cases = await services.cases.count({});
    } catch (e) {
      // the node runs but cannot reach its database: out of the balancer's rotation until it can
      if (!isDatabaseUnavailable(e)) throw e;
      res.status(503).json({ status: 'unavailable', reason: 'database', pid: process.pid });
      return;
    }
    res.json({
      status: 'ok',
      cases,
      gridVersion: services.reference.snapshot.gridVersion.version,
      liveConnections: services.live.size,
      pid: process.pid,
      // how long acknowledgements wait for the disk (null: SQLite fsyncs inside COMMIT, or PostgreSQL)
      walFsync: services.database?.walSync ? { ...services.database!.walSync.stats } : null,
      backend: services.stores.backend,
    });
  });

  /** Deployment settings the web app needs before login (basemap). */
  app.get('/api/config', (_req, res) => {
    res.json(publicTileConfig(config));
  });

  // auth.* set cookies, which a streamed (jsonl) batch cannot do once its headers are out: answer
  // those calls unstreamed whatever the client link asked for
  app.use('/api/trpc', (req, _res, next) => {
    if (/^\/auth\./.test(req.path)) delete req.headers['trpc-accept'];
    next();
  });
  const trpcContext = (req: Request, res: Response) =>
    createContext({
      services,
      cookies: cookieJar(req, res, config.COOKIE_SECURE),
      ip: req.ip ?? null,
      csrfHeader: header(req, CSRF_HEADER),
      method: req.method,
    });
  const onTrpcError = ({ error, path }: { error: TRPCError; path: string | undefined }) => {
    if (error.code === 'INTERNAL_SERVER_ERROR')
      console.error(`tRPC ${path ?? '?'} failed:`, error.cause ?? error);
    else if (error.code === 'SERVICE_UNAVAILABLE')
      console.error(`tRPC ${path ?? '?'}: database unavailable: ${String(error.cause ?? error)}`);
  };
  // one query or mutation per request (httpLink: intake, the map's markers, API clients) is called
  // directly (trpc-direct.ts); batches, streamed batches and subscriptions go through tRPC's adapter
  app.use(
    '/api/trpc',
    directTrpcCalls({
      router: appRouter,
      createContext: trpcContext,
      maxBodySize: TRPC_MAX_BODY_BYTES,
      onError: onTrpcError,
    }),
  );
  app.use(
    '/api/trpc',
    createExpressMiddleware({
      router: appRouter,
      createContext: ({ req, res }) => trpcContext(req, res),
      maxBodySize: TRPC_MAX_BODY_BYTES,
      onError: onTrpcError,
    }),
  );

  // --- the live case stream for dashboards: one shared serialisation for every connection ---
  app.get('/api/live', async (req, res) => {
    const ctx = await createContext({
      services,
      cookies: cookieJar(req, res, config.COOKIE_SECURE),
      ip: req.ip ?? null,
      csrfHeader: null,
      method: 'GET',
    });
    if (!ctx.session) {
      res.status(401).json({ error: { code: 'UNAUTHENTICATED', message: 'please log in' } });
      return;
    }
    const raw =
      header(req, 'last-event-id') ??
      (typeof req.query.lastEventId === 'string' ? req.query.lastEventId : null);
    const lastEventId = raw !== null && /^\d{1,15}$/.test(raw) ? Number(raw) : null;
    res.status(200).set({
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.flushHeaders();
    res.socket?.setNoDelay(true);
    let detach: (() => void) | null = null;
    let closed = false;
    req.on('close', () => {
      closed = true;
      detach?.();
    });
    detach = await services.live.connect(
      {
        write: (s) => res.write(s),
        get buffered() {
          return res.writableLength;
        },
        close: () => res.end(),
      },
      ctx.session.user,
      lastEventId,
    );
    if (closed) detach();
  });

  // --- evaluation export for Excel (综合考评), supervisors and leads ---
  const GROUP_LABELS = { unit: '单位', community: '社区', category: '类别', cell: '网格' } as const;
  app.get('/api/export/evaluation.csv', async (req, res) => {
    const ctx = await createContext({
      services,
      cookies: cookieJar(req, res, config.COOKIE_SECURE),
      ip: req.ip ?? null,
      csrfHeader: null,
      method: 'GET',
    });
    if (!ctx.session)
      return void res.status(401).json({ error: { code: 'UNAUTHENTICATED', message: 'please log in' } });
    if (ctx.session.user.role === 'unit_staff')
      return void res.status(403).json({ error: { code: 'FORBIDDEN', message: 'supervisors only' } });
    if (ctx.session.kind === 'wall')
      return void res
        .status(403)
        .json({ error: { code: 'FORBIDDEN', message: 'a wall-display session is read-only' } });
    const q = req.query as Record<string, string | undefined>;
    const groupBy = (q.groupBy ?? 'unit') as keyof typeof GROUP_LABELS;
    const from = Date.parse(q.from ?? '');
    const to = Date.parse(q.to ?? '');
    if (!(groupBy in GROUP_LABELS))
      return void res.status(400).json({
        error: {
          code: 'BAD_INPUT',
          message: 'groupBy: unit, community, category or cell',
          field: 'groupBy',
        },
      });
    if (Number.isNaN(from))
      return void res
        .status(400)
        .json({ error: { code: 'BAD_INPUT', message: 'from: an ISO-8601 instant', field: 'from' } });
    if (Number.isNaN(to) || to <= from)
      return void res
        .status(400)
        .json({ error: { code: 'BAD_INPUT', message: 'to: an ISO-8601 instant after from', field: 'to' } });
    const period = { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
    const rows = await services.dashboard.evaluation({ ...period, groupBy });
    res
      .set('Content-Type', 'text/csv; charset=utf-8')
      .set(
        'Content-Disposition',
        `attachment; filename="evaluation-${groupBy}-${period.from.slice(0, 10)}.csv"`,
      )
      .send(evaluationToCsv(rows, period, GROUP_LABELS[groupBy]));
  });

  const sendError = (res: Response, e: unknown) => {
    // `fields` carries the same coded issues as tRPC errors, so the web app shows them in its own language
    if (isDomainError(e))
      res.status(DOMAIN_TO_HTTP[e.code]).json({
        error: {
          code: e.code,
          message: e.message,
          field: e.details.field ?? null,
          fields: fieldIssuesOf(e),
        },
      });
    else {
      console.error(e);
      res.status(500).json({ error: { code: 'INTERNAL', message: 'internal error' } });
    }
  };
  // --- reports (日报/周报/月报) as .xlsx and .csv: the same figures as reports.build ---
  const REPORT_ROLES = new Set(['supervisor', 'shift_lead', 'admin', 'dispatcher']);
  app.get(/^\/api\/export\/report\.(xlsx|csv)$/, async (req, res) => {
    const ctx = await createContext({
      services,
      cookies: cookieJar(req, res, config.COOKIE_SECURE),
      ip: req.ip ?? null,
      csrfHeader: null,
      method: 'GET',
    });
    if (!ctx.session)
      return void res.status(401).json({ error: { code: 'UNAUTHENTICATED', message: 'please log in' } });
    if (!REPORT_ROLES.has(ctx.session.user.role))
      return void res.status(403).json({
        error: { code: 'FORBIDDEN', message: 'reports are for supervisors, leads and administrators' },
      });
    const parsed = ZReportInputSchema.safeParse(req.query);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      return void res.status(400).json({
        error: {
          code: 'BAD_INPUT',
          message: `${issue.path.join('.')}: ${issue.message}`,
          field: issue.path.join('.'),
        },
      });
    }
    try {
      const report = await services.reports.build(parsed.data);
      const ext = req.path.endsWith('.xlsx') ? 'xlsx' : 'csv';
      res.set('Content-Disposition', `attachment; filename="${reportFileName(report, ext)}"`);
      if (ext === 'xlsx')
        res
          .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
          .send(await reportToXlsx(report));
      else res.type('text/csv; charset=utf-8').send(reportToCsv(report));
    } catch (e) {
      sendError(res, e);
    }
  });

  // --- attachments (photos of disposal), cookie-authenticated ---
  const authed = async (req: Request, res: Response) => {
    const ctx = await createContext({
      services,
      cookies: cookieJar(req, res, config.COOKIE_SECURE),
      ip: req.ip ?? null,
      csrfHeader: header(req, CSRF_HEADER),
      method: req.method,
    });
    if (!ctx.session) {
      res.status(401).json({ error: { code: 'UNAUTHENTICATED', message: 'please log in' } });
      return null;
    }
    // attachments (photos, uploads) are case work, not the map: closed to wall-display sessions
    if (ctx.session.kind === 'wall') {
      res.status(403).json({ error: { code: 'FORBIDDEN', message: 'a wall-display session is read-only' } });
      return null;
    }
    return ctx.session;
  };
  app.post('/api/attachments', express.raw({ type: () => true, limit: '11mb' }), async (req, res) => {
    const session = await authed(req, res);
    if (!session) return;
    if (header(req, CSRF_HEADER) !== session.csrfToken) {
      res
        .status(403)
        .json({ error: { code: 'FORBIDDEN', message: 'bad x-csrf-token header', field: 'x-csrf-token' } });
      return;
    }
    try {
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      res.status(201).json(await services.attachments.save(body, session.user));
    } catch (e) {
      sendError(res, e);
    }
  });
  app.get('/api/attachments/:sha', async (req, res) => {
    const session = await authed(req, res);
    if (!session) return;
    try {
      const { bytes, mime } = await services.attachments.read(req.params.sha, session.user);
      res
        .set('Content-Type', mime)
        .set('X-Content-Type-Options', 'nosniff')
        .set('Cache-Control', 'private, max-age=86400')
        .send(bytes);
    } catch (e) {
      sendError(res, e);
    }
  });

  // --- Open311 GeoReport v2 ---
  app.use(
    '/open311/v2',
    express.urlencoded({ extended: false, limit: '100kb' }),
    express.json({ limit: '100kb' }),
    async (req, res) => {
      try {
        const out = await handleOpen311(services, {
          method: req.method,
          path: req.path,
          query: req.query as Record<string, string | string[] | undefined>,
          body: (req.body ?? {}) as Record<string, unknown>,
          baseUrl: `${req.protocol}://${req.get('host') ?? 'localhost'}/open311/v2`,
        });
        res.status(out.status).set('Content-Type', out.contentType).send(out.body);
      } catch (e) {
        // GeoReport's error shape; a database that cannot be reached is 503: the client may retry
        const status = isDatabaseUnavailable(e) ? 503 : 500;
        console.error(`Open311 ${req.method} ${req.path} failed:`, e);
        res
          .status(status)
          .set('Content-Type', 'application/json; charset=utf-8')
          .send(
            JSON.stringify([
              { code: status, description: status === 503 ? DATABASE_UNAVAILABLE_MESSAGE : 'internal error' },
            ]),
          );
      }
    },
  );

  // --- the citizen channel (网上举报): no login, no cookies; photos as raw bytes, reports as JSON ---
  app.use(
    '/api/citizen',
    express.raw({ type: (req) => req.url === '/photos', limit: '4mb' }),
    express.json({ limit: '20kb' }),
    async (req, res) => {
      const out = await handleCitizen(services.citizen.service, services.reference, {
        method: req.method,
        path: req.path,
        body: Buffer.isBuffer(req.body) ? null : (req.body ?? null),
        raw: Buffer.isBuffer(req.body) ? req.body : null,
        ip: req.ip ?? 'unknown',
      });
      if ('bytes' in out) {
        res
          .status(out.status)
          .set({
            'Content-Type': out.contentType,
            'X-Content-Type-Options': 'nosniff',
            'Cache-Control': 'private, max-age=3600',
          })
          .send(Buffer.from(out.bytes));
      } else {
        res
          .status(out.status)
          .set(out.headers ?? {})
          .json(out.json);
      }
    },
  );
  // a body over the parser's limit: the same refusal shape as every other one
  app.use(
    '/api/citizen',
    (err: { status?: number; type?: string }, _req: Request, res: Response, next: (e?: unknown) => void) => {
      if (err.status === 413)
        return void res.status(413).json({
          error: {
            code: 'BAD_INPUT',
            reason: 'photo_too_large',
            field: 'photo',
            message: 'the upload is too large',
          },
        });
      if (err.status === 400)
        return void res.status(400).json({
          error: {
            code: 'BAD_INPUT',
            reason: 'bad_input',
            field: '(body)',
            message: 'the body is not valid JSON',
          },
        });
      next(err);
    },
  );

  // --- the web app (production build) ---
  if (config.WEB_DIST && existsSync(join(config.WEB_DIST, 'index.html'))) {
    // the citizen pages are their own small bundle (report.html), not the staff app
    if (existsSync(join(config.WEB_DIST, 'report.html'))) {
      app.get(['/report', /^\/track(\/.*)?$/], (_req, res) =>
        res.set('Cache-Control', 'no-cache').sendFile(join(config.WEB_DIST, 'report.html')),
      );
    }
    app.use(express.static(config.WEB_DIST, { index: false, maxAge: '1h' }));
    app.get(/^\/(?!api\/|open311\/|health).*/, (_req, res) =>
      res.sendFile(join(config.WEB_DIST, 'index.html')),
    );
  } else {
    app.get('/', (_req, res) => {
      res
        .type('html')
        .send(
          '<!doctype html><meta charset="utf-8"><title>citygrid</title><h1>citygrid 指挥中心</h1><p>Web app not built: run <code>pnpm build</code>. API at /api/trpc, health at /health, Open311 at /open311/v2/discovery.json</p>',
        );
    });
  }

  // whatever a route did not answer itself: a coded JSON error, never a stack or a driver's text
  app.use((err: unknown, req: Request, res: Response, next: (e?: unknown) => void) => {
    if (res.headersSent) return next(err);
    const unavailable = isDatabaseUnavailable(err);
    const status = unavailable ? 503 : Number((err as { status?: unknown })?.status) || 500;
    if (status >= 500) console.error(`${req.method} ${req.path} failed:`, err);
    res.status(status).json({
      error: unavailable
        ? { code: 'UNAVAILABLE', message: DATABASE_UNAVAILABLE_MESSAGE }
        : status >= 500
          ? { code: 'INTERNAL', message: 'internal error' }
          : { code: 'BAD_INPUT', message: 'the request could not be read' },
    });
  });
  return app;
}
