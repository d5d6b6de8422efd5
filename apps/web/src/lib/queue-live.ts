import { useCallback, useEffect, useRef } from 'react';
import { useQueryClient, type QueryKey } from '@tanstack/react-query';
import { useTRPC, type LiveCaseEvent } from './trpc';
import { useLiveCaseEvents, type LiveStatus } from './live';

/** A queue screen's live stream: refetch the queue (debounced) and any open case the events touch. */
export function useQueueLive(queueKey: QueryKey, onEvents?: (events: LiveCaseEvent[]) => void): LiveStatus {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const keyRef = useRef(queueKey);
  useEffect(() => {
    keyRef.current = queueKey;
  }, [queueKey]);
  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );
  const handler = useCallback(
    (events: LiveCaseEvent[]) => {
      for (const cn of new Set(events.map((e) => e.caseNumber)))
        void queryClient.invalidateQueries({ queryKey: trpc.cases.get.queryKey({ caseNumber: cn }) });
      if (!timer.current) {
        timer.current = setTimeout(() => {
          timer.current = null;
          void queryClient.invalidateQueries({ queryKey: keyRef.current });
        }, 300);
      }
      onEvents?.(events);
    },
    [queryClient, trpc, onEvents],
  );
  return useLiveCaseEvents(handler);
}
