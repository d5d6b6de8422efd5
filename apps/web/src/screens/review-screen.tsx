import { useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { REVIEW_QUEUE_STATES } from '@citygrid/domain';
import { useTRPC, type ReviewQueueItem } from '../lib/trpc';
import { useQueueLive } from '../lib/queue-live';
import { useReference } from '../lib/reference';
import { formatShort } from '../lib/format';
import { useLocalName } from '../i18n';
import { CaseDrawer } from '../components/case-drawer';
import { LiveStatusBadge } from '../components/live-status';
import { QueuePager, QueueSearch, clampOffset } from '../components/queue-pager';
import { Empty, ErrorBox, Loading } from '../components/status';

const SECTIONS = REVIEW_QUEUE_STATES;
type Section = (typeof SECTIONS)[number];
const PAGE_SIZE = 50;

export default function ReviewScreen() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const ref = useReference();
  const localName = useLocalName();
  const [selected, setSelected] = useState<string | null>(null);
  const [section, setSection] = useState<Section>('disposed');
  const [search, setSearch] = useState('');
  const [offset, setOffset] = useState(0);
  const q = useQuery({
    ...trpc.review.queue.queryOptions({ section, offset, limit: PAGE_SIZE, ...(search ? { search } : {}) }),
    placeholderData: keepPreviousData,
    refetchInterval: 60_000,
  });
  const live = useQueueLive(trpc.review.queue.pathKey());
  const data = q.data?.section === section ? q.data : undefined;
  const shown = clampOffset(offset, data?.total, PAGE_SIZE);
  if (shown !== offset) setOffset(shown);

  const row = (r: ReviewQueueItem) => (
    <li key={r.caseNumber}>
      <button
        type="button"
        className={`queue-row ${selected === r.caseNumber ? 'selected' : ''}`}
        onClick={() => setSelected(r.caseNumber)}
        data-testid={`case-row-${r.caseNumber}`}
      >
        <span className="num strong">{r.caseNumber}</span>
        <span className={`state-badge state-${r.state}`}>{t(`states.${r.state}`)}</span>
        {r.disposedLate && <span className="urgent-badge">{t('queue.late')}</span>}
        {r.reworkCount > 0 && <span className="chip small">{t('queue.reworks', { n: r.reworkCount })}</span>}
        <span className="num muted small">
          {formatShort(r.state === 'closed' ? r.closedAt : r.disposedAt)}
        </span>
        <span className="row-sub">
          <span>{localName(ref.minorClass(r.minorClassCode)) || r.minorClassName}</span>
          <span className="muted">{localName(ref.unit(r.unitCode)) || (r.unitName ?? '')}</span>
          <span className="muted">
            {localName(ref.community(r.communityCode)) || (r.communityName ?? '')}
          </span>
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
            {t('queue.count', { n: (q.data?.counts.disposed ?? 0) + (q.data?.counts.closed ?? 0) })}
          </span>
        </div>
        <nav className="group-tabs" role="tablist">
          {SECTIONS.map((s) => (
            <button
              key={s}
              type="button"
              role="tab"
              aria-selected={section === s}
              className={`chip ${section === s ? 'active' : ''}`}
              onClick={() => {
                setSection(s);
                setOffset(0);
              }}
              data-testid={`section-${s}`}
            >
              {t(s === 'disposed' ? 'queue.disposedSection' : 'queue.closedSection')}{' '}
              <span className="num" data-testid={`section-count-${s}`}>
                {q.data ? q.data.counts[s] : '…'}
              </span>
            </button>
          ))}
        </nav>
        <div className="queue-filters">
          <QueueSearch
            onSearch={(text) => {
              setSearch(text);
              if (text !== search) setOffset(0);
            }}
          />
          {data && <QueuePager total={data.total} offset={shown} pageSize={PAGE_SIZE} onOffset={setOffset} />}
        </div>
        {q.isPending && <Loading />}
        {q.isError && <ErrorBox error={q.error} onRetry={() => void q.refetch()} />}
        {data && data.items.length === 0 && <Empty label={search ? t('queue.noMatch') : undefined} />}
        <div className="queue-list" data-testid="queue-list">
          <section className="queue-group" data-testid={`group-${section}`}>
            <ul>{(data?.items ?? []).map(row)}</ul>
          </section>
        </div>
      </section>
      {selected ? (
        <CaseDrawer key={selected} caseNumber={selected} onClose={() => setSelected(null)} />
      ) : (
        <aside className="drawer placeholder">
          <Empty label={t('queue.select')} />
        </aside>
      )}
    </div>
  );
}
