/**
 * Command map benchmark, in headless Chromium at 1920×1080 against a real server process serving
 * the production build: the map with 10,000 open cases against the same map with none.
 *
 * - first full render: from navigation to every open case being drawn (the visible clusters and
 *   single markers add up to N, all at the initial fit-the-grid view) and the network idle;
 * - frame times while a scripted ~5 s sequence of animated `panBy` / `setZoom` runs, from
 *   requestAnimationFrame timestamps collected in the page (median and p95).
 *
 * 5 runs each of the 10,000-case map and the empty one, alternating (and which goes first
 * alternating), 3 at each other size; figures are medians. The empty map's own time moves by a few
 * hundred ms between loads on this machine, and the ratio with it: 5 pairs hold it steadier than 3.
 *
 *   npx tsx bench/map.ts
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { createServices, seedReferenceData } from '@citygrid/api';
import { openDatabase, ReferenceStore, withBulkLoad } from '@citygrid/db';
import { ensureWebBuild, launchBrowser, MAP_VIEWPORT, WEB_DIST } from '../apps/web/e2e/support.ts';
import { seedOpenCases } from '../apps/web/e2e/seed-open-cases.ts';
import { login, median, percentile, startServerProcess, tempDir, type Child } from './lib.ts';
import type { BenchFigure } from './types.ts';

const GROUP = 'map';
const OPEN_CASES = 10_000;
const RUNS = 3;
/** Runs of the goal's comparison (10,000 open cases against none). */
const COMPARISON_RUNS = 5;
const SEQUENCE_MS = 5_000;
/**
 * Open cases the growth curve is measured at (issue 14: 1,000, 10,000 and 50,000;
 * `MAP_SCALE_SIZES=50000` measures only that one, next to the 10,000 comparison that always runs).
 * The map draws up to 100,000 open cases (`OPEN_CASE_MARKER_LIMIT` of dashboard.openCaseMarkers,
 * which says when it cuts), so every point is the whole backlog drawn.
 */
const MAP_SCALE_SIZES = (process.env.MAP_SCALE_SIZES ?? '1000,10000,50000').split(',').map(Number);

/** A database file with reference data and `openCases` open cases (demo users come at server start). */
async function createDatabase(file: string, openCases: number): Promise<void> {
  const database = openDatabase(file);
  try {
    await seedReferenceData(new ReferenceStore(database), new Date().toISOString());
    const services = await createServices({ database });
    // no fsync per batch and a big page cache while seeding (50,000 cases in ~25 s on 2 cores)
    if (openCases > 0) await withBulkLoad(database, () => seedOpenCases(services, openCases));
    await services.close();
  } finally {
    database.close();
  }
}

interface RunResult {
  firstRenderMs: number;
  frameMs: number[];
  /** Bytes of the response that carries the open cases (tRPC batches it with the other dashboard queries). */
  openCasesBytes: number;
}

// In-page code is kept as source text: tsx compiles this file with `keepNames`, whose `__name(...)`
// helper calls would break functions serialised into the page.

/**
 * Runs in the page from its first script on: on every animation frame, checks whether the map shows
 * all `n` open cases (what the debug handle says is drawn: clusters' counts plus single cases), and
 * records when.
 */
const watchFullRender = (n: number) => `
  window.__bench = { fullAt: null };
  (function tick() {
    var debug = window.__citygrid;
    var map = debug && debug.map();
    var chip = document.querySelector('[data-testid="open-count"]');
    if (map && debug.markerCount() >= ${n} && chip && chip.getAttribute('data-count') === '${n}' && !document.querySelector('[data-testid="loading"]')) {
      if (debug.drawnCaseCount() >= ${n}) {
        window.__bench.fullAt = performance.now();
        return;
      }
    }
    requestAnimationFrame(tick);
  })();
`;

