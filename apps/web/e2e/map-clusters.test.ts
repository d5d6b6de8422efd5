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
  expect(seedOpenCases(server.services, OPEN_CASES)).toBe(OPEN_CASES);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** What the map draws now: its zoom, the cluster icons' counts, how many single cases, and those well inside the map with their screen points. */
const drawn = (page: Page) =>
  page.evaluate(() => {
    const map = window.__citygrid.map()!;
    const clusters: number[] = [];
    const singles: Array<{ caseNumber: string; x: number; y: number }> = [];
    let singleCount = 0;
    const size = map.getSize();
    map.eachLayer((l) => {
      const layer = l as typeof l & {
        getChildCount?: () => number;
        caseNumber?: string;
        getLatLng?: () => { lat: number; lng: number };
      };
      if (typeof layer.getChildCount === 'function') clusters.push(layer.getChildCount());
      else if (layer.caseNumber && layer.getLatLng) {
        singleCount++;
        const ll = layer.getLatLng();
        const p = map.latLngToContainerPoint([ll.lat, ll.lng]);
        // well inside the map, away from the overlays at its corners
        if (p.x > 300 && p.y > 150 && p.x < size.x - 300 && p.y < size.y - 150) {
          const c = window.__citygrid.clientPointOf(ll.lat, ll.lng)!;
          singles.push({ caseNumber: layer.caseNumber, ...c });
        }
      }
    });
    const pane = map.getPane('mapPane')!.className;
    return { zoom: map.getZoom(), clusters, singles, singleCount, animating: /leaflet-zoom-anim/.test(pane) };
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
      const target = await page.evaluate(() => {
        const box = document
          .querySelector('[data-testid="command-map"] .leaflet-container')!
          .getBoundingClientRect();
        const cx = box.left + box.width / 2;
        const cy = box.top + box.height / 2;
        let best: { x: number; y: number; d: number } | null = null;
        for (const el of document.querySelectorAll('.case-cluster')) {
          const r = el.getBoundingClientRect();
          const x = r.left + r.width / 2;
          const y = r.top + r.height / 2;
          const d = Math.hypot(x - cx, y - cy);
          if (!best || d < best.d) best = { x, y, d };
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
