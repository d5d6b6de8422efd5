import { useState, type FormEvent } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useTRPC } from '../lib/trpc';
import { navigate, useRoute } from '../lib/router';
import { useReference } from '../lib/reference';
import { formatShort } from '../lib/format';
import { useLocalName } from '../i18n';
import { CaseDrawer } from '../components/case-drawer';
import { Empty, ErrorBox, Loading } from '../components/status';

const PAGE_SIZE = 20;

/**
 * 案件检索: one box over every case the user may see — a case number (or its day, 20261202), a
 * caller phone in any format, or words of the description or address — newest first, a page at a
 * time. The query lives in the address (`#/search?q=…`), so a result list can be reloaded or shared.
 */
export default function SearchScreen() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const ref = useReference();
  const localName = useLocalName();
  const route = useRoute();
  const q = (route.params.get('q') ?? '').trim();
  const [text, setText] = useState(q);
  // the cursors of the pages before the one shown (keyset paging: each page starts below the last id)
  const [cursors, setCursors] = useState<number[]>([]);
  const [pageOf, setPageOf] = useState(q);
  if (pageOf !== q) {
    setPageOf(q);
    setCursors([]);
  }
  const cursor = cursors[cursors.length - 1];
  const found = useQuery({
    ...trpc.search.cases.queryOptions({ q, limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) }),
    enabled: q.length > 0,
    placeholderData: keepPreviousData,
  });
  const [firstTotal, setFirstTotal] = useState<{ q: string; n: number; capped: boolean } | null>(null);
  if (found.data && found.data.total !== null && (firstTotal?.q !== q || firstTotal.n !== found.data.total)) {
    setFirstTotal({ q, n: found.data.total, capped: found.data.totalCapped });
  }
  const [selected, setSelected] = useState<string | null>(null);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const next = text.trim();
    if (next) navigate(`/search?q=${encodeURIComponent(next)}`);
  };

  const total = firstTotal?.q === q ? firstTotal : null;
  const rows = q ? (found.data?.rows ?? []) : [];
  return (
    <div className="queue-layout">
      <section className="panel queue-panel">
        <div className="panel-title">
          <h2>{t('search.title')}</h2>
          {total && (
            <span className="muted small num" data-testid="search-total">
              {total.capped ? t('search.totalCapped', { n: total.n }) : t('search.total', { n: total.n })}
            </span>
          )}
        </div>
        <form className="queue-filters" onSubmit={submit} role="search">
          <input
            type="search"
            value={text}
            onChange={(e) => setText(e.target.value)}
            placeholder={t('search.placeholder')}
            aria-label={t('search.placeholder')}
            maxLength={100}
            autoFocus
            data-testid="search-input"
          />
          <button type="submit" className="primary" data-testid="search-submit">
            {t('search.submit')}
          </button>
        </form>
        <p className="muted small">{t('search.hint')}</p>
        {q && found.isPending && <Loading />}
        {q && found.isError && <ErrorBox error={found.error} />}
        {q && found.data && rows.length === 0 && <Empty label={t('search.noMatch')} />}
        <div className="queue-list" data-testid="search-results">
          <ul>
            {rows.map((r) => (
              <li key={r.caseNumber}>
                <button
                  type="button"
                  className={`queue-row ${selected === r.caseNumber ? 'selected' : ''}`}
                  onClick={() => setSelected(r.caseNumber)}
                  data-testid={`search-row-${r.caseNumber}`}
                >
                  <span className="num strong">{r.caseNumber}</span>
                  <span className={`state-badge state-${r.state}`}>{t(`states.${r.state}`)}</span>
                  <span className="num muted small">{formatShort(r.reportedAt)}</span>
                  <span className="row-sub">
                    <span>{localName(ref.minorClass(r.minorClassCode))}</span>
                    <span className="muted">{localName(ref.unit(r.unitCode)) || (r.unitName ?? '')}</span>
                    <span className="muted">
                      {localName(ref.community(r.communityCode)) || (r.communityName ?? '')}
                    </span>
                    {r.callerPhone && <span className="num">{r.callerPhone}</span>}
                    {r.address && <span className="muted">{r.address}</span>}
                    <span className="muted ellipsis">{r.description}</span>
                  </span>
                </button>
              </li>
            ))}
          </ul>
        </div>
        {q && found.data && (cursors.length > 0 || found.data.nextCursor !== null) && (
          <div className="queue-pager">
            <button
              type="button"
              disabled={cursors.length === 0}
              onClick={() => setCursors((c) => c.slice(0, -1))}
              data-testid="search-prev"
            >
              {t('search.prev')}
            </button>
            <span className="muted small num" data-testid="search-page">
              {t('search.page', { n: cursors.length + 1 })}
            </span>
            <button
              type="button"
              disabled={found.data.nextCursor === null || found.isPlaceholderData}
              onClick={() => found.data?.nextCursor && setCursors((c) => [...c, found.data.nextCursor!])}
              data-testid="search-next"
            >
              {t('search.next')}
            </button>
          </div>
        )}
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
