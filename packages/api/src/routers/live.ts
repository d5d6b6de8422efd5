import { tracked } from '@trpc/server';
import { z } from 'zod';
import { authedProcedure, createTRPCRouter } from '../trpc.ts';
import type { LiveCaseEvent } from '../live/case-bus.ts';
import { readBacklog } from '../live/live-hub.ts';

/**
 * One resumable stream of case events per screen. The bus is subscribed BEFORE the backlog is read,
 * so nothing falls between the two; ids at or below the last one sent are skipped, so nothing
 * arrives twice. A client reconnecting with `lastEventId` receives exactly what it missed.
 */
export const liveRouter = createTRPCRouter({
  onCaseEvent: authedProcedure
    .input(z.object({ lastEventId: z.coerce.number().int().min(0).nullish() }).optional())
    .subscription(async function* ({ ctx, input, signal }) {
      const { bus, cases } = ctx.services;
      const unitScope = ctx.user.role === 'unit_staff' ? ctx.user.unitCode : null;
      const visible = (e: LiveCaseEvent) => unitScope === null || e.case.unitCode === unitScope;
      const pending: LiveCaseEvent[] = [];
      let wake: (() => void) | null = null;
      const unsubscribe = bus.subscribe((e) => {
        pending.push(e);
        wake?.();
      });
      const onAbort = () => wake?.();
      signal?.addEventListener('abort', onAbort);
      try {
        let last = input?.lastEventId ?? (await cases.caseStore.lastEventId());
        for await (const e of readBacklog(cases, last)) {
          last = e.id;
          if (visible(e)) yield tracked(String(e.id), e);
          if (signal?.aborted) return;
        }
        while (!signal?.aborted) {
          while (pending.length > 0) {
            const e = pending.shift()!;
            if (e.id <= last) continue;
            last = e.id;
            if (visible(e)) yield tracked(String(e.id), e);
          }
          await new Promise<void>((resolve) => {
            wake = resolve;
            if (pending.length > 0 || signal?.aborted) resolve();
          });
          wake = null;
        }
      } finally {
        unsubscribe();
        signal?.removeEventListener('abort', onAbort);
      }
    }),
});
