import { createContext, useContext } from 'react';
import { errorData, type Me, type SessionUser } from './trpc';

export type SessionKind = NonNullable<Me>['kind'];

/** The logged-in session as the shell sees it; provided by `<Session>` in app.tsx. */
export interface SessionState {
  user: SessionUser;
  kind: SessionKind;
  /** End the session: the login form at once, caches and live streams dropped, the cookie revoked. */
  logout(): void;
}

export const SessionContext = createContext<SessionState | null>(null);

/** The current session (screens render only inside the shell, where there always is one). */
export function useSession(): SessionState {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside <SessionContext>');
  return s;
}

/** The logged-in user. */
export function useSessionUser(): SessionUser {
  return useSession().user;
}

/**
 * Any call that fails with UNAUTHORIZED means the session ended elsewhere (expired, revoked, logged
 * out in another tab). The query client reports it here; the session component listens and shows
 * the login form with a translated notice.
 */
let onSessionLost: (() => void) | null = null;
export function listenSessionLost(fn: (() => void) | null): void {
  onSessionLost = fn;
}
export function reportIfUnauthorized(e: unknown): void {
  if (errorData(e).code === 'UNAUTHORIZED') onSessionLost?.();
}
