import { createContext, useCallback, useContext, useMemo, type ReactNode } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import {
  computeTrafficLight,
  trafficLightOf,
  createWorkCalendar,
  isAwaitingCheck,
  isClockSuspended,
  isOpenState,
  showsLight,
  type TimeLimitUnit,
  type TrafficLightInput,
  type TrafficLight,
  type WorkCalendar,
} from '@citygrid/domain';
import { useTRPC, type Bootstrap, type CaseState } from './trpc';
import { ErrorBox, Loading } from '../components/status';

type Cell = Bootstrap['cells'][number];
type Community = Bootstrap['communities'][number];
type Unit = Bootstrap['units'][number];
type MinorClass = Bootstrap['minorClasses'][number];

export interface Reference {
  data: Bootstrap;
  calendar: WorkCalendar;
  unit(code: string | null | undefined): Unit | undefined;
  minorClass(code: string | null | undefined): MinorClass | undefined;
  community(code: string | null | undefined): Community | undefined;
  cell(code: string | null | undefined): Cell | undefined;
}

const ReferenceContext = createContext<Reference | null>(null);

/** Loads `reference.bootstrap` once per session and provides lookups and the working calendar. */
export function ReferenceProvider({ children }: { children: ReactNode }) {
  const trpc = useTRPC();
  const { t } = useTranslation();
  const q = useQuery({ ...trpc.reference.bootstrap.queryOptions(), staleTime: Infinity, gcTime: Infinity });
  const value = useMemo<Reference | null>(() => {
    if (!q.data) return null;
    const d = q.data;
    const units = new Map(d.units.map((u) => [u.code as string, u]));
    const classes = new Map(d.minorClasses.map((m) => [m.code as string, m]));
    const communities = new Map(d.communities.map((c) => [c.code as string, c]));
    const cells = new Map(d.cells.map((c) => [c.code as string, c]));
    return {
      data: d,
      calendar: createWorkCalendar(d.calendar),
      unit: (c) => (c ? units.get(c) : undefined),
      minorClass: (c) => (c ? classes.get(c) : undefined),
      community: (c) => (c ? communities.get(c) : undefined),
      cell: (c) => (c ? cells.get(c) : undefined),
    };
  }, [q.data]);
  if (q.isError) return <ErrorBox error={q.error} onRetry={() => void q.refetch()} />;
  if (!value) return <Loading label={t('app.loading')} />;
  return <ReferenceContext.Provider value={value}>{children}</ReferenceContext.Provider>;
}

/**
 * A grid cell's name in the current language. Cells are named after their community and number
 * (锡林社区第01网格); in English that is "Xilin Community, cell 01".
 */
export function useCellName(): (code: string | null | undefined) => string {
  const ref = useReference();
  const { t, i18n } = useTranslation();
  return useCallback(
    (code) => {
      const cell = ref.cell(code);
      if (!cell) return code ?? '';
      if (i18n.language !== 'en') return cell.name;
      const community = ref.community(cell.communityCode);
      return t('case.cellName', {
        community: community?.nameEn ?? cell.communityCode,
        n: String(cell.code).slice(-2),
      });
    },
    [ref, t, i18n.language],
  );
}

export function useReference(): Reference {
  const r = useContext(ReferenceContext);
  if (!r) throw new Error('useReference outside ReferenceProvider');
  return r;
}

/** Whether a case still needs someone to act: the domain's rule (`OPEN_STATES`). */
export const isOpen = (s: CaseState | string) => isOpenState(s);

export interface TimedCase {
  state: CaseState | string;
  dispatchedAt: string | null;
  dueAt: string | null;
  limitUnit: string;
}

/**
 * What the light of `c` is computed from, or null when it has none: the domain's rule
 * (`showsLight`), a light only while a unit holds a dispatched, running case; a stored time that does
 * not parse gives none either (nor, in the callers, one the working calendar cannot measure).
 */
function lightInputOf(c: TimedCase, calendar: WorkCalendar, now: Date): TrafficLightInput | null {
  if (!c.dispatchedAt || !c.dueAt || !showsLight(c.state)) return null;
  const start = new Date(c.dispatchedAt);
  const due = new Date(c.dueAt);
  if (Number.isNaN(start.getTime()) || Number.isNaN(due.getTime())) return null;
  return { start, due, now, limitUnit: c.limitUnit as TimeLimitUnit, calendar };
}

export function lightOf(
  c: TimedCase,
  calendar: WorkCalendar,
  now: Date,
): { light: TrafficLight; remainingMs: number; usedFraction: number } | null {
  const input = lightInputOf(c, calendar, now);
  try {
    return input && computeTrafficLight(input);
  } catch {
    // e.g. a time outside the years the working calendar holds
    return null;
  }
}

/** Marker colour class: the light, grey before dispatch, blue once disposed (awaiting check). */
export type MarkerClass = 'red' | 'yellow' | 'green' | 'grey' | 'blue' | 'parked';
export function markerClassOf(c: TimedCase, calendar: WorkCalendar, now: Date): MarkerClass {
  if (isAwaitingCheck(c.state)) return 'blue';
  if (isClockSuspended(c.state)) return 'parked';
  // the light alone: every marker is coloured when the map loads and each minute after
  const input = lightInputOf(c, calendar, now);
  try {
    return input ? trafficLightOf(input) : 'grey';
  } catch {
    return 'grey';
  }
}
export const MARKER_COLORS: Record<MarkerClass, string> = {
  red: '#e5484d',
  yellow: '#f5c542',
  green: '#30a46c',
  grey: '#8b95a5',
  blue: '#3e8ef7',
  parked: '#8e6fd8',
};
/** Worst first: how a cluster picks its colour. */
export const MARKER_RANK: Record<MarkerClass, number> = {
  red: 5,
  yellow: 4,
  green: 3,
  grey: 2,
  blue: 1,
  parked: 0,
};
