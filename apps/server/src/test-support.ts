/**
 * Test support: a real server on a real SQLite file in a temp directory, listening on port 0, and
 * tRPC clients that log in over HTTP with cookies and the CSRF header like a browser.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTRPCClient, httpLink, httpSubscriptionLink, splitLink, TRPCClientError, type TRPCClient } from '@trpc/client';
import { EventSource } from 'eventsource';
import superjson from 'superjson';
import type { AppRouter, Clock } from '@citygrid/api';
import { loadConfig, type ServerConfig } from './env.ts';
import { startServer, type RunningServer } from './server.ts';

export const DEMO_PASSWORD = 'citygrid-demo';

export interface TestServer extends RunningServer {
  dir: string;
  stop(): Promise<void>;
}

export async function startTestServer(overrides: Partial<ServerConfig> = {}, opts: { clock?: Clock; dir?: string } = {}): Promise<TestServer> {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'citygrid-test-'));
  const config = loadConfig({}, { PORT: 0, HOST: '127.0.0.1', DATABASE_PATH: join(dir, 'citygrid.db'), SEED_HISTORY_CASES: 0, ARGON2_FAST: true, OPEN311_DEMO_KEY: 'test-key', ...overrides });
  const running = await startServer(config, opts.clock ? { clock: opts.clock } : {});
  return {
    ...running,
    dir,
    stop: async () => {
      await running.close();
      if (!opts.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

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
            eventSourceOptions: () => ({ fetch: (url: string | URL, init?: RequestInit) => fetch(url, { ...init, headers: { ...(init?.headers as Record<string, string>), cookie: this.cookie } }) }) as never,
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
export async function errorOf(p: Promise<unknown>): Promise<{ code: string; httpStatus: number; message: string; fields: Array<{ field: string; message: string }>; domain: Record<string, unknown> | null }> {
  try {
    await p;
  } catch (e) {
    if (e instanceof TRPCClientError) {
      const data = e.data as { code: string; httpStatus: number; fields?: Array<{ field: string; message: string }>; domain?: Record<string, unknown> | null };
      return { code: data.code, httpStatus: data.httpStatus, message: e.message, fields: data.fields ?? [], domain: data.domain ?? null };
    }
    throw e;
  }
  throw new Error('expected the call to fail');
}

/** A point inside the shipped grid (the centre of Xilinhot) and one outside it. */
export const CITY_CENTRE = { lat: 43.934, lng: 116.086 };
export const OUTSIDE_GRID = { lat: 43.8, lng: 115.9 };

/** A controllable clock for deadline tests. */
export class TestClock implements Clock {
  constructor(private t: number) {}
  now() {
    return new Date(this.t);
  }
  set(iso: string) {
    this.t = Date.parse(iso);
  }
  advance(ms: number) {
    this.t += ms;
  }
}

/** Log several users in at once, typed as a tuple so destructuring stays exact. */
export async function loginMany<const T extends readonly string[]>(server: { url: string }, names: T): Promise<{ -readonly [K in keyof T]: Session }> {
  return (await Promise.all(names.map((n) => loginAs(server, n)))) as { -readonly [K in keyof T]: Session };
}
