import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import {
  CITY_CENTRE,
  ensureWebBuild,
  goToRoute,
  launchBrowser,
  loginAs,
  loginPage,
  newContext,
  screenshot,
  startTestServer,
  waitUntil,
  WEB_DIST,
  type TestServer,
} from './support.ts';

/**
 * The command-hall wall at 1920×1080 and 3840×2160: the same layout scaled to the screen, its
 * smallest text at least 1.3 % of the screen height, and a new case landing on it live.
 */
let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  ensureWebBuild();
  [server, browser] = await Promise.all([
    startTestServer({ WEB_DIST, SEED_HISTORY_CASES: 3000, SEED_HISTORY_DAYS: 60 }),
    launchBrowser(),
  ]);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** The smallest font size of any visible text on the page (HTML and the charts' SVG), with what it is. */
function smallestText(page: Page) {
  return page.evaluate(() => {
    let min = Infinity;
    let what = '';
    let count = 0;
    const vw = window.innerWidth;
    const vh = window.innerHeight;
    for (const el of Array.from(document.querySelectorAll<Element>('body *'))) {
      const hasText = Array.from(el.childNodes).some(
        (n) => n.nodeType === Node.TEXT_NODE && (n.textContent ?? '').trim() !== '',
      );
      if (!hasText) continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0 || r.bottom <= 0 || r.right <= 0 || r.top >= vh || r.left >= vw)
        continue;
      const cs = getComputedStyle(el);
      if (cs.visibility === 'hidden' || cs.display === 'none' || Number(cs.opacity) === 0) continue;
      const size = parseFloat(cs.fontSize);
      count++;
      if (size < min) {
        min = size;
        what = `${el.tagName.toLowerCase()}.${String(el.getAttribute('class') ?? '')} “${(el.textContent ?? '').trim().slice(0, 30)}”`;
      }
    }
    return { min, what, count, height: vh, ratio: min / vh };
  });
}

async function openWall(width: number, height: number): Promise<Page> {
  const context = await newContext(browser, { width, height });
  const page = await loginPage(context, server.url, 'supervisor');
  await goToRoute(page, '/wall');
  await page.getByTestId('wall-screen').waitFor();
  await page.locator('[data-testid="live-status"][data-status="connected"]').waitFor();
  await waitUntil(
    () => page.getByTestId('wall-open').textContent(),
    (s) => /^\d+$/.test(s?.trim() ?? ''),
    'the headline figures',
  );
  for (const id of ['wall-categories', 'wall-trend7', 'wall-trend30'])
    await page.locator(`[data-testid="${id}"] svg`).first().waitFor();
  await page.locator('[data-testid="wall-ticker-item"]').first().waitFor();
  return page;
}

describe('the command-hall wall', () => {
  it('fills 1920×1080 with the city, clock, figures, charts, rankings, map and a ticker filled on load; smallest text ≥ 1.3 % of the height', async () => {
    const page = await openWall(1920, 1080);
    expect(await page.getByTestId('wall-city').textContent()).toBe('锡林浩特市');
    expect(await page.getByTestId('wall-clock').textContent()).toMatch(/^\d{2}:\d{2}:\d{2}$/);
    expect(await page.getByTestId('wall-date').textContent()).toMatch(/年.*月.*日/);
    expect(await page.locator('[data-testid="wall-hotspots"] li').count()).toBeGreaterThan(0);
    expect(await page.locator('[data-testid="wall-units"] li').count()).toBeGreaterThan(0);
    expect(await page.locator('[data-testid="wall-ticker-item"]').count()).toBeGreaterThan(5);
    // nothing scrolls: the layout fits the screen
    expect(
      await page.evaluate(() => [
        document.documentElement.scrollHeight,
        document.documentElement.scrollWidth,
      ]),
    ).toEqual([1080, 1920]);
    const m = await smallestText(page);
    console.log(
      `wall 1920×1080: smallest text ${m.min}px = ${(m.ratio * 100).toFixed(2)}% of ${m.height}px (${m.what}); ${m.count} text elements`,
    );
    expect(m.ratio).toBeGreaterThanOrEqual(0.013);
    await screenshot(page, 'wall-1920x1080');

    // a call logged now lands on the wall at once: ticker and highlighted on the map
    const before = Number(await page.getByTestId('wall-open-markers').getAttribute('data-count'));
    const operator = await loginAs(server, 'operator');
    const c = await operator.client.intake.create.mutate({
      nature: 'complaint',
      minorClassCode: 'C0302',
      description: '大屏测试：垃圾箱满溢',
      urgency: 'normal',
      location: CITY_CENTRE,
    });
    await page.locator(`[data-testid="wall-ticker-item"][data-case="${c.caseNumber}"]`).first().waitFor();
    await waitUntil(
      () => page.getByTestId('wall-open-markers').getAttribute('data-fresh'),
      (n) => Number(n) >= 1,
      'the new case highlighted',
    );
    expect(Number(await page.getByTestId('wall-open-markers').getAttribute('data-count'))).toBe(before + 1);
    await page.waitForTimeout(400);
    await screenshot(page, 'wall-1920x1080-new-case');
    await page.context().close();
  });

  it('scales the same layout to 3840×2160: text doubles with the height, smallest text ≥ 1.3 % of the height', async () => {
    const page = await openWall(3840, 2160);
    const m = await smallestText(page);
    console.log(
      `wall 3840×2160: smallest text ${m.min}px = ${(m.ratio * 100).toFixed(2)}% of ${m.height}px (${m.what}); ${m.count} text elements`,
    );
    expect(m.ratio).toBeGreaterThanOrEqual(0.013);
    // the side panels keep their share of the screen (not a fixed width)
    const side = await page.locator('.wall-right').boundingBox();
    expect(side!.width / 3840).toBeGreaterThan(0.2);
    expect(
      await page.evaluate(() => [
        document.documentElement.scrollHeight,
        document.documentElement.scrollWidth,
      ]),
    ).toEqual([2160, 3840]);
    await screenshot(page, 'wall-3840x2160');
    // the English wall, after a reload (an unattended wall comes back by itself)
    await page.evaluate(() => localStorage.setItem('citygrid.lang', 'en'));
    await page.reload();
    await page.getByTestId('wall-screen').waitFor();
    await page.locator('[data-testid="wall-trend30"] svg').first().waitFor();
    await page.locator('[data-testid="wall-ticker-item"]').first().waitFor();
    expect(await page.getByTestId('wall-city').textContent()).toBe('Xilinhot');
    const en = await smallestText(page);
    expect(en.ratio).toBeGreaterThanOrEqual(0.013);
    await screenshot(page, 'wall-3840x2160-en');
    await page.context().close();
  });

  it('opens from the old #/map?wall=1 address as well', async () => {
    const page = await loginPage(
      await newContext(browser, { width: 1920, height: 1080 }),
      server.url,
      'supervisor',
    );
    await goToRoute(page, '/map?wall=1');
    await page.getByTestId('wall-screen').waitFor();
    await page.context().close();
  });
});
