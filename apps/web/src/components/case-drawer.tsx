import type { ReactNode } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useTRPC, type CaseView } from '../lib/trpc';
import { formatDateTime } from '../lib/format';
import { useCellName, useReference } from '../lib/reference';
import { useNow } from '../lib/use-now';
import { attachmentUrl } from '../lib/attachments';
import { useLocalName } from '../i18n';
import { ActionPanel } from './action-panel';
import { CaseClock } from './light';
import { ErrorBox, Loading } from './status';
import { CaseMiniMap } from '../map/case-mini-map';
import { CitizenFacts } from './citizen-facts';

export interface CaseDrawerProps {
  caseNumber: string;
  onClose?: () => void;
  suggestedUnitCode?: string | null;
  duplicates?: Array<{ caseNumber: string; distanceM: number }>;
}

/** One case: facts, small map, the actions this user may take, and the full event history. */
export function CaseDrawer({ caseNumber, onClose, suggestedUnitCode, duplicates }: CaseDrawerProps) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const q = useQuery(trpc.cases.get.queryOptions({ caseNumber }));
  return (
    <aside className="drawer" data-testid="case-drawer" aria-label={t('case.title', { n: caseNumber })}>
      <div className="drawer-head">
        <h3 className="num">{t('case.title', { n: caseNumber })}</h3>
        {onClose && (
          <button
            type="button"
            className="ghost"
            onClick={onClose}
            data-testid="drawer-close"
            aria-label={t('app.close')}
          >
            ✕
          </button>
        )}
      </div>
      <div className="drawer-body">
        {q.isPending && <Loading />}
        {q.isError && <ErrorBox error={q.error} onRetry={() => void q.refetch()} />}
        {q.data && (
          <CaseBody
            view={q.data}
            suggestedUnitCode={suggestedUnitCode}
            duplicates={duplicates}
            refetch={async () => (await q.refetch()).data}
          />
        )}
      </div>
    </aside>
  );
}

