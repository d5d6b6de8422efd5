import { useEffect, useMemo, useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
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
import { Empty, ErrorBox, Loading } from '../components/status';

const UNIT_STATES: CaseState[] = ['dispatched', 'accepted', 'return_requested', 'extension_requested', 'park_requested', 'parked', 'disposed'];

export default function UnitQueueScreen() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const user = useSessionUser();
  const ref = useReference();
  const localName = useLocalName();
  const now = useNow(30_000);
  const [state, setState] = useState<CaseState | ''>('');
  const [search, setSearch] = useState('');
  const [debounced, setDebounced] = useState('');
  const [selected, setSelected] = useState<string | null>(null);
  useEffect(() => {
    const id = setTimeout(() => setDebounced(search.trim()), 250);
    return () => clearTimeout(id);
  }, [search]);

  const input = useMemo(() => ({ ...(state ? { states: [state] } : {}), ...(debounced ? { search: debounced } : {}) }), [state, debounced]);
  const q = useQuery({ ...trpc.unitWork.queue.queryOptions(input), placeholderData: keepPreviousData, refetchInterval: 60_000 });
  const live = useQueueLive(trpc.unitWork.queue.pathKey());
  const unit = ref.unit(user.unitCode);

  // the server computes light and remaining time on the working calendar; the list refetches every
  // minute and turns red on its own the moment a deadline passes
  const rows = q.data ?? [];

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
          <select value={state} onChange={(e) => setState(e.target.value as CaseState | '')} data-testid="filter-state" aria-label={t('queue.filterState')}>
            <option value="">
              {t('queue.filterState')}：{t('app.all')}
            </option>
            {UNIT_STATES.map((s) => (
              <option key={s} value={s}>
                {t(`states.${s}`)}
              </option>
            ))}
          </select>
          <input type="search" placeholder={t('queue.search')} value={search} onChange={(e) => setSearch(e.target.value)} data-testid="filter-search" />
          <span className="muted small num" data-testid="queue-count">
            {t('queue.count', { n: q.data?.length ?? 0 })}
          </span>
        </div>
        {q.isPending && <Loading />}
        {q.isError && <ErrorBox error={q.error} onRetry={() => void q.refetch()} />}
        {q.data && q.data.length === 0 && <Empty />}
        <ul className="queue-list" data-testid="queue-list">
          {rows.map((r) => {
            const overdueNow = r.light !== null && r.dueAt !== null && now.getTime() > Date.parse(r.dueAt);
            const light = overdueNow ? 'red' : r.light;
            // before the deadline: working time left; after it: wall-clock time since it passed
            const remaining = overdueNow ? -(now.getTime() - Date.parse(r.dueAt ?? '')) : r.remainingMs;
            return (
              <li key={r.caseNumber}>
                <button type="button" className={`queue-row ${selected === r.caseNumber ? 'selected' : ''}`} onClick={() => setSelected(r.caseNumber)} data-testid={`case-row-${r.caseNumber}`}>
                  <LightDot light={light} />
                  <span className="num strong">{r.caseNumber}</span>
                  <span className={`state-badge state-${r.state}`}>{t(`states.${r.state}`)}</span>
                  {r.urgency === 'urgent' && <span className="urgent-badge">{t('case.urgent')}</span>}
                  <span className={`num remaining clock-${light ?? 'none'}`}>{light ? formatRemaining(remaining, t) : formatShort(r.dueAt)}</span>
                  <span className="row-sub">
                    <span>{r.minorClassName}</span>
                    <span className="muted">{r.communityName ?? ''}</span>
                    <span className="muted ellipsis">{r.description}</span>
                  </span>
                </button>
              </li>
            );
          })}
        </ul>
      </section>
      {selected ? (
        <CaseDrawer caseNumber={selected} role={user.role} onClose={() => setSelected(null)} />
      ) : (
        <aside className="drawer placeholder">
          <Empty label={t('queue.select')} />
        </aside>
      )}
    </div>
  );
}
