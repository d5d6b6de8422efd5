import { z } from 'zod';
import { adminProcedure, createTRPCRouter } from '../trpc.ts';
import { ZRoleSchema } from '../schemas.ts';

const ZTimeLimitSchema = z.object({
  amount: z.number().positive().max(10_000),
  unit: z.enum(['working_hours', 'working_days', 'calendar_hours']),
});
const ZPasswordSchema = z.string().min(10, 'at least 10 characters').max(200);
const ZDayEntrySchema = z.object({
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date like 2028-01-01'),
  name: z.string().trim().min(1, 'name the day').max(60),
});

/**
 * Administrators: users and roles, departments and units, routing rules (with a tester), time
 * limits, the working calendar, Open311 API keys, grid import. Every change is written together with
 * an audit entry (who, when, before, after) by `AdminService`; `auditLog` reads it back.
 */
export const adminRouter = createTRPCRouter({
  users: adminProcedure.query(({ ctx }) => ctx.services.admin.listUsers()),
  createUser: adminProcedure
    .input(
      z.object({
        username: z
          .string()
          .trim()
          .regex(/^[a-z0-9_.-]{3,32}$/, '3–32 lower-case letters, digits, . _ -'),
        displayName: z.string().trim().min(1).max(50),
        role: ZRoleSchema,
        unitCode: z.string().max(20).nullable().default(null),
        password: ZPasswordSchema,
      }),
    )
    .mutation(({ ctx, input }) => ctx.services.admin.createUser(ctx.user, input)),
  /** Change name, role, unit, enable/disable (`active`) or reset the password; disabling or a reset logs the user out. */
  updateUser: adminProcedure
    .input(
      z.object({
        id: z.number().int().positive(),
        displayName: z.string().trim().min(1).max(50).optional(),
        role: ZRoleSchema.optional(),
        unitCode: z.string().max(20).nullable().optional(),
        active: z.boolean().optional(),
        password: ZPasswordSchema.optional(),
      }),
    )
    .mutation(({ ctx, input }) => ctx.services.admin.updateUser(ctx.user, input)),
  upsertDepartment: adminProcedure
    .input(
      z.object({
        code: z.string().regex(/^D\d{2,3}$/, 'a department code like D05'),
        name: z.string().trim().min(2).max(50),
        nameEn: z.string().trim().min(2).max(100),
      }),
    )
    .mutation(({ ctx, input }) =>
      ctx.services.admin.upsertDepartment(
        ctx.user,
        input as Parameters<typeof ctx.services.admin.upsertDepartment>[1],
      ),
    ),
  upsertUnit: adminProcedure
    .input(
      z.object({
        code: z.string().regex(/^U\d{2,3}$/, 'a unit code like U27'),
        departmentCode: z.string().regex(/^D\d{2,3}$/, 'a department code like D05'),
        name: z.string().trim().min(2).max(50),
        nameEn: z.string().trim().min(2).max(100),
        subDistrictCode: z
          .string()
          .regex(/^\d{9}$/)
          .optional(),
        phone: z.string().max(30).optional(),
      }),
    )
    .mutation(({ ctx, input }) =>
      ctx.services.admin.upsertUnit(ctx.user, input as Parameters<typeof ctx.services.admin.upsertUnit>[1]),
    ),
  routingRules: adminProcedure.query(({ ctx }) => ctx.services.reference.snapshot.routingRules),
  replaceRoutingRules: adminProcedure
    .input(z.object({ rules: z.array(z.unknown()).min(1, 'at least one rule').max(10_000) }))
    .mutation(({ ctx, input }) => ctx.services.admin.replaceRoutingRules(ctx.user, input.rules)),
  /** "Test a point and a class": the unit the domain's router picks, the rule that wins and every candidate rule. */
  testRoute: adminProcedure
    .input(
      z.object({
        lat: z.number().min(-90).max(90),
        lng: z.number().min(-180).max(180),
        minorClassCode: z.string().regex(/^[CE]\d{4}$/, 'minor class code like E0101'),
      }),
    )
    .query(({ ctx, input }) =>
      ctx.services.admin.testRoute({ lat: input.lat, lng: input.lng }, input.minorClassCode),
    ),
  setTimeLimit: adminProcedure
    .input(
      z.object({
        minorClassCode: z.string().regex(/^[CE]\d{4}$/),
        timeLimit: ZTimeLimitSchema,
        urgentTimeLimit: ZTimeLimitSchema.nullable().optional(),
      }),
    )
    .mutation(({ ctx, input }) => ctx.services.admin.setTimeLimit(ctx.user, input)),
  calendarStatus: adminProcedure.query(({ ctx }) => ctx.services.admin.calendarStatus()),
  calendarYear: adminProcedure.input(z.object({ year: z.number().int().min(2000).max(2100) })).query(
    ({ ctx, input }) =>
      ctx.services.reference.snapshot.calendar.years[String(input.year)] ?? {
        holidays: [],
        makeUpWorkdays: [],
      },
  ),
  loadCalendarYear: adminProcedure
    .input(
      z.object({
        year: z.number().int().min(2000).max(2100),
        holidays: z.array(ZDayEntrySchema).min(1, 'at least one holiday').max(60),
        makeUpWorkdays: z.array(ZDayEntrySchema).max(30),
      }),
    )
    .mutation(({ ctx, input }) => ctx.services.admin.loadCalendarYear(ctx.user, input)),
  apiKeys: adminProcedure.query(({ ctx }) => ctx.services.admin.listApiKeys()),
  createApiKey: adminProcedure
    .input(z.object({ name: z.string().trim().min(2, 'name the client').max(80) }))
    .mutation(({ ctx, input }) => ctx.services.admin.createApiKey(ctx.user, input.name)),
  revokeApiKey: adminProcedure
    .input(z.object({ id: z.string().regex(/^[0-9a-f]{12}$/) }))
    .mutation(({ ctx, input }) => ctx.services.admin.revokeApiKey(ctx.user, input.id)),
  /** Import a surveyed grid: validated against the partition properties; old cases keep their cell. */
  importGrid: adminProcedure
    .input(z.object({ document: z.unknown() }))
    .mutation(({ ctx, input }) => ctx.services.admin.importGrid(ctx.user, input.document)),
  auditLog: adminProcedure
    .input(
      z
        .object({
          limit: z.number().int().min(1).max(1000).default(200),
          target: z.string().max(100).optional(),
          action: z.string().max(60).optional(),
        })
        .default({ limit: 200 }),
    )
    .query(({ ctx, input }) => ctx.services.admin.auditLog(input)),
  securityLog: adminProcedure.query(({ ctx }) => ctx.services.users.listSecurityLog(200)),
});
