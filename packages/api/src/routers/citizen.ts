import { z } from 'zod';
import { authedProcedure, createTRPCRouter } from '../trpc.ts';
import { ZCaseNumberSchema } from '../schemas.ts';

/** Staff side of the citizen channel (网上举报): what the citizen sent with an online report. */
export const citizenRouter = createTRPCRouter({
  /** The report's language, consent and photos (null for cases from other channels); scoped like cases.get. */
  reportOf: authedProcedure
    .input(z.object({ caseNumber: ZCaseNumberSchema }))
    .output(
      z
        .object({
          lang: z.string(),
          publicOk: z.boolean(),
          photos: z.array(z.string()),
          coordSystem: z.string(),
        })
        .nullable(),
    )
    .query(async ({ ctx, input }) => {
      const view = await ctx.services.cases.get(input.caseNumber, ctx.user);
      const r = await ctx.services.citizen.store.reportByCaseId(view.record.id);
      return r ? { lang: r.lang, publicOk: r.publicOk, photos: r.photos, coordSystem: r.coordSystem } : null;
    }),
});
