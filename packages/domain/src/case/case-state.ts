import type { UnitCode } from '../ids.ts';

/** Stations of the seven-step closed loop (GB/T 30428, CJ/T 315). */
export const CASE_STATES = [
  'reported', // 待立案: collected, awaiting filing (public reports may be verified first, 核实)
  'voided', // 作废 / 不予立案 (terminal)
  'merged', // linked into another case as a duplicate (terminal)
  'filed', // 已立案, waiting for dispatch (manual dispatch queue)
  'dispatched', // 已派遣: the disposal clock runs
  'accepted', // 处置中: the unit has taken it
  'return_requested', // 回退申请: the unit says it is not its remit
  'extension_requested', // 延期申请
  'park_requested', // 挂账申请
  'parked', // 挂账: long-term work, clock suspended
  'disposed', // 已处置: the unit reported its result, awaiting check (核查)
  'closed', // 结案
  'callback_done', // 已回访: satisfaction recorded (terminal)
] as const;
export type CaseState = (typeof CASE_STATES)[number];

/*
 * The state sets below are the one home of every "which states count as ..." rule. The store builds
 * its SQL predicates (and the partial index `cases_open_due`) from them, the services and the web
 * import them; nothing above the domain writes a state list again.
 */

/** No event can follow these. */
export const TERMINAL_STATES: ReadonlySet<CaseState> = new Set(['voided', 'merged', 'callback_done']);
/** Every state a case can still take an event in (all but the terminal ones), in loop order. */
export const NOT_TERMINAL_STATES: readonly CaseState[] = CASE_STATES.filter((s) => !TERMINAL_STATES.has(s));
/** Finished for the reporter and for evaluation (a closed case may still await its callback). */
export const CLOSED_STATES: readonly CaseState[] = ['closed', 'callback_done', 'voided', 'merged'];
/** Every other state: the case still needs someone to act. */
export const OPEN_STATES: readonly CaseState[] = CASE_STATES.filter((s) => !CLOSED_STATES.includes(s));
export const isOpenState = (s: CaseState | string): boolean => (OPEN_STATES as readonly string[]).includes(s);
/** A unit holds the case and its disposal clock runs: the states in which a case can be overdue. */
export const CLOCK_RUNNING_STATES: readonly CaseState[] = [
  'dispatched',
  'accepted',
  'return_requested',
  'extension_requested',
  'park_requested',
];
/** States in which a unit holds the case (the clock runs, or is suspended while parked). */
export const UNIT_STATES: readonly CaseState[] = [...CLOCK_RUNNING_STATES, 'parked'];
/** A unit's work queue: the cases it holds plus those it disposed, awaiting check. */
export const UNIT_QUEUE_STATES: readonly CaseState[] = [...UNIT_STATES, 'disposed'];
/** The dispatchers' queue: waiting for filing or dispatch, or a unit's request awaiting a decision. */
export const DISPATCH_QUEUE_STATES: readonly CaseState[] = [
  'reported',
  'filed',
  'return_requested',
  'extension_requested',
  'park_requested',
];
/** The inspectors' review queue, in its two sections: disposed awaiting the check, closed awaiting the callback. */
export const REVIEW_QUEUE_STATES = ['disposed', 'closed'] as const satisfies readonly CaseState[];
/** The unit reported its result; the case awaits the check (核查). */
export const isAwaitingCheck = (s: CaseState | string): boolean => s === 'disposed';
/** Long-term work (挂账): the unit holds the case but its clock is suspended. */
export const isClockSuspended = (s: CaseState | string): boolean => s === 'parked';
/** Never filed (立案): awaiting verification, or voided or merged before filing. Evaluation counts every other case as filed. */
export const UNFILED_STATES: readonly CaseState[] = ['reported', 'voided', 'merged'];
/**
 * Whether a case in this state shows a traffic light (once dispatched with a deadline): open, and
 * neither disposed (awaiting check) nor parked (clock suspended).
 */
export const showsLight = (s: CaseState | string): boolean =>
  isOpenState(s) && !isAwaitingCheck(s) && !isClockSuspended(s);

/** The part of a case that the event log determines. Everything here is derivable by replay. */
export interface CaseSnapshot {
  readonly state: CaseState;
  /** Unit currently responsible (set at dispatch, kept through disposal and check). */
  readonly unitCode: UnitCode | null;
  readonly version: number; // number of events applied; optimistic-concurrency token
  readonly verified: boolean;
  readonly dispatchCount: number; // first dispatch + redispatches to another unit
  readonly redispatchCount: number; // moved to a different unit (counts against 准确派遣率)
  readonly reworkCount: number; // 返工
  readonly extensionCount: number;
  readonly returnCount: number;
  /** Extra time granted by approved extensions, in the case's limit unit amount. */
  readonly extensionAmount: number;
  /** Amount asked for by a pending extension request (in the case's time-limit unit). */
  readonly pendingExtensionAmount: number;
  readonly satisfaction: number | null; // 1..5 after callback
  readonly mergedInto: string | null;
  /** Calls merged into this case as duplicates (each a `link_duplicate` event). */
  readonly duplicateCount: number;
  /** 派遣依据 of the current dispatch: the rule that routed it, `null` when a person chose the unit. */
  readonly routeRuleId: string | null;
  readonly routeExplanation: string | null;
  /** ISO instants, set by the events that carry them. */
  readonly firstDispatchedAt: string | null;
  readonly dispatchedAt: string | null;
  readonly dueAt: string | null;
  readonly disposedAt: string | null;
  readonly closedAt: string | null;
  /** True when the latest disposal was reported after its deadline. */
  readonly disposedLate: boolean;
  /**
   * 处置用时: whole milliseconds from the first dispatch to the latest disposal, null until a disposal
   * is reported and again after rework. Kept with the case so the evaluation averages a number
   * instead of parsing two instants for every case of the period.
   */
  readonly disposalMillis: number | null;
}

export const INITIAL_SNAPSHOT: CaseSnapshot = {
  state: 'reported',
  unitCode: null,
  version: 0,
  verified: false,
  dispatchCount: 0,
  redispatchCount: 0,
  reworkCount: 0,
  extensionCount: 0,
  returnCount: 0,
  extensionAmount: 0,
  pendingExtensionAmount: 0,
  satisfaction: null,
  mergedInto: null,
  duplicateCount: 0,
  routeRuleId: null,
  routeExplanation: null,
  firstDispatchedAt: null,
  dispatchedAt: null,
  dueAt: null,
  disposedAt: null,
  closedAt: null,
  disposedLate: false,
  disposalMillis: null,
};
