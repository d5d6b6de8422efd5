import { lazy, Suspense, useMemo, useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { EChartsOption } from 'echarts';
import { useTRPC } from '../../lib/trpc';
import { useReference } from '../../lib/reference';
import { useLocalName } from '../../i18n';
import { formatDateTime, formatPercent } from '../../lib/format';
import { ErrorBox, Loading } from '../../components/status';
import './reports.css';

const EChart = lazy(() => import('../../components/echart'));

type Kind = 'daily' | 'weekly' | 'monthly' | 'custom';
type Group = 'unit' | 'community' | 'category' | 'cell';
const KINDS: Kind[] = ['daily', 'weekly', 'monthly', 'custom'];
const GROUPS: Group[] = ['unit', 'community', 'category', 'cell'];
const todayBeijing = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
const TEXT = '#93a3bd';
/** Axis colours readable on the dark screen and on paper. */
const AXIS = {
  axisLabel: { color: TEXT },
  axisLine: { lineStyle: { color: '#5a6b88' } },
  splitLine: { lineStyle: { color: '#2a3b5a' } },
};
const signed = (v: number | null) => (v === null ? '—' : `${v >= 0 ? '+' : ''}${(v * 100).toFixed(1)}%`);

/** 日报 / 周报 / 月报 and any period: figures, comparisons, charts, hotspots; printable; .xlsx and .csv. */
export default function ReportsScreen() {
  const { t, i18n } = useTranslation();
  const trpc = useTRPC();
  const ref = useReference();
  const localName = useLocalName();
  const [kind, setKind] = useState<Kind>('monthly');
  const [date, setDate] = useState(todayBeijing);
  const [to, setTo] = useState(todayBeijing);
  const [groupBy, setGroupBy] = useState<Group>('unit');
  const input = { kind, date, groupBy, ...(kind === 'custom' ? { to } : {}) };
  const report = useQuery({ ...trpc.reports.build.queryOptions(input), placeholderData: keepPreviousData });
  const qs = new URLSearchParams(Object.entries(input).map(([k, v]) => [k, String(v)])).toString();

  const nameOf = (key: string | null, fallback: string | null) => {
    if (!key) return t('app.none');
    if (groupBy === 'unit') return localName(ref.unit(key)) || fallback || key;
    if (groupBy === 'community') return localName(ref.community(key)) || fallback || key;
    if (groupBy === 'category')
      return localName(ref.data.hotlineCategories.find((c) => c.code === key)) || fallback || key;
    return key;
  };

  const r = report.data;
  const dailyOption = useMemo<EChartsOption | null>(
    () =>
      r
        ? {
            animation: false,
            grid: { left: 40, right: 16, top: 16, bottom: 28 },
            tooltip: { trigger: 'axis' },
            xAxis: { type: 'category', data: r.daily.map((d) => d.day.slice(5)), ...AXIS },
            yAxis: { type: 'value', minInterval: 1, ...AXIS },
            series: [
              {
                type: r.daily.length > 1 ? 'line' : 'bar',
                data: r.daily.map((d) => d.n),
                areaStyle: { opacity: 0.15 },
                smooth: true,
                name: t('reports.daily'),
              },
            ],
          }
        : null,
    [r, t],
  );
  const top = useMemo(() => (r ? r.rows.filter((x) => x.key).slice(0, 15) : []), [r]);
  const groupOption = useMemo<EChartsOption | null>(
    () =>
      r
        ? {
            animation: false,
            textStyle: { color: TEXT },
            legend: { top: 0, textStyle: { color: TEXT } },
            grid: { left: 40, right: 48, top: 28, bottom: 70 },
            tooltip: { trigger: 'axis' },
            xAxis: {
              type: 'category',
              data: top.map((x) => nameOf(x.key, x.name)),
              ...AXIS,
              axisLabel: { ...AXIS.axisLabel, rotate: 35, fontSize: 11 },
            },
            yAxis: [
              { type: 'value', minInterval: 1, ...AXIS },
              {
                type: 'value',
                min: 0,
                max: 100,
                ...AXIS,
                axisLabel: { ...AXIS.axisLabel, formatter: '{value}%' },
              },
            ],
            series: [
              { type: 'bar', name: t('reports.cols.dispatched'), data: top.map((x) => x.dispatched) },
              {
                type: 'line',
                name: t('reports.cols.onTimeCloseRate'),
                yAxisIndex: 1,
                data: top.map((x) =>
                  x.onTimeCloseRate === null ? null : Math.round(x.onTimeCloseRate * 1000) / 10,
                ),
              },
            ],
          }
        : null,
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [r, top, t, i18n.language],
  );

  return (
    <div className="reports-screen" data-testid="reports-screen">
      <div className="reports-controls no-print">
        <label>
          {t('reports.kind')}
          <select data-testid="report-kind" value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`reports.kinds.${k}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('reports.date')}
          <input
            data-testid="report-date"
            type="date"
            value={date}
            onChange={(e) => e.target.value && setDate(e.target.value)}
          />
        </label>
        {kind === 'custom' && (
          <label>
            {t('reports.to')}
            <input
              data-testid="report-to"
              type="date"
              value={to}
              onChange={(e) => e.target.value && setTo(e.target.value)}
            />
          </label>
        )}
        <label>
          {t('reports.groupBy')}
          <select
            data-testid="report-group"
            value={groupBy}
            onChange={(e) => setGroupBy(e.target.value as Group)}
          >
            {GROUPS.map((g) => (
              <option key={g} value={g}>
                {t(`reports.groups.${g}`)}
              </option>
            ))}
          </select>
        </label>
        <a
          className="button primary"
          href={`/api/export/report.xlsx?${qs}`}
          download
          data-testid="report-xlsx"
        >
          {t('reports.xlsx')}
        </a>
        <a className="button" href={`/api/export/report.csv?${qs}`} download data-testid="report-csv">
          {t('reports.csv')}
        </a>
        <button type="button" onClick={() => window.print()} data-testid="report-print">
          {t('reports.print')}
        </button>
        {report.isFetching && <span className="spinner small" aria-hidden="true" />}
      </div>
      {report.isError && <ErrorBox error={report.error} onRetry={() => void report.refetch()} />}
      {!r && report.isPending && <Loading />}
      {r && (
        <article className="report-page" data-testid="report" data-period={r.period.label}>
          <header className="report-head">
            <h1>
              {t('reports.title2', { kind: t(`reports.kinds.${r.kind}`) })} ·{' '}
              {t(`reports.groups.${r.groupBy}`)}
            </h1>
            <p className="muted">
              <span data-testid="report-period">
                {t('reports.period', { p: r.period.label })}
                {r.partial ? ` ${t('reports.toDate')}` : ''}
              </span>{' '}
              · {t('reports.previous', { p: r.previous.label })} ·{' '}
              {t('reports.lastYear', { p: r.lastYear.label })} ·{' '}
              {t('reports.generated', { at: formatDateTime(r.generatedAt) })}
            </p>
          </header>
          <section className="report-headline" data-testid="report-headline">
            <Figure
              label={t('reports.headline.dispatched')}
              value={String(r.totals.dispatched)}
              testId="headline-dispatched"
              sub={`${t('reports.headline.mom')} ${signed(r.totals.mom)} · ${t('reports.headline.yoy')} ${signed(r.totals.yoy)}`}
            />
            <Figure label={t('reports.headline.closed')} value={String(r.totals.closed)} />
            <Figure label={t('reports.headline.closeRate')} value={formatPercent(r.totals.closeRate)} />
            <Figure
              label={t('reports.headline.onTimeCloseRate')}
              value={formatPercent(r.totals.onTimeCloseRate)}
            />
            <Figure
              label={t('reports.headline.satisfaction')}
              value={r.totals.avgSatisfaction === null ? '—' : r.totals.avgSatisfaction.toFixed(2)}
            />
            <Figure label={t('reports.headline.overdueOpen')} value={String(r.totals.overdueOpen)} />
            <Figure
              label={t('reports.headline.urged')}
              value={String(r.totals.urged)}
              testId="headline-urged"
            />
            <Figure label={t('reports.headline.escalated')} value={String(r.totals.escalated)} />
          </section>
          <section className="report-charts">
            <div className="report-chart-box">
              <h3>{t('reports.daily')}</h3>
              <Suspense fallback={<div className="report-chart" />}>
                {dailyOption && <EChart option={dailyOption} className="report-chart" testId="chart-daily" />}
              </Suspense>
            </div>
            <div className="report-chart-box">
              <h3>{t('reports.byGroup', { g: t(`reports.groups.${r.groupBy}`) })}</h3>
              <Suspense fallback={<div className="report-chart" />}>
                {groupOption && <EChart option={groupOption} className="report-chart" testId="chart-group" />}
              </Suspense>
            </div>
          </section>
          <table className="report-table" data-testid="report-table">
            <thead>
              <tr>
                {(
                  [
                    'name',
                    'dispatched',
                    'closed',
                    'closeRate',
                    'onTimeCloseRate',
                    'onTimeDisposalRate',
                    'reworkRate',
                    'accurateDispatchRate',
                    'overdueOpen',
                    'urged',
                    'escalated',
                    'satisfaction',
                    'mom',
                    'yoy',
                  ] as const
                ).map((c) => (
                  <th key={c}>{t(`reports.cols.${c}`)}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {[...r.rows, r.totals].map((x, i) => (
                <tr
                  key={`${x.key ?? 'none'}-${i}`}
                  className={i === r.rows.length ? 'total' : ''}
                  data-testid={i === r.rows.length ? 'report-total' : `report-row-${x.key ?? 'none'}`}
                >
                  <td>{i === r.rows.length ? t('reports.total') : nameOf(x.key, x.name)}</td>
                  <td className="num">{x.dispatched}</td>
                  <td className="num">{x.closed}</td>
                  <td className="num">{formatPercent(x.closeRate)}</td>
                  <td className="num">{formatPercent(x.onTimeCloseRate)}</td>
                  <td className="num">{formatPercent(x.onTimeDisposalRate)}</td>
                  <td className="num">{formatPercent(x.reworkRate)}</td>
                  <td className="num">{formatPercent(x.accurateDispatchRate)}</td>
                  <td className="num">{x.overdueOpen}</td>
                  <td className="num">{x.urged}</td>
                  <td className="num">{x.escalated}</td>
                  <td className="num">{x.avgSatisfaction === null ? '—' : x.avgSatisfaction.toFixed(2)}</td>
                  <td className="num">{signed(x.mom)}</td>
                  <td className="num">{signed(x.yoy)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {r.rows.length === 0 && <p className="muted">{t('reports.empty')}</p>}
          <section className="report-hotspots" data-testid="report-hotspots">
            <h3>{t('reports.hotspots')}</h3>
            <p className="muted small" data-testid="hotspot-rule">
              {i18n.language === 'en' ? r.hotspotRule.en : r.hotspotRule.zh}
            </p>
            {r.hotspots.length === 0 ? (
              <p className="muted">{t('reports.noHotspots')}</p>
            ) : (
              <ul>
                {r.hotspots.map((h) => (
                  <li key={`${h.kind}-${h.code}`} data-testid={`hotspot-${h.code}`}>
                    <strong>
                      {t(`reports.hotspotKinds.${h.kind}`)}{' '}
                      {h.kind === 'class' ? localName(ref.minorClass(h.code)) || h.name : h.name}
                    </strong>{' '}
                    <span className="num muted">{h.code}</span> ·{' '}
                    {t('reports.hotspotLine', { n: h.count, mean: h.mean, sd: h.sd })}
                  </li>
                ))}
              </ul>
            )}
          </section>
        </article>
      )}
    </div>
  );
}

function Figure({
  label,
  value,
  sub,
  testId,
}: {
  label: string;
  value: string;
  sub?: string;
  testId?: string;
}) {
  return (
    <div className="report-figure">
      <div className="muted small">{label}</div>
      <div className="report-figure-value num" data-testid={testId}>
        {value}
      </div>
      {sub && <div className="muted small">{sub}</div>}
    </div>
  );
}
