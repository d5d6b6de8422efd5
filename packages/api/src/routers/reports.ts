import { z } from 'zod';
import { createTRPCRouter, roleProcedure } from '../trpc.ts';

/** Who may read reports: leaders, the shift lead and administrators. */
export const reportProcedure = roleProcedure('supervisor', 'shift_lead', 'admin', 'dispatcher');

export const ZReportInputSchema = z.object({
  kind: z.enum(['daily', 'weekly', 'monthly', 'custom']),
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date like 2026-11-24'),
  to: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date like 2026-11-30')
    .optional(),
  groupBy: z.enum(['unit', 'community', 'category', 'cell']).default('unit'),
});

/** 日报 / 周报 / 月报 and any period (the .xlsx and .csv downloads are plain GETs under /api/export). */
export const reportsRouter = createTRPCRouter({
  build: reportProcedure
    .input(ZReportInputSchema)
    .query(({ ctx, input }) => ctx.services.reports.build(input)),
});
