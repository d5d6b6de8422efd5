import { z } from 'zod';
import { createTRPCRouter, supervisorProcedure } from '../trpc.ts';

/** The command-hall wall: what it needs besides the dashboard figures. */
export const wallRouter = createTRPCRouter({
  /** The latest case events, newest first, to fill the ticker when the wall loads (the live stream continues from here). */
  recent: supervisorProcedure
    .input(z.object({ limit: z.number().int().min(1).max(100).default(30) }).default({ limit: 30 }))
    .query(({ ctx, input }) => ctx.services.live.recent(input.limit)),
});
