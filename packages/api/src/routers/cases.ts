import { z } from 'zod';
import { authedProcedure, createTRPCRouter, supervisorProcedure } from '../trpc.ts';
import { ZCaseFilterSchema, ZCaseNumberSchema, toIso } from '../schemas.ts';

/** Reading one case (every role, scoped) and searching (everyone but unit staff). */
export const casesRouter = createTRPCRouter({
  get: authedProcedure.input(z.object({ caseNumber: ZCaseNumberSchema })).query(({ ctx, input }) => ctx.services.cases.get(input.caseNumber, ctx.user)),
  search: supervisorProcedure
    .input(ZCaseFilterSchema.extend({ limit: z.number().int().min(1).max(500).default(50), offset: z.number().int().min(0).default(0) }))
    .query(async ({ ctx, input }) => {
      const filter = { ...input, reportedFrom: input.reportedFrom && toIso(input.reportedFrom), reportedTo: input.reportedTo && toIso(input.reportedTo) };
      const [rows, total] = await Promise.all([ctx.services.cases.list({ ...filter, orderBy: 'reported_desc' }), ctx.services.cases.count(filter)]);
      return { total, rows: rows.map((r) => ({ caseNumber: r.caseNumber, state: r.state, reportedAt: r.reportedAt, description: r.description, unitName: ctx.services.reference.unitName(r.unitCode), dueAt: r.dueAt })) };
    }),
});
