import { TRPCError } from '@trpc/server';
import { DomainError, type DomainErrorCode } from '@citygrid/domain';
import { ZodError } from 'zod';

type TRPCCode = TRPCError['code'];

/** The one place where domain error codes become tRPC codes (and so HTTP statuses). */
export const DOMAIN_TO_TRPC: Record<DomainErrorCode, TRPCCode> = {
  BAD_INPUT: 'BAD_REQUEST',
  NOT_FOUND: 'NOT_FOUND',
  FORBIDDEN: 'FORBIDDEN',
  UNAUTHENTICATED: 'UNAUTHORIZED',
  ILLEGAL_TRANSITION: 'UNPROCESSABLE_CONTENT',
  CONFLICT: 'CONFLICT',
  IDEMPOTENCY_MISMATCH: 'UNPROCESSABLE_CONTENT',
  TOO_MANY_REQUESTS: 'TOO_MANY_REQUESTS',
  OUTSIDE_GRID: 'BAD_REQUEST',
};

export const DOMAIN_TO_HTTP: Record<DomainErrorCode, number> = {
  BAD_INPUT: 400,
  NOT_FOUND: 404,
  FORBIDDEN: 403,
  UNAUTHENTICATED: 401,
  ILLEGAL_TRANSITION: 422,
  CONFLICT: 409,
  IDEMPOTENCY_MISMATCH: 422,
  TOO_MANY_REQUESTS: 429,
  OUTSIDE_GRID: 400,
};

/** Error codes of a database connection that failed: the socket's, postgres.js's own. */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EPIPE',
  'CONNECT_TIMEOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
]);

/**
 * Whether `e` (or an error it was caused by) says the database cannot be reached: a connection
 * refused, reset or timed out, SQLSTATE class 08 (connection exception) or 57P01-57P03 (the server
 * shutting down, crashed, or not yet accepting connections). The request may succeed if repeated; it
 * is answered 503, and the driver's text (hosts, ports) is never shown to the client.
 */
export function isDatabaseUnavailable(e: unknown): boolean {
  let c: unknown = e;
  for (let depth = 0; depth < 5 && c !== null && typeof c === 'object'; depth++) {
    const code = (c as { code?: unknown }).code;
    if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || /^08|^57P0[123]$/.test(code)))
      return true;
    c = (c as { cause?: unknown }).cause;
  }
  return false;
}

/** What a client is told when the database cannot be reached. */
export const DATABASE_UNAVAILABLE_MESSAGE = 'the database cannot be reached now; try again in a moment';

/** The tRPC error of a database that cannot be reached (`cause` stays for the server's log). */
export const databaseUnavailableError = (cause: unknown): TRPCError =>
  new TRPCError({ code: 'SERVICE_UNAVAILABLE', message: DATABASE_UNAVAILABLE_MESSAGE, cause });

export function toTRPCError(e: DomainError): TRPCError {
  return new TRPCError({ code: DOMAIN_TO_TRPC[e.code], message: e.message, cause: e });
}

/**
 * One field-level problem, for the client to show in its own language: `code` is the zod issue code
 * (`too_big`, `too_small`, `invalid_type`, `invalid_format`, `invalid_value`…) or the domain error code,
 * `params` its figures (`maximum`, `minimum`, `origin`…). `message` is the server's English text for logs and API users.
 */
export interface FieldIssue {
  field: string;
  message: string;
  code: string;
  params: Record<string, string | number | boolean>;
}

const PARAM_KEYS = ['maximum', 'minimum', 'origin', 'inclusive', 'expected', 'format', 'reason'] as const;

function paramsOf(source: object): FieldIssue['params'] {
  const out: FieldIssue['params'] = {};
  const values = new Map<string, unknown>(Object.entries(source));
  for (const k of PARAM_KEYS) {
    const v = values.get(k);
    if (typeof v === 'string' || typeof v === 'boolean') out[k] = v;
    else if (typeof v === 'number' && Number.isFinite(v)) out[k] = v;
    else if (typeof v === 'bigint') out[k] = Number(v);
  }
  return out;
}

/** Field-level issues from zod or a domain error, for the client: [{ field: 'location.lat', message, code, params }]. */
export function fieldIssuesOf(cause: unknown): FieldIssue[] {
  if (cause instanceof ZodError) {
    return cause.issues.map((i) => ({
      field: i.path.map(String).join('.') || '(input)',
      message: i.message,
      code: i.code,
      params: paramsOf(i),
    }));
  }
  if (cause instanceof DomainError && cause.details.field)
    return [
      {
        field: cause.details.field,
        message: cause.message,
        code: cause.code,
        params: paramsOf(cause.details),
      },
    ];
  return [];
}
