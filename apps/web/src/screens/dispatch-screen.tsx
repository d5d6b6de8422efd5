import { useMemo, useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useTRPC, type DispatchQueueItem } from '../lib/trpc';
import { useQueueLive } from '../lib/queue-live';
import { useReference } from '../lib/reference';
import { formatShort } from '../lib/format';
import { useLocalName } from '../i18n';
import { CaseDrawer } from '../components/case-drawer';
import { LiveStatusBadge } from '../components/live-status';
import { QueuePager, QueueSearch, clampOffset } from '../components/queue-pager';
import { Empty, ErrorBox, Loading } from '../components/status';

const REASONS = ['to_file', 'outside_grid', 'no_location', 'no_rule', 'return', 'extension', 'park'] as const;
const PAGE_SIZE = 50;

export default function DispatchScreen() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const ref = useReference();
  const localName = useLocalName();
  const [selected, setSelected] = useState<DispatchQueueItem | null>(null);
  const [search, setSearch] = useState('');
  const [offset, setOffset] = useState(0);
  const q = useQuery({
    ...trpc.dispatch.queue.queryOptions({ offset, limit: PAGE_SIZE, ...(search ? { search } : {}) }),
    placeholderData: keepPreviousData,
    refetchInterval: 60_000,
  });
  const live = useQueueLive(trpc.dispatch.queue.pathKey());
  const items = useMemo(() => q.data?.items ?? [], [q.data]);
  const shown = clampOffset(offset, q.data?.total, PAGE_SIZE);
  if (shown !== offset) setOffset(shown);
  // this page's rows by reason; the chips count the reason over the whole queue
  const groups = useMemo(() => {
    const by = new Map<string, DispatchQueueItem[]>();
    for (const item of items) {
      const list = by.get(item.reasonCode) ?? [];
      list.push(item);
      by.set(item.reasonCode, list);
    }
    return REASONS.map((r) => ({ reason: r, items: by.get(r) ?? [], total: q.data?.reasonCounts[r] ?? 0 }));
  }, [items, q.data]);
  // keep the selection's suggestion/duplicates fresh as the queue refetches
  const current = selected ? (items.find((i) => i.caseNumber === selected.caseNumber) ?? selected) : null;

  return (
    <div className="queue-layout">
      <section className="panel queue-panel">
        <div className="panel-title">
          <h2>{t('queue.dispatchTitle')}</h2>
          <LiveStatusBadge status={live} />
          <span className="muted small num" data-testid="queue-count">
            {t('queue.count', { n: q.data?.total ?? 0 })}
          </span>
        </div>
        <nav className="group-tabs">
          {groups
            .filter((g) => g.total > 0)
            .map((g) => (
              <a
                key={g.reason}
                href={`#/dispatch`}
                onClick={(e) => {
                  e.preventDefault();
                  document.getElementById(`group-${g.reason}`)?.scrollIntoView({ block: 'start' });
                }}
                className="chip"
              >
                {t(`reasons.${g.reason}`)}{' '}
                <span className="num" data-testid={`reason-count-${g.reason}`}>
                  {g.total}
                </span>
              </a>
            ))}
        </nav>
        <div className="queue-filters">
          <QueueSearch
            onSearch={(text) => {
              setSearch(text);
              if (text !== search) setOffset(0);
            }}
          />
          {q.data && (
            <QueuePager total={q.data.total} offset={shown} pageSize={PAGE_SIZE} onOffset={setOffset} />
          )}
        </div>
        {q.isPending && <Loading />}
        {q.isError && <ErrorBox error={q.error} onRetry={() => void q.refetch()} />}
        {q.data && items.length === 0 && <Empty label={search ? t('queue.noMatch') : undefined} />}
        <div className="queue-list" data-testid="queue-list">
          {groups
            .filter((g) => g.items.length > 0)
            .map((g) => (
              <section
                key={g.reason}
                id={`group-${g.reason}`}
                className="queue-group"
                data-testid={`group-${g.reason}`}
              >
                <h3 className="group-head">
                  {t(`reasons.${g.reason}`)} <span className="num muted">{g.total}</span>
                </h3>
                <ul>
                  {g.items.map((r) => (
                    <li key={r.caseNumber}>
                      <button
                        type="button"
                        className={`queue-row ${current?.caseNumber === r.caseNumber ? 'selected' : ''}`}
                        onClick={() => setSelected(r)}
                        data-testid={`case-row-${r.caseNumber}`}
                      >
                        <span className="num strong">{r.caseNumber}</span>
                        <span className={`state-badge state-${r.state}`}>{t(`states.${r.state}`)}</span>
                        <span className="num muted small">{formatShort(r.reportedAt)}</span>
                        <span className="row-sub">
                          <span>{localName(ref.minorClass(r.minorClassCode)) || r.minorClassName}</span>
                          <span className="muted">
                            {localName(ref.community(r.communityCode)) || r.communityName || r.address || ''}
                          </span>
                          {r.unitCode && (
                            <span className="muted">{localName(ref.unit(r.unitCode)) || r.unitName}</span>
                          )}
                          {r.pendingExtensionAmount > 0 && (
                            <span className="warn-text">
                              {t('case.pendingExtension', {
                                amount: r.pendingExtensionAmount,
                                unit: t(`limitUnits.${r.limitUnit}`),
                              })}
                            </span>
                          )}
                          <span className="muted ellipsis">{r.description}</span>
                        </span>
                        {r.possibleDuplicates.length > 0 && (
                          <span className="dup-line small" data-testid={`duplicates-${r.caseNumber}`}>
                            {t('queue.duplicates')}：
                            {r.possibleDuplicates
                              .map((d) => `${d.caseNumber} (${t('intake.distance', { m: d.distanceM })})`)
                              .join('、')}
                          </span>
                        )}
                      </button>
                    </li>
                  ))}
                </ul>
              </section>
            ))}
        </div>
      </section>
      {current ? (
        <CaseDrawer
          key={current.caseNumber}
          caseNumber={current.caseNumber}
          onClose={() => setSelected(null)}
          suggestedUnitCode={current.suggestedUnitCode}
          duplicates={current.possibleDuplicates}
        />
      ) : (
        <aside className="drawer placeholder">
          <Empty label={t('queue.select')} />
        </aside>
      )}
    </div>
  );
}
