import { createHash } from 'node:crypto';
import {
  computeTrafficLight,
  distanceMeters,
  DomainError,
  extendDeadline,
  isOpenState,
  OPEN_STATES as DOMAIN_OPEN_STATES,
  listAllowedActions,
  suggestDispatchUnit,
  TRANSITIONS,
  type Actor,
  type CaseAction,
  type CaseActionType,
  type CaseState,
  type CoordinateSystem,
  type LatLng,
  type TimeLimitUnit,
  type TrafficLight,
  type UnitCode,
} from '@citygrid/domain';
import type { CaseFilter, CaseRecord, CaseStore, StoredCaseEvent } from '@citygrid/db';
import type { SessionUser } from '../context.ts';
import { summarizeCase, toLiveEvent, type CaseBus } from '../live/case-bus.ts';
import type { Clock } from './clock.ts';
import type { ReferenceService } from './reference-service.ts';

export const REQUEST_NATURES = ['complaint', 'enquiry', 'help', 'report', 'suggestion', 'praise'] as const;
export type RequestNature = (typeof REQUEST_NATURES)[number];
export type { CoordinateSystem } from '@citygrid/domain';

export interface IntakeInput {
  callerName?: string | null;
  callerPhone?: string | null;
  nature: RequestNature;
  minorClassCode: string;
  description: string;
  urgency: 'normal' | 'urgent';
  location: { lat: number; lng: number; crs?: CoordinateSystem } | null;
  address?: string | null;
  /** File this call as a duplicate of an open case: the call gets its own number, merged into it. */
  duplicateOf?: string | null;
  idempotencyKey?: string | null;
  source?: 'hotline' | 'open311' | 'inspector' | 'online';
  reporterEmail?: string | null;
  /** Open311: the report's photo URL and the token its POST returned. */
  mediaUrl?: string | null;
  open311Token?: string | null;
  /** The caller agreed that the report (coarsened, without names) may be published. */
  publicConsent?: boolean;
}

export interface IntakeResult {
  caseNumber: string;
  state: CaseState;
  version: number;
  cellCode: string | null;
  communityCode: string | null;
  communityName: string | null;
  unitCode: string | null;
  unitName: string | null;
  routeRuleId: string | null;
  routeExplanation: string | null;
  dueAt: string | null;
  outsideGrid: boolean;
  mergedInto: string | null;
  replayed: boolean;
}

/** Everything a case screen shows, computed for one viewer. */
export interface CaseView {
  record: CaseRecord;
  events: StoredCaseEvent[];
  unitName: string | null;
  communityName: string | null;
  minorClassName: string;
  /** The routing explanation in English, when it can be given (the stored one is Chinese). */
  routeExplanationEn: string | null;
  light: TrafficLight | null;
  usedFraction: number | null;
  remainingMs: number | null;
  allowedActions: CaseActionType[];
}

/** The payload of an action as sent by a client; deadlines are always computed here, never sent. */
export type ActionRequest =
  | { type: 'verify'; note?: string }
  | { type: 'file'; note?: string }
  | { type: 'void'; reason: string }
  | { type: 'merge'; targetCaseNumber: string; reason?: string }
  | { type: 'dispatch'; unitCode: string; note?: string }
  | { type: 'redispatch'; unitCode: string; reason: string }
  | { type: 'accept'; note?: string }
  | { type: 'request_return'; reason: string }
  | { type: 'approve_return'; note?: string }
  | { type: 'refuse_return'; reason: string }
  | { type: 'request_extension'; reason: string; amount: number }
  | { type: 'approve_extension'; note?: string }
  | { type: 'refuse_extension'; reason: string }
  | { type: 'request_park'; reason: string }
  | { type: 'approve_park'; note?: string }
  | { type: 'refuse_park'; reason: string }
  | { type: 'resume'; note?: string }
  | { type: 'report_disposal'; note: string; attachments?: string[] }
  | { type: 'close'; note?: string }
  | { type: 'rework'; reason: string }
  | { type: 'callback'; satisfaction: number; note?: string }
  | { type: 'urge'; reason: string } // 催办
  | { type: 'escalate'; reason: string }; // 督办

export const DISPATCH_QUEUE_STATES: CaseState[] = ['reported', 'filed', 'return_requested', 'extension_requested', 'park_requested'];
export const OPEN_STATES: CaseState[] = [...DOMAIN_OPEN_STATES];
export const UNIT_QUEUE_STATES: CaseState[] = ['dispatched', 'accepted', 'return_requested', 'extension_requested', 'park_requested', 'parked', 'disposed'];

