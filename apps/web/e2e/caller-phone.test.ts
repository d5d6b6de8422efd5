import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import {
  CITY_CENTRE,
  WORK_VIEWPORT,
  launchBrowser,
  loginAs,
  loginPage,
  newContext,
  screenshot,
  startWebServer,
  type TestServer,
} from './support.ts';

/** The caller's phone number on the intake screen: history however it is written, impossible numbers refused. */
let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([startWebServer(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('the caller phone field on the intake screen', () => {
  it('shows the history of a caller filed as "138 0000 0001" when the operator types 13800000001', async () => {
    const api = await loginAs(server, 'operator');
    const filed = await api.client.intake.create.mutate({
      callerPhone: '138 0000 0001',
      nature: 'complaint',
      minorClassCode: 'C0302',
      description: '垃圾箱满了没人清',
      urgency: 'normal',
      location: CITY_CENTRE,
    });

    const page = await loginPage(await newContext(browser, WORK_VIEWPORT), server.url, 'operator');
    await page.getByTestId('intake-phone').fill('13800000001');
    const history = page.getByTestId('caller-history');
    await expect.poll(() => history.textContent(), { timeout: 8_000 }).toContain(filed.caseNumber);
  });

  it('refuses an impossible number with a Chinese message under the phone field and files nothing', async () => {
    const page = await loginPage(await newContext(browser, WORK_VIEWPORT), server.url, 'operator');
    await page.getByTestId('intake-phone').fill('0000000');
    await page.getByTestId('history-phone-error').waitFor();
    await page.getByTestId('intake-category-search').fill('垃圾箱');
    await page.getByTestId('intake-category-search').press('Enter');
    await page.getByTestId('intake-description').fill('垃圾箱满了');
    await page.getByTestId('intake-submit').click();
    const error = page.getByTestId('error-callerPhone');
    await error.waitFor();
    expect(await error.textContent()).toContain('电话号码无效');
    expect(await page.getByTestId('intake-result').count()).toBe(0);
    await screenshot(page, 'intake-phone-invalid-zh');
  });
});
