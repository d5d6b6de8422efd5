import { useCallback, useEffect, useRef, useState } from 'react';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  useTRPC,
  useTRPCClient,
  type CaseFilter,
  type LiveCaseEvent,
  type OpenCaseMarker,
} from '../../lib/trpc';
import { useLiveCaseEvents } from '../../lib/live';
import { latestByCase, patchMarkers } from './open-case-markers';
import { matchesFilters, toCaseFilter, type MapFilters } from './map-filters';

/** How many live events the ticker keeps. */
const TICKER_LENGTH = 40;
/** Counts and lists other than the markers are refetched at most this often while events arrive. */
const REFRESH_MS = 800;

/** Cache key of the parsed markers of one filter (the procedure's own key would hold its JSON text). */
const markersKey = (f: CaseFilter) => ['dashboard.openCaseMarkers', 'parsed', f] as const;

/**
 * The command map's open cases as marker tuples, kept current from ONE live subscription: each batch
 * of events patches the markers of the filter in view in place (`patchMarkers`), refreshes the
 * drawer of each case it touches, and, at most every {@link REFRESH_MS}, today's figures, the cell
 * counts and the cell lists. Also returns the newest events, newest first, for the ticker.
 */
export function useOpenCasesLive(filters: MapFilters) {
  const trpc = useTRPC();
  const trpcClient = useTRPCClient();
  const queryClient = useQueryClient();
  const caseFilter = toCaseFilter(filters);
  // sent as one JSON text and parsed natively here: see the procedure
  const openCases = useQuery({
    queryKey: markersKey(caseFilter),
    queryFn: async ({ signal }) =>
      JSON.parse(
        await trpcClient.dashboard.openCaseMarkers.query(caseFilter, { signal }),
      ) as OpenCaseMarker[],
    staleTime: Infinity,
    placeholderData: keepPreviousData,
  });
  const [ticker, setTicker] = useState<LiveCaseEvent[]>([]);

  const filtersRef = useRef(filters);
  useEffect(() => {
    filtersRef.current = filters;
  }, [filters]);
  const refreshTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(
    () => () => {
      if (refreshTimer.current) clearTimeout(refreshTimer.current);
    },
    [],
  );

  const onEvents = useCallback(
    (events: LiveCaseEvent[]) => {
      const latest = latestByCase(events);
      const f = filtersRef.current;
      queryClient.setQueryData(
        markersKey(toCaseFilter(f)),
        (old: OpenCaseMarker[] | undefined) => old && patchMarkers(old, latest, (c) => matchesFilters(c, f)),
      );
      setTicker((prev) => [...events.slice().reverse(), ...prev].slice(0, TICKER_LENGTH));
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
  const live = useLiveCaseEvents(onEvents);
  return { openCases, live, ticker };
}
