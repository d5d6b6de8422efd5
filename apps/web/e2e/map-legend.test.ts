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

/** The map legend sits over the map's bottom-left corner: it must not take clicks meant for the map. */
let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([startWebServer(), launchBrowser()]);
  await seedOpenCases(server.services, 400);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const zoomOf = (page: Page) => page.evaluate(() => window.__citygrid.map()?.getZoom() ?? -1);

/** Pan the map so the first cluster bubble's centre lands on the client point `to`; returns what is found there. */
async function bringClusterTo(page: Page, to: { x: number; y: number }) {
  const from = (await mapDebug.clusters(page)).clusters[0]!;
  await page.evaluate(
    ({ dx, dy }) => {
      window.__citygrid.map()!.panBy([dx, dy], { animate: false });
    },
    { dx: from.x - to.x, dy: from.y - to.y },
  );
  // wait for the cluster layer to settle where the cluster was brought
  return waitUntil(
    () =>
      page.evaluate(({ x, y }) => {
        // the bubbles are drawn on the map's canvas: the map's element must be what is hit there
        const el = document.elementFromPoint(x, y);
        const bubble = window.__citygrid
          .drawnCases()
          .clusters.some((c) => Math.hypot(c.x - x, c.y - y) <= c.radius - 2);
        return {
          inLegend: !!el?.closest('[data-testid="legend"]'),
          onCluster: bubble && el instanceof HTMLCanvasElement,
          inMap: !!el?.closest('.leaflet-container'),
        };
      }, to),
    (v) => v.onCluster || v.inLegend,
    'a cluster (or the legend) at the point',
  );
}

describe('the map legend', () => {
  it('lets a click at the legend reach the cluster under it, folds away, and reads in Chinese and English', async () => {
    const page = await loginPage(await newContext(browser, MAP_VIEWPORT), server.url, 'supervisor');
    await page.getByTestId('command-map').waitFor();
    await mapDebug.clusters(page);
    await page.waitForTimeout(500);
    await screenshot(page, 'map-legend-zh');

    // a point in the legend's box, clear of its own toggle
    const legend = (await page.getByTestId('legend').boundingBox())!;
    expect(legend.width).toBeGreaterThan(0);
    const at = { x: legend.x + legend.width / 2, y: legend.y + legend.height * 0.75 };

    const found = await bringClusterTo(page, at);
    expect(found).toEqual({ inLegend: false, onCluster: true, inMap: true });

    // a person clicking there hits the cluster: it zooms in (or, for a single case, opens the case)
    const before = await zoomOf(page);
    await page.mouse.click(at.x, at.y);
    await waitUntil(
      async () => ({ zoom: await zoomOf(page), drawer: await page.getByTestId('case-drawer').count() }),
      (v) => v.zoom > before || v.drawer > 0,
      'the cluster click to zoom in or open the case',
    );

    // the legend folds to its title and opens again, and stays as left on the next visit
    await page.getByTestId('legend-toggle').click();
    expect(await page.getByTestId('legend-body').count()).toBe(0);
    expect(await page.getByTestId('legend-toggle').getAttribute('aria-expanded')).toBe('false');
    const folded = (await page.getByTestId('legend').boundingBox())!;
    expect(folded.height).toBeLessThan(legend.height);
    await page.reload();
    await page.getByTestId('legend-toggle').waitFor();
    expect(await page.getByTestId('legend-body').count()).toBe(0);
    await page.getByTestId('legend-toggle').click();
    await page.getByTestId('legend-body').waitFor();
    expect(await page.getByTestId('legend-toggle').innerText()).toContain('图例');

    await page.getByTestId('language-switch').selectOption('en');
    await mapDebug.clusters(page);
    expect(await page.getByTestId('legend-toggle').innerText()).toContain('Legend');
    await screenshot(page, 'map-legend-en');
  });
});
