import type { FieldIssue } from './i18n-errors';
import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';
import {
  createTRPCClient,
  httpBatchLink,
  httpLink,
  httpBatchStreamLink,
  httpSubscriptionLink,
  splitLink,
  TRPCClientError,
} from '@trpc/client';
import { createTRPCContext } from '@trpc/tanstack-react-query';
import type { inferInput, inferOutput, TRPCOptionsProxy } from '@trpc/tanstack-react-query';
import superjson from 'superjson';
import type { AppRouter } from '@citygrid/api';

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

/** The session's CSRF token, echoed on every mutation (login sends a placeholder). */
let csrfToken: string | null = null;
export const setCsrfToken = (t: string | null) => {
  csrfToken = t;
};
export const getCsrfToken = () => csrfToken;

/** `onError` sees every failed query and mutation (the session uses it to notice UNAUTHORIZED). */
export function createQueryClient(onError: (e: unknown) => void = () => {}): QueryClient {
  return new QueryClient({
    queryCache: new QueryCache({ onError }),
    mutationCache: new MutationCache({ onError }),
    defaultOptions: {
      queries: {
        staleTime: 15_000,
        refetchOnWindowFocus: false,
        retry: (count, error) => {
          const code =
            error instanceof TRPCClientError
              ? (error.data as { code?: string } | undefined)?.code
              : undefined;
          if (
            code === 'UNAUTHORIZED' ||
            code === 'FORBIDDEN' ||
            code === 'NOT_FOUND' ||
            code === 'BAD_REQUEST'
          )
            return false;
          return count < 2;
        },
      },
    },
  });
}

export function createClient() {
  const url = '/api/trpc';
  const headers = () => ({ 'x-csrf-token': csrfToken ?? 'login' });
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: httpSubscriptionLink({
          url,
          transformer: superjson,
          eventSourceOptions: () => ({ withCredentials: true }),
        }),
        // auth.* sets/clears the session cookie, which a streamed response cannot do (its headers are
        // already sent when the procedure runs): those go through the plain batch link
        false: splitLink({
          condition: (op) => op.path.startsWith('auth.'),
          true: httpBatchLink({ url, transformer: superjson, headers }),
          // the map's open cases (one ~1.5 MB JSON text for 10,000 cases, ~7 MB for 50,000) in a request of their own,
          // not streamed: the JSON Lines stream re-encodes that text chunk by chunk on the server and
          // splits it again in the page (measured here: 3–4× the time of a plain response), and in a batch
          // it would wait for the slowest query of the batch
          // and every mutation (one per action of a person: intake, dispatch, close…): a request of one
          // call is answered by calling the procedure directly (apps/server trpc-direct.ts), without
          // the web streams a batch is answered through
          false: splitLink({
            condition: (op) => op.path === 'dashboard.openCaseMarkers' || op.type === 'mutation',
            true: httpLink({ url, transformer: superjson, headers }),
            false: httpBatchStreamLink({ url, transformer: superjson, headers }),
          }),
        }),
      }),
    ],
  });
}

type Api = TRPCOptionsProxy<AppRouter>;
export type Me = inferOutput<Api['auth']['me']>;
export type SessionUser = NonNullable<Me>['user'];
export type Role = SessionUser['role'];
export type Bootstrap = inferOutput<Api['reference']['bootstrap']>;
export type MinorClass = Bootstrap['minorClasses'][number];
export type Place = inferOutput<Api['reference']['places']>[number];
export type Preview = inferOutput<Api['intake']['preview']>;
export type IntakeInput = inferInput<Api['intake']['create']>;
export type IntakeResult = inferOutput<Api['intake']['create']>;
export type CallerHistory = inferOutput<Api['intake']['callerHistory']>;
export type CaseView = inferOutput<Api['cases']['get']>;
export type CaseEvent = CaseView['events'][number];
export type CaseState = CaseView['record']['state'];
export type ActionType = CaseView['allowedActions'][number];
export type UnitQueueItem = inferOutput<Api['unitWork']['queue']>['items'][number];
export type DispatchQueueItem = inferOutput<Api['dispatch']['queue']>['items'][number];
export type ReviewQueueItem = inferOutput<Api['review']['queue']>['items'][number];
export type OpenCase = inferOutput<Api['dashboard']['openCases']>[number];
export type { OpenCaseMarker, OpenCaseMarkers } from '@citygrid/api';
export type CaseFilter = NonNullable<inferInput<Api['dashboard']['openCases']>>;
export type EvaluationRow = inferOutput<Api['dashboard']['evaluation']>[number];
/** What `cases.act` takes: the request type inferred from the server's one action schema. */
export type ActInput = inferInput<Api['cases']['act']>;
export type ActionPayload = ActInput['action'];
export type LiveEnvelope = Api['live']['onCaseEvent']['~types']['output'];
export type LiveCaseEvent =
  LiveEnvelope extends AsyncIterable<infer T, unknown, unknown>
    ? T extends { data: infer D }
      ? D
      : never
    : never;

/** Error details the server's errorFormatter adds: coded field issues and the domain error code. */
export interface ServerErrorData {
  code?: string;
  httpStatus?: number;
  fields?: FieldIssue[];
  domain?: { code?: string; field?: string; state?: string } | null;
}
/** An error answer from a plain `/api/*` endpoint (not tRPC), with the same coded details. */
export class ServerError extends Error {
  constructor(
    message: string,
    readonly data: ServerErrorData,
  ) {
    super(message);
    this.name = 'ServerError';
  }
}
export function errorData(e: unknown): ServerErrorData {
  if (e instanceof ServerError) return e.data;
  return e instanceof TRPCClientError ? ((e.data as ServerErrorData | undefined) ?? {}) : {};
}
export const isConflict = (e: unknown) =>
  errorData(e).code === 'CONFLICT' || errorData(e).domain?.code === 'CONFLICT';
/** Field errors by path (`description`, `action.reason`…), each in the person's language when `translate` is given. */
export function fieldErrors(
  e: unknown,
  translate?: (issue: FieldIssue) => string | null,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of errorData(e).fields ?? []) out[f.field] ??= translate?.(f) || f.message;
  return out;
}
