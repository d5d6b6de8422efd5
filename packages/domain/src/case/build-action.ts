import { extendDeadline } from '../calendar/traffic-light.ts';
import type { TimeLimitUnit, WorkCalendar } from '../calendar/work-calendar.ts';
import { asUnitCode } from '../ids.ts';
import type { CaseAction } from './transitions.ts';

/** Actions whose deadline (and, for an extension, its length) the system computes, not the person. */
type Computed = 'dueAt' | 'amount' | 'unit';
type RequestOf<A> = A extends { type: 'dispatch' | 'redispatch' }
  ? Omit<A, Computed | 'unitCode'> & { unitCode: string }
  : A extends { type: 'rework' | 'resume' | 'approve_extension' }
    ? Omit<A, Computed>
    : A;

/**
 * What a person asks for (`cases.act`): a case action without what the system works out itself. The
 * system's own actions (`report`, `link_duplicate`, `comment`) are not requests.
 */
export type CaseActionRequest = RequestOf<
  Exclude<CaseAction, { type: 'report' | 'link_duplicate' | 'comment' }>
>;

/** The part of the case a request is turned into an action against: its limit and its deadline. */
export interface ActionBasis {
  readonly limitAmount: number;
  readonly limitUnit: TimeLimitUnit | string;
  readonly dueAt: string | null;
  readonly pendingExtensionAmount: number | null;
}

/**
 * Turn a person's request into the case action the state machine applies: a dispatch, a redispatch,
 * a rework and a resume get a fresh deadline from the case's own limit on the working calendar; an
 * approved extension moves the current deadline by the amount the unit asked for, and records how
 * long, so the history can say it.
 */
export function buildCaseAction(
  req: CaseActionRequest,
  basis: ActionBasis,
  now: Date,
  calendar: WorkCalendar,
): CaseAction {
  const unit = basis.limitUnit as TimeLimitUnit;
  const due = () => calendar.addTimeLimit(now, { amount: basis.limitAmount, unit }).toISOString();
  switch (req.type) {
    case 'dispatch':
    case 'redispatch':
      return { ...req, unitCode: asUnitCode(req.unitCode), dueAt: due() };
    case 'rework':
    case 'resume':
      return { ...req, dueAt: due() };
    case 'approve_extension': {
      const amount = basis.pendingExtensionAmount ?? 0;
      const base = basis.dueAt ? new Date(basis.dueAt) : now;
      return { ...req, dueAt: extendDeadline(base, { amount, unit }, calendar).toISOString(), amount, unit };
    }
    default:
      return req;
  }
}
