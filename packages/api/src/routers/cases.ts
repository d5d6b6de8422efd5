import { z } from 'zod';
import { ACTING_ROLES, DomainError, mayRequestAction } from '@citygrid/domain';
import { authedProcedure, createTRPCRouter, roleProcedure, supervisorProcedure } from '../trpc.ts';
import { ZCaseActSchema, ZCaseFilterSchema, ZCaseNumberSchema, toIso } from '../schemas.ts';
import { caseRow } from '../services/case-rows.ts';

/** Everyone who may ask for at least one action (the transitions table says who). */
const actingProcedure = roleProcedure(...ACTING_ROLES);

/** Reading one case (every role, scoped), searching (everyone but unit staff), and acting on one. */
export const casesRouter = createTRPCRouter({
  get: authedProcedure
    .input(z.object({ caseNumber: ZCaseNumberSchema }))
    .query(({ ctx, input }) => ctx.services.cases.get(input.caseNumber, ctx.user)),
  search: supervisorProcedure
    .input(
      ZCaseFilterSchema.extend({
        limit: z.number().int().min(1).max(500).default(50),
        offset: z.number().int().min(0).default(0),
      }),
    )
    .query(async ({ ctx, input }) => {
      const filter = {
        ...input,
        reportedFrom: input.reportedFrom && toIso(input.reportedFrom),
        reportedTo: input.reportedTo && toIso(input.reportedTo),
      };
      const [rows, total] = await Promise.all([
        ctx.services.cases.list({ ...filter, orderBy: 'reported_desc' }),
        ctx.services.cases.count(filter),
      ]);
      return {
        total,
        rows: rows.map((r) =>
          caseRow(r, ctx.services.reference, [
            'caseNumber',
            'state',
            'reportedAt',
            'description',
            'unitName',
            'dueAt',
          ]),
        ),
      };
    }),
  /**
   * Every action a person takes on a case. The domain's `TRANSITIONS` table decides who may ask
   * for what (refused before anything is read); the service checks the unit scope, the state and
   * the version, computes deadlines and records the event.
   */
  act: actingProcedure.input(ZCaseActSchema).mutation(async ({ ctx, input }) => {
    if (!mayRequestAction(ctx.user.role, input.action.type)) {
      await ctx.services.auth.logDenied(ctx.user, `action ${input.action.type}`, ctx.request.ip);
      throw new DomainError('FORBIDDEN', `role ${ctx.user.role} may not ${input.action.type}`, {
        field: 'action.type',
        action: input.action.type,
      });
    }
    if (input.action.type === 'report_disposal')
      await ctx.services.attachments.assertExist(input.action.attachments);
    return ctx.services.cases.act(input.caseNumber, input.expectedVersion, input.action, ctx.user);
  }),
});
