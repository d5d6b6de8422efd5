import { useMemo, useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { lightAsOf, UNIT_QUEUE_STATES } from '@citygrid/domain';
import { useTRPC, type CaseState } from '../lib/trpc';
import { useQueueLive } from '../lib/queue-live';
import { useSessionUser } from '../lib/session';
import { useNow } from '../lib/use-now';
import { useReference } from '../lib/reference';
import { formatRemaining, formatShort } from '../lib/format';
import { useLocalName } from '../i18n';
import { CaseDrawer } from '../components/case-drawer';
import { LiveStatusBadge } from '../components/live-status';
import { LightDot } from '../components/light';
import { QueuePager, QueueSearch, clampOffset } from '../components/queue-pager';
import { Empty, ErrorBox, Loading } from '../components/status';

const PAGE_SIZE = 50;

export default function UnitQueueScreen() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const user = useSessionUser();
  const ref = useReference();
  const localName = useLocalName();
  const now = useNow(30_000);
  const [state, setState] = useState<CaseState | ''>('');
  const [search, setSearch] = useState('');
  const [offset, setOffset] = useState(0);
  const [selected, setSelected] = useState<string | null>(null);

  const input = useMemo(
    () => ({
      offset,
      limit: PAGE_SIZE,
      ...(state ? { states: [state] } : {}),
      ...(search ? { search } : {}),
    }),
    [state, search, offset],
  );
  const q = useQuery({
    ...trpc.unitWork.queue.queryOptions(input),
    placeholderData: keepPreviousData,
    refetchInterval: 60_000,
  });
  const shown = clampOffset(offset, q.data?.total, PAGE_SIZE);
  if (shown !== offset) setOffset(shown);
  const live = useQueueLive(trpc.unitWork.queue.pathKey());
  const unit = ref.unit(user.unitCode);

  // the server computes light and remaining time on the working calendar; the list refetches every
  // minute and turns red on its own the moment a deadline passes
  const rows = q.data?.items ?? [];

  return (
    <div className="queue-layout">
      <section className="panel queue-panel">
        <div className="panel-title">
          <h2>
            {t('queue.unitTitle')} <span className="muted small">{localName(unit)}</span>
          </h2>
          <LiveStatusBadge status={live} />
        </div>
        <div className="queue-filters">
          <select
            value={state}
            onChange={(e) => {
              setState(e.target.value as CaseState | '');
              setOffset(0);
            }}
            data-testid="filter-state"
            aria-label={t('queue.filterState')}
          >
            <option value="">
              {t('queue.filterState')}：{t('app.all')}
            </option>
            {UNIT_QUEUE_STATES.map((s) => (
              <option key={s} value={s}>
                {t(`states.${s}`)}
              </option>
            ))}
          </select>
          <QueueSearch
            onSearch={(text) => {
              setSearch(text);
              if (text !== search) setOffset(0);
            }}
          />
          <span className="muted small num" data-testid="queue-count">
            {t('queue.count', { n: q.data?.total ?? 0 })}
          </span>
        </div>
        {q.data && (
          <QueuePager total={q.data.total} offset={shown} pageSize={PAGE_SIZE} onOffset={setOffset} />
        )}
        {q.isPending && <Loading />}
        {q.isError && <ErrorBox error={q.error} onRetry={() => void q.refetch()} />}
        {q.data && rows.length === 0 && <Empty label={search ? t('queue.noMatch') : undefined} />}
        <ul className="queue-list" data-testid="queue-list">
          {rows.map((r) => {
            // before the deadline: working time left; after it: red, wall-clock time since it passed
            const { light, remainingMs: remaining } = lightAsOf(r, now);
            return (
              <li key={r.caseNumber}>
                <button
                  type="button"
                  className={`queue-row ${selected === r.caseNumber ? 'selected' : ''}`}
                  onClick={() => setSelected(r.caseNumber)}
                  data-testid={`case-row-${r.caseNumber}`}
                >
                  <LightDot light={light} />
                  <span className="num strong">{r.caseNumber}</span>
                  <span className={`state-badge state-${r.state}`}>{t(`states.${r.state}`)}</span>
                  {r.urgency === 'urgent' && <span className="urgent-badge">{t('case.urgent')}</span>}
                  <span className={`num remaining clock-${light ?? 'none'}`}>
                    {light ? formatRemaining(remaining, t) : formatShort(r.dueAt)}
                  </span>
                  <span className="row-sub">
                    <span>{localName(ref.minorClass(r.minorClassCode)) || r.minorClassName}</span>
                    <span className="muted">
                      {localName(ref.community(r.communityCode)) || (r.communityName ?? '')}
                    </span>
                    <span className="muted ellipsis">{r.description}</span>
                  </span>
                </button>
              </li>
            );
          })}
        </ul>
      </section>
      {selected ? (
        <CaseDrawer caseNumber={selected} onClose={() => setSelected(null)} />
      ) : (
        <aside className="drawer placeholder">
          <Empty label={t('queue.select')} />
        </aside>
      )}
    </div>
  );
}
