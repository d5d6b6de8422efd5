/**
 * Shared pieces of the browser tests: the production build, a real server on a fresh database,
 * headless Chromium, logging in through the login screen, screenshots, and a tiny PNG.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { startTestServer, type TestServer } from '@citygrid/server/testing';
import type { CitygridDebug } from '../src/lib/debug.ts';

export { seedOpenCases } from './seed-open-cases.ts';
export {
  CITY_CENTRE,
  DEMO_PASSWORD,
  Session,
  errorOf,
  loginAs,
  startTestServer,
  type TestServer,
} from '@citygrid/server/testing';

export const WEB_ROOT = resolve(import.meta.dirname, '..');
export const REPO_ROOT = resolve(WEB_ROOT, '../..');
export const WEB_DIST = join(WEB_ROOT, 'dist');
export const SCREENS_DIR = join(REPO_ROOT, 'test-results/screens');

export const WORK_VIEWPORT = { width: 1366, height: 768 };
export const MAP_VIEWPORT = { width: 1920, height: 1080 };

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

function newestMtime(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** Build the web app (`pnpm exec vite build`) unless `dist/index.html` is newer than every source it is built from. */
export function ensureWebBuild(): void {
  const index = join(WEB_DIST, 'index.html');
  // the app's own sources and the domain package it bundles
  const sources = [
    'src',
    'index.html',
    'report.html',
    'public',
    'vite.config.ts',
    'package.json',
    '../../packages/domain/src',
  ]
    .map((p) => join(WEB_ROOT, p))
    .filter((p) => existsSync(p));
  const newestSource = Math.max(...sources.map(newestMtime));
  if (existsSync(index) && statSync(index).mtimeMs >= newestSource) return;
  // NODE_ENV=test (set by vitest) would make Vite build React's development bundle
  const r = spawnSync('pnpm', ['exec', 'vite', 'build'], {
    cwd: WEB_ROOT,
    encoding: 'utf8',
    stdio: 'pipe',
    env: { ...process.env, NODE_ENV: 'production' },
  });
  if (r.status !== 0)
    throw new Error(`vite build failed (${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`);
}

/** A real server on a fresh temporary database that serves the production build. */
export async function startWebServer(): Promise<TestServer> {
  ensureWebBuild();
  return startTestServer({ WEB_DIST });
}

/**
 * A server (`startWebServer`) and a browser for the tests of one file: started in `beforeAll`, read
 * from the returned object inside the tests; closed, and the server's folder removed, in `afterAll`.
 */
export function webServerAndBrowser(): { readonly server: TestServer; readonly browser: Browser } {
  const held = {} as { server: TestServer; browser: Browser };
  beforeAll(async () => {
    [held.server, held.browser] = await Promise.all([startWebServer(), launchBrowser()]);
  });
  afterAll(async () => {
    await held.browser?.close();
    await held.server?.close();
    if (held.server) rmSync(held.server.dir, { recursive: true, force: true });
  });
  return held;
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

/** A fresh browser context (its own cookies), Chinese UI, at the given viewport. */
export async function newContext(browser: Browser, viewport = WORK_VIEWPORT): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  context.setDefaultTimeout(15_000);
  return context;
}

/** Open the app, log in through the login screen, and land on the role's first screen. */
export async function loginPage(
  context: BrowserContext,
  baseUrl: string,
  username: string,
  password = 'citygrid-demo',
): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${baseUrl}/`);
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('current-user').waitFor();
  return page;
}

/** Go to a hash route of the already loaded app (no reload). */
export async function goToRoute(page: Page, route: string): Promise<void> {
  await page.evaluate((r) => {
    window.location.hash = r;
  }, route);
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENS_DIR, { recursive: true });
  const path = join(SCREENS_DIR, `${name}.png`);
  // a capture for people to look at, not an assertion: on a loaded machine Chromium may need longer
  // than the default 15 s to paint a long page (the vertical Mongolian form timed out once in CI)
  await page.screenshot({ path, timeout: 60_000 });
  return path;
}

/** The map screen's debug hooks (`window.__citygrid`), read from the page. */
export const mapDebug = {
  markerCount: (page: Page) => page.evaluate(() => window.__citygrid.markerCount()),
  markerColor: (page: Page, caseNumber: string) =>
    page.evaluate((cn) => window.__citygrid.markerColor(cn), caseNumber),
  lastEventId: (page: Page) => page.evaluate(() => window.__citygrid.lastEventId()),
  /** The command map's clusters and single cases as drawn now (canvas pixels, not elements). */
  drawn: (page: Page) => page.evaluate(() => window.__citygrid.drawnCases()),
  /** Wait until the command map draws at least one cluster bubble; returns what it draws. */
  clusters: (page: Page, timeout = 30_000) =>
    waitUntil(
      () => page.evaluate(() => window.__citygrid.drawnCases()),
      (d) => d.clusters.length > 0,
      'a cluster on the command map',
      timeout,
    ),
};

/** Poll `read` in the page until `ok` holds (the page is never reloaded). */
export async function waitUntil<T>(
  read: () => Promise<T>,
  ok: (v: T) => boolean,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const t0 = Date.now();
  let last: T = await read();
  while (!ok(last)) {
    if (Date.now() - t0 > timeoutMs)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}; last value: ${JSON.stringify(last)}`,
      );
    await new Promise((r) => setTimeout(r, 100));
    last = await read();
  }
  return last;
}

// --- a small, valid PNG built in memory ---

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** A PNG of 8-bit samples: `colourType` 2 (RGB) or 6 (RGBA); `raw` is the filtered scanlines. */
export function encodePng(width: number, height: number, colourType: 2 | 6, raw: Buffer): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = colourType;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A `size`×`size` RGB PNG of one colour (a stand-in for a disposal photo). */
export function makePng(size = 16, rgb: [number, number, number] = [48, 164, 108]): Buffer {
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: size }, () => rgb).flat())]);
  return encodePng(size, size, 2, Buffer.concat(Array.from({ length: size }, () => row)));
}

declare global {
  interface Window {
    __citygrid: CitygridDebug;
  }
}
