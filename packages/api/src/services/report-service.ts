import type { AdminStorePort, EvaluationGroup } from '@citygrid/db';
import { DomainError, formatUtcOffset, localDate, localWallClock } from '@citygrid/domain';
import type { Clock } from './clock.ts';
import type { DashboardService, EvaluationFigures } from './dashboard-service.ts';
import type { ReferenceService } from './reference-service.ts';

/** 日报 / 周报 / 月报, or any period. */
export type ReportKind = 'daily' | 'weekly' | 'monthly' | 'custom';
export type ReportGroup = Exclude<EvaluationGroup, 'none'>;

export interface Period {
  from: string;
  to: string;
  /** Beijing dates, inclusive: `2026-11-01 — 2026-11-30`. */
  label: string;
}

export interface ReportRow extends EvaluationFigures {
  /** 催办 / 督办 events in the period on cases of this group. */
  urged: number;
  escalated: number;
  /** Dispatched (应结案) in the previous period (环比) and in the same period a year earlier (同比). */
  prevDispatched: number;
  yoyDispatched: number;
  /** Relative change of dispatched against the previous period / a year earlier; null without a base. */
  mom: number | null;
  yoy: number | null;
}

export interface Hotspot {
  kind: 'cell' | 'class';
  code: string;
  name: string;
  count: number;
  /** Mean and standard deviation of the same-length windows before the period. */
  mean: number;
  sd: number;
  history: number[];
}

export interface Report {
  kind: ReportKind;
  groupBy: ReportGroup;
  period: Period;
  /** The period is still running: it and its comparisons are cut to the days elapsed so far. */
  partial: boolean;
  previous: Period;
  lastYear: Period;
  generatedAt: string;
  totals: ReportRow;
  rows: ReportRow[];
  /** Cases reported per Beijing day in the period. */
  daily: Array<{ day: string; n: number }>;
  hotspots: Hotspot[];
  hotspotRule: {
    zh: string;
    en: string;
    windows: number;
    minCount: number;
    sigmas: number;
    minRatio: number;
  };
}

const DAY = 86_400_000;
const HOTSPOT = { windows: 6, minCount: 5, sigmas: 2, minRatio: 1.5 } as const;

