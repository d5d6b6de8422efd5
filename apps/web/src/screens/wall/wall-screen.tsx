import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { LOCAL_TIME_ZONE, localPeriodRange } from '@citygrid/domain';
import { MapContainer } from 'react-leaflet';
import type { PathOptions } from 'leaflet';
import type { EChartsOption } from 'echarts';
import { useTRPC, type CaseFilter, type LiveCaseEvent, type OpenCaseMarker } from '../../lib/trpc';
import { useReference } from '../../lib/reference';
import { useNow } from '../../lib/use-now';
import { formatClock, formatPercent } from '../../lib/format';
import { useLocalName } from '../../i18n';
import { CITY_CENTER } from '../../map/constants';
import { FitOnResize, useGridBounds } from '../../map/grid-bounds';
import { CellsLayer } from '../../map/cells-layer';
import { BaseTiles } from '../../map/base-tiles';
import { useOpenCasesLive } from '../../map/use-open-cases-live';
import { MarkerLimitNotice } from '../../map/marker-limit-notice';
import { WallCasesLayer } from './wall-cases-layer';
import { useScreenHeight } from './use-screen-height';
import './wall.css';

const EChart = lazy(() => import('../../components/echart'));

/** How long a new case stays highlighted on the wall map. */
const FRESH_MS = 10 * 60_000;
const RAMP = ['#13223a', '#1d3a5f', '#24609a', '#2f8bd0', '#6cc3ff'];
const BREAKS = [0, 1, 3, 6, 11];
const ALL_CASES: CaseFilter = {};
const NO_MARKERS: OpenCaseMarker[] = [];

/**
 * The command-hall wall (`#/wall`, also `#/map?wall=1`): a layout for a 16:9 wall from 1920×1080 to
 * 3840×2160 and spliced walls. Every size is a fraction of the screen height (vh in CSS, the same
 * fraction for chart text), so it scales to fit and the smallest text is ≥ 1.4 % of the height.
 */
