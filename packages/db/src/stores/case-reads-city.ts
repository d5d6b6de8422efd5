import type { Actor, CaseAction, CaseState, UnitCode } from '@citygrid/domain';
import { bareCaseFields } from './case-fields.ts';
import type { CaseRecord, NewCaseFields } from './case-types.ts';

/*
 * A seeded city for the read contract (case-reads.contract.test.ts): a few hundred cases with varied
 * sources, places, units, categories, dates and histories, filed and moved on through the public
 * write methods, identically on each backend. The same seed gives the same calls in the same order,
 * so ids, case numbers and event ids agree across backends.
 */

/** What the builder needs of a case store (both `CaseStore` and `PgCaseStore` have it). */
export interface CityWriter {
  createCase(input: {
    fields: NewCaseFields;
    events: ReadonlyArray<{ actor: Actor; actorName: string; at: string; action: CaseAction }>;
  }): Promise<{ record: CaseRecord }>;
  applyAction(input: {
    caseNumber: string;
    event: { actor: Actor; actorName: string; at: string };
    action: CaseAction;
  }): Promise<{ record: CaseRecord }>;
  addAttachment(a: {
    sha256: string;
    mime: string;
    size: number;
    uploadedBy: number | null;
    createdAt: string;
  }): Promise<void>;
}

/** mulberry32: a small deterministic generator (the same city on every run and backend). */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const UNITS = ['U01', 'U02', 'U03', 'U04'] as UnitCode[];
export const CELLS = [
  { cell: '152502001001', community: 'C01', sub: 'S01' },
  { cell: '152502001002', community: 'C01', sub: 'S01' },
  { cell: '152502002001', community: 'C02', sub: 'S01' },
  { cell: '152502003001', community: 'C03', sub: 'S02' },
];
export const CATEGORIES = ['city_appearance', 'public_facilities', 'environment', 'traffic'];
export const CLASSES = ['C0302', 'C0101', 'C0505'];
/** City start: 1 October 2026, 00:00 Beijing. */
export const CITY_START = Date.parse('2026-09-30T16:00:00.000Z');
const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

const operator: Actor = { userId: 1, role: 'operator', unitCode: null };
const system: Actor = { userId: null, role: 'system', unitCode: null };
const dispatcher: Actor = { userId: 2, role: 'dispatcher', unitCode: null };
const lead: Actor = { userId: 3, role: 'shift_lead', unitCode: null };
const inspector: Actor = { userId: 4, role: 'inspector', unitCode: null };
const staffOf = (unitCode: UnitCode | null): Actor => ({ userId: 10, role: 'unit_staff', unitCode });

/** The sha256 of the n-th attachment of the city. */
export const attachmentSha = (n: number) => n.toString(16).padStart(64, 'a');

/** The next step of a case in `state`, or null to leave it there. */
function nextStep(
  r: CaseRecord,
  rnd: () => number,
  at: number,
  attachmentNo: () => number,
): { actor: Actor; action: CaseAction } | null {
  const pick = rnd();
  const due = iso(at + (4 + Math.floor(rnd() * 60)) * HOUR);
  const staff = staffOf(r.unitCode as UnitCode | null);
  const unit = UNITS[Math.floor(rnd() * UNITS.length)]!;
  const state: CaseState = r.state;
  switch (state) {
    case 'reported':
      if (pick < 0.15) return null;
      if (pick < 0.25) return { actor: lead, action: { type: 'void', reason: '重复来电' } };
      if (pick < 0.35) return { actor: inspector, action: { type: 'verify', note: '属实' } };
      return { actor: operator, action: { type: 'file' } };
    case 'filed':
      if (pick < 0.12) return null;
      if (pick < 0.18) return { actor: dispatcher, action: { type: 'void', reason: '不予立案' } };
      return { actor: system, action: { type: 'dispatch', unitCode: unit, dueAt: due } };
    case 'dispatched':
      if (pick < 0.12) return null;
      if (pick < 0.22)
        return {
          actor: dispatcher,
          action: { type: 'redispatch', unitCode: unit, dueAt: due, reason: '改派' },
        };
      return { actor: staff, action: { type: 'accept' } };
    case 'accepted':
      if (pick < 0.1) return null;
      if (pick < 0.16) return { actor: staff, action: { type: 'request_return', reason: '非本单位' } };
      if (pick < 0.22)
        return { actor: staff, action: { type: 'request_extension', reason: '材料', amount: 2 } };
      if (pick < 0.27) return { actor: staff, action: { type: 'request_park', reason: '长期' } };
      return {
        actor: staff,
        action: {
          type: 'report_disposal',
          note: '已处置',
          attachments: pick < 0.55 ? [attachmentSha(attachmentNo())] : [],
        },
      };
    case 'return_requested':
      return pick < 0.5
        ? { actor: dispatcher, action: { type: 'approve_return' } }
        : { actor: dispatcher, action: { type: 'refuse_return', reason: '属本单位' } };
    case 'extension_requested':
      return pick < 0.3 ? null : { actor: lead, action: { type: 'approve_extension', dueAt: due } };
    case 'park_requested':
      return pick < 0.5 ? { actor: lead, action: { type: 'approve_park' } } : null;
    case 'parked':
      return pick < 0.5 ? { actor: lead, action: { type: 'resume', dueAt: due } } : null;
    case 'disposed':
      if (pick < 0.15) return null;
      if (pick < 0.35) return { actor: inspector, action: { type: 'rework', reason: '未清理', dueAt: due } };
      return { actor: inspector, action: { type: 'close', note: '核查通过' } };
    case 'closed':
      return pick < 0.35
        ? null
        : { actor: operator, action: { type: 'callback', satisfaction: 1 + Math.floor(rnd() * 5) } };
    default:
      return null;
  }
}

