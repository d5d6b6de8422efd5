import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import { QueryClientProvider, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import {
  createClient,
  createQueryClient,
  setCsrfToken,
  TRPCProvider,
  useTRPC,
  useTRPCClient,
  type Me,
  type SessionUser,
} from './lib/trpc';
import {
  listenSessionLost,
  reportIfUnauthorized,
  SessionContext,
  useSession,
  type SessionState,
} from './lib/session';
import { navigate, useRoute } from './lib/router';
import { landingOf, mayUse, SCREENS_BY_ROLE, type ScreenKey } from './lib/roles';
import { ReferenceProvider } from './lib/reference';
import { LoginScreen } from './screens/login-screen';
import { ErrorBox, Loading } from './components/status';
import { setLanguage, type Language } from './i18n';

const IntakeScreen = lazy(() => import('./screens/intake-screen'));
const UnitQueueScreen = lazy(() => import('./screens/unit-queue-screen'));
const DispatchScreen = lazy(() => import('./screens/dispatch-screen'));
const ReviewScreen = lazy(() => import('./screens/review-screen'));
const CommandMapScreen = lazy(() => import('./screens/command-map-screen'));
const CaseScreen = lazy(() => import('./screens/case-screen'));
const AdminScreen = lazy(() => import('./screens/admin/admin-screen'));
const ReportsScreen = lazy(() => import('./screens/reports/reports-screen'));
const WallScreen = lazy(() => import('./screens/wall/wall-screen'));
const SearchScreen = lazy(() => import('./screens/search-screen'));

export function App() {
  const [queryClient] = useState(() => createQueryClient(reportIfUnauthorized));
  const [trpcClient] = useState(createClient);
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        <Session />
      </TRPCProvider>
    </QueryClientProvider>
  );
}

type SessionPhase = { phase: 'in'; me: NonNullable<Me> } | { phase: 'out'; notice: 'expired' | null };

/**
 * Who is logged in. The first answer comes from `auth.me`; after that login, logout and a lost
 * session (any call answered UNAUTHORIZED) switch the phase here, in React state, so the login form
 * replaces the shell in the same render: every screen unmounts (its live EventSource closes, its
 * state goes) and the query cache is emptied, so no case data stays in the page.
 */
function Session() {
  const trpc = useTRPC();
  const trpcClient = useTRPCClient();
  const queryClient = useQueryClient();
  const [phase, setPhase] = useState<SessionPhase | null>(null);
  const boot = useQuery({
    ...trpc.auth.me.queryOptions(),
    staleTime: Infinity,
    retry: 1,
    enabled: phase === null,
  });
  const current: SessionPhase | null =
    phase ??
    (boot.data === undefined
      ? null
      : boot.data
        ? { phase: 'in', me: boot.data }
        : { phase: 'out', notice: null });
  if (current?.phase === 'in') setCsrfToken(current.me.csrfToken);

  const endSession = useCallback(
    (notice: 'expired' | null, revoke: boolean) => {
      if (revoke) {
        // the request carries the current CSRF token; the token is dropped once it has been answered
        void trpcClient.auth.logout
          .mutate()
          .catch(() => undefined)
          .finally(() => setCsrfToken(null));
      } else setCsrfToken(null);
      setPhase({ phase: 'out', notice });
      navigate('/', true);
    },
    [trpcClient],
  );
  const loggedIn = current?.phase === 'in';
  // once the shell is gone (this effect runs after the commit that unmounted it), drop every cached answer
  useEffect(() => {
    if (phase?.phase !== 'out') return;
    void queryClient.cancelQueries();
    queryClient.clear();
  }, [phase, queryClient]);
  useEffect(() => {
    if (!loggedIn) return;
    listenSessionLost(() => endSession('expired', false));
    return () => listenSessionLost(null);
  }, [loggedIn, endSession]);

  const me = current?.phase === 'in' ? current.me : null;
  const session = useMemo<SessionState | null>(
    () => (me ? { user: me.user, kind: me.kind, logout: () => endSession(null, true) } : null),
    [me, endSession],
  );

  if (current === null) {
    if (boot.isError) return <ErrorBox error={boot.error} onRetry={() => void boot.refetch()} />;
    return <Loading />;
  }
  if (current.phase === 'out' || !session) {
    return (
      <LoginScreen
        notice={current.phase === 'out' ? current.notice : null}
        onLoggedIn={(res) => {
          setCsrfToken(res.csrfToken);
          queryClient.setQueryData(trpc.auth.me.queryKey(), res);
          setPhase({ phase: 'in', me: res });
        }}
      />
    );
  }
  return (
    <SessionContext.Provider value={session}>
      <ReferenceProvider>
        <Shell key={session.user.id} user={session.user} />
      </ReferenceProvider>
    </SessionContext.Provider>
  );
}