export default function WallScreen() {
  const { t, i18n } = useTranslation();
  const trpc = useTRPC();
  const ref = useReference();
  const localName = useLocalName();
  const gridBounds = useGridBounds();
  const clock = useNow(1000);
  const now = useNow(60_000);
  const height = useScreenHeight();
  const scale = height / 1080;
  const chartFont = Math.round(height * 0.016);

  const last30 = useMemo(() => localPeriodRange('last30', new Date()), []);
  const today = useQuery({ ...trpc.dashboard.today.queryOptions(), refetchInterval: 60_000 });
  const trend = useQuery({ ...trpc.dashboard.trend.queryOptions({ days: 30 }), refetchInterval: 300_000 });
  const byCategory = useQuery({
    ...trpc.dashboard.evaluation.queryOptions({ period: last30, groupBy: 'category' }),
    refetchInterval: 300_000,
  });
  const byUnit = useQuery({
    ...trpc.dashboard.evaluation.queryOptions({ period: last30, groupBy: 'unit' }),
    refetchInterval: 300_000,
  });
  const cellCounts = useQuery({
    ...trpc.dashboard.cellCounts.queryOptions({}),
    refetchInterval: 120_000,
    placeholderData: keepPreviousData,
  });
  const recent = useQuery({ ...trpc.wall.recent.queryOptions({ limit: 30 }), staleTime: Infinity });

  // --- live: the open cases patched in place and the ticker (shared with the command map), fresh cases ---
  const [fresh, setFresh] = useState<Map<string, number>>(new Map());
  const onEvents = useCallback((events: LiveCaseEvent[]) => {
    const arrived = events.filter((e) => e.type === 'report').map((e) => e.caseNumber);
    if (arrived.length)
      setFresh((prev) => new Map([...prev, ...arrived.map((cn) => [cn, Date.now()] as const)]));
  }, []);
  const { openCases, live, ticker } = useOpenCasesLive(ALL_CASES, undefined, onEvents);
  useEffect(() => {
    const id = setInterval(
      () => setFresh((prev) => new Map([...prev].filter(([, at]) => Date.now() - at < FRESH_MS))),
      30_000,
    );
    return () => clearInterval(id);
  }, []);

  const cases = openCases.data?.markers ?? NO_MARKERS;
  const freshSet = useMemo(() => new Set(fresh.keys()), [fresh]);
  const tickerRows = useMemo(() => {
    const seen = new Set(ticker.map((e) => e.id));
    return [...ticker, ...(recent.data ?? []).filter((e) => !seen.has(e.id))].slice(0, 10);
  }, [ticker, recent.data]);

  // --- cells ---
  const counts = cellCounts.data?.open;
  const styleOf = useCallback(
    (code: string): PathOptions => {
      const n = counts?.[code] ?? 0;
      let k = 0;
      for (let i = 0; i < BREAKS.length; i++) if (n >= (BREAKS[i] ?? 0)) k = i;
      return { color: '#2b3b57', weight: 0.8 * scale, fillColor: RAMP[k], fillOpacity: 0.85 };
    },
    [counts, scale],
  );
  const hotCells = useMemo(() => {
    const open = cellCounts.data?.open ?? {};
    const overdue = cellCounts.data?.overdue ?? {};
    return Object.keys(open)
      .map((code) => ({ code, open: open[code] ?? 0, overdue: overdue[code] ?? 0 }))
      .sort((a, b) => b.overdue - a.overdue || b.open - a.open)
      .slice(0, 5);
  }, [cellCounts.data]);
  const unitRank = useMemo(
    () =>
      (byUnit.data ?? [])
        .filter((r) => r.key && r.dispatched >= 3)
        .sort((a, b) => (b.onTimeCloseRate ?? -1) - (a.onTimeCloseRate ?? -1))
        .slice(0, 5),
    [byUnit.data],
  );

  // --- charts: text sized from the screen height like everything else ---
  const axis = {
    axisLabel: { fontSize: chartFont, color: '#c6d3e6' },
    axisLine: { lineStyle: { color: '#3a4d70' } },
    splitLine: { lineStyle: { color: '#1f2d47' } },
  };
  const trendOption = (days: number): EChartsOption | null =>
    trend.data
      ? {
          animation: false,
          grid: { left: chartFont * 3, right: chartFont, top: chartFont, bottom: chartFont * 2 },
          xAxis: {
            type: 'category',
            data: trend.data.slice(-days).map((d) => d.day.slice(5)),
            ...axis,
            axisLabel: { ...axis.axisLabel, interval: days > 7 ? Math.ceil(days / 6) - 1 : 0 },
          },
          yAxis: { type: 'value', minInterval: 1, splitNumber: 3, ...axis },
          series: [
            {
              type: days > 7 ? 'line' : 'bar',
              data: trend.data.slice(-days).map((d) => d.n),
              itemStyle: { color: '#5ba3ff' },
              areaStyle: days > 7 ? { opacity: 0.2 } : undefined,
              smooth: true,
              symbol: 'none',
            },
          ],
        }
      : null;
  const categoryOption: EChartsOption | null = byCategory.data
    ? {
        animation: false,
        grid: {
          left: chartFont * 0.5,
          right: chartFont * 2.5,
          top: chartFont * 0.5,
          bottom: chartFont * 0.5,
          containLabel: true,
        },
        xAxis: { type: 'value', show: false },
        yAxis: {
          type: 'category',
          inverse: true,
          data: [...byCategory.data]
            .sort((a, b) => b.dispatched - a.dispatched)
            .slice(0, 8)
            .map((r) => localName(ref.data.hotlineCategories.find((c) => c.code === r.key)) || r.name || '—'),
          ...axis,
        },
        series: [
          {
            type: 'bar',
            data: [...byCategory.data]
              .sort((a, b) => b.dispatched - a.dispatched)
              .slice(0, 8)
              .map((r) => r.dispatched),
            itemStyle: { color: '#2f8bd0' },
            label: { show: true, position: 'right', fontSize: chartFont, color: '#e6edf7' },
            barMaxWidth: chartFont * 1.2,
          },
        ],
      }
    : null;

  const dateText = new Intl.DateTimeFormat(i18n.language === 'en' ? 'en-GB' : 'zh-CN', {
    timeZone: LOCAL_TIME_ZONE,
    year: 'numeric',
    month: 'long',
    day: 'numeric',
    weekday: 'long',
  }).format(clock);
  const timeText = new Intl.DateTimeFormat('en-GB', {
    timeZone: LOCAL_TIME_ZONE,
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).format(clock);

  return (
    <div className="wall-screen" data-testid="wall-screen">
      <header className="wall-top">
        <div className="wall-title">
          <span className="wall-city" data-testid="wall-city">
            {t('wallScreen.city')}
          </span>
          <span className="wall-name">{t('wallScreen.title')}</span>
        </div>
        <div className="wall-clock">
          <span className={`wall-live wall-live-${live}`} data-testid="live-status" data-status={live}>
            ● {live === 'connected' ? t('wallScreen.live') : t('wallScreen.offline')}
          </span>
          <span className="wall-date" data-testid="wall-date">
            {dateText}
          </span>
          <span className="wall-time num" data-testid="wall-clock">
            {timeText}
          </span>
        </div>
      </header>

      <section className="wall-figures" data-testid="wall-figures">
        {(['intake', 'open', 'overdue', 'closed'] as const).map((k) => (
          <div key={k} className={`wall-figure wall-figure-${k}`}>
            <div className="wall-figure-label">{t(`wallScreen.${k}`)}</div>
            <div className="wall-figure-value num" data-testid={`wall-${k}`}>
              {today.data ? today.data[k] : '—'}
            </div>
          </div>
        ))}
      </section>

      <aside className="wall-left">
        <section className="wall-panel grow">
          <h3>{t('wallScreen.categories')}</h3>
          <Suspense fallback={<div className="wall-chart" />}>
            {categoryOption && (
              <EChart option={categoryOption} className="wall-chart" testId="wall-categories" />
            )}
          </Suspense>
        </section>
        <section className="wall-panel">
          <h3>{t('wallScreen.hotspots')}</h3>
          <ol className="wall-rank" data-testid="wall-hotspots">
            {hotCells.map((c, i) => (
              <li key={c.code}>
                <span className="wall-rank-n num">{i + 1}</span>
                <span className="wall-rank-name">{ref.cell(c.code)?.name ?? c.code}</span>
                <span className="num wall-bad">{c.overdue}</span>
                <span className="num">{c.open}</span>
              </li>
            ))}
          </ol>
        </section>
      </aside>

      <div className="wall-map" data-testid="wall-map">
        <MapContainer
          {...(gridBounds
            ? { bounds: gridBounds, boundsOptions: { padding: [10, 10] } }
            : { center: CITY_CENTER, zoom: 13 })}
          zoomControl={false}
          attributionControl={false}
          dragging={false}
          scrollWheelZoom={false}
          doubleClickZoom={false}
          keyboard={false}
          zoomSnap={0.1}
          className="map-root"
        >
          <BaseTiles />
          <CellsLayer cells={ref.data.cells} styleOf={styleOf} interactive={false} />
          <WallCasesLayer cases={cases} fresh={freshSet} calendar={ref.calendar} now={now} scale={scale} />
          <FitOnResize bounds={gridBounds} refit />
        </MapContainer>
        <div
          className="wall-map-count num"
          data-testid="wall-open-markers"
          data-count={cases.length}
          data-fresh={freshSet.size}
        >
          {t('wallScreen.open')} {cases.length}
          {freshSet.size > 0 && (
            <span className="wall-fresh">
              {' '}
              · {t('wallScreen.newCase')} {freshSet.size}
            </span>
          )}
          {openCases.data?.truncated && (
            <MarkerLimitNotice limit={openCases.data.limit} className="wall-limit-notice" />
          )}
        </div>
      </div>

      <aside className="wall-right">
        <section className="wall-panel">
          <h3>{t('wallScreen.trend7')}</h3>
          <Suspense fallback={<div className="wall-chart small" />}>
            {trend.data && (
              <EChart option={trendOption(7)!} className="wall-chart small" testId="wall-trend7" />
            )}
          </Suspense>
        </section>
        <section className="wall-panel">
          <h3>{t('wallScreen.trend30')}</h3>
          <Suspense fallback={<div className="wall-chart small" />}>
            {trend.data && (
              <EChart option={trendOption(30)!} className="wall-chart small" testId="wall-trend30" />
            )}
          </Suspense>
        </section>
        <section className="wall-panel grow">
          <h3>{t('wallScreen.units')}</h3>
          <ol className="wall-rank" data-testid="wall-units">
            {unitRank.map((r, i) => (
              <li key={r.key}>
                <span className="wall-rank-n num">{i + 1}</span>
                <span className="wall-rank-name">{localName(ref.unit(r.key)) || r.name}</span>
                <span className="num">{formatPercent(r.onTimeCloseRate)}</span>
              </li>
            ))}
          </ol>
        </section>
      </aside>

      <footer className="wall-ticker" data-testid="wall-ticker">
        <h3>{t('wallScreen.ticker')}</h3>
        {tickerRows.length === 0 ? (
          <p className="wall-muted">{t('wallScreen.noTicker')}</p>
        ) : (
          <ul>
            {tickerRows.map((e) => (
              <li
                key={e.id}
                data-testid="wall-ticker-item"
                data-case={e.caseNumber}
                className={e.type === 'report' && freshSet.has(e.caseNumber) ? 'fresh' : ''}
              >
                <span className="num wall-muted">{formatClock(e.at)}</span>
                <span className="wall-what">
                  {t(`actions.${e.type}`)} ·{' '}
                  {localName(ref.minorClass(e.case.minorClassCode)) || e.case.minorClassCode}
                </span>
                <span className="wall-where">{localName(ref.community(e.case.communityCode)) || '—'}</span>
                <span className="wall-unit">
                  {e.case.unitCode ? localName(ref.unit(e.case.unitCode)) : '—'}
                </span>
              </li>
            ))}
          </ul>
        )}
      </footer>
    </div>
  );
}
