/**
 * Talking to a running server as a browser or a script would: tRPC clients with a cookie jar and the
 * CSRF header, raw HTTP calls that keep the status and the error as sent, and the error model.
 */
import {
  createTRPCClient,
  httpLink,
  httpSubscriptionLink,
  splitLink,
  TRPCClientError,
  type TRPCClient,
} from '@trpc/client';
import { EventSource } from 'eventsource';
import superjson from 'superjson';
import type { AppRouter } from '@citygrid/api';

export const DEMO_PASSWORD = 'citygrid-demo';

export type Client = TRPCClient<AppRouter>;

/** A browser-like session: cookie jar + CSRF header. */
export class Session {
  cookie = '';
  csrf = 'login';
  readonly client: Client;
  constructor(readonly baseUrl: string) {
    const fetchWithCookies: typeof fetch = async (input, init) => {
      const headers = new Headers(init?.headers);
      if (this.cookie) headers.set('cookie', this.cookie);
      headers.set('x-csrf-token', this.csrf);
      const res = await fetch(input, { ...init, headers });
      const set = res.headers.getSetCookie();
      for (const c of set) {
        const [pair] = c.split(';');
        if (pair?.startsWith('cg_session=')) this.cookie = pair.endsWith('=') ? '' : pair;
      }
      return res;
    };
    this.client = createTRPCClient<AppRouter>({
      links: [
        splitLink({
          condition: (op) => op.type === 'subscription',
          true: httpSubscriptionLink({
            url: `${baseUrl}/api/trpc`,
            transformer: superjson,
            EventSource: EventSource as never,
            eventSourceOptions: () =>
              ({
                fetch: (url: string | URL, init?: RequestInit) =>
                  fetch(url, {
                    ...init,
                    headers: { ...(init?.headers as Record<string, string>), cookie: this.cookie },
                  }),
              }) as never,
          }),
          false: httpLink({ url: `${baseUrl}/api/trpc`, transformer: superjson, fetch: fetchWithCookies }),
        }),
      ],
    });
  }

  async login(username: string, password = DEMO_PASSWORD) {
    const r = await this.client.auth.login.mutate({ username, password });
    this.csrf = r.csrfToken;
    return r.user;
  }
}

export async function loginAs(server: { url: string }, username: string): Promise<Session> {
  const s = new Session(server.url);
  await s.login(username);
  return s;
}

/** The tRPC error of a rejected call, with its HTTP status and field issues. */
export async function errorOf(p: Promise<unknown>): Promise<{
  code: string;
  httpStatus: number;
  message: string;
  fields: Array<{ field: string; message: string }>;
  domain: Record<string, unknown> | null;
}> {
  try {
    await p;
  } catch (e) {
    if (e instanceof TRPCClientError) {
      const data = e.data as {
        code: string;
        httpStatus: number;
        fields?: Array<{ field: string; message: string }>;
        domain?: Record<string, unknown> | null;
      };
      return {
        code: data.code,
        httpStatus: data.httpStatus,
        message: e.message,
        fields: data.fields ?? [],
        domain: data.domain ?? null,
      };
    }
    throw e;
  }
  throw new Error('expected the call to fail');
}

/** Log several users in at once, typed as a tuple so destructuring stays exact. */
export async function loginMany<const T extends readonly string[]>(
  server: { url: string },
  names: T,
): Promise<{ -readonly [K in keyof T]: Session }> {
  return (await Promise.all(names.map((n) => loginAs(server, n)))) as { -readonly [K in keyof T]: Session };
}

/** A tRPC call over raw HTTP, returning the status and the error (if any) as sent. */
export async function rawCall(
  baseUrl: string,
  s: Pick<Session, 'cookie' | 'csrf'> | null,
  path: string,
  type: 'query' | 'mutation',
  input: unknown,
  opts: { rawBody?: string; rawQuery?: string } = {},
): Promise<{
  status: number;
  error: {
    message: string;
    data?: { code?: string; fields?: Array<{ field: string; message: string }> };
  } | null;
  result: unknown;
}> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (s) {
    headers['x-csrf-token'] = s.csrf;
    if (s.cookie) headers.cookie = s.cookie;
  }
  const encoded = input === undefined ? '' : encodeURIComponent(JSON.stringify({ json: input }));
  const res =
    type === 'query'
      ? await fetch(
          `${baseUrl}/api/trpc/${path}${opts.rawQuery !== undefined ? `?${opts.rawQuery}` : encoded ? `?input=${encoded}` : ''}`,
          { headers },
        )
      : await fetch(`${baseUrl}/api/trpc/${path}`, {
          method: 'POST',
          headers,
          body: opts.rawBody ?? (input === undefined ? '' : JSON.stringify({ json: input })),
        });
  const text = await res.text();
  let body: { error?: { json?: unknown }; result?: { data?: { json?: unknown } } } = {};
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    body = {};
  }
  return { status: res.status, error: (body.error?.json as never) ?? null, result: body.result?.data?.json };
}

/** Log a user in over raw HTTP (no tRPC client): cookie + CSRF token. */
export async function rawLogin(baseUrl: string, username: string): Promise<{ cookie: string; csrf: string }> {
  const res = await fetch(`${baseUrl}/api/trpc/auth.login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-csrf-token': 'login' },
    body: JSON.stringify({ json: { username, password: DEMO_PASSWORD } }),
  });
  const body = (await res.json()) as { result: { data: { json: { csrfToken: string } } } };
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0]!)
    .find((c) => c.startsWith('cg_session='))!;
  return { cookie, csrf: body.result.data.json.csrfToken };
}

/** Log in over raw HTTP and return the headers an authenticated JSON request needs (load generators). */
export async function loginHeaders(baseUrl: string, username = 'operator'): Promise<Record<string, string>> {
  const { cookie, csrf } = await rawLogin(baseUrl, username);
  return { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' };
}
