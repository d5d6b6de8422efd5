import { useCallback, useEffect, useMemo, useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { MapContainer } from 'react-leaflet';
import type { PathOptions } from 'leaflet';
import type { LocalPeriod } from '@citygrid/domain';
import { useTRPC, type LiveCaseEvent, type OpenCaseMarker } from '../lib/trpc';
import { useReference } from '../lib/reference';
import { useNow } from '../lib/use-now';
import { navigate } from '../lib/router';
import { CITY_CENTER } from '../map/constants';
import { FitOnResize, useGridBounds } from '../map/grid-bounds';
import { CellsLayer, CommunityLayer } from '../map/cells-layer';
import { CaseClusterLayer } from '../map/case-cluster-layer';
import { BaseTiles } from '../map/base-tiles';
import { DebugMapHandle } from '../map/debug-map-handle';
import { useOpenCasesLive } from '../map/use-open-cases-live';
import { MarkerLimitNotice } from '../map/marker-limit-notice';
import { LiveStatusBadge } from '../components/live-status';
import { CaseDrawer } from '../components/case-drawer';
import { TrendChart } from '../components/trend-chart';
import { ErrorBox, Loading } from '../components/status';
import { CELL_MODES, classOf, RAMP, type CellMode } from './command-map/choropleth';
import { matchesFilters, NO_FILTERS, toCaseFilter, type MapFilters } from './command-map/map-filters';
import { MapLegend } from './command-map/map-legend';
import { FiltersPanel } from './command-map/filters-panel';
import { UnitRanking } from './command-map/unit-ranking';
import { CellCases } from './command-map/cell-cases';
import { LiveTicker } from './command-map/live-ticker';

const TODAY_STATS = ['intake', 'open', 'overdue', 'closed'] as const;
const NO_MARKERS: OpenCaseMarker[] = [];

/**
 * The command map (指挥地图, `#/map`; `?wall=1` for the hall's wall): the grid's cells coloured by open
 * or overdue cases, the open cases as clustered markers kept current from the live stream, and beside
 * them today's figures, the filters, the units' ranking, the intake trend and the live ticker.
 */
export default function CommandMapScreen({ wall }: { wall: boolean }) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const ref = useReference();
  const now = useNow(60_000);
  const gridBounds = useGridBounds();

  const [mode, setMode] = useState<CellMode>('open');
  const [filters, setFilters] = useState<MapFilters>(NO_FILTERS);
  const [period, setPeriod] = useState<LocalPeriod>('last30');
  const [selectedCell, setSelectedCell] = useState<string | null>(null);
  const [selectedCase, setSelectedCase] = useState<string | null>(null);

  const caseFilter = useMemo(() => toCaseFilter(filters), [filters]);
  const refetchInterval = wall ? 60_000 : false;
  // the map's markers as slim tuples, kept current from the live stream (a fifth of the full rows)
  const inView = useCallback((c: LiveCaseEvent['case']) => matchesFilters(c, filters), [filters]);
  const { openCases, live, ticker } = useOpenCasesLive(caseFilter, inView);
  const cellCounts = useQuery({
    ...trpc.dashboard.cellCounts.queryOptions(caseFilter),
    placeholderData: keepPreviousData,
    refetchInterval,
  });
  const today = useQuery({ ...trpc.dashboard.today.queryOptions(), refetchInterval });
  const trend = useQuery({
    ...trpc.dashboard.trend.queryOptions({ days: 30 }),
    refetchInterval: wall ? 300_000 : false,
  });

  // --- cells ---
  const counts = cellCounts.data?.[mode];
  const styleOf = useCallback(
    (code: string): PathOptions => {
      const k = classOf(counts?.[code] ?? 0, mode);
      const selected = code === selectedCell;
      return {
        color: selected ? '#ffffff' : '#2b3b57',
        weight: selected ? 2.5 : 0.8,
        fillColor: RAMP[mode][k],
        fillOpacity: 0.85,
      };
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

  const markers = openCases.data?.markers ?? NO_MARKERS;
  const markerCount = markers.length;

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

  return (
    <div className={`command ${wall ? 'command-wall' : ''}`} data-testid="command-map">
      <div className="command-map">
        <MapContainer
          {...(gridBounds
            ? { bounds: gridBounds, boundsOptions: { padding: [20, 20] } }
            : { center: CITY_CENTER, zoom: 13 })}
          minZoom={10}
          maxZoom={19}
          zoomSnap={0.25}
          preferCanvas
          className="map-root"
          data-testid="map-container"
          attributionControl={false}
        >
          <BaseTiles />
          <CellsLayer
            cells={ref.data.cells}
            styleOf={styleOf}
            onCellClick={onCellClick}
            tooltipOf={tooltipOf}
          />
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
          {openCases.data?.truncated && (
            <MarkerLimitNotice limit={openCases.data.limit} className="map-limit-notice" />
          )}
          <div className="mode-toggle" role="group" aria-label={t('map.cellsOf')}>
            {CELL_MODES.map((m) => (
              <button
                key={m}
                type="button"
                className={mode === m ? 'pressed' : ''}
                onClick={() => setMode(m)}
                data-testid={`cell-mode-${m}`}
              >
                {t(m === 'open' ? 'map.layerOpen' : 'map.layerOverdue')}
              </button>
            ))}
          </div>
        </div>
        <MapLegend mode={mode} />
        {wall ? (
          <button
            type="button"
            className="map-overlay top-right ghost"
            onClick={exitWall}
            data-testid="exit-wall"
          >
            {t('map.exitWall')}
          </button>
        ) : (
          <button
            type="button"
            className="map-overlay top-right"
            onClick={enterWall}
            data-testid="enter-wall"
          >
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
            <CaseDrawer caseNumber={selectedCase} onClose={() => setSelectedCase(null)} />
          </div>
        )}
      </div>

      <aside className="command-side" data-testid="command-side">
        <section className="today-grid" data-testid="today">
          {TODAY_STATS.map((k) => (
            <div key={k} className={`stat stat-${k}`}>
              <div className="stat-label">{t('map.todayStat', { what: t(`map.${k}`) })}</div>
              <div className="stat-value num" data-testid={`today-${k}`}>
                {today.data ? today.data[k] : '—'}
              </div>
            </div>
          ))}
        </section>

        {selectedCell ? (
          <CellCases
            cellCode={selectedCell}
            filter={caseFilter}
            now={now}
            onSelectCase={setSelectedCase}
            onClose={() => setSelectedCell(null)}
          />
        ) : (
          <>
            {!wall && (
              <FiltersPanel filters={filters} onFilters={setFilters} period={period} onPeriod={setPeriod} />
            )}
            <UnitRanking period={period} filter={caseFilter} wall={wall} />
            <section className="side-section trend-section">
              <h3>{t('map.trend')}</h3>
              {trend.data ? <TrendChart data={trend.data} /> : <div className="trend-placeholder" />}
            </section>
          </>
        )}
        <LiveTicker events={ticker} onSelectCase={setSelectedCase} />
      </aside>
    </div>
  );
}
