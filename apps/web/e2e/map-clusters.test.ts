import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import {
  MAP_VIEWPORT,
  launchBrowser,
  loginPage,
  mapDebug,
  newContext,
  screenshot,
  seedOpenCases,
  startWebServer,
  waitUntil,
  type TestServer,
} from './support.ts';

/** The command map's clusters: a click on one zooms in until the cases stand alone; a click on a case opens it. */
const OPEN_CASES = 400;
let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([startWebServer(), launchBrowser()]);
  expect(await seedOpenCases(server.services, OPEN_CASES)).toBe(OPEN_CASES);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** What the map draws now: its zoom, the clusters' counts, how many single cases, and those well inside the map with their screen points. */
const drawn = (page: Page) =>
  page.evaluate(() => {
    const map = window.__citygrid.map()!;
    const { clusters, singles: dots } = window.__citygrid.drawnCases();
    const box = map.getContainer().getBoundingClientRect();
    // well inside the map, away from the overlays at its corners
    const inside = (d: { x: number; y: number }) =>
      d.x - box.left > 300 && d.y - box.top > 150 && box.right - d.x > 300 && box.bottom - d.y > 150;
    const singles = dots.filter(inside).map((d) => ({ caseNumber: d.caseNumber, x: d.x, y: d.y }));
    const pane = map.getPane('mapPane')!.className;
    return {
      zoom: map.getZoom(),
      clusters: clusters.map((c) => c.count),
      singles,
      singleCount: dots.length,
      animating: /leaflet-zoom-anim/.test(pane),
    };
  });

describe('the command map’s clusters', () => {
  it('zooms in on a clicked cluster until its cases stand alone, and opens a case when its marker is clicked', async () => {
    const page = await loginPage(await newContext(browser, MAP_VIEWPORT), server.url, 'supervisor');
    await page.getByTestId('command-map').waitFor();
    await waitUntil(
      () => mapDebug.markerCount(page),
      (n) => n === OPEN_CASES,
      `${OPEN_CASES} markers`,
      30_000,
    );
    // every case is drawn, in a cluster or on its own
    const first = await waitUntil(
      () => drawn(page),
      (d) => d.clusters.reduce((a, b) => a + b, 0) + d.singleCount === OPEN_CASES,
      'every case drawn',
      30_000,
    );
    expect(first.clusters.length).toBeGreaterThan(0);

    // click the cluster nearest the map's centre, over and over: each click zooms in
    let now = first;
    for (let i = 0; i < 8 && now.singles.length === 0; i++) {
      // the bubble nearest the map's centre (bubbles are drawn on the canvas: the debug handle says where)
      const target = await page.evaluate(() => {
        const box = window.__citygrid.map()!.getContainer().getBoundingClientRect();
        const cx = box.left + box.width / 2;
        const cy = box.top + box.height / 2;
        let best: { x: number; y: number; d: number } | null = null;
        for (const c of window.__citygrid.drawnCases().clusters) {
          const d = Math.hypot(c.x - cx, c.y - cy);
          if (!best || d < best.d) best = { x: c.x, y: c.y, d };
        }
        return best;
      });
      expect(target).not.toBeNull();
      await page.mouse.click(target!.x, target!.y);
      const before = now.zoom;
      now = await waitUntil(
        () => drawn(page),
        (d) => d.zoom > before && !d.animating,
        'the map to zoom in on the cluster',
        20_000,
      );
      now = await waitUntil(
        () => drawn(page),
        (d) => d.clusters.length + d.singleCount > 0,
        'the clusters of the new view',
        20_000,
      );
    }
    expect(now.singles.length).toBeGreaterThan(0);
    await screenshot(page, 'map-clusters-zoomed');

    // a click on a single case's marker opens that case
    const one = now.singles[0]!;
    await page.mouse.click(one.x, one.y);
    const drawer = page.getByTestId('case-drawer');
    await drawer.waitFor({ timeout: 15_000 });
    expect(await drawer.getAttribute('aria-label')).toContain(one.caseNumber);
  });
});
