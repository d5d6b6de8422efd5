import { z } from 'zod';
import { checkPartition, DomainError, loadReferenceGrid, parseRoutingRules, type MinorClass, type Unit } from '@citygrid/domain';
import { adminProcedure, createTRPCRouter } from '../trpc.ts';
import { ZRoleSchema } from '../schemas.ts';

const ZTimeLimitSchema = z.object({ amount: z.number().positive().max(10_000), unit: z.enum(['working_hours', 'working_days', 'calendar_hours']) });

/** Administrators: users and roles, units, routing rules, time limits, grid import. */
export const adminRouter = createTRPCRouter({
  users: adminProcedure.query(async ({ ctx }) =>
    (await ctx.services.users.list()).map(({ passwordHash: _omit, ...u }) => u),
  ),
  createUser: adminProcedure
    .input(z.object({ username: z.string().trim().regex(/^[a-z0-9_.-]{3,32}$/, '3–32 lower-case letters, digits, . _ -'), displayName: z.string().trim().min(1).max(50), role: ZRoleSchema, unitCode: z.string().max(20).nullable().default(null), password: z.string().min(10, 'at least 10 characters').max(200) }))
    .mutation(({ ctx, input }) => {
      if (input.unitCode) ctx.services.reference.unit(input.unitCode);
      return ctx.services.auth.createUser(input);
    }),
  updateUser: adminProcedure
    .input(z.object({ id: z.number().int().positive(), displayName: z.string().trim().min(1).max(50).optional(), role: ZRoleSchema.optional(), unitCode: z.string().max(20).nullable().optional(), active: z.boolean().optional(), password: z.string().min(10).max(200).optional() }))
    .mutation(async ({ ctx, input }) => {
      const { id, password, ...patch } = input;
      if (patch.unitCode) ctx.services.reference.unit(patch.unitCode);
      const updated = await ctx.services.users.update(id, { ...patch, ...(password ? { passwordHash: await ctx.services.auth.hashPassword(password) } : {}) });
      if (!updated) throw new DomainError('NOT_FOUND', `no user ${id}`, { field: 'id' });
      const { passwordHash: _omit, ...u } = updated;
      return u;
    }),
  upsertUnit: adminProcedure
    .input(z.object({ code: z.string().regex(/^U\d{2,3}$/), departmentCode: z.string().regex(/^D\d{2,3}$/), name: z.string().trim().min(2).max(50), nameEn: z.string().trim().min(2).max(100), subDistrictCode: z.string().regex(/^\d{9}$/).optional(), phone: z.string().max(30).optional() }))
    .mutation(async ({ ctx, input }) => {
      if (!ctx.services.reference.snapshot.departments.some((d) => d.code === input.departmentCode)) throw new DomainError('BAD_INPUT', `unknown department ${input.departmentCode}`, { field: 'departmentCode' });
      await ctx.services.referenceStore.upsertUnit(input as Unit);
      await ctx.services.reference.reload();
      return input;
    }),
  routingRules: adminProcedure.query(({ ctx }) => ctx.services.reference.snapshot.routingRules),
  replaceRoutingRules: adminProcedure.input(z.object({ rules: z.array(z.unknown()).min(1, 'at least one rule').max(10_000) })).mutation(async ({ ctx, input }) => {
    const s = ctx.services.reference.snapshot;
    const rules = parseRoutingRules(input.rules, { units: s.units, minorClasses: s.minorClasses });
    await ctx.services.referenceStore.replaceRoutingRules(rules);
    await ctx.services.reference.reload();
    return { count: rules.length };
  }),
  setTimeLimit: adminProcedure
    .input(z.object({ minorClassCode: z.string().regex(/^[CE]\d{4}$/), timeLimit: ZTimeLimitSchema, urgentTimeLimit: ZTimeLimitSchema.nullable().optional() }))
    .mutation(async ({ ctx, input }) => {
      const m = ctx.services.reference.minorClass(input.minorClassCode);
      const next: MinorClass = { ...m, timeLimit: input.timeLimit, ...(input.urgentTimeLimit ? { urgentTimeLimit: input.urgentTimeLimit } : {}) };
      if (input.urgentTimeLimit === null) delete (next as { urgentTimeLimit?: unknown }).urgentTimeLimit;
      await ctx.services.referenceStore.updateMinorClass(next);
      await ctx.services.reference.reload();
      return next;
    }),
  /** Import a surveyed grid: validated against the partition properties; old cases keep their cell. */
  importGrid: adminProcedure.input(z.object({ document: z.unknown() })).mutation(async ({ ctx, input }) => {
    const grid = loadReferenceGrid(input.document);
    if (grid.cells.length === 0) throw new DomainError('BAD_INPUT', 'the grid has no cells', { field: 'document.cells' });
    if (grid.communities.length === 0) throw new DomainError('BAD_INPUT', 'the grid has no communities', { field: 'document.communities' });
    const report = checkPartition(grid.cells, grid.extent, grid.communities);
    if (!report.ok) throw new DomainError('BAD_INPUT', `grid fails the partition check: ${report.problems.slice(0, 5).join('; ')}`, { field: 'document', problems: report.problems.slice(0, 50) });
    const id = await ctx.services.referenceStore.importGrid(grid, ctx.services.clock.now().toISOString());
    await ctx.services.reference.reload();
    return { gridVersionId: id, version: grid.version, cells: grid.cells.length };
  }),
  securityLog: adminProcedure.query(({ ctx }) => ctx.services.users.listSecurityLog(200)),
});
