#!/usr/bin/env node
// Production build of the server: one ESM bundle of the server and the workspace packages it composes
// (TypeScript compiled once here, not at every start), with the migrations copied beside it.
// Native modules stay external and resolve from apps/server/node_modules.
import { build } from 'esbuild';
import { cpSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(here, 'dist');
rmSync(dist, { recursive: true, force: true });

await build({
  entryPoints: {
    'bin/main': join(here, 'src/main.ts'),
    'bin/seed-cli': join(here, 'src/seed-cli.ts'),
    'bin/backup-cli': join(here, 'src/backup-cli.ts'),
  },
  outdir: dist,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: true,
  // Native addons (and their platform packages) are loaded at run time, never bundled.
  external: ['better-sqlite3', '@node-rs/argon2'],
  // Some bundled CommonJS dependencies call require() for Node built-ins.
  banner: {
    js: "import { createRequire as __cgCreateRequire } from 'node:module'; const require = __cgCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
// `packages/db` finds its migrations at `<module dir>/../drizzle`; in the bundle that is dist/drizzle.
cpSync(join(here, '../../packages/db/drizzle'), join(dist, 'drizzle'), { recursive: true });
// and the PostgreSQL ones (`<module dir>/../drizzle-pg` in the bundle)
cpSync(join(here, '../../packages/db/drizzle-pg'), join(dist, 'drizzle-pg'), { recursive: true });
console.log(`[server build] ${dist}`);
