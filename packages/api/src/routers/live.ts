import { tracked } from '@trpc/server';
import { z } from 'zod';
import { authedProcedure, createTRPCRouter } from '../trpc.ts';

/**
 * The live hub's stream for typed clients: a thin adapter over `LiveHub.subscribe` (the same
 * pipeline, unit scope and resume rules as `GET /api/live`). A client reconnecting with
 * `lastEventId` receives exactly what it missed.
 */
export const liveRouter = createTRPCRouter({
  onCaseEvent: authedProcedure
    .input(z.object({ lastEventId: z.coerce.number().int().min(0).nullish() }).optional())
    .subscription(async function* ({ ctx, input, signal }) {
      for await (const e of ctx.services.live.subscribe(ctx.user, input?.lastEventId ?? null, signal))
        yield tracked(String(e.id), e);
    }),
});
