import { createHash } from 'node:crypto';
import {
  buildCaseAction,
  canSeeCase,
  computeTrafficLight,
  distanceMeters,
  DomainError,
  isOpenState,
  listAllowedActions,
  OPEN_STATES,
  showsLight,
  suggestDispatchUnit,
  TRANSITIONS,
  type Actor,
  type CaseAction,
  type CaseActionType,
  type CaseState,
  type CoordinateSystem,
  type LatLng,
  type RequestNature,
  type TimeLimitUnit,
  type TrafficLight,
} from '@citygrid/domain';
import {
  versionConflict,
  type CaseFilter,
  type CaseRecord,
  type CaseStorePort,
  type CreateCaseInput,
  type StoredCaseEvent,
} from '@citygrid/db';
import type { SessionUser } from '../session-user.ts';
import type { ActionRequest } from '../schemas.ts';
export type { ActionRequest } from '../schemas.ts';
import { summarizeCase, toLiveEvent, type CaseBus } from '../live/case-bus.ts';
import type { Clock } from './clock.ts';
import type { ReferenceService } from './reference-service.ts';

export { REQUEST_NATURES, type RequestNature } from '@citygrid/domain';
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

const hashRequest = (v: unknown) => createHash('sha256').update(JSON.stringify(v)).digest('hex');

export function actorOf(user: SessionUser | null, systemName?: string): { actor: Actor; actorName: string } {
  if (!user)
    return { actor: { userId: null, role: 'system', unitCode: null }, actorName: systemName ?? '系统' };
  return {
    actor: { userId: user.id, role: user.role, unitCode: user.unitCode },
    actorName: user.displayName,
  };
}

/**
 * The case lifecycle: intake, actions, reads. Every change goes through the state machine and the
 * event log; events are published to the live bus only after their transaction committed.
 * tRPC procedures and the Open311 endpoints both call this, so there is one set of rules.
 */
export class CaseService {
  constructor(
    private readonly store: CaseStorePort,
    private readonly ref: ReferenceService,
    private readonly bus: CaseBus,
    private readonly clock: Clock,
    /**
     * Publish this process's commits on the bus itself (SQLite: one writer process, so its own
     * commits are all there is). False where several nodes write (PostgreSQL): every node's bus is
     * fed from the event log instead (live/event-relay.ts), this node's commits included, so all
     * nodes publish the same events in the same id order.
     */
    private readonly publishCommits = true,
  ) {}

  private publish(record: CaseRecord, events: readonly StoredCaseEvent[]): void {
    if (!this.publishCommits) return;
    const summary = summarizeCase(record);
    this.bus.publish(events.map((e) => toLiveEvent(e, summary)));
  }

