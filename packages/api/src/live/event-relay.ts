import type { FollowEvents } from '@citygrid/db';
import { liveEventsOf, type CaseBus } from './case-bus.ts';
import type { LiveEventLog } from './live-hub.ts';

/**
 * Where several nodes write one database, a node's live bus is fed from the event log, not from its
 * own commits: the follower delivers every committed event of every node in id order (LISTEN/NOTIFY
 * says when to read; the log is the truth, so a lost notification only delays), and the relay
 * publishes them. Starts after the current last event: streams resume older events from the log.
 */
export async function startEventRelay(
  follow: FollowEvents,
  log: Pick<LiveEventLog, 'getRecordsById' | 'lastEventId'>,
  bus: CaseBus,
  onError: (e: unknown) => void = (e) => console.error('live event relay:', e),
): Promise<{ stop(): Promise<void> }> {
  return follow({
    afterId: await log.lastEventId(),
    onEvents: async (events) => bus.publish(await liveEventsOf(log, events)),
    onError,
  });
}
