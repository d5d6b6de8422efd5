import { useTranslation } from 'react-i18next';

export function Loading({ label }: { label?: string }) {
  const { t } = useTranslation();
  return (
    <div className="status-box" role="status" data-testid="loading">
      <span className="spinner" aria-hidden="true" />
      {label ?? t('app.loading')}
    </div>
  );
}

/** Errors a retry cannot fix: offering "retry" for them would only mislead. */
const FINAL_CODES = new Set(['FORBIDDEN', 'NOT_FOUND']);

export function ErrorBox({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t, i18n } = useTranslation();
  const code = (error as { data?: { code?: string } } | null)?.data?.code;
  const message = code && i18n.exists(`errorCodes.${code}`) ? t(`errorCodes.${code}`) : error instanceof Error ? error.message : String(error);
  if (code && FINAL_CODES.has(code)) onRetry = undefined;
  return (
    <div className="status-box error" role="alert" data-testid="error">
      <strong>{t('app.error')}</strong>
      <span className="muted">{message}</span>
      {onRetry && (
        <button type="button" onClick={onRetry}>
          {t('app.retry')}
        </button>
      )}
    </div>
  );
}

export function Empty({ label }: { label?: string }) {
  const { t } = useTranslation();
  return <div className="status-box muted">{label ?? t('app.empty')}</div>;
}
