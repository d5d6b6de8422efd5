import { useQueueLive } from '../lib/queue-live';
import { useSessionUser } from '../lib/session';
import { useTRPC } from '../lib/trpc';
import { CaseDrawer } from '../components/case-drawer';
import { LiveStatusBadge } from '../components/live-status';

/** `#/case/<number>`: one case on its own page, kept live. */
export default function CaseScreen({ caseNumber }: { caseNumber: string }) {
  const trpc = useTRPC();
  const user = useSessionUser();
  const live = useQueueLive(trpc.cases.get.queryKey({ caseNumber }));
  return (
    <div className="case-page">
      <div className="case-page-status">
        <LiveStatusBadge status={live} />
      </div>
      <CaseDrawer caseNumber={caseNumber} role={user.role} onClose={() => window.history.back()} />
    </div>
  );
}
