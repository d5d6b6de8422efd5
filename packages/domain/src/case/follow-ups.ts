import type { CaseAction } from './transitions.ts';

/** An action another case records because of an action on this one. */
export interface FollowUp {
  readonly caseNumber: string;
  readonly action: CaseAction;
}

/**
 * What other cases record, in the same change, when `caseNumber` takes `action`: a call merged into
 * an original makes the original record the duplicate (`link_duplicate`). The store applies these with
 * the same actor and time, in the same transaction, so callers pass data and never a callback.
 */
export function followUpsOf(caseNumber: string, action: CaseAction): FollowUp[] {
  return action.type === 'merge'
    ? [
        {
          caseNumber: action.targetCaseNumber,
          action: { type: 'link_duplicate', duplicateCaseNumber: caseNumber },
        },
      ]
    : [];
}
