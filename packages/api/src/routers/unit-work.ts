import { z } from 'zod';
import { createTRPCRouter, unitStaffProcedure } from '../trpc.ts';
import { ZCaseStateSchema, ZQueuePageSchema } from '../schemas.ts';

/** Department staff (专业部门): their own unit's cases, nothing else. */
export const unitWorkRouter = createTRPCRouter({
  /** One page of the unit's queue (earliest deadline first) and its true total. */
  queue: unitStaffProcedure
    .input(
      ZQueuePageSchema.extend({ states: z.array(ZCaseStateSchema).max(20).optional() }).default({
        limit: 50,
        offset: 0,
      }),
    )
    .query(({ ctx, input }) => ctx.services.queues.unitWork(ctx.unitCode, input)),
});
