import { createTRPCRouter, dispatcherProcedure } from '../trpc.ts';
import { ZQueuePageSchema } from '../schemas.ts';

/** Shift lead / dispatcher (值班长 / 派遣员): cases that need a human decision. */
export const dispatchRouter = createTRPCRouter({
  /** One page of the queue (newest first), its true total and the count of every reason over the whole queue. */
  queue: dispatcherProcedure
    .input(ZQueuePageSchema.default({ limit: 50, offset: 0 }))
    .query(({ ctx, input }) => ctx.services.queues.dispatch(input)),
});
