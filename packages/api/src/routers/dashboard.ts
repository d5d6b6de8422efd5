import { z } from 'zod';
import { createTRPCRouter, supervisorProcedure } from '../trpc.ts';
import { ZCaseFilterSchema, ZPeriodSchema, toIso } from '../schemas.ts';

/** Supervisors' command map and figures. */
export const dashboardRouter = createTRPCRouter({
  openCases: supervisorProcedure
    .input(ZCaseFilterSchema.default({}))
    .query(({ ctx, input }) => ctx.services.dashboard.openCases(input)),
  /**
   * The same open cases as slim tuples for the map's markers (`OpenCaseMarkers`: the tuples, a fifth
   * of the bytes of `openCases`, and whether the list was cut at its limit), sent as one JSON text:
   * superjson would walk each of the ~450,000 values of 50,000 cases. SQLite writes that text.
   */
  openCaseMarkers: supervisorProcedure
    .input(ZCaseFilterSchema.default({}))
    .query(({ ctx, input }): Promise<string> => ctx.services.dashboard.openCaseMarkersJson(input)),
  cellCounts: supervisorProcedure
    .input(ZCaseFilterSchema.default({}))
    .query(({ ctx, input }) => ctx.services.dashboard.cellCounts(input)),
  today: supervisorProcedure.query(({ ctx }) => ctx.services.dashboard.today()),
  trend: supervisorProcedure
    .input(z.object({ days: z.number().int().min(7).max(400).default(30) }).default({ days: 30 }))
    .query(({ ctx, input }) => ctx.services.dashboard.trend(input.days)),
  evaluation: supervisorProcedure
    .input(
      z.object({
        period: ZPeriodSchema,
        groupBy: z.enum(['unit', 'community', 'category', 'cell', 'none']).default('unit'),
        filter: ZCaseFilterSchema.optional(),
      }),
    )
    .query(({ ctx, input }) =>
      ctx.services.dashboard.evaluation({
        from: toIso(input.period.from),
        to: toIso(input.period.to),
        groupBy: input.groupBy,
        ...(input.filter ? { filter: input.filter } : {}),
      }),
    ),
});
