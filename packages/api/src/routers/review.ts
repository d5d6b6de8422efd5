import { z } from 'zod';
import { REVIEW_QUEUE_STATES } from '@citygrid/domain';
import { createTRPCRouter, reviewProcedure } from '../trpc.ts';
import { ZQueuePageSchema } from '../schemas.ts';

/** The review queue's two sections: disposed (待核查, check and close) and closed (待回访, call back). */
export const REVIEW_SECTIONS = REVIEW_QUEUE_STATES;

/** Inspectors and the shift lead (监督员 / 值班长): check disposed cases, close or rework; call back. */
export const reviewRouter = createTRPCRouter({
  /** One page of one section (most recently updated first), the section's true total and both sections' counts. */
  queue: reviewProcedure
    .input(
      ZQueuePageSchema.extend({ section: z.enum(REVIEW_SECTIONS).default('disposed') }).default({
        section: 'disposed',
        limit: 50,
        offset: 0,
      }),
    )
    .query(({ ctx, input }) => ctx.services.queues.review(input)),
});