const iso = (ms: number) => new Date(ms).toISOString();
const bjDate = (ms: number) => localDate(ms);
/** UTC instant of Beijing midnight of a `YYYY-MM-DD`. */
const bjMidnight = (date: string) => Date.parse(`${date}T00:00:00${formatUtcOffset()}`);
const shiftYear = (date: string, years: number) => {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  // 29 Feb in a non-leap year becomes 28 Feb
  const last = new Date(Date.UTC(y + years, m, 0)).getUTCDate();
  return `${String(y + years).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
};
const addDays = (date: string, n: number) => bjDate(bjMidnight(date) + n * DAY);
const period = (fromDate: string, toDateExclusive: string): Period => ({
  from: iso(bjMidnight(fromDate)),
  to: iso(bjMidnight(toDateExclusive)),
  label: `${fromDate} — ${addDays(toDateExclusive, -1)}`,
});
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The period of a report and its two comparison periods (环比: the period just before; 同比: the
 * same period a year earlier), all in Beijing calendar days.
 * - daily: the day of `date`; weekly: Monday to Sunday of the week containing `date`;
 *   monthly: the calendar month of `date`; custom: `date` to `to` inclusive.
 */
export function reportPeriods(
  kind: ReportKind,
  date: string,
  to?: string,
  now?: Date,
): { period: Period; previous: Period; lastYear: Period; partial: boolean } {
  const full = fullPeriods(kind, date, to);
  if (!now) return { ...full, partial: false };
  // a period still running is reported to the end of today, and compared with the same number of
  // days at the start of the previous period and of last year's (like for like, not a part against a whole)
  const endOfToday = bjMidnight(bjDate(now.getTime())) + DAY;
  const start = Date.parse(full.period.from);
  if (Date.parse(full.period.to) <= endOfToday || start >= endOfToday) return { ...full, partial: false };
  const days = Math.round((endOfToday - start) / DAY);
  const cut = (p: Period) => {
    const fromDate = bjDate(Date.parse(p.from));
    return period(fromDate, addDays(fromDate, days));
  };
  return {
    period: cut(full.period),
    previous: cut(full.previous),
    lastYear: cut(full.lastYear),
    partial: true,
  };
}

function fullPeriods(
  kind: ReportKind,
  date: string,
  to?: string,
): { period: Period; previous: Period; lastYear: Period } {
  if (!DATE.test(date) || Number.isNaN(bjMidnight(date)))
    throw new DomainError('BAD_INPUT', 'date: YYYY-MM-DD', { field: 'date' });
  if (kind === 'daily') {
    const next = addDays(date, 1);
    return {
      period: period(date, next),
      previous: period(addDays(date, -1), date),
      lastYear: period(shiftYear(date, -1), addDays(shiftYear(date, -1), 1)),
    };
  }
  if (kind === 'weekly') {
    const weekday = (localWallClock(bjMidnight(date)).getUTCDay() + 6) % 7; // Monday = 0
    const monday = addDays(date, -weekday);
    const lastYearMonday = addDays(monday, -364); // the same ISO week a year earlier (52 weeks)
    return {
      period: period(monday, addDays(monday, 7)),
      previous: period(addDays(monday, -7), monday),
      lastYear: period(lastYearMonday, addDays(lastYearMonday, 7)),
    };
  }
  if (kind === 'monthly') {
    const [y, m] = date.split('-').map(Number) as [number, number];
    const first = (yy: number, mm: number) => bjDate(Date.UTC(yy, mm - 1, 1));
    return {
      period: period(first(y, m), first(y, m + 1)),
      previous: period(first(y, m - 1), first(y, m)),
      lastYear: period(first(y - 1, m), first(y - 1, m + 1)),
    };
  }
  if (!to || !DATE.test(to) || Number.isNaN(bjMidnight(to)))
    throw new DomainError('BAD_INPUT', 'to: YYYY-MM-DD', { field: 'to' });
  if (to < date) throw new DomainError('BAD_INPUT', 'to must not be before date', { field: 'to' });
  const days = Math.round((bjMidnight(to) - bjMidnight(date)) / DAY) + 1;
  if (days > 731) throw new DomainError('BAD_INPUT', 'a report covers at most two years', { field: 'to' });
  const end = addDays(to, 1);
  return {
    period: period(date, end),
    previous: period(addDays(date, -days), date),
    lastYear: period(shiftYear(date, -1), shiftYear(end, -1)),
  };
}

const change = (now: number, base: number) => (base > 0 ? (now - base) / base : null);

/**
 * Reports people hand upward (日报 / 周报 / 月报 and any period): the evaluation figures of
 * DashboardService by unit, community, category or cell, with 环比 and 同比, 催办/督办 counts,
 * satisfaction, the daily intake and the hotspots.
 */
export class ReportService {
  constructor(
    private readonly dashboard: DashboardService,
    private readonly admin: AdminStorePort,
    private readonly ref: ReferenceService,
    private readonly clock: Clock,
  ) {}

  async build(opts: {
    kind: ReportKind;
    date: string;
    to?: string | undefined;
    groupBy: ReportGroup;
  }): Promise<Report> {
    const {
      period: p,
      previous,
      lastYear,
      partial,
    } = reportPeriods(opts.kind, opts.date, opts.to, this.clock.now());
    const column = {
      unit: 'unit_code',
      community: 'community_code',
      category: 'hotline_category',
      cell: 'cell_code',
    } as const;
    // the period in full; of the period before and a year earlier only the dispatched counts, whose
    // totals are the sums of their groups (every case is in one group, a null key included). Every
    // part is asked for at once: the long scans run side by side (SQLite's reader threads,
    // PostgreSQL's pool) while the short ones run here.
    const [{ rows: cur, total: curTotal }, prevBy, yoyBy, supervisedRows, daily, hotspots] =
      await Promise.all([
        this.dashboard.evaluationWithTotal({ from: p.from, to: p.to, groupBy: opts.groupBy }),
        this.dashboard.dispatchedCounts({ from: previous.from, to: previous.to, groupBy: opts.groupBy }),
        this.dashboard.dispatchedCounts({ from: lastYear.from, to: lastYear.to, groupBy: opts.groupBy }),
        this.admin.superviseCounts(column[opts.groupBy], p.from, p.to),
        this.dashboard.intakeByDay(p.from, p.to),
        this.hotspots(p),
      ]);
    const sum = (counts: Map<string | null, number>) => [...counts.values()].reduce((a, n) => a + n, 0);
    const supervised = new Map(supervisedRows.map((r) => [r.key, r]));
    const supervisedTotal = supervisedRows.reduce(
      (t, r) => ({ urged: t.urged + r.urged, escalated: t.escalated + r.escalated }),
      { urged: 0, escalated: 0 },
    );
    const row = (
      r: EvaluationFigures,
      prevN: number,
      yoyN: number,
      s: { urged: number; escalated: number } | undefined,
    ): ReportRow => ({
      ...r,
      urged: s?.urged ?? 0,
      escalated: s?.escalated ?? 0,
      prevDispatched: prevN,
      yoyDispatched: yoyN,
      mom: change(r.dispatched, prevN),
      yoy: change(r.dispatched, yoyN),
    });
    const empty = (key: string | null): EvaluationFigures => ({
      key,
      name: null,
      dispatched: 0,
      filed: 0,
      disposed: 0,
      disposedOnTime: 0,
      closed: 0,
      closedOnTime: 0,
      reworked: 0,
      redispatched: 0,
      overdueOpen: 0,
      avgDisposalHours: null,
      rated: 0,
      avgSatisfaction: null,
      closeRate: null,
      onTimeCloseRate: null,
      onTimeDisposalRate: null,
      reworkRate: null,
      accurateDispatchRate: null,
    });
    const rows = cur
      .map((r) => row(r, prevBy.get(r.key) ?? 0, yoyBy.get(r.key) ?? 0, supervised.get(r.key)))
      .sort((a, b) => b.dispatched - a.dispatched || String(a.key).localeCompare(String(b.key)));
    const totals = row(
      { ...(curTotal ?? empty(null)), name: '合计' },
      sum(prevBy),
      sum(yoyBy),
      supervisedTotal,
    );
    return {
      kind: opts.kind,
      groupBy: opts.groupBy,
      period: p,
      partial,
      previous,
      lastYear,
      generatedAt: this.clock.now().toISOString(),
      totals,
      rows,
      daily,
      hotspots,
      hotspotRule: {
        zh: `热点判定：本期上报数 ≥ ${HOTSPOT.minCount}，且 ≥ 此前 ${HOTSPOT.windows} 个等长周期的均值 + ${HOTSPOT.sigmas} 倍标准差，且 ≥ 均值的 ${HOTSPOT.minRatio} 倍（按网格和小类分别判定）。`,
        en: `Hotspot rule: reported this period ≥ ${HOTSPOT.minCount}, and ≥ the mean + ${HOTSPOT.sigmas} standard deviations of the ${HOTSPOT.windows} preceding periods of the same length, and ≥ ${HOTSPOT.minRatio} × that mean (judged per grid cell and per minor class).`,
        ...HOTSPOT,
      },
    };
  }

  /** Cells and minor classes rising against their own history (the rule is stated in the report). */
  private async hotspots(p: Period): Promise<Hotspot[]> {
    const len = Date.parse(p.to) - Date.parse(p.from);
    const windows = [
      { from: p.from, to: p.to },
      ...Array.from({ length: HOTSPOT.windows }, (_, i) => ({
        from: iso(Date.parse(p.from) - (i + 1) * len),
        to: iso(Date.parse(p.to) - (i + 1) * len),
      })),
    ];
    const out: Hotspot[] = [];
    const kinds = ['cell', 'class'] as const;
    const counted = await Promise.all(
      kinds.map((kind) =>
        this.admin.countsInWindows(kind === 'cell' ? 'cell_code' : 'minor_class_code', windows),
      ),
    );
    for (const [k, kind] of kinds.entries()) {
      for (const { key, counts } of counted[k]!) {
        const [count = 0, ...history] = counts;
        const mean = history.reduce((a, b) => a + b, 0) / history.length;
        const sd = Math.sqrt(history.reduce((a, b) => a + (b - mean) ** 2, 0) / history.length);
        if (
          count >= HOTSPOT.minCount &&
          count >= mean + HOTSPOT.sigmas * sd &&
          count >= HOTSPOT.minRatio * mean
        ) {
          const name =
            kind === 'cell'
              ? (this.ref.snapshot.cells.find((c) => c.code === key)?.name ?? key)
              : (this.ref.snapshot.minorClasses.find((m) => m.code === key)?.name ?? key);
          out.push({
            kind,
            code: key,
            name,
            count,
            mean: Math.round(mean * 100) / 100,
            sd: Math.round(sd * 100) / 100,
            history: history.reverse(),
          });
        }
      }
    }
    return out.sort((a, b) => b.count / Math.max(1, b.mean) - a.count / Math.max(1, a.mean)).slice(0, 30);
  }
}
