import type {
  CaseFilter,
  CaseHistoryReads,
  CaseStorePort,
  EvaluationGroup,
  EvaluationRow,
} from '@citygrid/db';
import {
  CLOCK_RUNNING_STATES,
  showsLight,
  isWorkingUnit,
  localDate,
  localDayStart,
  OPEN_STATES,
  YELLOW_THRESHOLD,
  type TimeLimitUnit,
  type TrafficLight,
  type WorkCalendar,
} from '@citygrid/domain';
import { summarizeCase, type CaseSummary } from '../live/case-bus.ts';
import type { Clock } from './clock.ts';
import { OpenCaseIndex } from './open-case-index.ts';
import { OpenCaseMarkersCache, OPEN_CASE_MARKER_LIMIT } from './open-case-markers.ts';
import type { ReferenceService } from './reference-service.ts';

export interface OpenCase extends CaseSummary {
  light: TrafficLight | null;
  usedFraction: number | null;
}

export interface EvaluationFigures extends EvaluationRow {
  name: string | null;
  /** 结案率 = closed / dispatched cohort */
  closeRate: number | null;
  /** 按期结案率 = closed on time / dispatched cohort */
  onTimeCloseRate: number | null;
  /** 按期处置率 = disposed on time / disposed */
  onTimeDisposalRate: number | null;
  /** 返工率 = reworked and closed / closed */
  reworkRate: number | null;
  /** 准确派遣率 = never redispatched to another unit / dispatched */
  accurateDispatchRate: number | null;
}

/**
 * Full open-case rows (`openCases`) are cut here: about five times the bytes of a marker each, they
 * are read a cell at a time by the map; the whole backlog goes to the map as markers
 * (`OPEN_CASE_MARKER_LIMIT`, 100,000, which says when it cuts).
 */
export const OPEN_CASE_ROW_LIMIT = 20_000;

const ratio = (a: number, b: number) => (b > 0 ? a / b : null);
const DAY = 86_400_000;
/** Start of the Beijing day containing `d`, as a UTC instant (the domain's local-day arithmetic). */
export const beijingDayStart = (d: Date) => localDayStart(d);

/** The supervisors' figures: live snapshot, counts per cell and unit, and the evaluation (综合考评). */
export class DashboardService {
  private readonly openIndex: OpenCaseIndex;
  private readonly markers: OpenCaseMarkersCache;
  /** Reads only: every change of a case goes through `CaseService`. */
  constructor(
    private readonly store: CaseStorePort,
    private readonly ref: ReferenceService,
    private readonly clock: Clock,
    /** At most this many map markers (`OPEN_CASE_MARKER_LIMIT`); over it the answer says it was cut. */
    private readonly markerLimit: number = OPEN_CASE_MARKER_LIMIT,
    /**
     * Figures over past periods (evaluation, reports, trend), where seconds-old data is fine: a
     * standby's reads on PostgreSQL with `DATABASE_READ_URL`. The map, today's figures and the cell
     * counts always read `store`, the primary.
     */
    private readonly history: CaseHistoryReads = store,
  ) {
    this.openIndex = new OpenCaseIndex(store);
    this.markers = new OpenCaseMarkersCache(store, markerLimit);
  }

  /**
   * The open cases matching `filter` as the map's slim marker tuples, and whether they were cut:
   * the JSON text of `OpenCaseMarkers`, sent as it is; the same text again while no case has
   * changed (`OpenCaseMarkersCache`).
   */
  openCaseMarkersJson(filter: CaseFilter = {}): Promise<string> {
    return this.markers.get(filter);
  }

  /**
   * The open cases matching `filter` as full rows with their traffic light, at most `limit`
   * ({@link OPEN_CASE_ROW_LIMIT}): the map asks for one cell's at a time; its markers come from
   * `openCaseMarkers`.
   */
  async openCases(filter: CaseFilter = {}, limit = OPEN_CASE_ROW_LIMIT): Promise<OpenCase[]> {
    const now = this.clock.now();
    // the open set with simple filters comes from memory (kept current from the event log); any other
    // filter reads the summary columns, which for open cases all come from the covering index cases_open_due
    const rows = OpenCaseIndex.answers(filter)
      ? await this.openIndex.list(filter, limit)
      : await this.store.listSummaries({
          ...filter,
          ...(filter.states?.length ? {} : { openOnly: true }),
          orderBy: 'due',
          limit,
        });
    const calendar = this.ref.calendar;
    const nowMs = now.getTime();
    return rows.map((r) => {
      const c = summarizeCase(r) as OpenCase;
      c.light = null;
      c.usedFraction = null;
      if (!r.dispatchedAt || !r.dueAt || !showsLight(r.state)) return c;
      // computeTrafficLight's light and used fraction (as CaseService.lightOf), with the case's total
      // time remembered per row object: the in-memory index hands out the same objects until a case changes
      const working = isWorkingUnit(r.limitUnit as TimeLimitUnit);
      let t = this.totals.get(r);
      if (!t || t.calendar !== calendar) {
        const start = Date.parse(r.dispatchedAt);
        const due = Date.parse(r.dueAt);
        t = {
          calendar,
          start,
          due,
          total: working
            ? calendar.workingMsBetween(new Date(start), new Date(due))
            : Math.max(0, due - start),
        };
        this.totals.set(r, t);
      }
      const used = working ? calendar.workingMsBetween(new Date(t.start), now) : Math.max(0, nowMs - t.start);
      const usedFraction = t.total > 0 ? used / t.total : nowMs < t.start ? 0 : 1;
      c.usedFraction = usedFraction;
      c.light = nowMs > t.due ? 'red' : usedFraction >= YELLOW_THRESHOLD ? 'yellow' : 'green';
      return c;
    });
  }
  private readonly totals = new WeakMap<
    object,
    { calendar: WorkCalendar; start: number; due: number; total: number }
  >();

