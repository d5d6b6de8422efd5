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
