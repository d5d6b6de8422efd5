import { TRPCClientError } from '@trpc/client';
import { useTranslation } from 'react-i18next';
import { errorData } from '../lib/trpc';
import { fieldIssueText } from '../lib/i18n-errors';

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

/** The person's-language text of an error: its field issues, else its code, else a generic "try again". */
export function useErrorText(): (error: unknown) => string {
  const { t, i18n } = useTranslation();
  return (error: unknown) => {
    const data = errorData(error);
    const code = data.code;
    // field issues explain bad input; a refusal, a conflict or a missing case is said by its code even when
    // the server names the field it concerns (e.g. FORBIDDEN on `caseNumber`)
    const aboutInput = !code || code === 'BAD_REQUEST';
    if (aboutInput && data.fields?.length)
      return data.fields.map((f) => fieldIssueText(t, i18n, f)).join('；');
    if (code && i18n.exists(`errorCodes.${code}`)) return t(`errorCodes.${code}`);
    // a fetch that never reached the server
    if (error instanceof TypeError || (error instanceof TRPCClientError && !data.code))
      return t('errorCodes.NETWORK');
    return t('errorCodes.UNKNOWN');
  };
}

export function ErrorBox({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useTranslation();
  const code = errorData(error).code;
  const message = useErrorText()(error);
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
