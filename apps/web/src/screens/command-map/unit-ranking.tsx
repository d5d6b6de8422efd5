import { useMemo } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { localPeriodRange, rankUnits, type LocalPeriod } from '@citygrid/domain';
import { useTRPC, type CaseFilter } from '../../lib/trpc';
import { useReference } from '../../lib/reference';
import { formatPercent } from '../../lib/format';
import { useLocalName } from '../../i18n';
import { ErrorBox } from '../../components/status';

/** The units' league table for a period (the domain's `rankUnits`: on-time closing rate, then rework rate). */
export function UnitRanking({
  period,
  filter,
  wall,
}: {
  readonly period: LocalPeriod;
  readonly filter: CaseFilter;
  readonly wall: boolean;
}) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const ref = useReference();
  const localName = useLocalName();
  const range = useMemo(() => localPeriodRange(period, new Date()), [period]);
  const evaluation = useQuery({
    ...trpc.dashboard.evaluation.queryOptions({ period: range, groupBy: 'unit', filter }),
    placeholderData: keepPreviousData,
    refetchInterval: wall ? 300_000 : false,
  });
  const ranking = useMemo(() => rankUnits(evaluation.data ?? []), [evaluation.data]);
  return (
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
  );
}
