import { useCallback, useEffect, useRef, useState } from 'react';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  useTRPC,
  useTRPCClient,
  type CaseFilter,
  type LiveCaseEvent,
  type OpenCaseMarkers,
} from '../lib/trpc';
import { useLiveCaseEvents } from '../lib/live';
import { catchUpMarkers, latestByCase, patchMarkers } from './open-case-markers';

type LiveCase = LiveCaseEvent['case'];

/** How many live events the ticker keeps. */
const TICKER_LENGTH = 40;
/** The live events kept to bring a list fetched meanwhile up to date (`catchUpMarkers`). */
const RECEIVED_KEPT = 2_000;
/** Counts and lists other than the markers are refetched at most this often while events arrive. */
const REFRESH_MS = 800;

/** Cache key of the parsed markers of one filter (the procedure's own key would hold its JSON text). */
const markersKey = (f: CaseFilter) => ['dashboard.openCaseMarkers', 'parsed', f] as const;

const everyCase = () => true;

/**
 * The open cases matching `filter` as marker tuples (with whether the server cut them at its limit:
 * `truncated`, `limit`), kept current from ONE live subscription: each
 * batch of events patches the markers in place (`patchMarkers`; a case stays only while it is open
 * and passes `belongs`, the client-side twin of `filter`), refreshes the drawer of each case it
 * touches, and, at most every {@link REFRESH_MS}, today's figures, the cell counts and the cell
 * lists. Also returns the newest events, newest first, for a ticker; `onEvents` sees every batch
 * too (e.g. to highlight new cases). Used by the command map and the command-hall wall.
 */
export function useOpenCasesLive(
  filter: CaseFilter,
  belongs: (c: LiveCase) => boolean = everyCase,
  onEvents?: (events: LiveCaseEvent[]) => void,
) {
  const trpc = useTRPC();
  const trpcClient = useTRPCClient();
  const queryClient = useQueryClient();
  /** The newest live events received, oldest first (at most RECEIVED_KEPT). */
  const received = useRef<LiveCaseEvent[]>([]);
  // sent as one JSON text and parsed natively here: see the procedure; then brought up to date with
  // what the stream delivered while it was on its way
  const openCases = useQuery({
    queryKey: markersKey(filter),
    queryFn: async ({ signal }) =>
      catchUpMarkers(
        JSON.parse(await trpcClient.dashboard.openCaseMarkers.query(filter, { signal })) as OpenCaseMarkers,
        received.current,
        belongs,
      ),
    staleTime: Infinity,
    placeholderData: keepPreviousData,
  });
  const [ticker, setTicker] = useState<LiveCaseEvent[]>([]);

  // the live callback reads the current filter and listeners without resubscribing
  const current = useRef({ filter, belongs, onEvents });
  useEffect(() => {
    current.current = { filter, belongs, onEvents };
  }, [filter, belongs, onEvents]);
  const refreshTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(
    () => () => {
      if (refreshTimer.current) clearTimeout(refreshTimer.current);
    },
    [],
  );

  const handle = useCallback(
    (events: LiveCaseEvent[]) => {
      received.current.push(...events);
      if (received.current.length > RECEIVED_KEPT)
        received.current.splice(0, received.current.length - RECEIVED_KEPT);
      const latest = latestByCase(events);
      const { filter: f, belongs: inView, onEvents: listener } = current.current;
      queryClient.setQueryData(markersKey(f), (old: OpenCaseMarkers | undefined) => {
        if (!old) return old;
        const markers = patchMarkers(old.markers, latest, inView);
        return markers === old.markers ? old : { ...old, markers };
      });
      setTicker((prev) => [...events.slice().reverse(), ...prev].slice(0, TICKER_LENGTH));
      listener?.(events);
      for (const cn of latest.keys())
        void queryClient.invalidateQueries({ queryKey: trpc.cases.get.queryKey({ caseNumber: cn }) });
      if (!refreshTimer.current) {
        refreshTimer.current = setTimeout(() => {
          refreshTimer.current = null;
          void queryClient.invalidateQueries({ queryKey: trpc.dashboard.today.queryKey() });
          void queryClient.invalidateQueries({ queryKey: trpc.dashboard.cellCounts.pathKey() });
          void queryClient.invalidateQueries({ queryKey: trpc.dashboard.openCases.pathKey() });
        }, REFRESH_MS);
      }
    },
    [queryClient, trpc],
  );
  // the stream starts after the position the markers were read at: the server replays whatever
  // changed since, however long ago that was (a map opened again shows its kept markers at once);
  // if they cannot be had, from now
  const live = useLiveCaseEvents(
    handle,
    openCases.data ? openCases.data.position : openCases.isError ? undefined : null,
  );
  return { openCases, live, ticker };
}
