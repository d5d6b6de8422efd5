import {
  createSeededRandom,
  isPointInRing,
  bboxOf,
  type Actor,
  type CaseAction,
  type GridCell,
  type MinorClass,
  type Random,
  type UnitCode,
  applyCaseEvent,
  type CaseSnapshot,
  localDayStart,
  localWallClock,
} from '@citygrid/domain';
import { withBulkLoad, type CitygridDatabase, type CreateCaseInput, type NewCaseFields } from '@citygrid/db';
import type { CaseService } from '../services/case-service.ts';
import type { ReferenceService } from '../services/reference-service.ts';

/** Share of the year's hotline calls by category and month (Jan = 0): heating dominates winter. */
function categoryWeight(category: string, month: number): number {
  const winter = month <= 3 || month >= 9; // October to April (heating season)
  const summer = month >= 4 && month <= 8;
  switch (category) {
    case 'heating':
      return winter ? 14 : 0.3;
    case 'landscaping':
      return summer ? 7 : 1;
    case 'sanitation':
      return summer ? 6 : 4;
    case 'appearance':
      return 4;
    case 'water':
      return winter ? 3 : 3.5;
    case 'illegal_construction':
      return summer ? 3 : 1;
    case 'public_facilities':
      return 3;
    case 'traffic_order':
      return 2.5;
    case 'environment':
      return summer ? 2.5 : 1.5;
    case 'advertising':
      return 1;
    case 'market':
      return 1.2;
    default:
      return 1;
  }
}

const HOUR = 3_600_000;
const NATURES = ['complaint', 'complaint', 'complaint', 'report', 'help', 'enquiry', 'suggestion'] as const;
const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴', '巴', '乌', '其', '那', '额'];

export interface HistoryOptions {
  /** Cases to generate, spread over `days` ending at `now`. */
  count: number;
  days: number;
  now: Date;
  seed?: number;
  onProgress?: (done: number, total: number) => void;
}

function randomPointIn(cell: GridCell, rnd: Random): { lat: number; lng: number } {
  const b = bboxOf(cell.ring);
  for (let i = 0; i < 50; i++) {
    const lng = b.minLng + rnd() * (b.maxLng - b.minLng);
    const lat = b.minLat + rnd() * (b.maxLat - b.minLat);
    if (isPointInRing(cell.ring, lng, lat)) return { lat, lng };
  }
  return { lat: (b.minLat + b.maxLat) / 2, lng: (b.minLng + b.maxLng) / 2 };
}

type Step = { actor: Actor; actorName: string; at: string; action: CaseAction };

/**
 * A realistic history: seasonality, working-hour intake peaks, disposal times around the limit,
 * some overdue, reworked, returned, extended and still-open cases, callbacks with satisfaction.
 * Every case is written through the state machine as events; nothing is inserted as a bare row.
 */
