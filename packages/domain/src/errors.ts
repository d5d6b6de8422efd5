/**
 * The one error model. Domain and data code throws `DomainError` with a code; the API layer maps
 * each code to an HTTP/tRPC status in a single place.
 */
export type DomainErrorCode =
  | 'BAD_INPUT' // a field is invalid; `field` names it
  | 'NOT_FOUND'
  | 'FORBIDDEN' // role or scope does not allow it
  | 'UNAUTHENTICATED'
  | 'ILLEGAL_TRANSITION' // the state machine refuses this action from this state
  | 'CONFLICT' // optimistic concurrency: the case changed since it was read
  | 'IDEMPOTENCY_MISMATCH' // same idempotency key, different request body
  | 'TOO_MANY_REQUESTS'
  | 'OUTSIDE_GRID';

export class DomainError extends Error {
  override readonly name = 'DomainError';
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly details: { field?: string; [k: string]: unknown } = {},
  ) {
    super(message);
  }
}

export const isDomainError = (e: unknown): e is DomainError => e instanceof DomainError;
