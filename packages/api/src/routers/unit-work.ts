import { z } from 'zod';
import { createTRPCRouter, unitStaffProcedure } from '../trpc.ts';
import { ZCaseStateSchema, ZQueuePageSchema } from '../schemas.ts';
import { UNIT_QUEUE_STATES } from '@citygrid/domain';

/** Department staff (专业部门): their own unit's cases, nothing else. */
export const unitWorkRouter = createTRPCRouter({
  /** One page of the unit's queue (earliest deadline first) and its true total. */
  queue: unitStaffProcedure
    .input(ZQueuePageSchema.extend({ states: z.array(ZCaseStateSchema).max(20).optional() }).default({ limit: 50, offset: 0 }))
    .query(async ({ ctx, input }) => {
      const { cases, reference } = ctx.services;
      const filter = { unitCode: ctx.unitCode, states: input.states?.length ? input.states : UNIT_QUEUE_STATES, search: input.search || undefined };
      const [rows, total] = await Promise.all([cases.list({ ...filter, orderBy: 'due', limit: input.limit, offset: input.offset }), cases.count(filter)]);
      const items = rows.map((r) => {
        const l = cases.lightOf(r);
        return {
          caseNumber: r.caseNumber, version: r.version, state: r.state, dueAt: r.dueAt, dispatchedAt: r.dispatchedAt, light: l?.light ?? null, remainingMs: l?.remainingMs ?? null,
          usedFraction: l?.usedFraction ?? null, description: r.description, minorClassCode: r.minorClassCode, minorClassName: reference.minorClass(r.minorClassCode).name, address: r.address,
          communityCode: r.communityCode, communityName: reference.communityName(r.communityCode), cellCode: r.cellCode, urgency: r.urgency, reworkCount: r.reworkCount, lat: r.lat, lng: r.lng,
        };
      });
      return { total, offset: input.offset, limit: input.limit, items };
    }),
});
