import { DomainError } from '../errors.ts';
import type { TimeLimitUnit } from '../calendar/work-calendar.ts';
import type { UnitCode } from '../ids.ts';
import { ROLES, type ActorRole, type Role } from './roles.ts';
import type { CaseSnapshot, CaseState } from './case-state.ts';
import { CLOCK_RUNNING_STATES, INITIAL_SNAPSHOT, NOT_TERMINAL_STATES, OPEN_STATES } from './case-state.ts';

/** Every way a case can change. The event log stores exactly these, with actor and time. */
export type CaseAction =
  | { type: 'report' } // 信息收集: the case exists
  | { type: 'verify'; note?: string } // 核实: an inspector confirmed it on site
  | { type: 'file'; note?: string; manualDispatch?: ManualDispatchReason } // 立案; why it waits for a dispatcher, if it does
  | { type: 'void'; reason: string } // 作废 / 不予立案
  | { type: 'merge'; targetCaseNumber: string; reason?: string } // duplicate of another case
  | { type: 'link_duplicate'; duplicateCaseNumber: string } // the original case records a call merged into it
  | { type: 'dispatch'; unitCode: UnitCode; dueAt: string; note?: string; route?: RouteBasis } // 派遣: the clock starts
  | { type: 'redispatch'; unitCode: UnitCode; dueAt: string; reason: string; route?: RouteBasis } // 改派 to another unit
  | { type: 'accept'; note?: string } // the unit takes it
  | { type: 'request_return'; reason: string } // 回退申请
  | { type: 'approve_return'; note?: string } // back to the dispatch queue
  | { type: 'refuse_return'; reason: string }
  | { type: 'request_extension'; reason: string; amount: number } // 延期申请, amount in the limit's unit
  | { type: 'approve_extension'; dueAt: string; note?: string; amount?: number; unit?: TimeLimitUnit } // how long, and the new deadline
  | { type: 'refuse_extension'; reason: string }
  | { type: 'request_park'; reason: string } // 挂账申请
  | { type: 'approve_park'; note?: string }
  | { type: 'refuse_park'; reason: string }
  | { type: 'resume'; dueAt: string; note?: string } // parked work resumes with a fresh deadline
  | { type: 'report_disposal'; note: string; attachments?: readonly string[] } // 处理反馈
  | { type: 'close'; note?: string } // 核查通过 → 结案
  | { type: 'rework'; reason: string; dueAt: string } // 核查不通过 → 返工, same unit
  | { type: 'callback'; satisfaction: number; note?: string } // 回访
  | { type: 'urge'; reason: string } // 催办: a supervisor presses the unit on an overdue case (no state change)
  | { type: 'escalate'; reason: string } // 督办: formal supervision of an overdue case (no state change)
  /**
   * 补充意见: a citizen's comment arriving from a partner app (Open311 POST servicerequestupdates).
   * History only: it never changes the state; `requestedStatus` is what the citizen's app said.
   */
  | {
      type: 'comment';
      reason: string;
      note: string;
      mediaUrl?: string;
      externalId?: string;
      requestedStatus?: string;
    };

export type CaseActionType = CaseAction['type'];

/** Why a filed case waits in the shift lead's manual dispatch queue instead of dispatching itself. */
export type ManualDispatchReason = 'outside_grid' | 'no_location' | 'no_rule';

/** 派遣依据 of an automatic dispatch: the routing rule (or fallback) that chose the unit. Absent = a person chose. */
export interface RouteBasis {
  readonly ruleId: string | null;
  readonly explanation: string;
}

export interface TransitionRule {
  readonly from: readonly CaseState[] | 'none';
  readonly to: CaseState | 'same';
  readonly roles: readonly ActorRole[];
  /** Fields of the action that must be present and non-empty. */
  readonly requires: readonly string[];
  /** The actor must belong to the unit that holds the case. */
  readonly unitScoped: boolean;
  /** Chinese name for the UI and the event log. */
  readonly label: string;
  /** Recorded by the system as a side effect of another action; never offered to a person. */
  readonly automatic?: boolean;
  /**
   * Roles that record this action only while taking a call (the operator files, or merges as a
   * duplicate, the case being taken in), never as an action on an existing case.
   */
  readonly intakeOnly?: readonly ActorRole[];
}

