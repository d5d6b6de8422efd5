import { createTRPCRouter } from './trpc.ts';
import { adminRouter } from './routers/admin.ts';
import { authRouter } from './routers/auth.ts';
import { casesRouter } from './routers/cases.ts';
import { citizenRouter } from './routers/citizen.ts';
import { dashboardRouter } from './routers/dashboard.ts';
import { dispatchRouter } from './routers/dispatch.ts';
import { intakeRouter } from './routers/intake.ts';
import { liveRouter } from './routers/live.ts';
import { referenceRouter } from './routers/reference.ts';
import { reportsRouter } from './routers/reports.ts';
import { reviewRouter } from './routers/review.ts';
import { searchRouter } from './routers/search.ts';
import { unitWorkRouter } from './routers/unit-work.ts';
import { wallRouter } from './routers/wall.ts';
import { gridImportRouter } from './routers/grid-import.ts';
import { gazetteerRouter } from './routers/gazetteer.ts';

/** One router per area of work. */
export const appRouter = createTRPCRouter({
  auth: authRouter,
  reference: referenceRouter,
  intake: intakeRouter,
  dispatch: dispatchRouter,
  unitWork: unitWorkRouter,
  review: reviewRouter,
  cases: casesRouter,
  dashboard: dashboardRouter,
  admin: adminRouter,
  reports: reportsRouter,
  wall: wallRouter,
  live: liveRouter,
  citizen: citizenRouter,
  gridImport: gridImportRouter,
  gazetteer: gazetteerRouter,
  search: searchRouter,
});

export type AppRouter = typeof appRouter;