/** The intake fields of case `i`: every place kind, source and consent. */
function fieldsOf(i: number, rnd: () => number, reportedAt: string): NewCaseFields {
  const place = rnd();
  const cell = CELLS[i % CELLS.length]!;
  const source = ['hotline', 'hotline', 'online', 'open311'][i % 4]!;
  const located = place >= 0.1 || i === 7;
  const inGrid = place >= 0.2 || i === 7;
  // coordinates of full double precision (and one sum that is not its decimal, 0.1 + 0.2)
  const lat = i === 7 ? 43.9 + (0.1 + 0.2) : 43.9 + rnd() * 0.08;
  return bareCaseFields(
    `${i % 5 === 0 ? 'Pothole' : '井盖'} 第${i}号 ${i % 7 === 0 ? '100%_满' : ''}`,
    reportedAt,
    {
      source,
      nature: i % 3 === 0 ? 'request' : 'complaint',
      minorClassCode: CLASSES[i % CLASSES.length]!,
      hotlineCategory: CATEGORIES[(i >> 1) % CATEGORIES.length]!,
      urgency: i % 6 === 0 ? 'urgent' : 'normal',
      callerName: source === 'hotline' ? '张先生' : null,
      callerPhone: source === 'hotline' ? `1380000${String(i).padStart(4, '0')}` : null,
      lat: located ? lat : null,
      lng: located ? 116.03 + rnd() * 0.09 : null,
      address: located ? `锡林浩特市 ${i} 号` : null,
      gridVersionId: inGrid ? 1 : null,
      cellCode: inGrid ? cell.cell : null,
      communityCode: inGrid ? cell.community : null,
      subDistrictCode: inGrid ? cell.sub : null,
      limitAmount: 1 + (i % 3),
      limitUnit: i % 2 === 0 ? 'workday' : 'hour',
      open311Token: source === 'open311' ? `tok-${i}` : undefined,
      publicConsent: source === 'hotline' ? i % 3 === 0 : source === 'online',
    },
  );
}

/** File `n` cases on `store` and move each on through its history; returns the final records. */
export async function buildCity(store: CityWriter, n: number, seed = 11): Promise<CaseRecord[]> {
  const rnd = random(seed);
  let attachments = 0;
  const attachmentNo = () => ++attachments;
  const out: CaseRecord[] = [];
  for (let i = 0; i < n; i++) {
    // reports over two months, some right around Beijing midnight (16:00Z)
    const day = Math.floor(rnd() * 60);
    const minute = i % 10 === 0 ? 16 * 60 - 1 + (i % 20 === 0 ? 2 : 0) : Math.floor(rnd() * 24 * 60);
    let at = CITY_START + day * 24 * HOUR + minute * 60_000 - 16 * HOUR;
    const reportedAt = iso(at);
    let { record } = await store.createCase({
      fields: fieldsOf(i, rnd, reportedAt),
      events: [{ actor: operator, actorName: '受理员', at: reportedAt, action: { type: 'report' } }],
    });
    for (let step = 0; step < 14; step++) {
      at += Math.floor((0.2 + rnd() * 30) * HOUR);
      const next = nextStep(record, rnd, at, attachmentNo);
      if (!next) break;
      if (next.action.type === 'report_disposal')
        for (const sha256 of next.action.attachments ?? [])
          await store.addAttachment({
            sha256,
            mime: 'image/jpeg',
            size: 1000 + i,
            uploadedBy: 10,
            createdAt: iso(at),
          });
      ({ record } = await store.applyAction({
        caseNumber: record.caseNumber,
        event: { actor: next.actor, actorName: next.actor.role, at: iso(at) },
        action: next.action,
      }));
    }
    out.push(record);
  }
  return out;
}
