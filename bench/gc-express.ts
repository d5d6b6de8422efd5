/**
 * A bare Express 5 JSON endpoint for bench/gc.ts: on Node's default HTTP server (`default`) or on the
 * command center's `createHttpServer` (`born`, requests made with the app's prototypes).
 */
import http from 'node:http';
import express from 'express';
import { createHttpServer } from '@citygrid/server/http-server';

const [mode, port] = [process.argv[2], Number(process.argv[3] ?? 0)];
const app = express();
app.use(express.json({ limit: '1mb' }));
app.post(/.*/, (req, res) => {
  res.json({ result: { data: { json: { ok: true, echo: typeof req.body } } } });
});
app.get('/health', (_req, res) => res.json({ status: 'ok' }));
(mode === 'born' ? createHttpServer(app) : http.createServer(app)).listen(port, '127.0.0.1');
