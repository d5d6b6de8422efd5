import { z } from 'zod';
import { authedProcedure, createTRPCRouter } from '../trpc.ts';
import { searchCases } from '../search/case-search-service.ts';

export const ZCaseSearchInputSchema = z.object({
  /** A case number (or its day), a caller phone in any format, or words of the description or address. */
  q: z.string().trim().min(1).max(100),
  /** The previous page's `nextCursor`. */
  cursor: z.number().int().positive().optional(),
  limit: z.number().int().min(1).max(100).default(20),
});

const ZCaseSearchRowSchema = z.object({
  caseNumber: z.string(),
  state: z.string(),
  reportedAt: z.string(),
  description: z.string(),
  address: z.string().nullable(),
  callerPhone: z.string().nullable(),
  unitCode: z.string().nullable(),
  unitName: z.string().nullable(),
  minorClassCode: z.string(),
  communityCode: z.string().nullable(),
  communityName: z.string().nullable(),
});

/**
 * `search.cases`: the staff search over every case, newest first, in the searcher's scope (unit staff:
 * their unit's cases only). Staff sessions only: citizens and the public have no session, a
 * wall-display session is refused like every call outside the map.
 */
export const searchRouter = createTRPCRouter({
  cases: authedProcedure
    .input(ZCaseSearchInputSchema)
    .output(
      z.object({
        rows: z.array(ZCaseSearchRowSchema),
        nextCursor: z.number().nullable(),
        total: z.number().nullable(),
        totalCapped: z.boolean(),
      }),
    )
    .query(({ ctx, input }) => searchCases(ctx.services.caseSearch, ctx.services.reference, ctx.user, input)),
});
