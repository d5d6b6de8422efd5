/** The baseline: an Express JSON endpoint doing no work, on the same stack as the real server. */
import express from 'express';

const app = express();
app.use(express.json({ limit: '1mb' }));
app.post(/.*/, (req, res) => {
  res.json({ result: { data: { json: { ok: true, echo: typeof req.body } } } });
});
app.get('/health', (_req, res) => res.json({ status: 'ok' }));
const port = Number(process.argv[2] ?? 0);
app.listen(port, '127.0.0.1');
