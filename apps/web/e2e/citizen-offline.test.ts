import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ensureWebBuild,
  launchBrowser,
  screenshot,
  startTestServer,
  waitUntil,
  WEB_DIST,
  WEB_ROOT,
  type TestServer,
} from './support.ts';
import {
  axeViolations,
  clippedElements,
  mapPointOf,
  phoneContext,
  SMALL_PHONE_VIEWPORT,
  smallTouchTargets,
} from './citizen-support.ts';

/**
 * A report written without signal is kept on the phone and arrives exactly once when the
 * connection returns (the same idempotency key), on the small 360×740 phone.
 */
let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  ensureWebBuild();
  // one report per phone number a day, so the refusal can be seen
  [server, browser] = await Promise.all([
    startTestServer({ WEB_DIST, CITIZEN_REPORTS_PER_PHONE_PER_DAY: 1 }),
    launchBrowser(),
  ]);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const onlineCasesWith = async (description: string) =>
  (await server.services.cases.list({ search: description, limit: 10 })).filter((c) => c.source === 'online');

async function fillReport(page: Page, description: string): Promise<void> {
  await page.getByTestId('category-public_facilities').click();
  await page.locator('[data-testid^="class-"]').first().click();
  await page.getByTestId('location-map').scrollIntoViewIfNeeded();
  const p = await mapPointOf(page, 43.9362, 116.0881);
  await page.mouse.click(p.x, p.y);
  await expect.poll(() => page.getByTestId('place-chosen').textContent()).toContain('43.936');
  await page.getByTestId('description').fill(description);
}

describe('reporting without signal', () => {
  it('keeps the report on the phone, says so, and sends it once when the connection returns', async () => {
    const context = await phoneContext(browser, { viewport: SMALL_PHONE_VIEWPORT });
    const page = await context.newPage();
    await page.goto(`${server.url}/report`);
    await page.getByTestId('category-public_facilities').waitFor();
    expect(await smallTouchTargets(page)).toEqual([]);
    expect(await clippedElements(page, 'x')).toEqual([]);
    expect(await axeViolations(page)).toEqual([]);

    const description = `路灯不亮 离线测试 ${Date.now()}`;
    await fillReport(page, description);
    await context.setOffline(true);
    await page.getByTestId('offline-banner').waitFor();
    await page.getByTestId('submit-report').click();
    await page.getByTestId('report-kept').waitFor();
    expect(await page.getByTestId('report-kept').textContent()).toContain('联网后会自动发送');
    expect(await page.getByTestId('outbox-pending').textContent()).toContain('1');
    await screenshot(page, 'citizen-offline-kept');
    expect(await onlineCasesWith(description)).toHaveLength(0);

    await context.setOffline(false);
    const sent = page.getByTestId('outbox-sent');
    await sent.waitFor();
    const cases = await onlineCasesWith(description);
    expect(cases).toHaveLength(1);
    const report = (await server.services.citizen.store.reportByCaseId(cases[0]!.id))!;
    expect(await sent.textContent()).toContain(report.trackingCode);
    await page.getByTestId('outbox-pending').waitFor({ state: 'detached' });
    await screenshot(page, 'citizen-offline-sent');

    // the signal flickers again and the page reloads: nothing is sent a second time
    await context.setOffline(true);
    await context.setOffline(false);
    await page.reload();
    await page.getByTestId('category-public_facilities').waitFor();
    await new Promise((r) => setTimeout(r, 500));
    expect(await onlineCasesWith(description)).toHaveLength(1);
    expect(await page.evaluate(() => localStorage.getItem('citizen.outbox.v1'))).toBe('[]');
  });

  it('sends a report whose answer was lost once more with the same key, and the server keeps one case', async () => {
    const context = await phoneContext(browser);
    const page = await context.newPage();
    await page.goto(`${server.url}/report`);
    await page.getByTestId('category-public_facilities').waitFor();
    const description = `井盖缺失 应答丢失 ${Date.now()}`;
    await fillReport(page, description);
    // the server takes the report, but the answer never reaches the phone
    let submits = 0;
    await page.route('**/api/citizen/reports', async (route) => {
      submits++;
      await route.fetch();
      await route.abort('connectionfailed');
    });
    await page.getByTestId('submit-report').click();
    await page.getByTestId('report-kept').waitFor();
    expect(await onlineCasesWith(description)).toHaveLength(1);
    await page.unroute('**/api/citizen/reports');
    await page.evaluate(() => window.dispatchEvent(new Event('online')));
    await page.getByTestId('outbox-sent').waitFor();
    expect(submits).toBe(1);
    const cases = await onlineCasesWith(description);
    expect(cases).toHaveLength(1);
    expect(await page.getByTestId('outbox-sent').textContent()).toContain(
      (await server.services.citizen.store.reportByCaseId(cases[0]!.id))!.trackingCode,
    );
    await waitUntil(
      async () => page.evaluate(() => localStorage.getItem('citizen.outbox.v1')),
      (v) => v === '[]',
      'the outbox to empty',
    );
  });

  it('refuses a second report from the same phone number today, in the citizen’s language', async () => {
    const mn = JSON.parse(readFileSync(join(WEB_ROOT, 'src/citizen/i18n/mn-Mong.json'), 'utf8')) as {
      errors: Record<string, string>;
    };
    const page = await (await phoneContext(browser)).newPage();
    await page.goto(`${server.url}/report?lang=mn`);
    for (const n of [1, 2]) {
      await page.getByTestId('category-public_facilities').waitFor();
      await fillReport(page, `路灯 ${n} ${Date.now()}`);
      await page.getByTestId('phone').fill('13900005555');
      await page.getByTestId('submit-report').click();
      if (n === 1) {
        await page.getByTestId('tracking-code').waitFor();
        await page.goto(`${server.url}/report?lang=mn`);
      }
    }
    const refusal = page.getByTestId('citizen-error');
    await refusal.waitFor();
    expect(await refusal.textContent()).toBe(mn.errors.rate_limited_phone);
    await page.evaluate(() => window.scrollTo(document.documentElement.scrollWidth, 0));
    await screenshot(page, 'citizen-mn-refused');
  });
});
