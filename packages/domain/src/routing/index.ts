export { createRouter, resolveRoute } from './resolve-route.ts';
export type { ResolveRouteInput, RouteDecision, RouteLocation, RouteMatch, Router } from './resolve-route.ts';
