import { useTranslation } from 'react-i18next';
import type { LiveCaseEvent } from '../../lib/trpc';
import { formatClock } from '../../lib/format';

/** The newest case events as they arrive (实时动态), each opening its case. */
export function LiveTicker({
  events,
  onSelectCase,
}: {
  readonly events: readonly LiveCaseEvent[];
  readonly onSelectCase: (caseNumber: string) => void;
}) {
  const { t } = useTranslation();
  return (
    <section className="side-section ticker" data-testid="ticker">
      <h3>{t('map.ticker')}</h3>
      {events.length === 0 && <p className="muted small">{t('map.noTicker')}</p>}
      <ul className="ticker-list">
        {events.map((e) => (
          <li key={e.id}>
            <span className="num muted">{formatClock(e.at)}</span>
            <button type="button" className="link num" onClick={() => onSelectCase(e.caseNumber)}>
              {e.caseNumber}
            </button>
            <span>{t(`actions.${e.type}`)}</span>
            <span className="muted ellipsis">{e.actorName}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