/** Runs in the page: a scripted pan/zoom sequence over `ms`, resolving to every frame's duration. */
const panZoomFrames = (ms: number) => `
  new Promise(function (resolve) {
    var map = window.__citygrid.map();
    var z0 = map.getZoom();
    var steps = [
      function () { map.panBy([300, 0]); },
      function () { map.panBy([0, 200]); },
      function () { map.setZoom(z0 + 1); },
      function () { map.panBy([-400, 0]); },
      function () { map.panBy([0, -300]); },
      function () { map.setZoom(z0 + 2); },
      function () { map.panBy([250, 250]); },
      function () { map.setZoom(z0 + 1); },
      function () { map.panBy([-150, -150]); },
      function () { map.setZoom(z0); },
    ];
    var stamps = [];
    var running = true;
    requestAnimationFrame(function frame(t) {
      stamps.push(t);
      if (running) requestAnimationFrame(frame);
    });
    var every = ${ms} / (steps.length + 1);
    steps.forEach(function (step, i) { setTimeout(step, every * (i + 1)); });
    setTimeout(function () {
      running = false;
      var out = [];
      for (var i = 1; i < stamps.length; i++) out.push(stamps[i] - stamps[i - 1]);
      resolve(out);
    }, ${ms});
  })
`;

// the map asks for its markers as `dashboard.openCaseMarkers` (before: the full `dashboard.openCases`),
// in a request of its own (before: in the streamed batch with the other dashboard queries)
const OPEN_CASES_BYTES = `performance.getEntriesByType('resource').filter((e) => e.name.includes('dashboard.openCase')).reduce((n, e) => n + e.decodedBodySize, 0)`;

const LAST_RESPONSE_END = `Math.max(0, ...performance.getEntriesByType('resource').filter((e) => !e.name.includes('/api/live')).map((e) => e.responseEnd))`;