const LEAD = ['shift_lead'] as const;
const DISPATCH = ['dispatcher', 'shift_lead', 'system'] as const;
const UNIT = ['unit_staff'] as const;
const HELD: CaseState[] = ['dispatched', 'accepted'];
const CLOCK_RUNNING = CLOCK_RUNNING_STATES;
const SUPERVISE = ['supervisor', 'shift_lead'] as const;
/** Actions allowed only when the case is overdue at the event's time. */
const OVERDUE_ONLY: ReadonlySet<CaseActionType> = new Set(['urge', 'escalate']);
/** Every state a case can still take an event in (all but the terminal ones). */
const NOT_TERMINAL = NOT_TERMINAL_STATES;
const OPEN = OPEN_STATES;

/** The closed loop as data: which action, from which states, by whom, needing what. */
export const TRANSITIONS: Readonly<Record<CaseActionType, TransitionRule>> = {
  report: {
    from: 'none',
    to: 'reported',
    roles: ['operator', 'inspector', 'shift_lead', 'public', 'system'],
    requires: [],
    unitScoped: false,
    label: '上报',
  },
  verify: {
    from: ['reported'],
    to: 'same',
    roles: ['inspector', 'shift_lead'],
    requires: [],
    unitScoped: false,
    label: '核实',
  },
  file: {
    from: ['reported'],
    to: 'filed',
    roles: ['operator', 'shift_lead', 'system'],
    intakeOnly: ['operator'],
    requires: [],
    unitScoped: false,
    label: '立案',
  },
  void: {
    from: ['reported', 'filed'],
    to: 'voided',
    roles: [...LEAD, 'dispatcher'],
    requires: ['reason'],
    unitScoped: false,
    label: '作废',
  },
  merge: {
    from: ['reported', 'filed'],
    to: 'merged',
    roles: ['operator', 'dispatcher', 'shift_lead'],
    intakeOnly: ['operator'],
    requires: ['targetCaseNumber'],
    unitScoped: false,
    label: '合并重复',
  },
  link_duplicate: {
    from: [...OPEN],
    to: 'same',
    roles: ['operator', 'dispatcher', 'shift_lead', 'system'],
    requires: ['duplicateCaseNumber'],
    unitScoped: false,
    label: '关联重复来电',
    automatic: true,
  },
  dispatch: {
    from: ['filed'],
    to: 'dispatched',
    roles: DISPATCH,
    requires: ['unitCode', 'dueAt'],
    unitScoped: false,
    label: '派遣',
  },
  redispatch: {
    from: ['dispatched', 'accepted', 'return_requested'],
    to: 'dispatched',
    roles: ['dispatcher', 'shift_lead'],
    requires: ['unitCode', 'dueAt', 'reason'],
    unitScoped: false,
    label: '改派',
  },
  accept: {
    from: ['dispatched'],
    to: 'accepted',
    roles: UNIT,
    requires: [],
    unitScoped: true,
    label: '签收',
  },
  request_return: {
    from: HELD,
    to: 'return_requested',
    roles: UNIT,
    requires: ['reason'],
    unitScoped: true,
    label: '申请回退',
  },
  approve_return: {
    from: ['return_requested'],
    to: 'filed',
    roles: ['dispatcher', 'shift_lead'],
    requires: [],
    unitScoped: false,
    label: '同意回退',
  },
  refuse_return: {
    from: ['return_requested'],
    to: 'accepted',
    roles: ['dispatcher', 'shift_lead'],
    requires: ['reason'],
    unitScoped: false,
    label: '驳回回退',
  },
  request_extension: {
    from: ['accepted'],
    to: 'extension_requested',
    roles: UNIT,
    requires: ['reason', 'amount'],
    unitScoped: true,
    label: '申请延期',
  },
  approve_extension: {
    from: ['extension_requested'],
    to: 'accepted',
    roles: LEAD,
    requires: ['dueAt'],
    unitScoped: false,
    label: '批准延期',
  },
  refuse_extension: {
    from: ['extension_requested'],
    to: 'accepted',
    roles: LEAD,
    requires: ['reason'],
    unitScoped: false,
    label: '驳回延期',
  },
  request_park: {
    from: ['accepted'],
    to: 'park_requested',
    roles: UNIT,
    requires: ['reason'],
    unitScoped: true,
    label: '申请挂账',
  },
  approve_park: {
    from: ['park_requested'],
    to: 'parked',
    roles: LEAD,
    requires: [],
    unitScoped: false,
    label: '批准挂账',
  },
  refuse_park: {
    from: ['park_requested'],
    to: 'accepted',
    roles: LEAD,
    requires: ['reason'],
    unitScoped: false,
    label: '驳回挂账',
  },
  resume: {
    from: ['parked'],
    to: 'accepted',
    roles: [...UNIT, ...LEAD],
    requires: ['dueAt'],
    unitScoped: true,
    label: '恢复处置',
  },
  report_disposal: {
    from: HELD,
    to: 'disposed',
    roles: UNIT,
    requires: ['note'],
    unitScoped: true,
    label: '处置反馈',
  },
  close: {
    from: ['disposed'],
    to: 'closed',
    roles: ['inspector', 'shift_lead'],
    requires: [],
    unitScoped: false,
    label: '核查结案',
  },
  rework: {
    from: ['disposed'],
    to: 'dispatched',
    roles: ['inspector', 'shift_lead'],
    requires: ['reason', 'dueAt'],
    unitScoped: false,
    label: '返工',
  },
  callback: {
    from: ['closed'],
    to: 'callback_done',
    roles: ['operator', 'shift_lead', 'public'],
    requires: ['satisfaction'],
    unitScoped: false,
    label: '回访',
  },
  urge: {
    from: CLOCK_RUNNING,
    to: 'same',
    roles: SUPERVISE,
    requires: ['reason'],
    unitScoped: false,
    label: '催办',
  },
  escalate: {
    from: CLOCK_RUNNING,
    to: 'same',
    roles: SUPERVISE,
    requires: ['reason'],
    unitScoped: false,
    label: '督办',
  },
  comment: {
    from: NOT_TERMINAL,
    to: 'same',
    roles: ['public'],
    requires: ['reason', 'note'],
    unitScoped: false,
    label: '市民补充',
  },
};

