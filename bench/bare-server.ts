/**
 * The baseline: an Express JSON endpoint doing no work, on the same stack as the real server.
 *
 *   node --import tsx bench/bare-server.ts <port> [born]
 *
 * On Node's default HTTP server, as a plain Express app runs (intake's baseline); with `born`, on the
 * command center's `createHttpServer`, its requests made with the app's prototypes (bench/gc.ts).
 */
import http from 'node:http';
import express from 'express';
import { createHttpServer } from '@citygrid/server/http-server';

const app = express();
app.use(express.json({ limit: '1mb' }));
app.post(/.*/, (req, res) => {
  res.json({ result: { data: { json: { ok: true, echo: typeof req.body } } } });
});
app.get('/health', (_req, res) => res.json({ status: 'ok' }));
const port = Number(process.argv[2] ?? 0);
(process.argv[3] === 'born' ? createHttpServer(app) : http.createServer(app)).listen(port, '127.0.0.1');
