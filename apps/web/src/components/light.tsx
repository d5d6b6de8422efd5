import { useTranslation } from 'react-i18next';
import { formatRemaining } from '../lib/format';
import { lightOf, useReference, type TimedCase } from '../lib/reference';

type Light = 'green' | 'yellow' | 'red' | null;

export function LightDot({ light, title }: { light: Light; title?: string }) {
  const { t } = useTranslation();
  return (
    <span
      className={`light-dot light-${light ?? 'none'}`}
      title={title ?? t(`lights.${light ?? 'none'}`)}
      data-light={light ?? 'none'}
    />
  );
}

/** Traffic light and remaining time, recomputed client-side from the working calendar. */
export function CaseClock({ c, now }: { c: TimedCase; now: Date }) {
  const { t } = useTranslation();
  const { calendar } = useReference();
  const l = lightOf(c, calendar, now);
  return (
    <span className={`case-clock clock-${l?.light ?? 'none'}`} data-testid="case-clock">
      <LightDot light={l?.light ?? null} />
      <span className="num">
        {l
          ? formatRemaining(
              l.remainingMs < 0 && c.dueAt ? -(now.getTime() - Date.parse(c.dueAt)) : l.remainingMs,
              t,
            )
          : t(`states.${c.state}`)}
      </span>
    </span>
  );
}