/**
 * May a signed-in person in `role` ask for `type` on an existing case (the one `cases.act`
 * procedure)? The transitions table decides: not the intake's own `report`, not what the system
 * records automatically, not what a role records only at intake, not the partner apps' comments.
 */
export function mayRequestAction(role: ActorRole, type: CaseActionType): boolean {
  const rule = TRANSITIONS[type];
  if (!rule || rule.from === 'none' || rule.automatic || role === 'system' || role === 'public') return false;
  return rule.roles.includes(role) && !(rule.intakeOnly ?? []).includes(role);
}

/** The actions a person in `role` may ask for on an existing case. */
export const requestableActions = (role: ActorRole): CaseActionType[] =>
  (Object.keys(TRANSITIONS) as CaseActionType[]).filter((t) => mayRequestAction(role, t));

/** Roles that may ask for at least one action on a case (who may call `cases.act` at all). */
export const ACTING_ROLES: readonly Role[] = ROLES.filter((r) => requestableActions(r).length > 0);

/** Whether an action needs `field` from the person (reason, unit, amount, ...): the rule's `requires`. */
export const actionRequires = (type: CaseActionType, field: string): boolean =>
  TRANSITIONS[type].requires.includes(field);

/** Whether the case is past its deadline at `at` (urge and escalate need this). */
export const isOverdueAt = (snapshot: Pick<CaseSnapshot, 'dueAt'>, at: string) =>
  snapshot.dueAt !== null && Date.parse(at) > Date.parse(snapshot.dueAt);

export const MAX_EXTENSIONS = 1; // 延期 is usually granted once

