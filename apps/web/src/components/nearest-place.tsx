import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useTRPC } from '../lib/trpc';
import './nearest-place.css';

/**
 * The gazetteer entry nearest to a point the operator clicked, with its distance
 * ("锡林浩特市团结家园 3号楼 · 约40米"), so the caller's place can be confirmed aloud.
 */
export function NearestPlace({
  point,
  onUse,
}: {
  point: { lat: number; lng: number } | null;
  onUse?: (address: string) => void;
}) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const rounded = point
    ? { lat: Math.round(point.lat * 1e6) / 1e6, lng: Math.round(point.lng * 1e6) / 1e6 }
    : { lat: 0, lng: 0 };
  const q = useQuery({
    ...trpc.gazetteer.nearest.queryOptions(rounded),
    enabled: point !== null,
    staleTime: 60_000,
  });
  if (!point || q.isPending) return null;
  if (q.isError || !q.data) {
    return (
      <div className="nearest-place muted small" data-testid="nearest-place" data-found="false">
        {t('intake.nearestNone')}
      </div>
    );
  }
  const label = q.data.address || q.data.name;
  return (
    <div
      className="nearest-place small"
      data-testid="nearest-place"
      data-found="true"
      data-name={q.data.name}
    >
      {t('intake.nearest', { place: label, m: q.data.distanceM })}
      {onUse && (
        <button type="button" className="link" data-testid="nearest-use" onClick={() => onUse(label)}>
          {t('intake.nearestUse')}
        </button>
      )}
    </div>
  );
}
