import { useTranslation } from 'react-i18next';
import type { LiveStatus } from '../lib/live';

export function LiveStatusBadge({ status }: { status: LiveStatus }) {
  const { t } = useTranslation();
  return (
    <span className={`live-status live-${status}`} data-testid="live-status" data-status={status}>
      <span className="live-dot" aria-hidden="true" />
      {t(`live.${status}`)}
    </span>
  );
}