async function measure(browser: Browser, server: Child, n: number): Promise<RunResult> {
  const headers = await login(server.url, 'supervisor');
  const [name, value] = headers.cookie!.split(';')[0]!.split('=') as [string, string];
  const context = await browser.newContext({
    viewport: MAP_VIEWPORT,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
  try {
    await context.addCookies([{ name, value, url: server.url }]);
    await context.addInitScript({ content: watchFullRender(n) });
    const page = await context.newPage();
    await page.goto(`${server.url}/#/map`);
    for (
      const t0 = Date.now();
      (await page.evaluate('window.__bench.fullAt')) === null;
      await page.waitForTimeout(100)
    ) {
      if (Date.now() - t0 > 180_000)
        throw new Error(`the map with ${n} open cases did not render within 180 s`);
    }
    // network idle: no request (other than the open live stream) finishing for a second
    let idle = false;
    let networkDoneAt = 0;
    while (!idle) {
      const before = await lastResponseEnd(page);
      await page.waitForTimeout(1_000);
      networkDoneAt = await lastResponseEnd(page);
      idle = networkDoneAt === before;
    }
    const fullAt = (await page.evaluate('window.__bench.fullAt')) as number;
    const frameMs = (await page.evaluate(panZoomFrames(SEQUENCE_MS))) as number[];
    const openCasesBytes = (await page.evaluate(OPEN_CASES_BYTES)) as number;
    return { firstRenderMs: Math.max(fullAt, networkDoneAt), frameMs, openCasesBytes };
  } finally {
    await context.close();
  }
}

/** When the last finished request (the live stream never finishes) ended, ms after navigation start. */
async function lastResponseEnd(page: Page): Promise<number> {
  return (await page.evaluate(LAST_RESPONSE_END)) as number;
}

export default async function runMapBench(): Promise<BenchFigure[]> {
  ensureWebBuild();
  const dir = tempDir('map');
  let full: Child | null = null;
  let empty: Child | null = null;
  let browser: Browser | null = null;
  try {
    await Promise.all([
      createDatabase(join(dir, 'full.db'), OPEN_CASES),
      createDatabase(join(dir, 'empty.db'), 0),
    ]);
    [full, empty, browser] = await Promise.all([
      startServerProcess({ DATABASE_PATH: join(dir, 'full.db'), WEB_DIST }),
      startServerProcess({ DATABASE_PATH: join(dir, 'empty.db'), WEB_DIST }),
      launchBrowser(),
    ]);
    // one unmeasured load of each warms the servers' statement caches and the disk cache
    await measure(browser, full, OPEN_CASES);
    await measure(browser, empty, 0);
    const withCases: RunResult[] = [];
    const without: RunResult[] = [];
    for (let run = 0; run < COMPARISON_RUNS; run++) {
      if (run % 2 === 0) {
        withCases.push(await measure(browser, full, OPEN_CASES));
        without.push(await measure(browser, empty, 0));
      } else {
        without.push(await measure(browser, empty, 0));
        withCases.push(await measure(browser, full, OPEN_CASES));
      }
    }
    const render = (rs: RunResult[]) => median(rs.map((r) => r.firstRenderMs));
    const frameMedian = (rs: RunResult[]) => median(rs.map((r) => median(r.frameMs)));
    const frameP95 = (rs: RunResult[]) => median(rs.map((r) => percentile(r.frameMs, 95)));
    const frames = (rs: RunResult[]) => median(rs.map((r) => r.frameMs.length));
    const bytes = (rs: RunResult[]) => median(rs.map((r) => r.openCasesBytes)) / 1024;
    const longest = (rs: RunResult[]) => Math.round(median(rs.map((r) => Math.max(...r.frameMs))));
    const figure = (name: string, value: number, base: number, note: string): BenchFigure => ({
      group: GROUP,
      name,
      value,
      unit: 'ms',
      baseline: { name: 'same map, 0 open cases', value: base },
      ratio: value / base,
      note,
    });
    const label = `${OPEN_CASES.toLocaleString('en-US')} open cases`;
    // how cost grows with the open cases: the same measurement at each of MAP_SCALE_SIZES (one server each)
    const growth: BenchFigure[] = [];
    const point = (n: number, rs: RunResult[]): BenchFigure[] => [
      {
        ...figure(
          `first full render, ${n.toLocaleString('en-US')} open cases`,
          render(rs),
          render(without),
          '',
        ),
        note: `median of ${rs.length}`,
        series: { metric: 'map first full render', x: n, xUnit: 'open cases on the map' },
      },
      {
        ...figure(
          `pan/zoom frame time p95, ${n.toLocaleString('en-US')} open cases`,
          frameP95(rs),
          frameP95(without),
          '',
        ),
        note: `median of ${rs.length}`,
        series: { metric: 'map pan/zoom frame time p95', x: n, xUnit: 'open cases on the map' },
      },
    ];
    for (const n of MAP_SCALE_SIZES) {
      if (n === OPEN_CASES) {
        growth.push(...point(n, withCases));
        continue;
      }
      const file = join(dir, `scale-${n}.db`);
      await createDatabase(file, n);
      const server = await startServerProcess({ DATABASE_PATH: file, WEB_DIST });
      try {
        await measure(browser, server, n);
        const rs: RunResult[] = [];
        for (let run = 0; run < RUNS; run++) rs.push(await measure(browser, server, n));
        growth.push(...point(n, rs));
      } finally {
        await server.stop();
      }
    }
    return [
      ...growth,
      {
        ...figure(
          `first full render of the command map, ${label}`,
          render(withCases),
          render(without),
          `navigation → every case drawn and network idle; 1920×1080 headless Chromium; median of ${COMPARISON_RUNS}`,
        ),
        goal: { of: 'ratio', op: '<=', bound: 1.3 },
      },
      figure(
        `frame time while panning/zooming (median), ${label}`,
        frameMedian(withCases),
        frameMedian(without),
        `${SEQUENCE_MS / 1000} s of animated panBy/setZoom; ${frames(withCases)} vs ${frames(without)} frames; median of ${COMPARISON_RUNS} runs`,
      ),
      {
        ...figure(
          `frame time while panning/zooming (p95), ${label}`,
          frameP95(withCases),
          frameP95(without),
          `same sequence; p95 of each run, median of ${COMPARISON_RUNS}; longest frame ${longest(withCases)} vs ${longest(without)} ms`,
        ),
        goal: { of: 'ratio', op: '<=', bound: 1.5 },
      },
      {
        ...figure(
          `open-cases response size, ${label}`,
          bytes(withCases),
          bytes(without),
          "the tRPC request that carries the map's open cases (dashboard.openCaseMarkers), uncompressed",
        ),
        unit: 'KiB',
      },
    ];
  } finally {
    await browser?.close();
    await Promise.all([full?.stop(), empty?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  }
}

function formatNumber(n: number): string {
  return n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toPrecision(3);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const figures = await runMapBench();
  console.table(
    figures.map((f) => ({
      name: f.name,
      value: `${formatNumber(f.value)} ${f.unit}`,
      baseline: f.baseline ? `${formatNumber(f.baseline.value)} ${f.unit} (${f.baseline.name})` : '',
      ratio: f.ratio === undefined ? '' : `${formatNumber(f.ratio)}×`,
    })),
  );
  for (const f of figures) if (f.note) console.log(`- ${f.name}: ${f.note}`);
}
