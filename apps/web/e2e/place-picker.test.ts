import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import {
  WORK_VIEWPORT,
  launchBrowser,
  loginPage,
  newContext,
  startWebServer,
  type TestServer,
} from './support.ts';

/** The gazetteer search on the intake screen: the same keyboard combobox as the class picker. */
let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([startWebServer(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('the place search on the intake screen', () => {
  it('picks the place the operator moves to with ↓ and Enter, as point and address, and files nothing', async () => {
    const page = await loginPage(await newContext(browser, WORK_VIEWPORT), server.url, 'operator');
    const search = page.getByTestId('intake-place-search');
    await search.fill('锡林');
    await page.getByTestId('place-option-1').waitFor();
    const second = (await page.getByTestId('place-option-1').textContent()) ?? '';
    await search.press('ArrowDown');
    await search.press('Enter');
    await expect.poll(() => page.getByTestId('intake-address').inputValue()).not.toBe('');
    expect(second.startsWith(await page.getByTestId('intake-address').inputValue())).toBe(true);
    expect(await search.inputValue()).toBe('');
    expect(await page.getByTestId('intake-location').textContent()).toMatch(/^\d+\.\d{5}, \d+\.\d{5}/);
    expect(await page.getByTestId('intake-result').count()).toBe(0);
  });

  it('does not file the call when Enter is pressed on a place that matches nothing', async () => {
    const page = await loginPage(await newContext(browser, WORK_VIEWPORT), server.url, 'operator');
    await page.getByTestId('intake-category-search').fill('垃圾箱');
    await page.getByTestId('intake-category-search').press('Enter');
    await page.getByTestId('intake-description').fill('垃圾箱满了');
    const search = page.getByTestId('intake-place-search');
    await search.fill('zzzz没有这个地方');
    await search.press('Enter');
    await page.waitForTimeout(1_000);
    expect(await page.getByTestId('intake-result').count()).toBe(0);
    expect(await page.getByTestId('intake-location').textContent()).not.toMatch(/^\d+\.\d{5}/);
  });
});