  async evaluation(opts: {
    from: string;
    to: string;
    groupBy: EvaluationGroup;
    filter?: CaseFilter;
  }): Promise<EvaluationFigures[]> {
    return (await this.evaluationWithTotal(opts)).rows;
  }

  /** `evaluation` with all groups together as well (`groupBy: 'none'`'s figures), from one reading. */
  async evaluationWithTotal(opts: {
    from: string;
    to: string;
    groupBy: EvaluationGroup;
    filter?: CaseFilter;
  }): Promise<{ rows: EvaluationFigures[]; total: EvaluationFigures | null }> {
    const { rows, total } = await this.history.evaluateWithTotal({
      ...opts,
      now: this.clock.now().toISOString(),
    });
    const figures = (r: EvaluationRow, name: string | null): EvaluationFigures => ({
      ...r,
      name,
      closeRate: ratio(r.closed, r.dispatched),
      onTimeCloseRate: ratio(r.closedOnTime, r.dispatched),
      onTimeDisposalRate: ratio(r.disposedOnTime, r.disposed),
      reworkRate: ratio(r.reworked, r.closed),
      accurateDispatchRate: ratio(r.dispatched - r.redispatched, r.dispatched),
    });
    const nameOf = (key: string | null) =>
      opts.groupBy === 'unit'
        ? this.ref.unitName(key)
        : opts.groupBy === 'community'
          ? this.ref.communityName(key)
          : opts.groupBy === 'category'
            ? (this.ref.snapshot.hotlineCategories.find((c) => c.code === key)?.name ?? key)
            : key;
    return {
      rows: rows.map((r) => figures(r, nameOf(r.key))),
      total: total ? figures(total, null) : null,
    };
  }

  /** Cases first dispatched in [from, to) per group key: the evaluation's `dispatched` alone, cheaper. */
  async dispatchedCounts(opts: {
    from: string;
    to: string;
    groupBy: EvaluationGroup;
  }): Promise<Map<string | null, number>> {
    const rows = await this.history.countDispatched(opts);
    return new Map(rows.map((r) => [r.key, r.n]));
  }

  async today(): Promise<{ intake: number; open: number; overdue: number; closed: number }> {
    const now = this.clock.now();
    const start = beijingDayStart(now).toISOString();
    const end = new Date(beijingDayStart(now).getTime() + DAY).toISOString();
    const [intake, open, overdue, closed] = await Promise.all([
      this.store.count({ reportedFrom: start, reportedTo: end }),
      this.store.count({ states: OPEN_STATES }),
      this.store.count({ states: CLOCK_RUNNING_STATES, overdueAt: now.toISOString() }),
      this.store.countClosedBetween(start, end),
    ]);
    return { intake, open, overdue, closed };
  }

  async trend(days = 30): Promise<Array<{ day: string; n: number }>> {
    const end = new Date(beijingDayStart(this.clock.now()).getTime() + DAY);
    const from = new Date(end.getTime() - days * DAY);
    const rows = await this.history.dailyIntake(from.toISOString(), end.toISOString());
    const byDay = new Map(rows.map((r) => [r.day, r.n]));
    return Array.from({ length: days }, (_, i) => {
      const day = localDate(from.getTime() + i * DAY);
      return { day, n: byDay.get(day) ?? 0 };
    });
  }

  /** Cases reported per Beijing day in [from, to), every day listed (zeros included). */
  async intakeByDay(from: string, to: string): Promise<Array<{ day: string; n: number }>> {
    const rows = await this.history.dailyIntake(from, to);
    const byDay = new Map(rows.map((r) => [r.day, r.n]));
    const days = Math.round((Date.parse(to) - Date.parse(from)) / DAY);
    return Array.from({ length: days }, (_, i) => {
      const day = localDate(Date.parse(from) + i * DAY);
      return { day, n: byDay.get(day) ?? 0 };
    });
  }

  async cellCounts(
    filter: CaseFilter = {},
  ): Promise<{ open: Record<string, number>; overdue: Record<string, number> }> {
    const now = this.clock.now().toISOString();
    const [open, overdue] = await Promise.all([
      this.store.countBy('cellCode', {
        ...filter,
        states: filter.states?.length ? filter.states : OPEN_STATES,
      }),
      this.store.countBy('cellCode', { ...filter, states: CLOCK_RUNNING_STATES, overdueAt: now }),
    ]);
    const toRec = (xs: Array<{ key: string | null; n: number }>) =>
      Object.fromEntries(xs.filter((x) => x.key).map((x) => [x.key!, x.n]));
    return { open: toRec(open), overdue: toRec(overdue) };
  }
}