function Shell({ user }: { user: SessionUser }) {
  const route = useRoute();
  const first = route.segments[0] ?? '';
  const { kind } = useSession();
  // `#/map?wall=1` is the wall too (older bookmarks, the wall session)
  const wall = first === 'wall' || (route.path === '/map' && route.params.get('wall') === '1');
  const screen =
    (['intake', 'unit', 'dispatch', 'review', 'map', 'reports', 'wall', 'admin', 'search'] as const).find(
      (s) => s === first,
    ) ?? null;
  // a wall-display session shows the command map and the wall only (the server refuses it everything else)
  const allowed =
    screen !== null && (kind === 'wall' ? screen === 'map' || screen === 'wall' : mayUse(user.role, screen));
  const caseRoute = first === 'case' && kind !== 'wall';

  useEffect(() => {
    if (caseRoute) return;
    if (!allowed) navigate(kind === 'wall' ? '/map?wall=1' : `/${landingOf(user.role)}`, true);
  }, [allowed, caseRoute, kind, user.role]);

  let body: React.ReactNode = <Loading />;
  if (caseRoute && route.segments[1]) body = <CaseScreen caseNumber={route.segments[1]} />;
  else if (allowed && screen === 'intake') body = <IntakeScreen />;
  else if (allowed && screen === 'unit') body = <UnitQueueScreen />;
  else if (allowed && screen === 'dispatch') body = <DispatchScreen />;
  else if (allowed && screen === 'review') body = <ReviewScreen />;
  else if (allowed && wall) body = <WallScreen />;
  else if (allowed && screen === 'map') body = <CommandMapScreen wall={false} />;
  else if (allowed && screen === 'reports') body = <ReportsScreen />;
  else if (allowed && screen === 'admin') body = <AdminScreen />;
  else if (allowed && screen === 'search') body = <SearchScreen />;

  return (
    <div className={`shell${wall ? ' wall' : ''}`}>
      {!wall && <Header user={user} current={screen} />}
      <main className="main">
        <Suspense fallback={<Loading />}>{body}</Suspense>
      </main>
    </div>
  );
}

function Header({ user, current }: { user: SessionUser; current: ScreenKey | null }) {
  const { t, i18n } = useTranslation();
  const { logout, kind } = useSession();
  return (
    <header className="header">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true">
          ◆
        </span>
        <span className="brand-name">{t('app.name')}</span>
      </div>
      <nav className="nav" aria-label="main">
        {(kind === 'wall' ? (['map'] as const) : SCREENS_BY_ROLE[user.role]).map((s) => (
          <a key={s} href={`#/${s}`} className={s === current ? 'active' : ''} data-testid={`nav-${s}`}>
            {t(s === 'wall' ? 'nav.wallScreen' : `nav.${s}`)}
          </a>
        ))}
      </nav>
      <div className="header-right">
        <span className="user" data-testid="current-user">
          {user.displayName}
          <span className="role-badge" data-testid="current-role">
            {t(`roles.${user.role}`)}
            {user.unitCode ? ` · ${user.unitCode}` : ''}
          </span>
        </span>
        <select
          aria-label={t('app.language')}
          data-testid="language-switch"
          value={i18n.language === 'en' ? 'en' : 'zh'}
          onChange={(e) => setLanguage(e.target.value as Language)}
        >
          <option value="zh">中文</option>
          <option value="en">English</option>
        </select>
        <button type="button" className="ghost" data-testid="logout" onClick={logout}>
          {t('app.logout')}
        </button>
      </div>
    </header>
  );
}
