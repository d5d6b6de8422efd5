import { useMemo, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useTRPC, type ReviewQueueItem } from '../lib/trpc';
import { useQueueLive } from '../lib/queue-live';
import { useSessionUser } from '../lib/session';
import { formatShort } from '../lib/format';
import { CaseDrawer } from '../components/case-drawer';
import { LiveStatusBadge } from '../components/live-status';
import { Empty, ErrorBox, Loading } from '../components/status';

export default function ReviewScreen() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const user = useSessionUser();
  const [selected, setSelected] = useState<string | null>(null);
  const q = useQuery({ ...trpc.review.queue.queryOptions(), refetchInterval: 60_000 });
  const live = useQueueLive(trpc.review.queue.pathKey());
  const sections = useMemo(() => {
    const all = q.data ?? [];
    return [
      { key: 'disposed', title: t('queue.disposedSection'), items: all.filter((r) => r.state === 'disposed') },
      { key: 'closed', title: t('queue.closedSection'), items: all.filter((r) => r.state === 'closed') },
    ];
  }, [q.data, t]);

  const row = (r: ReviewQueueItem) => (
    <li key={r.caseNumber}>
      <button type="button" className={`queue-row ${selected === r.caseNumber ? 'selected' : ''}`} onClick={() => setSelected(r.caseNumber)} data-testid={`case-row-${r.caseNumber}`}>
        <span className="num strong">{r.caseNumber}</span>
        <span className={`state-badge state-${r.state}`}>{t(`states.${r.state}`)}</span>
        {r.disposedLate && <span className="urgent-badge">{t('queue.late')}</span>}
        {r.reworkCount > 0 && <span className="chip small">{t('queue.reworks', { n: r.reworkCount })}</span>}
        <span className="num muted small">{formatShort(r.state === 'closed' ? r.closedAt : r.disposedAt)}</span>
        <span className="row-sub">
          <span>{r.minorClassName}</span>
          <span className="muted">{r.unitName ?? ''}</span>
          <span className="muted">{r.communityName ?? ''}</span>
          {r.state === 'closed' && r.callerPhone && (
            <span className="num">
              {r.callerName ?? ''} {r.callerPhone}
            </span>
          )}
          <span className="muted ellipsis">{r.description}</span>
        </span>
      </button>
    </li>
  );

  return (
    <div className="queue-layout">
      <section className="panel queue-panel">
        <div className="panel-title">
          <h2>{t('queue.reviewTitle')}</h2>
          <LiveStatusBadge status={live} />
          <span className="muted small num" data-testid="queue-count">
            {t('queue.count', { n: q.data?.length ?? 0 })}
          </span>
        </div>
        {q.isPending && <Loading />}
        {q.isError && <ErrorBox error={q.error} onRetry={() => void q.refetch()} />}
        <div className="queue-list" data-testid="queue-list">
          {sections.map((s) => (
            <section key={s.key} className="queue-group" data-testid={`group-${s.key}`}>
              <h3 className="group-head">
                {s.title} <span className="num muted">{s.items.length}</span>
              </h3>
              {q.data && s.items.length === 0 && <p className="muted small">{t('app.empty')}</p>}
              <ul>{s.items.map(row)}</ul>
            </section>
          ))}
        </div>
      </section>
      {selected ? (
        <CaseDrawer key={selected} caseNumber={selected} role={user.role} onClose={() => setSelected(null)} />
      ) : (
        <aside className="drawer placeholder">
          <Empty label={t('queue.select')} />
        </aside>
      )}
    </div>
  );
}