const hashRequest = (v: unknown) => createHash('sha256').update(JSON.stringify(v)).digest('hex');

export function actorOf(user: SessionUser | null, systemName?: string): { actor: Actor; actorName: string } {
  if (!user) return { actor: { userId: null, role: 'system', unitCode: null }, actorName: systemName ?? '系统' };
  return { actor: { userId: user.id, role: user.role, unitCode: user.unitCode }, actorName: user.displayName };
}

/**
 * The case lifecycle: intake, actions, reads. Every change goes through the state machine and the
 * event log; events are published to the live bus only after their transaction committed.
 * tRPC procedures and the Open311 endpoints both call this, so there is one set of rules.
 */
export class CaseService {
  constructor(
    private readonly store: CaseStore,
    private readonly ref: ReferenceService,
    private readonly bus: CaseBus,
    private readonly clock: Clock,
  ) {}

  private publish(record: CaseRecord, events: readonly StoredCaseEvent[]): void {
    const summary = summarizeCase(record);
    this.bus.publish(events.map((e) => toLiveEvent(e, summary)));
  }

  async intake(
    input: IntakeInput,
    user: SessionUser | null,
    publicName?: string,
    /** More writes for the same transaction as the new case (the citizen channel's own row). */
    within?: (record: CaseRecord) => void,
  ): Promise<IntakeResult> {
    const now = this.clock.now();
    const at = now.toISOString();
    // one planner for preview and filing: conversion → cell → route → limit → deadline → manual or not
    const plan = this.ref.plan({ minorClassCode: input.minorClassCode, urgency: input.urgency, location: input.location, now });
    const { minorClass: m, point, place, route, limit } = plan;
    const source = input.source ?? 'hotline';
    const who = actorOf(user, publicName);
    const reporter = user ? who : { actor: { userId: null, role: 'public' as const, unitCode: null }, actorName: publicName ?? '市民' };

    let duplicateTarget: CaseRecord | null = null;
    if (input.duplicateOf) {
      duplicateTarget = await this.store.getByNumber(input.duplicateOf);
      if (!duplicateTarget) throw new DomainError('BAD_INPUT', `no case ${input.duplicateOf} to link to`, { field: 'duplicateOf' });
      if (!isOpenState(duplicateTarget.state)) throw new DomainError('BAD_INPUT', `case ${input.duplicateOf} is no longer open`, { field: 'duplicateOf' });
    }

    const events: Array<{ actor: Actor; actorName: string; at: string; action: CaseAction }> = [{ ...reporter, at, action: { type: 'report' } }];
    if (duplicateTarget) {
      events.push({ ...who, at, action: { type: 'merge', targetCaseNumber: duplicateTarget.caseNumber, reason: '来电反映同一问题' } });
    } else if (source === 'hotline' && user) {
      // a trained operator's call is filed at once (立案); the plan decides whether it dispatches itself
      events.push({ ...who, at, action: plan.manualDispatch ? { type: 'file', manualDispatch: plan.manualDispatch } : { type: 'file' } });
      if (route && plan.dueAt) {
        events.push({
          actor: { userId: null, role: 'system', unitCode: null },
          actorName: '自动派遣',
          at,
          action: { type: 'dispatch', unitCode: route.unitCode, dueAt: plan.dueAt, note: route.explanation, route: { ruleId: route.ruleId, explanation: route.explanation } },
        });
      }
    }
    const { idempotencyKey, ...body } = input;
    const { record, events: stored, replayed, followed } = await this.store.createCase({
      fields: {
        source,
        nature: input.nature,
        minorClassCode: m.code,
        hotlineCategory: m.hotlineCategory,
        description: input.description,
        urgency: input.urgency,
        callerName: input.callerName ?? null,
        callerPhone: input.callerPhone ?? null,
        lat: point?.lat ?? null,
        lng: point?.lng ?? null,
        address: input.address ?? null,
        ...this.ref.placementFields(place),
        limitAmount: limit.amount,
        limitUnit: limit.unit,
        reportedAt: at,
        reporterEmail: input.reporterEmail ?? null,
        mediaUrl: input.mediaUrl ?? null,
        open311Token: input.open311Token ?? null,
        publicConsent: input.publicConsent ?? false,
      },
      events,
      ...(idempotencyKey ? { idempotency: { key: idempotencyKey, requestHash: hashRequest(body) } } : {}),
      // the original case records the call merged into it, in the same transaction
      ...(duplicateTarget ? { follow: (created: CaseRecord) => [this.linkDuplicate(duplicateTarget.caseNumber, created.caseNumber, who, at)] } : {}),
      ...(within ? { within } : {}),
    });
    if (!replayed) {
      this.publish(record, stored);
      for (const f of followed) this.publish(f.record, f.events);
    }
    return {
      caseNumber: record.caseNumber,
      state: record.state,
      version: record.version,
      cellCode: record.cellCode,
      communityCode: record.communityCode,
      communityName: this.ref.communityName(record.communityCode),
      unitCode: record.unitCode,
      unitName: this.ref.unitName(record.unitCode),
      routeRuleId: record.routeRuleId,
      routeExplanation: record.routeExplanation,
      dueAt: record.dueAt,
      outsideGrid: record.lat !== null && record.cellCode === null,
      mergedInto: record.mergedInto,
      replayed,
    };
  }