export interface Actor {
  readonly userId: number | null;
  readonly role: ActorRole;
  /** The unit a unit_staff actor belongs to. */
  readonly unitCode: UnitCode | null;
}

export interface CaseEventInput {
  readonly action: CaseAction;
  readonly actor: Actor;
  /** ISO instant the event happened. */
  readonly at: string;
}

const isBlank = (v: unknown) =>
  v === undefined ||
  v === null ||
  (typeof v === 'string' && v.trim() === '') ||
  (typeof v === 'number' && !Number.isFinite(v));

/**
 * Which actions this actor may take on a case in this snapshot (for UIs: offer only these). `at`, when
 * given, is the current instant: urge and escalate are offered only on a case overdue at `at`.
 */
export function listAllowedActions(snapshot: CaseSnapshot, actor: Actor, at?: string): CaseActionType[] {
  return (Object.keys(TRANSITIONS) as CaseActionType[]).filter((type) => {
    const rule = TRANSITIONS[type];
    if (rule.automatic || rule.from === 'none' || !rule.from.includes(snapshot.state)) return false;
    if (!rule.roles.includes(actor.role)) return false;
    if (rule.unitScoped && actor.role === 'unit_staff' && actor.unitCode !== snapshot.unitCode) return false;
    if (type === 'request_extension' && snapshot.extensionCount >= MAX_EXTENSIONS) return false;
    if (OVERDUE_ONLY.has(type) && (at === undefined || !isOverdueAt(snapshot, at))) return false;
    return true;
  });
}

/**
 * Check an action against the closed loop and return the next snapshot. Pure: the same snapshot and
 * event always give the same result. Throws `DomainError` ILLEGAL_TRANSITION / FORBIDDEN / BAD_INPUT.
 */
