import { z } from 'zod';
import { adminProcedure, authedProcedure, createTRPCRouter } from '../trpc.ts';

const ZUploadSchema = z.object({
  /** CSV (name, kind, address, lng, lat) or a GeoJSON FeatureCollection of points, as text. */
  text: z.string().min(1).max(950_000),
});

/** The city's own gazetteer (地名地址库): import (admin) and the nearest address to a point (staff). */
export const gazetteerRouter = createTRPCRouter({
  summary: adminProcedure.query(({ ctx }) => ctx.services.gazetteer.summary()),
  /** A mutation only because the upload is large; stores nothing. */
  preview: adminProcedure.input(ZUploadSchema).mutation(({ ctx, input }) => {
    const { entries: _entries, ...preview } = ctx.services.gazetteer.preview(input.text);
    return preview;
  }),
  commit: adminProcedure
    .input(ZUploadSchema)
    .mutation(({ ctx, input }) => ctx.services.gazetteer.apply(ctx.user, input.text)),
  nearest: authedProcedure
    .input(z.object({ lat: z.number().min(-90).max(90), lng: z.number().min(-180).max(180) }))
    .query(({ ctx, input }) => ctx.services.gazetteer.nearest(input)),
});
