import type { Services } from './compose.ts';
import { databaseUnavailableError, isDatabaseUnavailable } from './errors.ts';
import type { SessionUser } from './session-user.ts';

export type { SessionUser } from './session-user.ts';

export interface CookieJar {
  get(name: string): string | undefined;
  set(name: string, value: string, opts: { maxAgeSeconds: number; httpOnly: boolean }): void;
  clear(name: string): void;
}

/** What every procedure sees. Built per request by the HTTP adapter in apps/server. */
export interface Context {
  services: Services;
  /** `kind: 'wall'` is a read-only wall-display session (see `WALL_READABLE` in trpc.ts). */
  session: { user: SessionUser; csrfToken: string; tokenHash: string; kind: 'staff' | 'wall' } | null;
  request: { ip: string | null; csrfHeader: string | null; method: string };
  cookies: CookieJar;
}

export const SESSION_COOKIE = 'cg_session';
export const CSRF_HEADER = 'x-csrf-token';

/** Resolve the session cookie into a user. Used by the HTTP adapter. */
export async function createContext(opts: {
  services: Services;
  cookies: CookieJar;
  ip: string | null;
  csrfHeader: string | null;
  method: string;
}): Promise<Context> {
  const token = opts.cookies.get(SESSION_COOKIE);
  const session = token ? await resolveSession(opts.services, token) : null;
  return {
    services: opts.services,
    session,
    request: { ip: opts.ip, csrfHeader: opts.csrfHeader, method: opts.method },
    cookies: opts.cookies,
  };
}

/** The session of `token`; a database that cannot be reached is SERVICE_UNAVAILABLE here too. */
async function resolveSession(services: Services, token: string) {
  try {
    return await services.auth.resolveSession(token);
  } catch (e) {
    throw isDatabaseUnavailable(e) ? databaseUnavailableError(e) : e;
  }
}
