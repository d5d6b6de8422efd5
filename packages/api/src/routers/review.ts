import { z } from 'zod';
import { createTRPCRouter, reviewProcedure } from '../trpc.ts';
import { ZQueuePageSchema } from '../schemas.ts';

/** The review queue's two sections: disposed (待核查, check and close) and closed (待回访, call back). */
export const REVIEW_SECTIONS = ['disposed', 'closed'] as const;

/** Inspectors and the shift lead (监督员 / 值班长): check disposed cases, close or rework; call back. */
export const reviewRouter = createTRPCRouter({
  /** One page of one section (most recently updated first), the section's true total and both sections' counts. */
  queue: reviewProcedure
    .input(ZQueuePageSchema.extend({ section: z.enum(REVIEW_SECTIONS).default('disposed') }).default({ section: 'disposed', limit: 50, offset: 0 }))
    .query(async ({ ctx, input }) => {
      const { cases, reference } = ctx.services;
      const search = input.search || undefined;
      const [rows, byState] = await Promise.all([
        cases.list({ states: [input.section], search, orderBy: 'updated_desc', limit: input.limit, offset: input.offset }),
        cases.caseStore.countBy('state', { states: [...REVIEW_SECTIONS], search }),
      ]);
      const counts = { disposed: byState.find((r) => r.key === 'disposed')?.n ?? 0, closed: byState.find((r) => r.key === 'closed')?.n ?? 0 };
      const items = rows.map((r) => ({
        caseNumber: r.caseNumber, version: r.version, state: r.state, description: r.description, minorClassCode: r.minorClassCode, minorClassName: reference.minorClass(r.minorClassCode).name,
        unitCode: r.unitCode, unitName: reference.unitName(r.unitCode), communityCode: r.communityCode, communityName: reference.communityName(r.communityCode), disposedAt: r.disposedAt, closedAt: r.closedAt,
        disposedLate: r.disposedLate, reworkCount: r.reworkCount, callerPhone: r.callerPhone, callerName: r.callerName,
      }));
      return { section: input.section, total: counts[input.section], counts, offset: input.offset, limit: input.limit, items };
    }),
});
