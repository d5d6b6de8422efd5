import { z } from 'zod';
import type { LiveCaseEvent } from '../live/case-bus.ts';
import { readBacklog } from '../live/live-hub.ts';
import { createTRPCRouter, supervisorProcedure } from '../trpc.ts';

/** The command-hall wall: what it needs besides the dashboard figures. */
export const wallRouter = createTRPCRouter({
  /** The latest case events, newest first, to fill the ticker when the wall loads (the live stream continues from here). */
  recent: supervisorProcedure
    .input(z.object({ limit: z.number().int().min(1).max(100).default(30) }).default({ limit: 30 }))
    .query(async ({ ctx, input }) => {
      const last = await ctx.services.cases.caseStore.lastEventId();
      const out: LiveCaseEvent[] = [];
      for await (const e of readBacklog(ctx.services.cases, Math.max(0, last - input.limit), input.limit))
        out.push(e);
      return out.reverse().slice(0, input.limit);
    }),
});
