import { useTranslation } from 'react-i18next';
import { LOCAL_PERIODS, OPEN_STATES, type LocalPeriod } from '@citygrid/domain';
import type { CaseState } from '../../lib/trpc';
import { useReference } from '../../lib/reference';
import { useLocalName } from '../../i18n';
import type { MapFilters } from './map-filters';

export interface FiltersPanelProps {
  readonly filters: MapFilters;
  readonly onFilters: (update: (f: MapFilters) => MapFilters) => void;
  readonly period: LocalPeriod;
  readonly onPeriod: (p: LocalPeriod) => void;
}

/** The selects of the command map: category, unit, community, state (the open states: the map shows open cases) and the ranking's period. */
export function FiltersPanel({ filters, onFilters, period, onPeriod }: FiltersPanelProps) {
  const { t } = useTranslation();
  const ref = useReference();
  const localName = useLocalName();
  const set = <K extends keyof MapFilters>(k: K, v: MapFilters[K]) => onFilters((f) => ({ ...f, [k]: v }));
  return (
    <section className="side-section filters" data-testid="map-filters">
      <h3>{t('map.filters')}</h3>
      <div className="filter-grid">
        <select
          aria-label={t('map.category')}
          value={filters.hotlineCategory}
          onChange={(e) => set('hotlineCategory', e.target.value)}
          data-testid="filter-category"
        >
          <option value="">
            {t('map.category')}：{t('app.all')}
          </option>
          {ref.data.hotlineCategories.map((c) => (
            <option key={c.code} value={c.code}>
              {localName(c)}
            </option>
          ))}
        </select>
        <select
          aria-label={t('map.unit')}
          value={filters.unitCode}
          onChange={(e) => set('unitCode', e.target.value)}
          data-testid="filter-unit"
        >
          <option value="">
            {t('map.unit')}：{t('app.all')}
          </option>
          {ref.data.units.map((u) => (
            <option key={u.code} value={u.code}>
              {localName(u)}
            </option>
          ))}
        </select>
        <select
          aria-label={t('map.community')}
          value={filters.communityCode}
          onChange={(e) => set('communityCode', e.target.value)}
          data-testid="filter-community"
        >
          <option value="">
            {t('map.community')}：{t('app.all')}
          </option>
          {ref.data.communities.map((c) => (
            <option key={c.code} value={c.code}>
              {localName(c)}
            </option>
          ))}
        </select>
        <select
          aria-label={t('map.state')}
          value={filters.state}
          onChange={(e) => set('state', e.target.value as CaseState | '')}
          data-testid="filter-state"
        >
          <option value="">
            {t('map.state')}：{t('app.all')}
          </option>
          {OPEN_STATES.map((s) => (
            <option key={s} value={s}>
              {t(`states.${s}`)}
            </option>
          ))}
        </select>
        <select
          aria-label={t('map.period')}
          value={period}
          onChange={(e) => onPeriod(e.target.value as LocalPeriod)}
          data-testid="filter-period"
        >
          {LOCAL_PERIODS.map((p) => (
            <option key={p} value={p}>
              {t('map.period')}：{t(`map.${p}`)}
            </option>
          ))}
        </select>
      </div>
    </section>
  );
}
