import { z } from 'zod';
import { createTRPCRouter, dispatcherProcedure } from '../trpc.ts';
import { actionInput } from '../schemas.ts';
import { DISPATCH_QUEUE_STATES } from '../services/case-service.ts';

/** Shift lead / dispatcher (值班长 / 派遣员): cases that need a human decision. */
export const dispatchRouter = createTRPCRouter({
  queue: dispatcherProcedure.input(z.object({ limit: z.number().int().min(1).max(500).default(200) }).default({ limit: 200 })).query(async ({ ctx, input }) => {
    const { cases, reference } = ctx.services;
    const rows = await cases.list({ states: DISPATCH_QUEUE_STATES, orderBy: 'reported_desc', limit: input.limit });
    return Promise.all(
      rows.map(async (r) => {
        const duplicates = r.lat !== null && r.lng !== null && (r.state === 'reported' || r.state === 'filed')
          ? (await cases.nearbyOpen(r.minorClassCode, { lat: r.lat, lng: r.lng })).filter((d) => d.record.caseNumber !== r.caseNumber).map((d) => ({ caseNumber: d.record.caseNumber, distanceM: Math.round(d.distanceM) }))
          : [];
        const reasonCode =
          r.state === 'reported' ? 'to_file'
          : r.state === 'return_requested' ? 'return'
          : r.state === 'extension_requested' ? 'extension'
          : r.state === 'park_requested' ? 'park'
          : r.lat !== null && r.cellCode === null ? 'outside_grid'
          : r.lat === null ? 'no_location'
          : 'no_rule';
        return {
          caseNumber: r.caseNumber, version: r.version, state: r.state, reasonCode, reportedAt: r.reportedAt, description: r.description, minorClassCode: r.minorClassCode,
          minorClassName: reference.minorClass(r.minorClassCode).name, communityName: reference.communityName(r.communityCode), cellCode: r.cellCode,
          unitCode: r.unitCode, unitName: reference.unitName(r.unitCode), pendingExtensionAmount: r.pendingExtensionAmount, limitUnit: r.limitUnit,
          suggestedUnitCode: cases.suggestUnit(r),
          possibleDuplicates: duplicates, address: r.address, lat: r.lat, lng: r.lng,
        };
      }),
    );
  }),
  act: dispatcherProcedure
    .input(actionInput('verify', 'file', 'void', 'merge', 'dispatch', 'redispatch', 'approve_return', 'refuse_return', 'approve_extension', 'refuse_extension', 'approve_park', 'refuse_park', 'resume'))
    .mutation(({ ctx, input }) => ctx.services.cases.act(input.caseNumber, input.expectedVersion, input.action, ctx.user)),
});