function CaseBody({
  view,
  suggestedUnitCode,
  duplicates,
  refetch,
}: {
  view: CaseView;
  suggestedUnitCode?: string | null | undefined;
  duplicates?: Array<{ caseNumber: string; distanceM: number }> | undefined;
  refetch: () => Promise<CaseView | undefined>;
}) {
  const { t, i18n } = useTranslation();
  const ref = useReference();
  const localName = useLocalName();
  const cellName = useCellName();
  const now = useNow(30_000);
  const r = view.record;
  const english = i18n.language === 'en';
  // the routing explanation is stored in Chinese; the server gives its English twin when it can
  const routeText = (text: string) =>
    english && text === r.routeExplanation && view.routeExplanationEn ? view.routeExplanationEn : text;
  // who acted: in English the role (and unit) from the message files, the stored Chinese label as a tooltip
  const actorLabel = (e: CaseView['events'][number]) =>
    english
      ? [
          t(`roles.${e.actorRole}`, { defaultValue: e.actorRole }),
          e.actorUnitCode ? localName(ref.unit(e.actorUnitCode)) : '',
        ]
          .filter(Boolean)
          .join(' · ')
      : e.actorName;
  const unit = ref.unit(r.unitCode);
  const community = ref.community(r.communityCode);
  const mc = ref.minorClass(r.minorClassCode);
  return (
    <>
      <div className="case-summary">
        <span className={`state-badge state-${r.state}`} data-testid="case-state" data-state={r.state}>
          {t(`states.${r.state}`)}
        </span>
        <CaseClock c={r} now={now} />
        {r.urgency === 'urgent' && <span className="urgent-badge">{t('case.urgent')}</span>}
        <span className="muted small">
          {t('case.version')} <span data-testid="case-version">{r.version}</span>
        </span>
      </div>
      <dl className="facts">
        <dt>{t('case.category')}</dt>
        <dd>{mc ? localName(mc) : view.minorClassName}</dd>
        <dt>{t('case.unit')}</dt>
        <dd>{unit ? localName(unit) : (view.unitName ?? '—')}</dd>
        <dt>{t('case.community')}</dt>
        <dd>{community ? localName(community) : (view.communityName ?? '—')}</dd>
        <dt>{t('case.cell')}</dt>
        <dd data-testid="case-cell">
          {r.cellCode ? (
            <>
              {cellName(r.cellCode)} <span className="num muted small">{r.cellCode}</span>
            </>
          ) : (
            '—'
          )}
        </dd>
        <dt>{t('case.reportedAt')}</dt>
        <dd className="num">{formatDateTime(r.reportedAt)}</dd>
        <dt>{t('case.dueAt')}</dt>
        <dd className="num">
          {formatDateTime(r.dueAt)}{' '}
          <span className="muted small">
            {t('time.limit', { amount: r.limitAmount, unit: t(`limitUnits.${r.limitUnit}`) })}
          </span>
        </dd>
        {(r.callerName || r.callerPhone) && (
          <>
            <dt>{t('case.caller')}</dt>
            <dd>
              {r.callerName ?? ''} <span className="num">{r.callerPhone ?? ''}</span>
            </dd>
          </>
        )}
        {r.address && (
          <>
            <dt>{t('case.address')}</dt>
            <dd>{r.address}</dd>
          </>
        )}
        {(r.routeExplanation || r.dispatchedAt) && (
          <>
            <dt>{t('case.route')}</dt>
            <dd className="small" data-testid="case-route">
              {r.routeExplanation ? routeText(r.routeExplanation) : t('case.routeManual')}
            </dd>
          </>
        )}
        {r.duplicateCount > 0 && (
          <>
            <dt>{t('case.duplicates')}</dt>
            <dd data-testid="case-duplicates">{t('case.duplicateCount', { n: r.duplicateCount })}</dd>
          </>
        )}
        {r.pendingExtensionAmount > 0 && (
          <>
            <dt>{t('actions.request_extension')}</dt>
            <dd>
              {t('case.pendingExtension', {
                amount: r.pendingExtensionAmount,
                unit: t(`limitUnits.${r.limitUnit}`),
              })}
            </dd>
          </>
        )}
        {r.mergedInto && (
          <>
            <dt>{t('states.merged')}</dt>
            <dd>
              <a href={`#/case/${r.mergedInto}`}>{t('case.mergedInto', { n: r.mergedInto })}</a>
            </dd>
          </>
        )}
      </dl>
      <section>
        <h4>{t('case.description')}</h4>
        <p className="description" data-testid="case-description">
          {r.description}
        </p>
        {r.mediaUrl && (
          <p>
            <a href={r.mediaUrl} target="_blank" rel="noreferrer noopener" data-testid="case-media-url">
              {t('case.mediaUrl')}
            </a>
          </p>
        )}
      </section>
      <CitizenFacts caseNumber={r.caseNumber} />
      {r.lat !== null && <CaseMiniMap lat={r.lat} lng={r.lng} cellCode={r.cellCode} />}
      <section>
        <h4>{t('case.actions')}</h4>
        <ActionPanel
          view={view}
          suggestedUnitCode={suggestedUnitCode ?? null}
          duplicates={duplicates ?? []}
          onConflict={refetch}
        />
      </section>
      <section>
        <h4>{t('case.history')}</h4>
        <ol className="history" data-testid="case-history">
          {view.events.map((e) => (
            <li key={e.id}>
              <div className="history-head">
                <span className="num muted">{formatDateTime(e.at)}</span>
                <strong>{t(`actions.${e.type}`)}</strong>
                <span title={e.actorName} data-testid="history-actor">
                  {actorLabel(e)}{' '}
                  {!english && (
                    <span className="muted small">
                      {t(`roles.${e.actorRole}`, { defaultValue: e.actorRole })}
                    </span>
                  )}
                </span>
                {e.fromState !== e.toState && (
                  <span className="muted small">→ {t(`states.${e.toState}`)}</span>
                )}
              </div>
              <EventDetail event={e} limitUnit={r.limitUnit} />
              {(e.reason || e.note) && (
                <div className="history-text">{routeText(e.reason ?? e.note ?? '')}</div>
              )}
              {e.type === 'comment' && e.reason && e.note && <div className="history-text">{e.note}</div>}
              {e.type === 'callback' && e.action.type === 'callback' && (
                <div className="history-text">{t('case.satisfactionN', { n: e.action.satisfaction })}</div>
              )}
              {e.attachments.length > 0 && (
                <div className="thumbs">
                  {e.attachments.map((sha) => (
                    <a key={sha} href={attachmentUrl(sha)} target="_blank" rel="noreferrer" className="thumb">
                      <img src={attachmentUrl(sha)} alt="" loading="lazy" />
                    </a>
                  ))}
                </div>
              )}
            </li>
          ))}
        </ol>
      </section>
    </>
  );
}

/** What an event did, beyond its name: the unit, how long and until when, where a call went. */
function EventDetail({ event: e, limitUnit }: { event: CaseView['events'][number]; limitUnit: string }) {
  const { t } = useTranslation();
  const ref = useReference();
  const localName = useLocalName();
  const a = e.action;
  let text: ReactNode = null;
  switch (a.type) {
    case 'dispatch':
    case 'redispatch': {
      const u = ref.unit(a.unitCode);
      text = t('case.dispatchedTo', { unit: u ? localName(u) : a.unitCode });
      break;
    }
    case 'approve_extension':
      text =
        a.amount !== undefined
          ? t('case.extendedBy', {
              amount: a.amount,
              unit: t(`limitUnits.${a.unit ?? limitUnit}`),
              due: formatDateTime(a.dueAt),
            })
          : t('case.newDue', { due: formatDateTime(a.dueAt) });
      break;
    case 'rework':
    case 'resume':
      text = t('case.newDue', { due: formatDateTime(a.dueAt) });
      break;
    case 'file':
      if (a.manualDispatch) text = t('case.manualDispatch', { reason: t(`reasons.${a.manualDispatch}`) });
      break;
    case 'merge':
      text = <a href={`#/case/${a.targetCaseNumber}`}>{t('case.mergedInto', { n: a.targetCaseNumber })}</a>;
      break;
    case 'link_duplicate':
      text = (
        <a href={`#/case/${a.duplicateCaseNumber}`}>
          {t('case.duplicateLinked', { n: a.duplicateCaseNumber })}
        </a>
      );
      break;
    default:
      return null;
  }
  if (!text) return null;
  return (
    <div className="history-text" data-testid="history-detail">
      {text}
    </div>
  );
}
