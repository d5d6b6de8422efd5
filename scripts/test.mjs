#!/usr/bin/env node
// `pnpm test`: typecheck, lint (eslint and prettier --check), build the web app, then every vitest project (unit, reliability, e2e
// in real Chromium). Prints `N passed, N failed` and exits non-zero on any failure.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const run = (cmd, args, opts = {}) =>
  spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts }).status ?? 1;

// What the tests need from Debian: Chromium and CJK fonts (browser tests), a PostgreSQL server (the
// PostgreSQL store tests start their own throwaway cluster) and HAProxy (the balancer config's test).
const hasPostgres = () =>
  existsSync('/usr/lib/postgresql') &&
  readdirSync('/usr/lib/postgresql').some((v) => existsSync(`/usr/lib/postgresql/${v}/bin/initdb`));
const missing = [
  ...(existsSync('/usr/bin/chromium') ? [] : ['chromium', 'fonts-noto-cjk']),
  ...(hasPostgres() ? [] : ['postgresql']),
  ...(existsSync('/usr/sbin/haproxy') || existsSync('/usr/bin/haproxy') ? [] : ['haproxy']),
];
if (missing.length > 0) {
  if (process.getuid?.() === 0) {
    console.log(`[test] installing from Debian for the tests: ${missing.join(' ')}`);
    if (run('apt-get', ['update', '-qq']) !== 0 || run('apt-get', ['install', '-y', '-qq', ...missing]) !== 0)
      process.exit(1);
  } else {
    console.error(`[test] the tests need: apt-get install -y ${missing.join(' ')}`);
    process.exit(1);
  }
}

const steps = [
  ['typecheck', ['run', 'typecheck']],
  ['lint', ['run', 'lint']],
  ['drizzle check', ['--filter', '@citygrid/db', 'exec', 'drizzle-kit', 'check']],
  [
    'drizzle check (postgres)',
    ['--filter', '@citygrid/db', 'exec', 'drizzle-kit', 'check', '--config', 'drizzle-pg.config.ts'],
  ],
  ['build', ['exec', 'turbo', 'run', 'build', '--output-logs=errors-only']],
];
for (const [name, args] of steps) {
  console.log(`[test] ${name}`);
  if (run('pnpm', args) !== 0) {
    console.error(`[test] ${name} failed`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
}

mkdirSync(resolve(root, 'test-results'), { recursive: true });
const out = resolve(root, 'test-results/vitest.json');
const extra = process.argv.slice(2);
const status = run('pnpm', [
  'exec',
  'vitest',
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${out}`,
  ...extra,
]);
let passed = 0;
let failed = 0;
let skipped = 0;
if (existsSync(out)) {
  const r = JSON.parse(readFileSync(out, 'utf8'));
  passed = r.numPassedTests ?? 0;
  // failed tests, plus files that failed without a failed test (an import error, a failing hook)
  const brokenFiles = (r.testResults ?? []).filter(
    (f) => f.status === 'failed' && !(f.assertionResults ?? []).some((a) => a.status === 'failed'),
  ).length;
  failed = (r.numFailedTests ?? 0) + brokenFiles;
  skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  if (status !== 0 && failed === 0) failed = 1;
} else if (status !== 0) failed = 1;
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(status !== 0 || failed > 0 ? 1 : 0);