  private linkDuplicate(target: string, duplicate: string, who: { actor: Actor; actorName: string }, at: string) {
    return { caseNumber: target, event: { ...who, at }, action: { type: 'link_duplicate' as const, duplicateCaseNumber: duplicate } };
  }

  /** The unit to suggest (★) for a person's dispatch: the route of its place, never the unit that just returned it. */
  suggestUnit(r: CaseRecord): string | null {
    const returnedBy = r.unitCode && r.returnCount > 0 && (r.state === 'return_requested' || r.state === 'filed') ? [r.unitCode] : [];
    if (r.unitCode && returnedBy.length === 0) return r.unitCode;
    return suggestDispatchUnit({ route: this.ref.routeAt(r.minorClassCode, r), minorClass: this.ref.minorClass(r.minorClassCode), excluded: returnedBy });
  }

  /** Build the domain action, computing any deadline from the case's own limit. */
  private buildAction(req: ActionRequest, current: CaseRecord, now: Date): CaseAction {
    const limit = { amount: current.limitAmount, unit: current.limitUnit as TimeLimitUnit };
    switch (req.type) {
      case 'dispatch':
      case 'redispatch':
        this.ref.unit(req.unitCode);
        return { ...req, unitCode: req.unitCode as UnitCode, dueAt: this.ref.due(now, limit) };
      case 'rework':
      case 'resume':
        return { ...req, dueAt: this.ref.due(now, limit) };
      case 'approve_extension': {
        const base = current.dueAt ? new Date(current.dueAt) : now;
        const dueAt = extendDeadline(base, { amount: current.pendingExtensionAmount, unit: limit.unit }, this.ref.calendar).toISOString();
        // the history shows how long and until when
        return { ...req, dueAt, amount: current.pendingExtensionAmount, unit: limit.unit };
      }
      default:
        return req as CaseAction;
    }
  }

  async act(caseNumber: string, expectedVersion: number, req: ActionRequest, user: SessionUser): Promise<CaseView> {
    if (!(req.type in TRANSITIONS) || req.type === ('report' as string)) {
      throw new DomainError('BAD_INPUT', `unknown action ${req.type}`, { field: 'action.type' });
    }
    if (req.type === 'merge') {
      if (req.targetCaseNumber === caseNumber) throw new DomainError('BAD_INPUT', 'a case cannot be merged into itself', { field: 'action.targetCaseNumber' });
      const target = await this.store.getByNumber(req.targetCaseNumber);
      if (!target || !isOpenState(target.state)) throw new DomainError('BAD_INPUT', `no open case ${req.targetCaseNumber}`, { field: 'action.targetCaseNumber' });
    }
    const now = this.clock.now();
    const { record, event, followed } = await this.store.applyAction({
      caseNumber,
      expectedVersion,
      event: { ...actorOf(user), at: now.toISOString() },
      // scope before concurrency: another unit must not learn a case's state from a version conflict
      authorize: (current) => this.assertCanSee(current, user),
      action: (current) => this.buildAction(req, current, now),
      // merging into an original: the original records the call merged into it, same transaction
      follow: (updated, action) => (action.type === 'merge' ? [this.linkDuplicate(action.targetCaseNumber, updated.caseNumber, actorOf(user), now.toISOString())] : []),
    });
    this.publish(record, [event]);
    for (const f of followed) this.publish(f.record, f.events);
    return this.view(record, user);
  }

