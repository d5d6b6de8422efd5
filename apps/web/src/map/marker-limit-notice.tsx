import { useTranslation } from 'react-i18next';

/**
 * Said on the map when the server cut the open-case markers at its limit (`truncated` of
 * dashboard.openCaseMarkers): the map then shows only the first `limit` cases, never silently.
 */
export function MarkerLimitNotice({ limit, className }: { limit: number; className: string }) {
  const { t } = useTranslation();
  return (
    <span className={className} role="status" data-testid="markers-truncated" data-limit={limit}>
      {t('map.markersTruncated', { n: limit })}
    </span>
  );
}
