import { z } from 'zod';
import { toWgs84 } from '@citygrid/domain';
import { createTRPCRouter, operatorProcedure } from '../trpc.ts';
import { ZIntakeSchema, ZLatLngSchema, ZPhoneSchema } from '../schemas.ts';
import { caseRow } from '../services/case-rows.ts';

/** Hotline operators (受理员): log a call as a case, check the caller's history and nearby duplicates. */
export const intakeRouter = createTRPCRouter({
  /** What filing here would do: cell, community, unit, matched rule, deadline, nearby open cases. */
  preview: operatorProcedure
    .input(
      z.object({
        minorClassCode: z.string().regex(/^[CE]\d{4}$/),
        location: ZLatLngSchema.nullable(),
        urgency: z.enum(['normal', 'urgent']).default('normal'),
      }),
    )
    .query(async ({ ctx, input }) => {
      const { reference, cases, clock } = ctx.services;
      // the same planner the filing uses: what is previewed is what gets filed
      const plan = reference.plan({
        minorClassCode: input.minorClassCode,
        urgency: input.urgency,
        location: input.location,
        now: clock.now(),
      });
      const { place, route } = plan;
      const nearby = plan.point ? await cases.nearbyOpen(plan.minorClass.code, plan.point) : [];
      return {
        cellCode: place.cell?.code ?? null,
        cellName: place.cell?.name ?? null,
        communityName: place.communityName,
        subDistrictName: place.subDistrictName,
        outsideGrid: plan.outsideGrid,
        manualDispatch: plan.manualDispatch,
        unitCode: route?.unitCode ?? null,
        unitName: reference.unitName(route?.unitCode ?? null),
        ruleId: route?.ruleId ?? null,
        explanation: route?.explanation ?? null,
        limit: plan.limit,
        dueAt: plan.dueAt,
        nearby: nearby.map((n) => ({
          ...caseRow(n.record, reference, ['caseNumber', 'state', 'description', 'reportedAt']),
          distanceM: Math.round(n.distanceM),
        })),
      };
    }),
  create: operatorProcedure
    .input(ZIntakeSchema)
    .mutation(({ ctx, input }) => ctx.services.cases.intake({ ...input, source: 'hotline' }, ctx.user)),
  callerHistory: operatorProcedure.input(z.object({ phone: ZPhoneSchema })).query(async ({ ctx, input }) => {
    const rows = await ctx.services.cases.list({
      callerPhone: input.phone,
      limit: 20,
      orderBy: 'reported_desc',
    });
    return rows.map((r) =>
      caseRow(r, ctx.services.reference, [
        'caseNumber',
        'state',
        'reportedAt',
        'description',
        'minorClassCode',
        'unitName',
      ]),
    );
  }),
  nearby: operatorProcedure
    .input(
      z.object({
        minorClassCode: z.string().regex(/^[CE]\d{4}$/),
        location: ZLatLngSchema,
        radiusM: z.number().min(10).max(2000).default(250),
        limit: z.number().int().min(1).max(20).default(5),
      }),
    )
    .query(async ({ ctx, input }) => {
      const rows = await ctx.services.cases.nearbyOpen(
        input.minorClassCode,
        toWgs84(input.location),
        input.radiusM,
        input.limit,
      );
      return rows.map((n) => ({
        ...caseRow(n.record, ctx.services.reference, ['caseNumber', 'state', 'description']),
        distanceM: Math.round(n.distanceM),
      }));
    }),
});
