import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { keepPreviousData, skipToken, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { MapContainer } from 'react-leaflet';
import type { PathOptions } from 'leaflet';
import { useTRPC, useTRPCClient, type CaseFilter, type LiveCaseEvent, type OpenCase, type OpenCaseMarker } from '../lib/trpc';
import { useSessionUser } from '../lib/session';
import { isOpen, lightOf, useCellName, useReference } from '../lib/reference';
import { useLiveCaseEvents } from '../lib/live';
import { useNow } from '../lib/use-now';
import { formatClock, formatPercent } from '../lib/format';
import { navigate } from '../lib/router';
import { useLocalName } from '../i18n';
import { CITY_CENTER } from '../map/constants';
import { FitOnResize, useGridBounds } from '../map/grid-bounds';
import { CellsLayer, CommunityLayer } from '../map/cells-layer';
import { CaseClusterLayer } from '../map/case-cluster-layer';
import { BaseTiles } from '../map/base-tiles';
import { DebugMapHandle } from '../map/debug-map-handle';
import { LiveStatusBadge } from '../components/live-status';
import { CaseDrawer } from '../components/case-drawer';
import { TrendChart } from '../components/trend-chart';
import { ErrorBox, Loading } from '../components/status';
import { LightDot } from '../components/light';

type CellMode = 'open' | 'overdue';
const LEGEND_KEY = 'citygrid.mapLegend';
const NO_CASES: OpenCase[] = [];
const NO_MARKERS: OpenCaseMarker[] = [];
type Period = 'thisMonth' | 'lastMonth' | 'last30' | 'thisYear';
const PERIODS: Period[] = ['thisMonth', 'lastMonth', 'last30', 'thisYear'];
const MAP_STATES = ['reported', 'filed', 'dispatched', 'accepted', 'return_requested', 'extension_requested', 'park_requested', 'parked', 'disposed'] as const;

/** Class breaks for the cell choropleth: 5 classes each. */
const BREAKS: Record<CellMode, number[]> = { open: [0, 1, 3, 6, 11], overdue: [0, 1, 2, 4, 7] };
const RAMP: Record<CellMode, string[]> = {
  open: ['#142033', '#1d3a5f', '#24609a', '#2f8bd0', '#6cc3ff'],
  overdue: ['#142033', '#4a2a1f', '#8a3b22', '#c9502a', '#ff7a45'],
};
const classOf = (n: number, mode: CellMode) => {
  const b = BREAKS[mode];
  let k = 0;
  for (let i = 0; i < b.length; i++) if (n >= (b[i] ?? 0)) k = i;
  return k;
};

const BEIJING_MS = 8 * 3600_000;
/** [from, to) of a period, in Beijing calendar terms, as ISO instants. */
function periodRange(p: Period, now: Date): { from: string; to: string } {
  const bj = new Date(now.getTime() + BEIJING_MS);
  const y = bj.getUTCFullYear();
  const m = bj.getUTCMonth();
  const at = (yy: number, mm: number, dd = 1) => new Date(Date.UTC(yy, mm, dd) - BEIJING_MS).toISOString();
  const endOfToday = at(y, m, bj.getUTCDate() + 1);
  if (p === 'thisMonth') return { from: at(y, m), to: endOfToday };
  if (p === 'lastMonth') return { from: at(y, m - 1), to: at(y, m) };
  if (p === 'thisYear') return { from: at(y, 0), to: endOfToday };
  return { from: at(y, m, bj.getUTCDate() - 29), to: endOfToday };
}

interface Filters {
  hotlineCategory: string;
  unitCode: string;
  communityCode: string;
  state: string;
}

function matches(c: { hotlineCategory: string; unitCode: string | null; communityCode: string | null; state: string }, f: Filters): boolean {
  return (!f.hotlineCategory || c.hotlineCategory === f.hotlineCategory) && (!f.unitCode || c.unitCode === f.unitCode) && (!f.communityCode || c.communityCode === f.communityCode) && (!f.state || c.state === f.state);
}

function toCaseFilter(f: Filters): CaseFilter {
  const out: CaseFilter = {};
  if (f.hotlineCategory) out.hotlineCategory = f.hotlineCategory;
  if (f.unitCode) out.unitCode = f.unitCode;
  if (f.communityCode) out.communityCode = f.communityCode;
  if (f.state) out.states = [f.state as (typeof MAP_STATES)[number]];
  return out;
}

/** Cache key of the parsed markers of one filter (the procedure's own key would hold its JSON text). */
const markersKey = (f: CaseFilter) => ['dashboard.openCaseMarkers', 'parsed', f] as const;

export default function CommandMapScreen({ wall }: { wall: boolean }) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const ref = useReference();
  const cellName = useCellName();
  const localName = useLocalName();
  const role = useSessionUser().role;
  const now = useNow(60_000);
  const gridBounds = useGridBounds();

  const [mode, setMode] = useState<CellMode>('open');
  const [filters, setFilters] = useState<Filters>({ hotlineCategory: '', unitCode: '', communityCode: '', state: '' });
  const [period, setPeriod] = useState<Period>('last30');
  const [selectedCell, setSelectedCell] = useState<string | null>(null);
  const [selectedCase, setSelectedCase] = useState<string | null>(null);
  const [ticker, setTicker] = useState<LiveCaseEvent[]>([]);

  const caseFilter = useMemo(() => toCaseFilter(filters), [filters]);
  const refetchInterval = wall ? 60_000 : false;
  // the map's markers as slim tuples, kept current from the live stream (a fifth of the full rows)
  // (sent as one JSON text, parsed natively here: see the procedure)
  const trpcClient = useTRPCClient();
  const openCases = useQuery({
    queryKey: markersKey(caseFilter),
    queryFn: async ({ signal }) => JSON.parse(await trpcClient.dashboard.openCaseMarkers.query(caseFilter, { signal })) as OpenCaseMarker[],
    staleTime: Infinity,
    placeholderData: keepPreviousData,
  });
  const cellCounts = useQuery({ ...trpc.dashboard.cellCounts.queryOptions(caseFilter), placeholderData: keepPreviousData, refetchInterval });
  const today = useQuery({ ...trpc.dashboard.today.queryOptions(), refetchInterval });
  const trend = useQuery({ ...trpc.dashboard.trend.queryOptions({ days: 30 }), refetchInterval: wall ? 300_000 : false });
  const range = useMemo(() => periodRange(period, new Date()), [period]);
  const evaluation = useQuery({
    ...trpc.dashboard.evaluation.queryOptions({ period: range, groupBy: 'unit', filter: caseFilter }),
    placeholderData: keepPreviousData,
    refetchInterval: wall ? 300_000 : false,
  });

  // --- live: ONE subscription; events patch the openCases cache in place ---
  const filtersRef = useRef(filters);
  useEffect(() => {
    filtersRef.current = filters;
  }, [filters]);
  const invalidateTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(
    () => () => {
      if (invalidateTimer.current) clearTimeout(invalidateTimer.current);
    },
    [],
  );
  const onEvents = useCallback(
    (events: LiveCaseEvent[]) => {
      const latest = new Map<string, LiveCaseEvent>();
      for (const e of events) {
        const prev = latest.get(e.caseNumber);
        if (!prev || prev.id < e.id) latest.set(e.caseNumber, e);
      }
      const f = filtersRef.current;
      const key = markersKey(toCaseFilter(f));
      queryClient.setQueryData(key, (old: OpenCaseMarker[] | undefined) => {
        if (!old) return old;
        const index = new Map(old.map((m, i) => [m[0], i]));
        let next: OpenCaseMarker[] | null = null;
        const removed = new Set<string>();
        const appended: OpenCaseMarker[] = [];
        for (const e of latest.values()) {
          const c = e.case;
          const i = index.get(c.caseNumber);
          const current = i !== undefined ? old[i] : undefined;
          if (current && current[4] >= c.version) continue;
          const keep = isOpen(c.state) && matches(c, f) && c.lat !== null && c.lng !== null;
          if (!keep) {
            if (i !== undefined) removed.add(c.caseNumber);
            continue;
          }
          const m: OpenCaseMarker = [c.caseNumber, c.lat!, c.lng!, c.state, c.version, c.dispatchedAt, c.dueAt, c.limitUnit, c.minorClassCode];
          if (i !== undefined) {
            next ??= old.slice();
            next[i] = m;
          } else appended.push(m);
        }
        if (!next && removed.size === 0 && appended.length === 0) return old;
        let out = next ?? old.slice();
        if (removed.size) out = out.filter((m) => !removed.has(m[0]));
        return appended.length ? [...out, ...appended] : out;
      });
      setTicker((prev) => [...events.slice().reverse(), ...prev].slice(0, 40));
      for (const cn of latest.keys()) void queryClient.invalidateQueries({ queryKey: trpc.cases.get.queryKey({ caseNumber: cn }) });
      if (!invalidateTimer.current) {
        invalidateTimer.current = setTimeout(() => {
          invalidateTimer.current = null;
          void queryClient.invalidateQueries({ queryKey: trpc.dashboard.today.queryKey() });
          void queryClient.invalidateQueries({ queryKey: trpc.dashboard.cellCounts.pathKey() });
          void queryClient.invalidateQueries({ queryKey: trpc.dashboard.openCases.pathKey() });
        }, 800);
      }
    },
    [queryClient, trpc],
  );
  const live = useLiveCaseEvents(onEvents);

  // --- cells ---
  const counts = cellCounts.data?.[mode];
  const styleOf = useCallback(
    (code: string): PathOptions => {
      const n = counts?.[code] ?? 0;
      const k = classOf(n, mode);
      const selected = code === selectedCell;
      return { color: selected ? '#ffffff' : '#2b3b57', weight: selected ? 2.5 : 0.8, fillColor: RAMP[mode][k], fillOpacity: 0.85 };
    },
    [counts, mode, selectedCell],
  );
  const tooltipOf = useCallback(
    (code: string) => {
      const c = ref.cell(code);
      return `${c?.name ?? code} · ${t('map.open')} ${cellCounts.data?.open[code] ?? 0} · ${t('map.overdue')} ${cellCounts.data?.overdue[code] ?? 0}`;
    },
    [ref, cellCounts.data, t],
  );
  const onCellClick = useCallback((code: string) => {
    setSelectedCell((c) => (c === code ? null : code));
    setSelectedCase(null);
  }, []);
  const onCaseClick = useCallback((cn: string) => setSelectedCase(cn), []);

  const markers = openCases.data ?? NO_MARKERS;
  const markerCount = markers.length;
  // the selected cell's open cases in full, asked for only while a cell is selected
  const cellOpenCases = useQuery({ ...trpc.dashboard.openCases.queryOptions(selectedCell ? { ...caseFilter, cellCode: selectedCell } : skipToken), staleTime: Infinity });
  const cellCases = cellOpenCases.data ?? NO_CASES;

  const ranking = useMemo(
    () =>
      (evaluation.data ?? [])
        .filter((r) => r.key && r.dispatched > 0)
        .sort((a, b) => (b.onTimeCloseRate ?? -1) - (a.onTimeCloseRate ?? -1) || (a.reworkRate ?? 0) - (b.reworkRate ?? 0)),
    [evaluation.data],
  );

  const enterWall = () => {
    navigate('/map?wall=1');
    void document.documentElement.requestFullscreen?.().catch(() => undefined);
  };
  const exitWall = () => {
    if (document.fullscreenElement) void document.exitFullscreen().catch(() => undefined);
    navigate('/map');
  };
  useEffect(() => {
    if (!wall) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && !document.fullscreenElement) navigate('/map');
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [wall]);

  const setFilter = (k: keyof Filters, v: string) => setFilters((f) => ({ ...f, [k]: v }));

  // legend: open by default, remembered per browser (a wall display can keep it folded)
  const [legendOpen, setLegendOpen] = useState(() => localStorage.getItem(LEGEND_KEY) !== 'closed');
  const toggleLegend = () =>
    setLegendOpen((open) => {
      localStorage.setItem(LEGEND_KEY, open ? 'closed' : 'open');
      return !open;
    });

  return (
    <div className={`command ${wall ? 'command-wall' : ''}`} data-testid="command-map">
      <div className="command-map">
        <MapContainer {...(gridBounds ? { bounds: gridBounds, boundsOptions: { padding: [20, 20] } } : { center: CITY_CENTER, zoom: 13 })} minZoom={10} maxZoom={19} zoomSnap={0.25} preferCanvas className="map-root" data-testid="map-container" attributionControl={false}>
          <BaseTiles />
          <CellsLayer cells={ref.data.cells} styleOf={styleOf} onCellClick={onCellClick} tooltipOf={tooltipOf} />
          <CommunityLayer communities={ref.data.communities} />
          <CaseClusterLayer markers={markers} calendar={ref.calendar} now={now} onCaseClick={onCaseClick} />
          <FitOnResize bounds={gridBounds} refit />
          <DebugMapHandle name="command" />
        </MapContainer>
        <div className="map-overlay top-left">
          <div className="map-title">
            <strong>{wall ? t('app.name') : t('map.title')}</strong>
            <LiveStatusBadge status={live} />
            <span className="chip num" data-testid="open-count" data-count={markerCount}>
              {t('map.markers', { n: markerCount })}
            </span>
            {openCases.isFetching && <span className="spinner small" aria-hidden="true" />}
          </div>
          <div className="mode-toggle" role="group" aria-label={t('map.cellsOf')}>
            {(['open', 'overdue'] as const).map((m) => (
              <button key={m} type="button" className={mode === m ? 'pressed' : ''} onClick={() => setMode(m)} data-testid={`cell-mode-${m}`}>
                {t(m === 'open' ? 'map.layerOpen' : 'map.layerOverdue')}
              </button>
            ))}
          </div>
        </div>
        {/* the legend never takes the map's clicks (pointer-events: none), only its own toggle does */}
        <div className={`map-overlay bottom-left legend${legendOpen ? '' : ' collapsed'}`} data-testid="legend">
          <button
            type="button"
            className="legend-toggle"
            aria-expanded={legendOpen}
            title={t(legendOpen ? 'map.legendHide' : 'map.legendShow')}
            onClick={toggleLegend}
            data-testid="legend-toggle"
          >
            <span aria-hidden="true">{legendOpen ? '▾' : '▸'}</span> {t('map.legend')} · {t(mode === 'open' ? 'map.layerOpen' : 'map.layerOverdue')}
          </button>
          {legendOpen && (
            <div className="legend-body" data-testid="legend-body">
              <div className="legend-row">
                {BREAKS[mode].map((b, i) => {
                  const nextB = BREAKS[mode][i + 1];
                  return (
                    <span key={b} className="legend-item">
                      <span className="swatch" style={{ background: RAMP[mode][i] }} />
                      {nextB === undefined ? `≥${b}` : nextB - 1 === b ? `${b}` : `${b}–${nextB - 1}`}
                    </span>
                  );
                })}
              </div>
              <div className="legend-row">
                {(['green', 'yellow', 'red', 'grey', 'blue', 'parked'] as const).map((k) => (
                  <span key={k} className="legend-item">
                    <span className={`dot marker-${k}`} />
                    {k === 'parked' ? t('states.parked') : t(`lights.${k}`)}
                  </span>
                ))}
              </div>
            </div>
          )}
        </div>
        {wall ? (
          <button type="button" className="map-overlay top-right ghost" onClick={exitWall} data-testid="exit-wall">
            {t('map.exitWall')}
          </button>
        ) : (
          <button type="button" className="map-overlay top-right" onClick={enterWall} data-testid="enter-wall">
            {t('map.wall')}
          </button>
        )}
        {openCases.isError && (
          <div className="map-overlay center">
            <ErrorBox error={openCases.error} onRetry={() => void openCases.refetch()} />
          </div>
        )}
        {openCases.isPending && (
          <div className="map-overlay center">
            <Loading />
          </div>
        )}
        {selectedCase && (
          <div className="map-drawer">
            <CaseDrawer caseNumber={selectedCase} role={role} onClose={() => setSelectedCase(null)} />
          </div>
        )}
      </div>

      <aside className="command-side" data-testid="command-side">
        <section className="today-grid" data-testid="today">
          {(['intake', 'open', 'overdue', 'closed'] as const).map((k) => (
            <div key={k} className={`stat stat-${k}`}>
              <div className="stat-label">{t('map.todayStat', { what: t(`map.${k}`) })}</div>
              <div className="stat-value num" data-testid={`today-${k}`}>
                {today.data ? today.data[k] : '—'}
              </div>
            </div>
          ))}
        </section>

        {selectedCell ? (
          <section className="side-section grow" data-testid="cell-cases">
            <div className="section-head">
              <h3>{t('map.cellCases', { name: cellName(selectedCell) })}</h3>
              <button type="button" className="ghost small" onClick={() => setSelectedCell(null)}>
                ✕
              </button>
            </div>
            {cellCases.length === 0 && <p className="muted small">{t('map.cellNone')}</p>}
            <ul className="compact-list scroll">
              {cellCases.map((c) => {
                const l = lightOf(c, ref.calendar, now);
                return (
                  <li key={c.caseNumber}>
                    <button type="button" className="link-row" onClick={() => setSelectedCase(c.caseNumber)} data-testid={`case-row-${c.caseNumber}`}>
                      <LightDot light={l?.light ?? null} />
                      <span className="num">{c.caseNumber}</span>
                      <span className="muted small">{t(`states.${c.state}`)}</span>
                      <span className="ellipsis small">{c.description}</span>
                    </button>
                  </li>
                );
              })}
            </ul>
          </section>
        ) : (
          <>
            {!wall && (
              <section className="side-section filters" data-testid="map-filters">
                <h3>{t('map.filters')}</h3>
                <div className="filter-grid">
                  <select aria-label={t('map.category')} value={filters.hotlineCategory} onChange={(e) => setFilter('hotlineCategory', e.target.value)} data-testid="filter-category">
                    <option value="">
                      {t('map.category')}：{t('app.all')}
                    </option>
                    {ref.data.hotlineCategories.map((c) => (
                      <option key={c.code} value={c.code}>
                        {localName(c)}
                      </option>
                    ))}
                  </select>
                  <select aria-label={t('map.unit')} value={filters.unitCode} onChange={(e) => setFilter('unitCode', e.target.value)} data-testid="filter-unit">
                    <option value="">
                      {t('map.unit')}：{t('app.all')}
                    </option>
                    {ref.data.units.map((u) => (
                      <option key={u.code} value={u.code}>
                        {localName(u)}
                      </option>
                    ))}
                  </select>
                  <select aria-label={t('map.community')} value={filters.communityCode} onChange={(e) => setFilter('communityCode', e.target.value)} data-testid="filter-community">
                    <option value="">
                      {t('map.community')}：{t('app.all')}
                    </option>
                    {ref.data.communities.map((c) => (
                      <option key={c.code} value={c.code}>
                        {localName(c)}
                      </option>
                    ))}
                  </select>
                  <select aria-label={t('map.state')} value={filters.state} onChange={(e) => setFilter('state', e.target.value)} data-testid="filter-state">
                    <option value="">
                      {t('map.state')}：{t('app.all')}
                    </option>
                    {MAP_STATES.map((s) => (
                      <option key={s} value={s}>
                        {t(`states.${s}`)}
                      </option>
                    ))}
                  </select>
                  <select aria-label={t('map.period')} value={period} onChange={(e) => setPeriod(e.target.value as Period)} data-testid="filter-period">
                    {PERIODS.map((p) => (
                      <option key={p} value={p}>
                        {t('map.period')}：{t(`map.${p}`)}
                      </option>
                    ))}
                  </select>
                </div>
              </section>
            )}
            <section className="side-section ranking" data-testid="ranking">
              <div className="section-head">
                <h3>{t('map.ranking')}</h3>
                <span className="muted small">
                  {t(`map.${period}`)} · {t('map.onTimeCloseRate')} / {t('map.reworkRate')}
                </span>
              </div>
              {evaluation.isError && <ErrorBox error={evaluation.error} onRetry={() => void evaluation.refetch()} />}
              {evaluation.data && ranking.length === 0 && <p className="muted small">{t('map.rankEmpty')}</p>}
              <ol className="rank-list scroll">
                {ranking.map((r, i) => (
                  <li key={r.key ?? i}>
                    <span className="rank num">{i + 1}</span>
                    <span className="rank-name ellipsis">{localName(ref.unit(r.key)) || r.name}</span>
                    <span className="rank-bar">
                      <span style={{ width: `${Math.round((r.onTimeCloseRate ?? 0) * 100)}%` }} />
                    </span>
                    <span className="num rate">{formatPercent(r.onTimeCloseRate)}</span>
                    <span className="num rate muted">{formatPercent(r.reworkRate)}</span>
                  </li>
                ))}
              </ol>
            </section>
            <section className="side-section trend-section">
              <h3>{t('map.trend')}</h3>
              {trend.data ? <TrendChart data={trend.data} /> : <div className="trend-placeholder" />}
            </section>
          </>
        )}
        <section className="side-section ticker" data-testid="ticker">
          <h3>{t('map.ticker')}</h3>
          {ticker.length === 0 && <p className="muted small">{t('map.noTicker')}</p>}
          <ul className="ticker-list">
            {ticker.map((e) => (
              <li key={e.id}>
                <span className="num muted">{formatClock(e.at)}</span>
                <button type="button" className="link num" onClick={() => setSelectedCase(e.caseNumber)}>
                  {e.caseNumber}
                </button>
                <span>{t(`actions.${e.type}`)}</span>
                <span className="muted ellipsis">{e.actorName}</span>
              </li>
            ))}
          </ul>
        </section>
      </aside>
    </div>
  );
}
