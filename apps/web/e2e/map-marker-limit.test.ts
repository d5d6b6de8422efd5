import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { OPEN_STATES } from '@citygrid/domain';
import {
  MAP_VIEWPORT,
  WEB_DIST,
  ensureWebBuild,
  goToRoute,
  launchBrowser,
  loginPage,
  mapDebug,
  newContext,
  screenshot,
  seedOpenCases,
  startTestServer,
  waitUntil,
  type TestServer,
} from './support.ts';

/**
 * When the server cuts the map's open cases at its limit (MAP_MARKER_LIMIT, 100,000 by default;
 * 150 here so 200 cases are enough), the supervisor's map says so instead of silently drawing fewer
 * cases, in Chinese and in English; a filter that leaves fewer cases than the limit draws them all
 * and the notice goes away. The hall's wall says it too.
 */
const OPEN_CASES = 200;
const LIMIT = 150;
let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  ensureWebBuild();
  [server, browser] = await Promise.all([
    startTestServer({ WEB_DIST, MAP_MARKER_LIMIT: LIMIT }),
    launchBrowser(),
  ]);
  expect(await seedOpenCases(server.services, OPEN_CASES)).toBe(OPEN_CASES);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const drawnCases = (page: Page) => page.evaluate(() => window.__citygrid.drawnCaseCount());

describe('the command map over its marker limit', () => {
  it('draws the first 150 of 200 open cases and says so (zh, en); a filter under the limit draws all, without the notice', async () => {
    const page = await loginPage(await newContext(browser, MAP_VIEWPORT), server.url, 'supervisor');
    await goToRoute(page, '/map');
    await page.getByTestId('command-map').waitFor();
    await waitUntil(
      () => mapDebug.markerCount(page),
      (n) => n === LIMIT,
      `${LIMIT} markers`,
      30_000,
    );
    await waitUntil(
      () => drawnCases(page),
      (n) => n === LIMIT,
      'the markers drawn',
      30_000,
    );
    expect(Number(await page.getByTestId('open-count').getAttribute('data-count'))).toBe(LIMIT);
    const notice = page.getByTestId('markers-truncated');
    await notice.waitFor();
    expect(await notice.textContent()).toBe('仅显示前 150 件未结案件');
    expect(await notice.getAttribute('role')).toBe('status');
    await screenshot(page, 'map-marker-limit-zh');

    // --- the same notice in English ---
    await page.getByTestId('language-switch').selectOption('en');
    await waitUntil(
      () => notice.textContent(),
      (s) => s === 'Showing the first 150 open cases',
      'the English notice',
    );
    await screenshot(page, 'map-marker-limit-en');
    await page.getByTestId('language-switch').selectOption('zh');

    // --- one community's open cases, fewer than the limit: all drawn, nothing said ---
    const { code, n } = server.services
      .database!.sqlite.prepare(
        `select community_code as code, count(*) as n from cases
         where state in (${OPEN_STATES.map(() => '?').join(',')}) and lat is not null and community_code is not null
         group by community_code order by n desc limit 1`,
      )
      .get(...OPEN_STATES) as { code: string; n: number };
    expect(n).toBeGreaterThan(1);
    expect(n).toBeLessThan(LIMIT);
    await page.getByTestId('filter-community').selectOption(code);
    await waitUntil(
      () => mapDebug.markerCount(page),
      (m) => m === n,
      `${n} markers of ${code}`,
      30_000,
    );
    await waitUntil(
      () => notice.count(),
      (c) => c === 0,
      'the notice gone',
      10_000,
    );
    expect(Number(await page.getByTestId('open-count').getAttribute('data-count'))).toBe(n);
  });

  it('the wall says it too', async () => {
    const page = await loginPage(await newContext(browser, MAP_VIEWPORT), server.url, 'supervisor');
    await goToRoute(page, '/wall');
    await page.getByTestId('wall-screen').waitFor();
    await waitUntil(
      () => page.getByTestId('wall-open-markers').getAttribute('data-count'),
      (c) => c === String(LIMIT),
      `${LIMIT} cases on the wall's map`,
      30_000,
    );
    expect(await page.getByTestId('markers-truncated').textContent()).toBe('仅显示前 150 件未结案件');
    await screenshot(page, 'wall-marker-limit-zh');
  });
});
