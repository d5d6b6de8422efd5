import { tracked } from '@trpc/server';
import { z } from 'zod';
import type { CaseRecord } from '@citygrid/db';
import { authedProcedure, createTRPCRouter } from '../trpc.ts';
import { summarizeCase, toLiveEvent, type LiveCaseEvent } from '../live/case-bus.ts';

const BACKLOG_PAGE = 1000;

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
        // backlog since the client's last event, page by page
        for (;;) {
          const page = await cases.listEventsAfter(last, BACKLOG_PAGE);
          if (page.length === 0) break;
          const records = new Map<string, CaseRecord | null>();
          for (const e of page) {
            if (!records.has(e.caseNumber)) records.set(e.caseNumber, await cases.getRecord(e.caseNumber));
            const rec = records.get(e.caseNumber);
            last = e.id;
            if (!rec) continue;
            const live = toLiveEvent(e, summarizeCase(rec));
            if (visible(live)) yield tracked(String(e.id), live);
          }
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
