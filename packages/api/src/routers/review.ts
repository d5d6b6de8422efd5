import { createTRPCRouter, reviewProcedure } from '../trpc.ts';
import { actionInput } from '../schemas.ts';

/** Inspectors and the shift lead (监督员 / 值班长): check disposed cases, close or rework; call back. */
export const reviewRouter = createTRPCRouter({
  queue: reviewProcedure.query(async ({ ctx }) => {
    const { cases, reference } = ctx.services;
    const rows = [...(await cases.list({ states: ['disposed'], orderBy: 'updated_desc', limit: 300 })), ...(await cases.list({ states: ['closed'], orderBy: 'updated_desc', limit: 300 }))];
    return rows.map((r) => ({
      caseNumber: r.caseNumber, version: r.version, state: r.state, description: r.description, minorClassName: reference.minorClass(r.minorClassCode).name,
      unitName: reference.unitName(r.unitCode), communityName: reference.communityName(r.communityCode), disposedAt: r.disposedAt, closedAt: r.closedAt,
      disposedLate: r.disposedLate, reworkCount: r.reworkCount, callerPhone: r.callerPhone, callerName: r.callerName,
    }));
  }),
  act: reviewProcedure
    .input(actionInput('verify', 'close', 'rework', 'callback'))
    .mutation(({ ctx, input }) => ctx.services.cases.act(input.caseNumber, input.expectedVersion, input.action, ctx.user)),
});
