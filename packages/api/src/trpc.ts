import { initTRPC, TRPCError } from '@trpc/server';
import superjson from 'superjson';
import { DomainError, type Role } from '@citygrid/domain';
import type { Context } from './context.ts';
import { databaseUnavailableError, fieldIssuesOf, isDatabaseUnavailable, toTRPCError } from './errors.ts';
import { refuseNul } from './input-guards.ts';

const t = initTRPC.context<Context>().create({
  transformer: superjson,
  sse: {
    ping: { enabled: true, intervalMs: 5_000 },
    client: { reconnectAfterInactivityMs: 12_000 },
  },
  errorFormatter({ shape, error }) {
    const cause = error.cause;
    const issues = fieldIssuesOf(cause);
    const domain = cause instanceof DomainError ? { code: cause.code, ...cause.details } : null;
    // a zod failure's message is JSON noise; say which fields are wrong instead
    // an unexpected failure's own text (a driver's, with hosts and ports) stays in the server's log
    const message =
      issues.length > 0 && !(cause instanceof DomainError)
        ? issues.map((i) => `${i.field}: ${i.message}`).join('; ')
        : shape.data.code === 'INTERNAL_SERVER_ERROR'
          ? 'internal error'
          : shape.message;
    return {
      ...shape,
      message,
      data: {
        code: shape.data.code,
        httpStatus: shape.data.httpStatus,
        path: shape.data.path,
        fields: issues,
        domain,
      },
    };
  },
});

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

/**
 * Domain errors thrown anywhere below become coded tRPC errors here, once; a database that cannot be
 * reached becomes SERVICE_UNAVAILABLE (503: try again), not an internal error.
 */
const domainErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof DomainError) throw toTRPCError(result.error.cause);
  if (!result.ok && isDatabaseUnavailable(result.error.cause))
    throw databaseUnavailableError(result.error.cause);
  return result;
});

/** Cookie-authenticated mutations must echo the session's CSRF token in a header. */
const csrf = t.middleware(({ ctx, type, next }) => {
  if (type === 'mutation') {
    const header = ctx.request.csrfHeader;
    if (!header) throw new TRPCError({ code: 'FORBIDDEN', message: 'missing x-csrf-token header' });
    if (ctx.session && header !== ctx.session.csrfToken)
      throw new TRPCError({ code: 'FORBIDDEN', message: 'bad x-csrf-token header' });
  }
  return next();
});

/** No NUL character in any input, on either backend (input-guards.ts). */
const noNul = t.middleware(async ({ getRawInput, next }) => {
  // an input that cannot be read is left to the procedure's parser (one without input ignores it)
  const raw: unknown = await getRawInput().catch(() => undefined);
  refuseNul(raw);
  return next();
});

export const publicProcedure = t.procedure.use(domainErrors).use(csrf).use(noNul);

/**
 * What a wall-display session may call: reading the map and dashboard (and its reference data and
 * live stream), and ending itself. Everything else, every mutation above all, is refused.
 */
export const WALL_READABLE = {
  queries: ['auth.', 'reference.', 'dashboard.', 'wall.', 'live.'],
  mutations: ['auth.logout'],
} as const;
export const wallMayCall = (path: string, type: 'query' | 'mutation' | 'subscription') =>
  type === 'mutation'
    ? (WALL_READABLE.mutations as readonly string[]).includes(path)
    : WALL_READABLE.queries.some((p) => path.startsWith(p));

export const authedProcedure = publicProcedure.use(async ({ ctx, path, type, next }) => {
  if (!ctx.session) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'please log in' });
  if (ctx.session.kind === 'wall' && !wallMayCall(path, type)) {
    await ctx.services.auth.logDenied(
      ctx.session.user,
      `wall-display session: ${type} ${path}`,
      ctx.request.ip,
    );
    throw new TRPCError({
      code: 'FORBIDDEN',
      message: `a wall-display session is read-only and may not call ${path}`,
    });
  }
  return next({ ctx: { ...ctx, user: ctx.session.user, session: ctx.session } });
});

/** A procedure open to the given roles only; refusals are written to the security log. */
export function roleProcedure(...roles: Role[]) {
  return authedProcedure.use(async ({ ctx, path, next }) => {
    if (!roles.includes(ctx.user.role)) {
      await ctx.services.auth.logDenied(ctx.user, `procedure ${path}`, ctx.request.ip);
      throw new TRPCError({ code: 'FORBIDDEN', message: `role ${ctx.user.role} may not call ${path}` });
    }
    return next();
  });
}

export const operatorProcedure = roleProcedure('operator', 'shift_lead');
export const dispatcherProcedure = roleProcedure('dispatcher', 'shift_lead');
export const reviewProcedure = roleProcedure('inspector', 'shift_lead', 'operator');
export const supervisorProcedure = roleProcedure(
  'supervisor',
  'shift_lead',
  'dispatcher',
  'operator',
  'inspector',
  'admin',
);
export const adminProcedure = roleProcedure('admin');

/** Department staff, narrowed to their own unit: `ctx.unitCode` is always set. */
export const unitStaffProcedure = roleProcedure('unit_staff').use(({ ctx, next }) => {
  const unitCode = ctx.user.unitCode;
  if (!unitCode)
    throw new TRPCError({ code: 'FORBIDDEN', message: 'your account is not attached to a unit' });
  return next({ ctx: { ...ctx, unitCode } });
});