export function applyCaseEvent(snapshot: CaseSnapshot | null, event: CaseEventInput): CaseSnapshot {
  const { action, actor, at } = event;
  const rule = TRANSITIONS[action.type];
  if (!rule) throw new DomainError('BAD_INPUT', `unknown action ${String(action.type)}`, { field: 'action' });
  if (rule.from === 'none') {
    if (snapshot !== null)
      throw new DomainError('ILLEGAL_TRANSITION', 'case already exists', {
        field: 'action',
        state: snapshot.state,
      });
  } else {
    if (snapshot === null)
      throw new DomainError('ILLEGAL_TRANSITION', `cannot ${action.type} a case that does not exist`, {
        field: 'action',
      });
    if (!rule.from.includes(snapshot.state)) {
      throw new DomainError(
        'ILLEGAL_TRANSITION',
        `${rule.label} (${action.type}) is not allowed when the case is ${snapshot.state}`,
        {
          field: 'action',
          state: snapshot.state,
          action: action.type,
        },
      );
    }
  }
  if (!rule.roles.includes(actor.role)) {
    throw new DomainError('FORBIDDEN', `role ${actor.role} may not ${action.type}`, {
      field: 'role',
      action: action.type,
    });
  }
  if (
    rule.unitScoped &&
    actor.role === 'unit_staff' &&
    (snapshot === null || actor.unitCode === null || actor.unitCode !== snapshot.unitCode)
  ) {
    throw new DomainError('FORBIDDEN', 'this case is not held by your unit', {
      field: 'unitCode',
      action: action.type,
    });
  }
  for (const field of rule.requires) {
    if (isBlank((action as Readonly<Record<string, unknown>>)[field])) {
      throw new DomainError('BAD_INPUT', `${field} is required to ${action.type}`, { field });
    }
  }
  if (Number.isNaN(Date.parse(at)))
    throw new DomainError('BAD_INPUT', 'event time is not an ISO instant', { field: 'at' });
  if (OVERDUE_ONLY.has(action.type) && snapshot !== null && !isOverdueAt(snapshot, at)) {
    throw new DomainError(
      'ILLEGAL_TRANSITION',
      `${rule.label} (${action.type}) needs an overdue case; this one is due ${snapshot.dueAt ?? 'never'}`,
      {
        field: 'action',
        state: snapshot.state,
        action: action.type,
      },
    );
  }

  const prev = snapshot ?? INITIAL_SNAPSHOT;
  const to: CaseState = rule.to === 'same' ? prev.state : rule.to;
  const base = { ...prev, state: to, version: prev.version + 1 };

  switch (action.type) {
    case 'report':
      return { ...INITIAL_SNAPSHOT, version: 1 };
    case 'verify':
      return { ...base, verified: true };
    case 'merge':
      return { ...base, mergedInto: action.targetCaseNumber };
    case 'link_duplicate':
      return { ...base, duplicateCount: prev.duplicateCount + 1 };
    case 'dispatch':
      return {
        ...base,
        unitCode: action.unitCode,
        dispatchCount: prev.dispatchCount + 1,
        redispatchCount:
          prev.unitCode !== null && prev.unitCode !== action.unitCode
            ? prev.redispatchCount + 1
            : prev.redispatchCount,
        firstDispatchedAt: prev.firstDispatchedAt ?? at,
        dispatchedAt: at,
        dueAt: action.dueAt,
        routeRuleId: action.route?.ruleId ?? null,
        routeExplanation: action.route?.explanation ?? null,
      };
    case 'redispatch':
      return {
        ...base,
        unitCode: action.unitCode,
        dispatchCount: prev.dispatchCount + 1,
        redispatchCount: prev.unitCode !== action.unitCode ? prev.redispatchCount + 1 : prev.redispatchCount,
        dispatchedAt: at,
        dueAt: action.dueAt,
        routeRuleId: action.route?.ruleId ?? null,
        routeExplanation: action.route?.explanation ?? null,
      };
    case 'request_return':
      return { ...base, returnCount: prev.returnCount + 1 };
    case 'request_extension': {
      if (prev.extensionCount >= MAX_EXTENSIONS) {
        throw new DomainError(
          'ILLEGAL_TRANSITION',
          `an extension can be granted at most ${MAX_EXTENSIONS} time(s)`,
          { field: 'action' },
        );
      }
      if (!(action.amount > 0))
        throw new DomainError('BAD_INPUT', 'amount must be positive', { field: 'amount' });
      return { ...base, pendingExtensionAmount: action.amount };
    }
    case 'approve_extension':
      return {
        ...base,
        extensionCount: prev.extensionCount + 1,
        extensionAmount: prev.extensionAmount + prev.pendingExtensionAmount,
        pendingExtensionAmount: 0,
        dueAt: action.dueAt,
      };
    case 'refuse_extension':
      return { ...base, pendingExtensionAmount: 0 };
    case 'resume':
      return { ...base, dispatchedAt: at, dueAt: action.dueAt };
    case 'report_disposal':
      return {
        ...base,
        disposedAt: at,
        disposedLate: prev.dueAt !== null && Date.parse(at) > Date.parse(prev.dueAt),
        disposalMillis:
          prev.firstDispatchedAt === null ? null : Date.parse(at) - Date.parse(prev.firstDispatchedAt),
      };
    case 'close':
      return { ...base, closedAt: at };
    case 'rework':
      return {
        ...base,
        reworkCount: prev.reworkCount + 1,
        disposedAt: null,
        disposalMillis: null,
        dispatchedAt: at,
        dueAt: action.dueAt,
      };
    case 'callback': {
      const s = action.satisfaction;
      if (!Number.isInteger(s) || s < 1 || s > 5)
        throw new DomainError('BAD_INPUT', 'satisfaction must be an integer 1–5', { field: 'satisfaction' });
      return { ...base, satisfaction: s };
    }
    default:
      return base;
  }
}

/** The current state of a case is always what its events replay to. */
export function replayCaseEvents(events: readonly CaseEventInput[]): CaseSnapshot {
  let snap: CaseSnapshot | null = null;
  for (const e of events) snap = applyCaseEvent(snap, e);
  if (snap === null)
    throw new DomainError('NOT_FOUND', 'a case needs at least its report event', { field: 'events' });
  return snap;
}
