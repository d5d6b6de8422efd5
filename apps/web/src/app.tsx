import { lazy, Suspense, useEffect, useState } from 'react';
import { QueryClientProvider, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { createClient, createQueryClient, setCsrfToken, TRPCProvider, useTRPC, type SessionUser } from './lib/trpc';
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

export function App() {
  const [queryClient] = useState(createQueryClient);
  const [trpcClient] = useState(createClient);
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        <Session />
      </TRPCProvider>
    </QueryClientProvider>
  );
}

function Session() {
  const trpc = useTRPC();
  const me = useQuery({ ...trpc.auth.me.queryOptions(), staleTime: Infinity, retry: 1 });
  if (me.isPending) return <Loading />;
  if (me.isError) return <ErrorBox error={me.error} onRetry={() => void me.refetch()} />;
  if (!me.data) {
    setCsrfToken(null);
    return <LoginScreen />;
  }
  setCsrfToken(me.data.csrfToken);
  return (
    <ReferenceProvider>
      <Shell user={me.data.user} />
    </ReferenceProvider>
  );
}

function Shell({ user }: { user: SessionUser }) {
  const route = useRoute();
  const first = route.segments[0] ?? '';
  // `#/map?wall=1` is the wall too (older bookmarks, the wall session)
  const wall = first === 'wall' || (route.path === '/map' && route.params.get('wall') === '1');
  const screen = (['intake', 'unit', 'dispatch', 'review', 'map', 'reports', 'wall', 'admin'] as const).find((s) => s === first) ?? null;
  const allowed = screen !== null && mayUse(user.role, screen);

  useEffect(() => {
    if (first === 'case') return;
    if (!allowed) navigate(`/${landingOf(user.role)}`, true);
  }, [allowed, first, user.role]);

  let body: React.ReactNode = <Loading />;
  if (first === 'case' && route.segments[1]) body = <CaseScreen caseNumber={route.segments[1]} />;
  else if (allowed && screen === 'intake') body = <IntakeScreen />;
  else if (allowed && screen === 'unit') body = <UnitQueueScreen />;
  else if (allowed && screen === 'dispatch') body = <DispatchScreen />;
  else if (allowed && screen === 'review') body = <ReviewScreen />;
  else if (allowed && wall) body = <WallScreen />;
  else if (allowed && screen === 'map') body = <CommandMapScreen wall={false} />;
  else if (allowed && screen === 'reports') body = <ReportsScreen />;
  else if (allowed && screen === 'admin') body = <AdminScreen />;

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
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const logout = useMutation(
    trpc.auth.logout.mutationOptions({
      onSettled: () => {
        setCsrfToken(null);
        queryClient.clear();
        queryClient.setQueryData(trpc.auth.me.queryKey(), null);
        navigate('/', true);
      },
    }),
  );
  return (
    <header className="header">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true">◆</span>
        <span className="brand-name">{t('app.name')}</span>
      </div>
      <nav className="nav" aria-label="main">
        {SCREENS_BY_ROLE[user.role].map((s) => (
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
        <button type="button" className="ghost" data-testid="logout" onClick={() => logout.mutate()} disabled={logout.isPending}>
          {t('app.logout')}
        </button>
      </div>
    </header>
  );
}
