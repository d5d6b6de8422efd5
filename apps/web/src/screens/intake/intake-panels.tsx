import { useTranslation } from 'react-i18next';
import type { IntakeResult, Preview } from '../../lib/trpc';
import { useReference } from '../../lib/reference';
import { formatDateTime } from '../../lib/format';
import { useLocalName } from '../../i18n';
import { useErrorText } from '../../components/status';

/** The case just filed: its number, state, unit and deadline. */
export function IntakeResultPanel({
  result,
  onDismiss,
}: {
  readonly result: IntakeResult;
  readonly onDismiss: () => void;
}) {
  const { t } = useTranslation();
  const ref = useReference();
  const localName = useLocalName();
  return (
    <div className="panel result" data-testid="intake-result" role="status">
      <div className="muted">{t('intake.created')}</div>
      <div className="case-number num" data-testid="case-number">
        {result.caseNumber}
      </div>
      <div className="result-facts">
        <span
          className={`state-badge state-${result.state}`}
          data-testid="result-state"
          data-state={result.state}
        >
          {t(`states.${result.state}`)}
        </span>
        {result.mergedInto && (
          <span data-testid="result-merged-into" data-case-number={result.mergedInto}>
            {t('intake.mergedInto', { n: result.mergedInto })}
          </span>
        )}
        {result.unitName && (
          <span>
            {t('intake.unit')}：{localName(ref.unit(result.unitCode)) || result.unitName}
          </span>
        )}
        <span data-testid="result-deadline">
          {t('intake.deadline')}：<span className="num">{formatDateTime(result.dueAt)}</span>
        </span>
      </div>
      <button type="button" className="ghost small" onClick={onDismiss}>
        {t('intake.newCall')}
      </button>
    </div>
  );
}

export interface RoutingPreviewProps {
  readonly hasClass: boolean;
  readonly pending: boolean;
  readonly error: unknown;
  readonly preview: Preview | undefined;
}

/** Where the call would go (派遣预览): cell, community, unit, the rule that routes it and the deadline. */
export function RoutingPreview({ hasClass, pending, error, preview: pv }: RoutingPreviewProps) {
  const { t } = useTranslation();
  const ref = useReference();
  const localName = useLocalName();
  const errorText = useErrorText();
  return (
    <div className="panel preview" data-testid="intake-preview">
      <h3>{t('intake.preview')}</h3>
      {!hasClass && <p className="muted">{t('intake.selectCategoryFirst')}</p>}
      {hasClass && pending && <p className="muted">{t('app.loading')}</p>}
      {hasClass && error != null && <p className="form-error">{errorText(error)}</p>}
      {pv && (
        <dl className="facts compact">
          <dt>{t('intake.cell')}</dt>
          <dd className="num" data-testid="preview-cell">
            {pv.cellCode ?? '—'}
          </dd>
          <dt>{t('intake.community')}</dt>
          <dd data-testid="preview-community">{pv.communityName ?? '—'}</dd>
          <dt>{t('intake.unit')}</dt>
          <dd data-testid="preview-unit">
            <strong>{pv.unitCode ? localName(ref.unit(pv.unitCode)) || pv.unitName : '—'}</strong>
          </dd>
          <dt>{t('intake.rule')}</dt>
          <dd className="small" data-testid="preview-rule">
            {pv.explanation ?? t('intake.noRoute')}
          </dd>
          <dt>{t('intake.deadline')}</dt>
          <dd className="num" data-testid="preview-deadline">
            {formatDateTime(pv.dueAt)}{' '}
            <span className="muted small">
              {t('time.limit', { amount: pv.limit.amount, unit: t(`limitUnits.${pv.limit.unit}`) })}
            </span>
          </dd>
        </dl>
      )}
      {pv?.outsideGrid && <p className="warn">{t('intake.outsideGrid')}</p>}
    </div>
  );
}

export interface NearbyCasesProps {
  readonly nearby: Preview['nearby'];
  /** Whether to say that there are none (a preview for a located call exists). */
  readonly sayNone: boolean;
  readonly busy: boolean;
  readonly onLink: (caseNumber: string) => void;
}

/** Open cases of the same class near the point (附近同类未结案件), each linkable with Alt+1…5. */
export function NearbyCases({ nearby, sayNone, busy, onLink }: NearbyCasesProps) {
  const { t } = useTranslation();
  return (
    <div className="panel nearby" data-testid="intake-nearby">
      <h3>{t('intake.nearby')}</h3>
      {sayNone && nearby.length === 0 && <p className="muted small">{t('intake.nearbyNone')}</p>}
      <ul className="compact-list">
        {nearby.map((n, i) => (
          <li key={n.caseNumber}>
            <span className="num">{n.caseNumber}</span>
            <span className="muted small">
              {t(`states.${n.state}`)} · {t('intake.distance', { m: n.distanceM })}
            </span>
            <span className="ellipsis small">{n.description}</span>
            <button
              type="button"
              className="small"
              data-testid={`link-duplicate-${i + 1}`}
              onClick={() => onLink(n.caseNumber)}
              disabled={busy}
            >
              {t('intake.link', { n: i + 1 })}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
