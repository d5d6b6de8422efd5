import { useTranslation } from 'react-i18next';
import { useQueueLive } from '../lib/queue-live';
import { useTRPC } from '../lib/trpc';
import { CaseDrawer } from '../components/case-drawer';
import { LiveStatusBadge } from '../components/live-status';

/** What a case number looks like (20261124-0042): anything else is refused before asking the server. */
const CASE_NUMBER = /^\d{8}-\d{4,}$/;

/** `#/case/<number>`: one case on its own page, kept live. */
export default function CaseScreen({ caseNumber }: { caseNumber: string }) {
  const { t } = useTranslation();
  if (!CASE_NUMBER.test(caseNumber)) {
    return (
      <div className="case-page">
        <div className="status-box error" role="alert" data-testid="error">
          <strong>{t('case.badNumber', { n: caseNumber })}</strong>
          <span className="muted">{t('fieldErrors.caseNumber')}</span>
          <a href="#/">{t('case.backHome')}</a>
        </div>
      </div>
    );
  }
  return <LiveCase caseNumber={caseNumber} />;
}

function LiveCase({ caseNumber }: { caseNumber: string }) {
  const trpc = useTRPC();
  const live = useQueueLive(trpc.cases.get.queryKey({ caseNumber }));
  return (
    <div className="case-page">
      <div className="case-page-status">
        <LiveStatusBadge status={live} />
      </div>
      <CaseDrawer caseNumber={caseNumber} onClose={() => window.history.back()} />
    </div>
  );
}
