import { z } from 'zod';
import { adminProcedure, createTRPCRouter } from '../trpc.ts';

const ZGridUploadSchema = z.object({
  /** A GeoJSON FeatureCollection of cell polygons, or a full grid document (the shape of grid.json). */
  document: z.unknown(),
  version: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/, 'letters, digits, . _ - (up to 40)'),
});

/** Grid import (网格导入): preview the partition report and changed cells, then apply as a new grid version. */
export const gridImportRouter = createTRPCRouter({
  /** A mutation only because the upload is large; stores nothing. */
  preview: adminProcedure
    .input(ZGridUploadSchema)
    .mutation(({ ctx, input }) => ctx.services.gridImport.preview(input.document, input.version)),
  commit: adminProcedure
    .input(ZGridUploadSchema)
    .mutation(({ ctx, input }) => ctx.services.gridImport.apply(ctx.user, input.document, input.version)),
});
