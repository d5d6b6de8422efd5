import { useEffect, useRef } from 'react';
import { useSubscription } from '@trpc/tanstack-react-query';
import { useTRPC, type LiveCaseEvent } from './trpc';
import { debugState } from './debug';

export type LiveStatus = 'connected' | 'connecting' | 'error' | 'idle';

/**
 * The ONE live stream of a screen (`live.onCaseEvent` over SSE). Events arrive in batches (at most
 * every `flushMs`) so a burst re-renders once; the link resumes with lastEventId after a drop.
 */
export function useLiveCaseEvents(onEvents: (events: LiveCaseEvent[]) => void, flushMs = 150): LiveStatus {
  const trpc = useTRPC();
  const handler = useRef(onEvents);
  const buffer = useRef<LiveCaseEvent[]>([]);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => {
    handler.current = onEvents;
  }, [onEvents]);
  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );

  const sub = useSubscription(
    trpc.live.onCaseEvent.subscriptionOptions(undefined, {
      onData: (envelope) => {
        const event = envelope.data;
        debugState.lastEventId = Math.max(debugState.lastEventId ?? 0, Number(envelope.id));
        buffer.current.push(event);
        if (!timer.current) {
          timer.current = setTimeout(() => {
            timer.current = null;
            const batch = buffer.current;
            buffer.current = [];
            if (batch.length > 0) handler.current(batch);
          }, flushMs);
        }
      },
    }),
  );
  if (sub.status === 'pending') return 'connected';
  if (sub.status === 'connecting') return 'connecting';
  if (sub.status === 'error') return 'error';
  return 'idle';
}
