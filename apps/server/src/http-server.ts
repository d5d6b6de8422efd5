import http from 'node:http';
import type express from 'express';

/**
 * The HTTP server for an Express app, whose requests and responses are born with the app's
 * prototypes instead of receiving them from Express on every request.
 *
 * Express gives each request and response its prototypes (`app.request`, `app.response`) with
 * `Object.setPrototypeOf` in `app.handle`. Changing the prototype of Node's objects after their
 * creation made V8 keep what a request allocated past the young generation's collections: a bare
 * Express 5 server at an even 200 requests/s had 30-40 % of each scavenge's allocation survive it
 * (Node's plain `http` server doing the same work: under 1 %), promoted and left for a major GC, with
 * scavenges of 5-25 ms instead of under 1; this server under intake kept about 2 MB a scavenge
 * (issue 14's p99 stalls). Here each request is made by a subclass of Node's own class whose
 * prototype inherits the app's, and the app's prototypes become those subclasses' prototypes, so
 * Express's `setPrototypeOf` finds the prototype already set and changes nothing. (Creating Node's
 * objects with `Reflect.construct` and the app's prototype as `new.target`'s was tried: half the
 * survival remained.) `http-server.test.ts` pins the prototypes and that Express's request and
 * response methods still answer.
 */
export function createHttpServer(app: express.Express): http.Server {
  class AppRequest extends http.IncomingMessage {}
  Object.setPrototypeOf(AppRequest.prototype, app.request);
  class AppResponse extends http.ServerResponse {}
  Object.setPrototypeOf(AppResponse.prototype, app.response);
  const prototypes = app as unknown as { request: object; response: object };
  prototypes.request = AppRequest.prototype;
  prototypes.response = AppResponse.prototype;
  return http.createServer({ IncomingMessage: AppRequest, ServerResponse: AppResponse }, app);
}
