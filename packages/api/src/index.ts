export { appRouter, type AppRouter } from './root.ts';
export { createCallerFactory } from './trpc.ts';
export {
  createContext,
  SESSION_COOKIE,
  CSRF_HEADER,
  type Context,
  type CookieJar,
  type SessionUser,
} from './context.ts';
export {
  DATABASE_UNAVAILABLE_MESSAGE,
  DOMAIN_TO_HTTP,
  DOMAIN_TO_TRPC,
  fieldIssuesOf,
  isDatabaseUnavailable,
  type FieldIssue,
} from './errors.ts';
export * from './compose.ts';
export * from './services/index.ts';
export {
  OPEN_CASE_MARKER_LIMIT,
  type OpenCaseMarker,
  type OpenCaseMarkers,
} from './services/open-case-markers.ts';
export * from './live/case-bus.ts';
export { handleOpen311, type Open311Request, type Open311Response } from './open311/handler.ts';
export * from './seed/index.ts';
export * from './live/live-hub.ts';
export * from './live/event-relay.ts';
export * from './citizen/index.ts';
export { ZReportInputSchema } from './routers/reports.ts';
export { searchCases, type CaseSearchInput } from './search/case-search-service.ts';
