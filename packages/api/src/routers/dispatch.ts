import { createTRPCRouter, dispatcherProcedure } from '../trpc.ts';
import { actionInput, ZQueuePageSchema } from '../schemas.ts';
import { DISPATCH_QUEUE_STATES } from '../services/case-service.ts';

const REASON_OF_STATE = { reported: 'to_file', return_requested: 'return', extension_requested: 'extension', park_requested: 'park' } as const;

/** Shift lead / dispatcher (值班长 / 派遣员): cases that need a human decision. */
export const dispatchRouter = createTRPCRouter({
  /** One page of the queue (newest first), its true total and the count of every reason over the whole queue. */
  queue: dispatcherProcedure.input(ZQueuePageSchema.default({ limit: 50, offset: 0 })).query(async ({ ctx, input }) => {
    const { cases, reference } = ctx.services;
    const filter = { states: DISPATCH_QUEUE_STATES, search: input.search || undefined };
    const [rows, total, byState, filedByPlace] = await Promise.all([
      cases.list({ ...filter, orderBy: 'reported_desc', limit: input.limit, offset: input.offset }),
      cases.count(filter),
      cases.caseStore.countBy('state', filter),
      cases.caseStore.countByLocationKind({ ...filter, states: ['filed'] }),
    ]);
    const stateCount = (s: string) => byState.find((r) => r.key === s)?.n ?? 0;
    const reasonCounts = {
      to_file: stateCount('reported'),
      outside_grid: filedByPlace.outside_grid,
      no_location: filedByPlace.no_location,
      no_rule: filedByPlace.in_grid,
      return: stateCount('return_requested'),
      extension: stateCount('extension_requested'),
      park: stateCount('park_requested'),
    };
    const items = await Promise.all(
      rows.map(async (r) => {
        const duplicates = r.lat !== null && r.lng !== null && (r.state === 'reported' || r.state === 'filed')
          ? (await cases.nearbyOpen(r.minorClassCode, { lat: r.lat, lng: r.lng })).filter((d) => d.record.caseNumber !== r.caseNumber).map((d) => ({ caseNumber: d.record.caseNumber, distanceM: Math.round(d.distanceM) }))
          : [];
        const reasonCode =
          r.state in REASON_OF_STATE ? REASON_OF_STATE[r.state as keyof typeof REASON_OF_STATE]
          : r.lat !== null && r.cellCode === null ? 'outside_grid'
          : r.lat === null ? 'no_location'
          : 'no_rule';
        return {
          caseNumber: r.caseNumber, version: r.version, state: r.state, reasonCode, reportedAt: r.reportedAt, description: r.description, minorClassCode: r.minorClassCode,
          minorClassName: reference.minorClass(r.minorClassCode).name, communityName: reference.communityName(r.communityCode), communityCode: r.communityCode, cellCode: r.cellCode,
          unitCode: r.unitCode, unitName: reference.unitName(r.unitCode), pendingExtensionAmount: r.pendingExtensionAmount, limitUnit: r.limitUnit,
          suggestedUnitCode: cases.suggestUnit(r),
          possibleDuplicates: duplicates, address: r.address, lat: r.lat, lng: r.lng,
        };
      }),
    );
    return { total, offset: input.offset, limit: input.limit, reasonCounts, items };
  }),
  act: dispatcherProcedure
    .input(actionInput('verify', 'file', 'void', 'merge', 'dispatch', 'redispatch', 'approve_return', 'refuse_return', 'approve_extension', 'refuse_extension', 'approve_park', 'refuse_park', 'resume'))
    .mutation(({ ctx, input }) => ctx.services.cases.act(input.caseNumber, input.expectedVersion, input.action, ctx.user)),
});
