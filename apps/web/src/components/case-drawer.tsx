import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useTRPC, type CaseView, type Role } from '../lib/trpc';
import { formatDateTime } from '../lib/format';
import { useReference } from '../lib/reference';
import { useNow } from '../lib/use-now';
import { attachmentUrl } from '../lib/attachments';
import { useLocalName } from '../i18n';
import { ActionPanel } from './action-panel';
import { CaseClock } from './light';
import { ErrorBox, Loading } from './status';
import { CaseMiniMap } from '../map/case-mini-map';

export interface CaseDrawerProps {
  caseNumber: string;
  role: Role;
  onClose?: () => void;
  suggestedUnitCode?: string | null;
  duplicates?: Array<{ caseNumber: string; distanceM: number }>;
}

/** One case: facts, small map, the actions this user may take, and the full event history. */
export function CaseDrawer({ caseNumber, role, onClose, suggestedUnitCode, duplicates }: CaseDrawerProps) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const q = useQuery(trpc.cases.get.queryOptions({ caseNumber }));
  return (
    <aside className="drawer" data-testid="case-drawer" aria-label={t('case.title', { n: caseNumber })}>
      <div className="drawer-head">
        <h3 className="num">{t('case.title', { n: caseNumber })}</h3>
        {onClose && (
          <button type="button" className="ghost" onClick={onClose} data-testid="drawer-close" aria-label={t('app.close')}>
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
            role={role}
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
  role,
  suggestedUnitCode,
  duplicates,
  refetch,
}: {
  view: CaseView;
  role: Role;
  suggestedUnitCode?: string | null | undefined;
  duplicates?: Array<{ caseNumber: string; distanceM: number }> | undefined;
  refetch: () => Promise<CaseView | undefined>;
}) {
  const { t } = useTranslation();
  const ref = useReference();
  const localName = useLocalName();
  const now = useNow(30_000);
  const r = view.record;
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
        <dd className="num">{r.cellCode ?? '—'}</dd>
        <dt>{t('case.reportedAt')}</dt>
        <dd className="num">{formatDateTime(r.reportedAt)}</dd>
        <dt>{t('case.dueAt')}</dt>
        <dd className="num">
          {formatDateTime(r.dueAt)}{' '}
          <span className="muted small">{t('time.limit', { amount: r.limitAmount, unit: t(`limitUnits.${r.limitUnit}`) })}</span>
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
        {r.routeExplanation && (
          <>
            <dt>{t('case.route')}</dt>
            <dd className="small">{r.routeExplanation}</dd>
          </>
        )}
        {r.pendingExtensionAmount > 0 && (
          <>
            <dt>{t('actions.request_extension')}</dt>
            <dd>{t('case.pendingExtension', { amount: r.pendingExtensionAmount, unit: t(`limitUnits.${r.limitUnit}`) })}</dd>
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
      {r.lat !== null && <CaseMiniMap lat={r.lat} lng={r.lng} cellCode={r.cellCode} />}
      <section>
        <h4>{t('case.actions')}</h4>
        <ActionPanel view={view} role={role} suggestedUnitCode={suggestedUnitCode ?? null} duplicates={duplicates ?? []} onConflict={refetch} />
      </section>
      <section>
        <h4>{t('case.history')}</h4>
        <ol className="history" data-testid="case-history">
          {view.events.map((e) => (
            <li key={e.id}>
              <div className="history-head">
                <span className="num muted">{formatDateTime(e.at)}</span>
                <strong>{t(`actions.${e.type}`)}</strong>
                <span>
                  {e.actorName} <span className="muted small">{t(`roles.${e.actorRole}`, { defaultValue: e.actorRole })}</span>
                </span>
                {e.fromState !== e.toState && <span className="muted small">→ {t(`states.${e.toState}`)}</span>}
              </div>
              {(e.reason || e.note) && <div className="history-text">{e.reason ?? e.note}</div>}
              {e.type === 'comment' && e.note && <div className="history-text">{e.note}</div>}
              {e.type === 'callback' && e.action.type === 'callback' && <div className="history-text">{t('case.satisfactionN', { n: e.action.satisfaction })}</div>}
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