  /** Unit staff see only cases their unit holds; everyone else sees every case. */
  assertCanSee(r: CaseRecord, user: SessionUser | null): void {
    if (user?.role === 'unit_staff' && r.unitCode !== user.unitCode) {
      throw new DomainError('FORBIDDEN', 'this case is not held by your unit', { field: 'caseNumber' });
    }
  }

  lightOf(r: Pick<CaseRecord, 'dispatchedAt' | 'dueAt' | 'limitUnit' | 'state'>, now = this.clock.now()) {
    if (!r.dispatchedAt || !r.dueAt || !isOpenState(r.state) || r.state === 'disposed' || r.state === 'parked') return null;
    return computeTrafficLight({ start: new Date(r.dispatchedAt), due: new Date(r.dueAt), now, limitUnit: r.limitUnit as TimeLimitUnit, calendar: this.ref.calendar });
  }

  async view(record: CaseRecord, user: SessionUser): Promise<CaseView> {
    this.assertCanSee(record, user);
    // a group-committed batch may already hold later events of this case: show the history as of this version
    const events = (await this.store.listEvents(record.id)).filter((e) => e.seq <= record.version);
    const light = this.lightOf(record);
    return {
      record,
      events,
      unitName: this.ref.unitName(record.unitCode),
      communityName: this.ref.communityName(record.communityCode),
      minorClassName: this.ref.minorClass(record.minorClassCode).name,
      routeExplanationEn: this.ref.routeExplanationEn(record),
      light: light?.light ?? null,
      usedFraction: light?.usedFraction ?? null,
      remainingMs: light?.remainingMs ?? null,
      allowedActions: listAllowedActions(record, { userId: user.id, role: user.role, unitCode: user.unitCode }, this.clock.now().toISOString()),
    };
  }

  async get(caseNumber: string, user: SessionUser): Promise<CaseView> {
    const r = await this.store.getByNumber(caseNumber);
    if (!r) throw new DomainError('NOT_FOUND', `no case ${caseNumber}`, { field: 'caseNumber' });
    return this.view(r, user);
  }

  async getRecord(caseNumber: string): Promise<CaseRecord | null> {
    return this.store.getByNumber(caseNumber);
  }

  /** Open cases of the same class within `radiusM` of a point, nearest first. */
  async nearbyOpen(minorClassCode: string, p: LatLng, radiusM = 250, limit = 5): Promise<Array<{ record: CaseRecord; distanceM: number }>> {
    this.ref.minorClass(minorClassCode);
    const dLat = radiusM / 111_320;
    const dLng = radiusM / (111_320 * Math.cos((p.lat * Math.PI) / 180));
    const rows = await this.store.listOpenInBox(minorClassCode, { south: p.lat - dLat, north: p.lat + dLat, west: p.lng - dLng, east: p.lng + dLng }, OPEN_STATES);
    return rows
      .map((record) => ({ record, distanceM: distanceMeters(p, { lat: record.lat!, lng: record.lng! }) }))
      .filter((x) => x.distanceM <= radiusM)
      .sort((a, b) => a.distanceM - b.distanceM)
      .slice(0, limit);
  }

  list(filter: CaseFilter): Promise<CaseRecord[]> {
    return this.store.list(filter);
  }
  count(filter: CaseFilter): Promise<number> {
    return this.store.count(filter);
  }
  listEventsAfter(afterId: number, limit?: number) {
    return this.store.listEventsAfter(afterId, limit);
  }
  /**
   * A citizen's comment arriving through a partner app (Open311 POST servicerequestupdates): one
   * `comment` event by the partner (role public) in the case history. It never changes the state.
   */
  async addPartnerComment(caseNumber: string, comment: Omit<Extract<CaseAction, { type: 'comment' }>, 'type'>, partnerName: string): Promise<{ record: CaseRecord; event: StoredCaseEvent }> {
    const { record, event } = await this.store.applyAction({
      caseNumber,
      event: { actor: { userId: null, role: 'public', unitCode: null }, actorName: partnerName, at: this.clock.now().toISOString() },
      action: { type: 'comment', ...comment },
    });
    this.publish(record, [event]);
    return { record, event };
  }

  get caseStore(): CaseStore {
    return this.store;
  }
}
