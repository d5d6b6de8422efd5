import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { applyLanguage, CITIZEN_LANGS, type CitizenLang } from './i18n';
import { go, usePath } from './nav';
import { flushOutbox, pendingReports, type PendingReport } from './outbox';
import { ReportPage } from './report-page';
import { ErrorText } from './messages';
import type { CitizenApiError } from './api';

const TrackPage = lazy(() => import('./track-page'));

function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  return (
    <div className="lang-switch" role="group" aria-label={t('app.langLabel')}>
      {CITIZEN_LANGS.map((l) => (
        <button
          key={l}
          type="button"
          lang={l === 'mn' ? 'mn-Mong' : l === 'zh' ? 'zh-CN' : 'en'}
          aria-pressed={i18n.language === l}
          onClick={() => applyLanguage(l as CitizenLang)}
          data-testid={`lang-${l}`}
        >
          {t(`lang.${l}`)}
        </button>
      ))}
    </div>
  );
}

/** Reports kept on the phone: how many wait, and what became of them when the signal returned. */
function useOutbox() {
  const [pending, setPending] = useState(() => pendingReports().length);
  const [online, setOnline] = useState(() => navigator.onLine);
  const [sent, setSent] = useState<string[]>([]);
  const [refused, setRefused] = useState<CitizenApiError | null>(null);
  const flush = useCallback(() => {
    void flushOutbox(
      (_p: PendingReport, code: string) => setSent((s) => [...s, code]),
      (_p, e) => setRefused(e),
    );
  }, []);
  useEffect(() => {
    const onChange = () => setPending(pendingReports().length);
    const onOnline = () => {
      setOnline(true);
      flush();
    };
    const onOffline = () => setOnline(false);
    window.addEventListener('citizen-outbox', onChange);
    window.addEventListener('storage', onChange);
    window.addEventListener('online', onOnline);
    window.addEventListener('offline', onOffline);
    if (navigator.onLine) flush();
    return () => {
      window.removeEventListener('citizen-outbox', onChange);
      window.removeEventListener('storage', onChange);
      window.removeEventListener('online', onOnline);
      window.removeEventListener('offline', onOffline);
    };
  }, [flush]);
  return { pending, online, sent, refused };
}

export function CitizenApp() {
  const { t } = useTranslation();
  const path = usePath();
  const outbox = useOutbox();
  const trackCode = /^\/track\/?(.*)$/.exec(path)?.[1] ?? null;
  useEffect(() => {
    document.title = `${t('app.title')} · ${t('app.subtitle')}`;
  }, [t]);

  return (
    <div className="citizen">
      <a className="skip" href="#main">
        {t('app.skip')}
      </a>
      <header className="c-header">
        <div className="brand">
          <h1>{t('app.title')}</h1>
          <p className="sub">{t('app.subtitle')}</p>
        </div>
        <LanguageSwitch />
        <nav className="c-nav" aria-label={t('app.title')}>
          <a
            href="/report"
            aria-current={trackCode === null ? 'page' : undefined}
            onClick={(e) => (e.preventDefault(), go('/report'))}
          >
            {t('nav.report')}
          </a>
          <a
            href="/track"
            aria-current={trackCode !== null ? 'page' : undefined}
            onClick={(e) => (e.preventDefault(), go('/track'))}
          >
            {t('nav.track')}
          </a>
        </nav>
      </header>
      <div aria-live="polite" className="banners">
        {!outbox.online && (
          <p className="banner offline" data-testid="offline-banner">
            {t('offline.offlineNow')}
          </p>
        )}
        {outbox.pending > 0 && (
          <p className="banner pending" data-testid="outbox-pending">
            {t('offline.pending', { n: outbox.pending })}
          </p>
        )}
        {outbox.sent.map((code) => (
          <p key={code} className="banner ok" data-testid="outbox-sent">
            {t('offline.sent', { code })}{' '}
            <a href={`/track/${code}`} onClick={(e) => (e.preventDefault(), go(`/track/${code}`))}>
              {t('result.track')}
            </a>
          </p>
        ))}
        {outbox.refused && <ErrorText error={outbox.refused} />}
      </div>
      <main id="main" className="c-main">
        {trackCode === null ? (
          <ReportPage />
        ) : (
          <Suspense fallback={<p className="muted">…</p>}>
            <TrackPage code={decodeURIComponent(trackCode)} />
          </Suspense>
        )}
      </main>
    </div>
  );
}
