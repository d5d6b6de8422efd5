import { useEffect, useRef, useState } from 'react';
import type { LiveCaseEvent } from './trpc';
import { debugState } from './debug';

export type LiveStatus = 'connected' | 'connecting' | 'error' | 'idle';

/**
 * The ONE live stream of a screen: `GET /api/live` (server-sent events, one shared serialisation on
 * the server for every dashboard). The browser's EventSource reconnects by itself and sends
 * `Last-Event-ID`, so the server replays whatever was missed; if the stream is closed for good (e.g.
 * the server restarted and the connection was refused for a while) we open a new one from the last
 * id we saw. Events are handed over in batches (at most every `flushMs`) so a burst re-renders once.
 */
export function useLiveCaseEvents(
  onEvents: (events: LiveCaseEvent[]) => void,
  /**
   * Where the stream starts: after this event id (what a snapshot was read at: the server replays
   * every event since), from now when undefined; null waits (the snapshot is not in yet). Read when
   * the stream opens; later values are ignored (the stream goes on from the last event it saw).
   */
  after?: number | null,
  flushMs = 150,
): LiveStatus {
  const [status, setStatus] = useState<LiveStatus>('connecting');
  const handler = useRef(onEvents);
  useEffect(() => {
    handler.current = onEvents;
  }, [onEvents]);
  const start = useRef(after);
  useEffect(() => {
    start.current = after;
  }, [after]);
  const waiting = after === null;

  useEffect(() => {
    if (waiting) return;
    let buffer: LiveCaseEvent[] = [];
    let flushTimer: ReturnType<typeof setTimeout> | null = null;
    let retryTimer: ReturnType<typeof setTimeout> | null = null;
    let lastId: number | null = start.current ?? null;
    let source: EventSource | null = null;
    let stopped = false;

    const flush = () => {
      flushTimer = null;
      const batch = buffer;
      buffer = [];
      if (batch.length > 0) handler.current(batch);
    };
    const open = () => {
      if (stopped) return;
      setStatus('connecting');
      source = new EventSource(lastId === null ? '/api/live' : `/api/live?lastEventId=${lastId}`);
      source.onopen = () => setStatus('connected');
      source.onmessage = (msg) => {
        const event = JSON.parse(msg.data as string) as LiveCaseEvent;
        if (lastId !== null && event.id <= lastId) return;
        lastId = event.id;
        debugState.lastEventId = event.id;
        buffer.push(event);
        flushTimer ??= setTimeout(flush, flushMs);
      };
      source.onerror = () => {
        if (!source || source.readyState === EventSource.CLOSED) {
          setStatus('error');
          source?.close();
          retryTimer = setTimeout(open, 2000);
        } else setStatus('connecting');
      };
    };
    open();
    return () => {
      stopped = true;
      source?.close();
      if (flushTimer) clearTimeout(flushTimer);
      if (retryTimer) clearTimeout(retryTimer);
    };
  }, [flushMs, waiting]);

  return status;
}
