#!/usr/bin/env node
// `pnpm start`: build the web app and the server bundle (turbo caches both), then serve the command center on an embedded
// SQLite file that is created, migrated and seeded on first start.
import { spawnSync, spawn } from 'node:child_process';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const build = spawnSync('pnpm', ['exec', 'turbo', 'run', 'build', '--output-logs=errors-only'], {
  cwd: root,
  stdio: 'inherit',
});
if (build.status !== 0) process.exit(build.status ?? 1);

const env = { ...process.env, WEB_DIST: process.env.WEB_DIST ?? resolve(root, 'apps/web/dist') };
// Built JavaScript: no TypeScript compiled at start.
const child = spawn(
  process.execPath,
  [
    // V8 marks the old generation on the event loop unless GC_MARKING=concurrent (apps/server/src/gc-marking.ts)
    ...(process.env.GC_MARKING === 'concurrent' ? [] : ['--no-concurrent-marking']),
    '--enable-source-maps',
    resolve(root, 'apps/server/dist/bin/main.js'),
  ],
  { cwd: root, env, stdio: 'inherit' },
);
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code) => process.exit(code ?? 0));
