import { z } from 'zod';
import { authedProcedure, createTRPCRouter } from '../trpc.ts';

/** Reference data every screen needs once: organisations, categories, the grid, the calendar. */
export const referenceRouter = createTRPCRouter({
  bootstrap: authedProcedure.query(({ ctx }) => {
    const s = ctx.services.reference.snapshot;
    return {
      gridVersion: s.gridVersion,
      subDistricts: s.subDistricts,
      communities: s.communities,
      cells: s.cells,
      departments: s.departments,
      units: s.units,
      hotlineCategories: s.hotlineCategories,
      minorClasses: s.minorClasses,
      calendar: s.calendar,
    };
  }),
  places: authedProcedure
    .input(
      z.object({ q: z.string().trim().min(1).max(50), limit: z.number().int().min(1).max(30).default(10) }),
    )
    .query(({ ctx, input }) => ctx.services.reference.searchPlaces(input.q, input.limit)),
});
