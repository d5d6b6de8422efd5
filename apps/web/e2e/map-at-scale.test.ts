import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { bboxOf } from '@citygrid/domain';
import {
  CITY_CENTRE,
  MAP_VIEWPORT,
  launchBrowser,
  loginAs,
  loginPage,
  mapDebug,
  newContext,
  screenshot,
  seedOpenCases,
  startWebServer,
  waitUntil,
  type TestServer,
} from './support.ts';

/** The supervisor's map with a realistic worst-case backlog: 10,000 open cases on one screen. */
const OPEN_CASES = 10_000;
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

/** Fail with `what` if `p` has not settled within `ms` (a generous bound, not a measurement). */
async function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not complete within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const view = (page: Page) =>
  page.evaluate(() => {
    const map = window.__citygrid.map()!;
    const c = map.getCenter();
    const pane = map.getPane('mapPane')!.className;
    return {
      zoom: map.getZoom(),
      lat: c.lat,
      lng: c.lng,
      animating: /leaflet-(zoom|cluster)-anim/.test(pane),
    };
  });
type View = Awaited<ReturnType<typeof view>>;

/**
 * Drag the map by (dx, dy) with the mouse, once its zoom and cluster animations have settled, and
 * wait until it has moved. A drag swallowed by a busy page is repeated once, as a user would.
 */
async function dragMap(page: Page, from: View, dx: number, dy: number): Promise<View> {
  await waitUntil(
    () => view(page),
    (v) => !v.animating,
    'the map to settle',
    20_000,
  );
  const box = (await page.locator('[data-testid="command-map"] .leaflet-container').boundingBox())!;
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  for (let attempt = 1; ; attempt++) {
    await page.mouse.move(cx, cy);
    await page.mouse.down();
    await page.mouse.move(cx + dx, cy + dy, { steps: 10 });
    await page.mouse.up();
    try {
      return await waitUntil(
        () => view(page),
        (v) => v.lat !== from.lat || v.lng !== from.lng,
        'the map to pan',
        10_000,
      );
    } catch (e) {
      if (attempt === 2) throw e;
      console.warn('[map-at-scale] the first drag did not pan the map; dragging again');
    }
  }
}

describe('the command map with 10,000 open cases', () => {
  it('renders every case in clusters, stays usable through zoom, pan and a cell click, and still takes live updates', async () => {
    const page = await loginPage(await newContext(browser, MAP_VIEWPORT), server.url, 'supervisor');
    await page.getByTestId('command-map').waitFor();

    // --- it renders: every case is a marker of the cluster layer, drawn as cluster bubbles ---
    await waitUntil(
      () => mapDebug.markerCount(page),
      (n) => n >= OPEN_CASES,
      `${OPEN_CASES} markers`,
      60_000,
    );
    const drawn = await mapDebug.clusters(page);
    expect(drawn.clusters.length).toBeGreaterThan(0);
    await waitUntil(
      () => page.evaluate(() => window.__citygrid.drawnCaseCount()),
      (n) => n === OPEN_CASES,
      'every case drawn',
      30_000,
    );
    expect(Number(await page.getByTestId('open-count').getAttribute('data-count'))).toBe(OPEN_CASES);
    await page.locator('[data-testid="live-status"][data-status="connected"]').waitFor();
    await screenshot(page, 'map-10k');

    // --- zoom in, pan, zoom out: each one completes and the map follows ---
    const start = await view(page);
    await page.locator('.leaflet-control-zoom-in').click();
    const zoomedIn = await waitUntil(
      () => view(page),
      (v) => v.zoom > start.zoom,
      'the map to zoom in',
      20_000,
    );
    const panned = await dragMap(page, zoomedIn, -250, -150);
    expect(panned.lng).toBeGreaterThan(zoomedIn.lng); // dragged left: looking further east
    await screenshot(page, 'map-10k-zoomed');
    await page.locator('.leaflet-control-zoom-out').click();
    await waitUntil(
      () => view(page),
      (v) => v.zoom < zoomedIn.zoom && !v.animating,
      'the map to zoom out',
      20_000,
    );

    // --- the page answers promptly ---
    for (let i = 0; i < 5; i++)
      expect(await within(mapDebug.markerCount(page), 5_000, 'a page round trip')).toBe(OPEN_CASES);

    // --- a click on a cell (where no cluster bubble or case covers it) opens that cell's list ---
    const candidates = server.services.reference.snapshot.cells.map((c) => {
      const b = bboxOf(c.ring);
      return { code: c.code, lat: (b.minLat + b.maxLat) / 2, lng: (b.minLng + b.maxLng) / 2 };
    });
    const target = await page.evaluate((cells) => {
      const { clusters, singles } = window.__citygrid.drawnCases();
      const covered = (x: number, y: number) =>
        [...clusters, ...singles].some((d) => Math.hypot(d.x - x, d.y - y) <= d.radius + 6);
      for (const c of cells) {
        const p = window.__citygrid.clientPointOf(c.lat, c.lng);
        if (!p) return null;
        const el = document.elementFromPoint(p.x, p.y);
        if (el instanceof HTMLCanvasElement && el.closest('.leaflet-overlay-pane') && !covered(p.x, p.y))
          return { ...c, ...p };
      }
      return null;
    }, candidates);
    expect(target).not.toBeNull();
    await page.mouse.click(target!.x, target!.y);
    const list = page.getByTestId('cell-cases');
    await list.waitFor({ timeout: 20_000 });
    const inCell = server.services
      .database!.sqlite.prepare('select count(*) as n from cases where cell_code = ?')
      .get(target!.code) as { n: number };
    expect(inCell.n).toBeGreaterThan(0);
    await expect
      .poll(() => list.locator('[data-testid^="case-row-"]').count(), { timeout: 20_000 })
      .toBe(inCell.n);
    await screenshot(page, 'map-10k-cell');

    // --- a live event still lands within a few seconds, and is drawn: one more case in the view ---
    await page.evaluate(
      (c) => void window.__citygrid.map()!.setView([c.lat, c.lng], 13, { animate: false }),
      CITY_CENTRE,
    );
    const drawnBefore = await waitUntil(
      () => page.evaluate(() => window.__citygrid.drawnCaseCount()),
      (n) => n > 0,
      'the cases around the city centre drawn',
      10_000,
    );
    await page.waitForTimeout(500);
    expect(await page.evaluate(() => window.__citygrid.drawnCaseCount())).toBe(drawnBefore);
    const operator = await loginAs(server, 'operator');
    const created = await operator.client.intake.create.mutate({
      callerPhone: '13800000055',
      nature: 'complaint',
      minorClassCode: 'C0302',
      description: '满屏案件时的新来电',
      urgency: 'normal',
      location: CITY_CENTRE,
    });
    await waitUntil(
      () => mapDebug.markerColor(page, created.caseNumber),
      (c) => c !== null,
      'the live case on the map',
      10_000,
    );
    expect(await mapDebug.markerCount(page)).toBe(OPEN_CASES + 1);
    await waitUntil(
      () => page.evaluate(() => window.__citygrid.drawnCaseCount()),
      (n) => n === drawnBefore + 1,
      'the live case drawn on the map',
      3_000,
    );
  });
});