export async function seedHistory(
  cases: Pick<CaseService, 'loadBulk'>,
  ref: ReferenceService,
  opts: HistoryOptions,
): Promise<number> {
  const rnd = createSeededRandom(opts.seed ?? 12319);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const snap = ref.snapshot;
  const cells = snap.cells;
  const classesByCat = new Map<string, MinorClass[]>();
  for (const m of snap.minorClasses)
    classesByCat.set(m.hotlineCategory, [...(classesByCat.get(m.hotlineCategory) ?? []), m]);
  const cats = [...classesByCat.keys()];
  const units = snap.units;
  // Beijing midnight `days - 1` days before today: the last day drawn is today (calls after `now` are dropped)
  const DAY = 24 * HOUR;
  const start = localDayStart(opts.now).getTime() - (opts.days - 1) * DAY;
  const sys = (name: string, role: Actor['role']): { actor: Actor; actorName: string } => ({
    actor: { userId: null, role, unitCode: null },
    actorName: name,
  });
  const staff = (u: string): { actor: Actor; actorName: string } => ({
    actor: { userId: null, role: 'unit_staff', unitCode: u as UnitCode },
    actorName: `${ref.unitName(u)} 值班员`,
  });

  const times = Array.from({ length: opts.count }, () => {
    // intake peaks in working hours (Beijing): draw a day, then an hour weighted to 8–18
    const day = Math.floor(rnd() * opts.days);
    const hourLocal = rnd() < 0.8 ? 8 + rnd() * 10 : rnd() * 24;
    // `start` is a Beijing midnight (as a UTC instant): add the local hour
    return start + day * DAY + hourLocal * HOUR;
  }).sort((a, b) => a - b);

  let done = 0;
  const BATCH = 2000;
  for (let i = 0; i < times.length; i += BATCH) {
    const jobs: CreateCaseInput[] = [];
    for (const t0 of times.slice(i, i + BATCH)) {
      if (t0 > opts.now.getTime() - 60_000) continue;
      const month = localWallClock(t0).getUTCMonth();
      const weights = cats.map((c) => categoryWeight(c, month));
      let r = rnd() * weights.reduce((a, b) => a + b, 0);
      let cat = cats[0]!;
      for (let k = 0; k < cats.length; k++) {
        r -= weights[k]!;
        if (r <= 0) {
          cat = cats[k]!;
          break;
        }
      }
      const m = pick(classesByCat.get(cat)!);
      const cell = pick(cells);
      const p =
        rnd() < 0.01 ? { lat: 43.89 - rnd() * 0.01, lng: 116.02 - rnd() * 0.01 } : randomPointIn(cell, rnd);
      const urgency = m.urgentTimeLimit && rnd() < 0.15 ? 'urgent' : 'normal';
      // the same planner as live intake: cell, route, limit, deadline, manual dispatch or not
      const plan = ref.plan({ minorClassCode: m.code, urgency, location: p, now: new Date(t0) });
      const { place, route, limit } = plan;
      const nowMs = opts.now.getTime();
      const at = (ms: number) => new Date(ms).toISOString();
      const phone =
        rnd() < 0.85
          ? `13${Math.floor(rnd() * 1e9)
              .toString()
              .padStart(9, '0')}`
          : null;
      const fields: NewCaseFields = {
        source: 'hotline',
        nature: pick(NATURES),
        minorClassCode: m.code,
        hotlineCategory: m.hotlineCategory,
        description: `${m.name}：${pick(m.keywords.length ? m.keywords : [m.name])}，市民来电反映，请尽快处理。`,
        urgency,
        callerName: phone ? `${pick(SURNAMES)}先生` : null,
        callerPhone: phone,
        lat: p.lat,
        lng: p.lng,
        address: place.communityName ? `${place.communityName}附近` : '城区外围',
        ...ref.placementFields(place),
        limitAmount: limit.amount,
        limitUnit: limit.unit,
        reportedAt: at(t0),
        reporterEmail: null,
      };
      // The case's whole planned life; what happened by `now` is the prefix of it (so open cases are
      // the ones still in flight: days old, not years, and overdue only when their disposal runs late).
      const steps: Step[] = [{ ...sys('受理员', 'operator'), at: at(t0), action: { type: 'report' } }];
      steps.push({
        ...sys('受理员', 'operator'),
        at: at(t0),
        action: plan.manualDispatch
          ? { type: 'file', manualDispatch: plan.manualDispatch }
          : { type: 'file' },
      });
      let t = t0;
      let unit: string;
      let due = plan.dueAt;
      if (route && due) {
        unit = route.unitCode;
        steps.push({
          ...sys('自动派遣', 'system'),
          at: at(t),
          action: {
            type: 'dispatch',
            unitCode: unit as UnitCode,
            dueAt: due,
            note: route.explanation,
            route: { ruleId: route.ruleId, explanation: route.explanation },
          },
        });
      } else {
        // outside the grid or no rule: the shift lead dispatches by hand within an hour or two
        t += (0.2 + rnd() * 2) * HOUR;
        unit = m.defaultUnitCodes[0] ?? pick(units).code;
        due = ref.due(new Date(t), limit);
        steps.push({
          ...sys('值班长', 'shift_lead'),
          at: at(t),
          action: { type: 'dispatch', unitCode: unit as UnitCode, dueAt: due },
        });
      }
      let dispatchedAt = t;
      let limitMs = Date.parse(due) - t;
      t += (0.05 + rnd() * 0.1) * limitMs;
      steps.push({ ...staff(unit), at: at(t), action: { type: 'accept' } });
      // a few are returned (wrong unit) and redispatched by hand to another responsible unit
      if (rnd() < 0.04) {
        steps.push({
          ...staff(unit),
          at: at(t + 0.5 * HOUR),
          action: { type: 'request_return', reason: '不属于本单位职责范围' },
        });
        t += (1 + rnd() * 2) * HOUR;
        steps.push({ ...sys('派遣员', 'dispatcher'), at: at(t), action: { type: 'approve_return' } });
        const returnedBy = unit;
        unit =
          m.defaultUnitCodes.find((u) => u !== returnedBy) ??
          pick(units.filter((u) => u.code !== returnedBy)).code;
        due = ref.due(new Date(t), limit);
        steps.push({
          ...sys('派遣员', 'dispatcher'),
          at: at(t),
          action: { type: 'dispatch', unitCode: unit as UnitCode, dueAt: due },
        });
        dispatchedAt = t;
        limitMs = Date.parse(due) - t;
        t += (0.05 + rnd() * 0.1) * limitMs;
        steps.push({ ...staff(unit), at: at(t), action: { type: 'accept' } });
      }
      // a few ask for an extension (usually granted) or park seasonal work, which resumes later
      const branch = rnd();
      if (branch < 0.05) {
        t += 0.2 * limitMs;
        steps.push({
          ...staff(unit),
          at: at(t),
          action: { type: 'request_extension', reason: '需要协调材料与机械', amount: limit.amount },
        });
        t += (1 + rnd() * 3) * HOUR;
        if (rnd() < 0.8) {
          due = ref.due(new Date(due), limit);
          steps.push({
            ...sys('值班长', 'shift_lead'),
            at: at(t),
            action: { type: 'approve_extension', dueAt: due, amount: limit.amount, unit: limit.unit },
          });
          limitMs = Date.parse(due) - dispatchedAt;
        } else {
          steps.push({
            ...sys('值班长', 'shift_lead'),
            at: at(t),
            action: { type: 'refuse_extension', reason: '可以按期完成' },
          });
        }
      } else if (branch < 0.06) {
        t += 0.2 * limitMs;
        steps.push({
          ...staff(unit),
          at: at(t),
          action: { type: 'request_park', reason: '冬季冻土，需来年施工' },
        });
        t += (1 + rnd() * 3) * HOUR;
        steps.push({ ...sys('值班长', 'shift_lead'), at: at(t), action: { type: 'approve_park' } });
        t += (2 + rnd() * 12) * 24 * HOUR;
        due = ref.due(new Date(t), limit);
        steps.push({ ...staff(unit), at: at(t), action: { type: 'resume', dueAt: due } });
        dispatchedAt = t;
        limitMs = Date.parse(due) - t;
      }
      // disposal: about nine in ten within the limit; the late tail overruns by at most a few days
      const late = rnd() < 0.08;
      const overrun = Math.min((0.2 + rnd() * 1.3) * limitMs + rnd() * 48 * HOUR, 10 * 24 * HOUR);
      const tDisp = late ? Date.parse(due) + overrun : dispatchedAt + (0.2 + rnd() * 0.75) * limitMs;
      steps.push({
        ...staff(unit),
        at: at(Math.max(tDisp, t + 60_000)),
        action: { type: 'report_disposal', note: '已按要求处置完毕', attachments: [] },
      });
      let tc = Math.max(tDisp, t + 60_000) + (0.5 + rnd() * 6) * HOUR;
      if (rnd() < 0.05) {
        steps.push({
          ...sys('监督员', 'inspector'),
          at: at(tc),
          action: { type: 'rework', reason: '现场核查未处置到位', dueAt: ref.due(new Date(tc), limit) },
        });
        tc += (0.2 + rnd() * 0.6) * limitMs;
        steps.push({
          ...staff(unit),
          at: at(tc),
          action: { type: 'report_disposal', note: '返工后已处置', attachments: [] },
        });
        tc += (0.5 + rnd() * 6) * HOUR;
      }
      steps.push({ ...sys('监督员', 'inspector'), at: at(tc), action: { type: 'close' } });
      if (rnd() < 0.85) {
        const s = rnd() < 0.75 ? 5 : rnd() < 0.6 ? 4 : rnd() < 0.6 ? 3 : rnd() < 0.5 ? 2 : 1;
        steps.push({
          ...sys('回访员', 'operator'),
          at: at(tc + (4 + rnd() * 40) * HOUR),
          action: { type: 'callback', satisfaction: s },
        });
      }
      // events are in time order by construction; keep what has happened by now
      let last = '';
      for (const st of steps) {
        if (st.at < last) st.at = last;
        last = st.at;
      }
      const happened = steps.filter((st) => Date.parse(st.at) <= nowMs - 1000);
      // the state machine checks every step (a bad draw throws here, not in a screen)
      let snap: CaseSnapshot | null = null;
      for (const st of happened)
        snap = applyCaseEvent(snap, { action: st.action, actor: st.actor, at: st.at });
      jobs.push({ fields, events: happened });
    }
    // one transaction per batch: a bulk load, not acknowledged intake
    await cases.loadBulk(jobs);
    await new Promise((r) => setImmediate(r));
    done = Math.min(times.length, i + BATCH);
    opts.onProgress?.(done, times.length);
  }
  return done;
}

/**
 * A bulk load of generated history into an open database (seed CLI, benchmarks): a big page cache
 * and no fsync per batch while loading, then back to synchronous=FULL and a checkpoint. Not for
 * acknowledged intake.
 */
export function bulkSeedHistory(
  services: { cases: Pick<CaseService, 'loadBulk'>; reference: ReferenceService; database: CitygridDatabase },
  opts: HistoryOptions,
): Promise<number> {
  return withBulkLoad(services.database, () => seedHistory(services.cases, services.reference, opts));
}
