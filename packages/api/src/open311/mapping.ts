/**
 * How citygrid's cases and reference data look through Open311 GeoReport v2:
 * service_code = minor class (小类), service_request_id = case number, agency_responsible = the unit
 * holding the case, expected_datetime = its deadline, status = open/closed with the stage in
 * status_notes. Every datetime is written with Beijing's +08:00 offset.
 */
import {
  CLOSED_STATES,
  formatUtcOffset,
  OPEN_STATES,
  toLocalIso,
  type CaseState,
  type MinorClass,
  type RequestNature,
  type TimeLimit,
} from '@citygrid/domain';
import type { CaseRecord } from '@citygrid/db';
import { namesOf, redactPersonalData } from './privacy.ts';

export { CLOSED_STATES, OPEN_STATES as OPEN311_OPEN_STATES };

export const toOpen311Status = (s: CaseState): 'open' | 'closed' =>
  CLOSED_STATES.includes(s) ? 'closed' : 'open';

/** Chinese stage name + English, shown as status_notes. */
export const STAGE_NOTES: Record<CaseState, string> = {
  reported: '待立案 received, awaiting verification and filing',
  voided: '作废 voided (not filed)',
  merged: '已合并 merged as a duplicate',
  filed: '已立案 filed, awaiting dispatch',
  dispatched: '已派遣 dispatched',
  accepted: '处置中 being handled',
  return_requested: '回退申请 being reassigned',
  extension_requested: '延期申请 extension requested',
  park_requested: '挂账申请 long-term work requested',
  parked: '挂账 long-term work, clock suspended',
  disposed: '已处置 disposed, awaiting check',
  closed: '结案 closed',
  callback_done: '已回访 closed, reporter called back',
};

/** The six natures of a hotline request (诉求性质), as the `nature` attribute's values. */
export const NATURE_NAMES: Record<RequestNature, string> = {
  complaint: '投诉',
  enquiry: '咨询',
  help: '求助',
  report: '举报',
  suggestion: '建议',
  praise: '表扬',
};
export const URGENCY_NAMES: Record<'normal' | 'urgent', string> = { normal: '一般', urgent: '紧急' };

/** ISO-8601 with a +08:00 offset, to the second: `2026-11-24T10:15:00+08:00`. */
export function toBeijingIso(instant: string | Date): string {
  return toLocalIso(instant);
}

const W3C_DATETIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?)?$/;

/**
 * Parse a W3C-note ISO-8601 date or datetime. A date without time, or a time without an offset, is
 * read as Beijing time (the spec requires an offset; we are lenient). Null when unparseable.
 */