  async intake(
    input: IntakeInput,
    user: SessionUser | null,
    publicName?: string,
    /** The citizen channel's own row, written in the same transaction as the new case. */
    citizenReport?: CreateCaseInput['citizenReport'],
  ): Promise<IntakeResult> {
    const now = this.clock.now();
    const at = now.toISOString();
    // one planner for preview and filing: conversion → cell → route → limit → deadline → manual or not
    const plan = this.ref.plan({
      minorClassCode: input.minorClassCode,
      urgency: input.urgency,
      location: input.location,
      now,
    });
    const { minorClass: m, point, place, route, limit } = plan;
    const source = input.source ?? 'hotline';
    const who = actorOf(user, publicName);
    const reporter = user
      ? who
      : { actor: { userId: null, role: 'public' as const, unitCode: null }, actorName: publicName ?? '市民' };

    let duplicateTarget: CaseRecord | null = null;
    if (input.duplicateOf) {
      duplicateTarget = await this.store.getByNumber(input.duplicateOf);
      if (!duplicateTarget)
        throw new DomainError('BAD_INPUT', `no case ${input.duplicateOf} to link to`, {
          field: 'duplicateOf',
        });
      if (!isOpenState(duplicateTarget.state))
        throw new DomainError('BAD_INPUT', `case ${input.duplicateOf} is no longer open`, {
          field: 'duplicateOf',
        });
    }

    const events: Array<{ actor: Actor; actorName: string; at: string; action: CaseAction }> = [
      { ...reporter, at, action: { type: 'report' } },
    ];
    if (duplicateTarget) {
      events.push({
        ...who,
        at,
        action: { type: 'merge', targetCaseNumber: duplicateTarget.caseNumber, reason: '来电反映同一问题' },
      });
    } else if (source === 'hotline' && user) {
      // a trained operator's call is filed at once (立案); the plan decides whether it dispatches itself
      events.push({
        ...who,
        at,
        action: plan.manualDispatch
          ? { type: 'file', manualDispatch: plan.manualDispatch }
          : { type: 'file' },
      });
      if (route && plan.dueAt) {
        events.push({
          actor: { userId: null, role: 'system', unitCode: null },
          actorName: '自动派遣',
          at,
          action: {
            type: 'dispatch',
            unitCode: route.unitCode,
            dueAt: plan.dueAt,
            note: route.explanation,
            route: { ruleId: route.ruleId, explanation: route.explanation },
          },
        });
      }
    }
    const { idempotencyKey, ...body } = input;
    const {
      record,
      events: stored,
      replayed,
      followed,
    } = await this.store.createCase({
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
      // the original records the call merged into it in the same transaction (the domain's followUpsOf)
      ...(citizenReport ? { citizenReport } : {}),
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

  /** The unit to suggest (★) for a person's dispatch: the route of its place, never the unit that just returned it. */
  suggestUnit(r: CaseRecord): string | null {
    const returnedBy =
      r.unitCode && r.returnCount > 0 && (r.state === 'return_requested' || r.state === 'filed')
        ? [r.unitCode]
        : [];
    if (r.unitCode && returnedBy.length === 0) return r.unitCode;
    return suggestDispatchUnit({
      route: this.ref.routeAt(r.minorClassCode, r),
      minorClass: this.ref.minorClass(r.minorClassCode),
      excluded: returnedBy,
    });
  }

  /** The domain turns the request into the action (deadlines from the case's own limit); a named unit must exist. */
  private buildAction(req: ActionRequest, current: CaseRecord, now: Date): CaseAction {
    if (req.type === 'dispatch' || req.type === 'redispatch') this.ref.unit(req.unitCode);
    return buildCaseAction(req, current, now, this.ref.calendar);
  }

  async act(
    caseNumber: string,
    expectedVersion: number,
    req: ActionRequest,
    user: SessionUser,
  ): Promise<CaseView> {
    if (!(req.type in TRANSITIONS) || req.type === ('report' as string)) {
      throw new DomainError('BAD_INPUT', `unknown action ${req.type}`, { field: 'action.type' });
    }
    if (req.type === 'merge') {
      if (req.targetCaseNumber === caseNumber)
        throw new DomainError('BAD_INPUT', 'a case cannot be merged into itself', {
          field: 'action.targetCaseNumber',
        });
      const target = await this.store.getByNumber(req.targetCaseNumber);
      if (!target || !isOpenState(target.state))
        throw new DomainError('BAD_INPUT', `no open case ${req.targetCaseNumber}`, {
          field: 'action.targetCaseNumber',
        });
    }
    const now = this.clock.now();
    // the action is built from the version the person saw (a deadline from the case's limit); the store
    // refuses it if the case moved on. Scope before concurrency: another unit must not learn a case's state.
    const current = await this.store.getByNumber(caseNumber);
    if (!current) throw new DomainError('NOT_FOUND', `no case ${caseNumber}`, { field: 'caseNumber' });
    this.assertCanSee(current, user);
    if (current.version !== expectedVersion) throw versionConflict(current);
    const { record, event, followed } = await this.store.applyAction({
      caseNumber,
      expectedVersion,
      event: { ...actorOf(user), at: now.toISOString() },
      viewer: { role: user.role, unitCode: user.unitCode },
      action: this.buildAction(req, current, now),
    });
    this.publish(record, [event]);
    for (const f of followed) this.publish(f.record, f.events);
    return this.view(record, user);
  }

  /** Unit staff see only cases their unit holds; everyone else sees every case. */
  assertCanSee(r: CaseRecord, user: SessionUser | null): void {
    if (user && !canSeeCase(user, r.unitCode)) {
      throw new DomainError('FORBIDDEN', 'this case is not held by your unit', { field: 'caseNumber' });
    }
  }

  lightOf(r: Pick<CaseRecord, 'dispatchedAt' | 'dueAt' | 'limitUnit' | 'state'>, now = this.clock.now()) {
    if (!r.dispatchedAt || !r.dueAt || !showsLight(r.state)) return null;
    return computeTrafficLight({
      start: new Date(r.dispatchedAt),
      due: new Date(r.dueAt),
      now,
      limitUnit: r.limitUnit as TimeLimitUnit,
      calendar: this.ref.calendar,
    });
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
      allowedActions: listAllowedActions(
        record,
        { userId: user.id, role: user.role, unitCode: user.unitCode },
        this.clock.now().toISOString(),
      ),
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
  async nearbyOpen(
    minorClassCode: string,
    p: LatLng,
    radiusM = 250,
    limit = 5,
  ): Promise<Array<{ record: CaseRecord; distanceM: number }>> {
    this.ref.minorClass(minorClassCode);
    return (await this.nearbyOpenMany([{ minorClassCode, point: p }], radiusM, limit))[0]!;
  }

  /**
   * `nearbyOpen` for many points at once (a page of the dispatchers' queue) with ONE query: the
   * answer for each point in the order given, nearest first.
   */
  async nearbyOpenMany(
    points: ReadonlyArray<{ minorClassCode: string; point: LatLng }>,
    radiusM = 250,
    limit = 5,
  ): Promise<Array<Array<{ record: CaseRecord; distanceM: number }>>> {
    const dLat = radiusM / 111_320;
    const boxes = points.map(({ minorClassCode, point: p }) => {
      const dLng = radiusM / (111_320 * Math.cos((p.lat * Math.PI) / 180));
      return {
        minorClassCode,
        south: p.lat - dLat,
        north: p.lat + dLat,
        west: p.lng - dLng,
        east: p.lng + dLng,
      };
    });
    const rows = await this.store.listInBoxes(boxes, OPEN_STATES);
    return points.map(({ minorClassCode, point: p }) =>
      rows
        .filter((record) => record.minorClassCode === minorClassCode)
        .map((record) => ({ record, distanceM: distanceMeters(p, { lat: record.lat!, lng: record.lng! }) }))
        .filter((x) => x.distanceM <= radiusM)
        .sort((a, b) => a.distanceM - b.distanceM)
        .slice(0, limit),
    );
  }

  /**
   * A bulk load of cases with their whole histories (seeders): one transaction, every event through the
   * state machine, nothing published on the live bus (screens read them from the database). Not for
   * acknowledged intake.
   */
  loadBulk(jobs: readonly CreateCaseInput[]): Promise<void> {
    return this.store.createCasesBulk(jobs);
  }

  list(filter: CaseFilter): Promise<CaseRecord[]> {
    return this.store.list(filter);
  }
  count(filter: CaseFilter): Promise<number> {
    return this.store.count(filter);
  }
  getRecordsById(ids: readonly number[]): Promise<CaseRecord[]> {
    return this.store.getByIds(ids);
  }
  getRecordById(id: number): Promise<CaseRecord | null> {
    return this.store.getById(id);
  }
  getByOpen311Token(token: string): Promise<CaseRecord | null> {
    return this.store.getByOpen311Token(token);
  }
  /** The whole history of a case, oldest first (callers showing a record filter to `seq <= record.version`). */
  listEvents(record: Pick<CaseRecord, 'id'>): Promise<StoredCaseEvent[]> {
    return this.store.listEvents(record.id);
  }
  listEventsAfter(afterId: number, limit?: number) {
    return this.store.listEventsAfter(afterId, limit);
  }
  listEventsBetween(f: Parameters<CaseStorePort['listEventsBetween']>[0]) {
    return this.store.listEventsBetween(f);
  }
  /** The id of the newest event: where a live stream without `Last-Event-ID` starts. */
  lastEventId(): Promise<number> {
    return this.store.lastEventId();
  }

  /**
   * An action by someone outside the staff (role `public`): a citizen's rating on the tracking page
   * or a partner's comment (Open311 POST servicerequestupdates). Same state machine, event log and
   * live bus as every other action.
   */
  async actAsPublic(
    caseNumber: string,
    action: CaseAction,
    actorName: string,
    expectedVersion?: number,
  ): Promise<{ record: CaseRecord; event: StoredCaseEvent }> {
    const { record, event } = await this.store.applyAction({
      caseNumber,
      ...(expectedVersion === undefined ? {} : { expectedVersion }),
      event: {
        actor: { userId: null, role: 'public', unitCode: null },
        actorName,
        at: this.clock.now().toISOString(),
      },
      action,
    });
    this.publish(record, [event]);
    return { record, event };
  }

  /**
   * A citizen's comment arriving through a partner app (Open311 POST servicerequestupdates): one
   * `comment` event by the partner (role public) in the case history. It never changes the state.
   */
  addPartnerComment(
    caseNumber: string,
    comment: Omit<Extract<CaseAction, { type: 'comment' }>, 'type'>,
    partnerName: string,
  ): Promise<{ record: CaseRecord; event: StoredCaseEvent }> {
    return this.actAsPublic(caseNumber, { type: 'comment', ...comment }, partnerName);
  }
}
