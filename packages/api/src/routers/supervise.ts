import { createTRPCRouter, roleProcedure } from '../trpc.ts';
import { actionInput } from '../schemas.ts';

/** Supervisors and the shift lead: 催办 (urge) and 督办 (escalate) an overdue case. */
const superviseProcedure = roleProcedure('supervisor', 'shift_lead');

export const superviseRouter = createTRPCRouter({
  /** One event through the state machine (no state change); the unit sees it on the live stream at once. */
  act: superviseProcedure
    .input(actionInput('urge', 'escalate'))
    .mutation(({ ctx, input }) =>
      ctx.services.cases.act(input.caseNumber, input.expectedVersion, input.action, ctx.user),
    ),
});