export function parseW3cDatetime(s: string): Date | null {
  const m = W3C_DATETIME.exec(s.trim());
  if (!m) return null;
  const [, y, mo, d, h = '00', mi = '00', sec = '00', frac = '', tz = formatUtcOffset()] = m;
  if (
    Number(mo) < 1 ||
    Number(mo) > 12 ||
    Number(d) < 1 ||
    Number(d) > 31 ||
    Number(h) > 23 ||
    Number(mi) > 59 ||
    Number(sec) > 59
  )
    return null;
  const ms = frac ? frac.slice(0, 4).padEnd(4, '0') : '';
  const t = Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${sec}${ms}${tz}`);
  if (!Number.isFinite(t)) return null;
  // reject roll-overs such as 2026-02-31
  const local = new Date(
    t +
      (tz === 'Z'
        ? 0
        : (tz[0] === '-' ? -1 : 1) * (Number(tz.slice(1, 3)) * 60 + Number(tz.slice(4, 6))) * 60_000),
  );
  if (local.getUTCDate() !== Number(d)) return null;
  return new Date(t);
}

const LIMIT_UNITS: Record<TimeLimit['unit'], string> = {
  working_hours: '工作小时 working hours',
  working_days: '工作日 working days',
  calendar_hours: '小时 hours',
};
export const describeLimit = (l: { amount: number; unit: string }) =>
  `${l.amount} ${LIMIT_UNITS[l.unit as TimeLimit['unit']] ?? l.unit}`;

/** What the reporter can expect for a service (shown on POST and GET). */
export function serviceNotice(m: MinorClass, urgency: 'normal' | 'urgent'): string {
  const limit = urgency === 'urgent' && m.urgentTimeLimit ? m.urgentTimeLimit : m.timeLimit;
  return `工作人员核实立案后派遣责任单位处置，处置时限 ${describeLimit(limit)}。Staff verify and file the report, then dispatch it to the responsible unit; disposal time limit ${describeLimit(limit)}.`;
}

/**
 * Before `cases.media_url` existed, `media_url` was kept on the last line of the case description
 * with this marker. Rows written then are still read correctly: the line is split off again.
 */
const MEDIA_MARKER = '[media_url] ';
export function splitMediaUrl(stored: string): { description: string; mediaUrl: string | null } {
  const i = stored.lastIndexOf(`\n${MEDIA_MARKER}`);
  if (i < 0) return { description: stored, mediaUrl: null };
  const url = stored.slice(i + 1 + MEDIA_MARKER.length);
  if (!/^https?:\/\/\S+$/.test(url)) return { description: stored, mediaUrl: null };
  return { description: stored.slice(0, i), mediaUrl: url };
}

/** One request as GeoReport v2 returns it (JSON shape; the XML is the same fields in order). */
export interface Open311ServiceRequest {
  [key: string]: string | number | null;
  service_request_id: string;
  status: 'open' | 'closed';
  status_notes: string;
  service_name: string;
  service_code: string;
  description: string;
  agency_responsible: string | null;
  service_notice: string | null;
  requested_datetime: string;
  updated_datetime: string;
  expected_datetime: string | null;
  address: string | null;
  address_id: string | null;
  zipcode: string | null;
  lat: number | null;
  long: number | null;
  media_url: string | null;
}

export interface RequestMappingContext {
  minorClass(code: string): MinorClass;
  unitName(code: string | null): string | null;
  /** Reason given when the case was voided, if any. */
  voidReason?: string | null;
  /** A partner with an API key: exact location, address and full description. */
  partner: boolean;
  /** The coarse public location of a case (its cell's centroid, or a rounded point). */
  coarseLocation(r: CaseRecord): { lat: number; lng: number } | null;
  /** The public stand-in for the address (the community), or null. */
  publicAddress(r: CaseRecord): string | null;
}

export function toOpen311Request(r: CaseRecord, ctx: RequestMappingContext): Open311ServiceRequest {
  const m = ctx.minorClass(r.minorClassCode);
  const status = toOpen311Status(r.state);
  const redact = (text: string) => (ctx.partner ? text : redactPersonalData(text, namesOf(r)));
  let notes = STAGE_NOTES[r.state];
  if (r.state === 'merged' && r.mergedInto) notes = `已合并 merged as a duplicate into ${r.mergedInto}`;
  if (r.state === 'voided' && ctx.voidReason) notes = `${notes}: ${redact(ctx.voidReason)}`;
  const legacy = splitMediaUrl(r.description);
  const description = r.mediaUrl ? r.description : legacy.description;
  const mediaUrl = r.mediaUrl ?? legacy.mediaUrl;
  const closedAt =
    (r.state === 'closed' || r.state === 'callback_done') && r.closedAt ? r.closedAt : r.updatedAt;
  const expected = status === 'open' && r.dueAt ? toBeijingIso(r.dueAt) : null;
  const point =
    r.lat !== null && r.lng !== null
      ? ctx.partner
        ? { lat: r.lat, lng: r.lng }
        : ctx.coarseLocation(r)
      : null;
  return {
    service_request_id: r.caseNumber,
    status,
    status_notes: notes,
    service_name: m.name,
    service_code: r.minorClassCode,
    description: redact(description).slice(0, 4000),
    agency_responsible: ctx.unitName(r.unitCode),
    service_notice: status === 'open' ? serviceNotice(m, r.urgency) : null,
    requested_datetime: toBeijingIso(r.reportedAt),
    updated_datetime: toBeijingIso(closedAt),
    expected_datetime: expected,
    address: ctx.partner ? r.address : ctx.publicAddress(r),
    address_id: null,
    zipcode: null,
    lat: point?.lat ?? null,
    long: point?.lng ?? null,
    media_url: mediaUrl,
  };
}

/**
 * Status of a request update (mySociety's servicerequestupdates extension), in the vocabulary
 * FixMyStreet maps onto its own states (`open` → confirmed, `in_progress` → in progress, `fixed` →
 * fixed - council, `duplicate`, `no_further_action` → unable to fix, ...).
 */
export const UPDATE_STATUS: Record<CaseState, string> = {
  reported: 'open',
  filed: 'action_scheduled',
  dispatched: 'in_progress',
  accepted: 'in_progress',
  return_requested: 'in_progress',
  extension_requested: 'in_progress',
  park_requested: 'in_progress',
  parked: 'in_progress',
  disposed: 'in_progress',
  closed: 'fixed',
  callback_done: 'fixed',
  voided: 'no_further_action',
  merged: 'duplicate',
};

/** Statuses a partner may send with POST servicerequestupdates (FixMyStreet, extended statuses included). */
export const INCOMING_UPDATE_STATUSES = [
  'OPEN',
  'CLOSED',
  'FIXED',
  'IN_PROGRESS',
  'ACTION_SCHEDULED',
  'INVESTIGATING',
  'DUPLICATE',
  'NOT_COUNCILS_RESPONSIBILITY',
  'NO_FURTHER_ACTION',
  'INTERNAL_REFERRAL',
  'REOPEN',
] as const;
