import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { isCallerLookupReady } from '@citygrid/domain';
import { errorData, useTRPC } from '../../lib/trpc';
import { useDebounced } from '../../lib/use-debounced';
import { formatDateTime } from '../../lib/format';
import { useErrorText } from '../../components/status';

/**
 * The caller's earlier cases (来电历史), looked up once enough digits are typed (the domain's
 * `isCallerLookupReady`); the server normalises the number as it stores it and refuses an impossible one.
 */
export function CallerHistory({ phone }: { readonly phone: string }) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const errorText = useErrorText();
  const ready = isCallerLookupReady(phone);
  const debounced = useDebounced(phone.trim(), 250);
  const history = useQuery({
    ...trpc.intake.callerHistory.queryOptions({ phone: debounced }),
    enabled: isCallerLookupReady(debounced),
    placeholderData: keepPreviousData,
  });
  const refused = ready && history.isError;
  const rows = ready && !history.isError ? (history.data ?? []) : [];

  return (
    <div className="panel history-panel" data-testid="caller-history">
      <h3>{t('intake.history')}</h3>
      {!ready && <p className="muted small">{t('intake.historyHint')}</p>}
      {refused && (
        <p className="field-error" data-testid="history-phone-error">
          {errorData(history.error).fields?.length ? t('fieldErrors.callerPhone') : errorText(history.error)}
        </p>
      )}
      {ready && !history.isError && history.data && history.data.length === 0 && (
        <p className="muted small">{t('intake.historyNone')}</p>
      )}
      <ul className="compact-list">
        {rows.map((h) => (
          <li key={h.caseNumber}>
            <a className="num" href={`#/case/${h.caseNumber}`}>
              {h.caseNumber}
            </a>
            <span className="muted small">
              {t(`states.${h.state}`)} · {formatDateTime(h.reportedAt)}
            </span>
            <span className="ellipsis small">{h.description}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
