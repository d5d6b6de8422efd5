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
  waitUntil,
  type TestServer,
} from './support.ts';

/** A second call about the same problem is linked to the open case instead of opening another. */
let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([startWebServer(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('the nearby-case suggestion at intake', () => {
  it('suggests the open case of the same class near the clicked point and links the call to it with one keystroke', async () => {
    const api = await loginAs(server, 'operator');
    const original = await api.client.intake.create.mutate({
      callerPhone: '13800000011',
      nature: 'complaint',
      minorClassCode: 'C0302',
      description: '垃圾箱破损，垃圾散落一地',
      urgency: 'normal',
      location: CITY_CENTRE,
    });
    expect(original.state).toBe('dispatched');

    const page = await loginPage(await newContext(browser, WORK_VIEWPORT), server.url, 'operator');
    await page.getByTestId('intake-phone').fill('13800000022');
    await page.getByTestId('intake-category-search').fill('垃圾箱');
    await page.getByTestId('category-option-C0302').click();
    await page.getByTestId('intake-description').fill('同一个垃圾箱又有人反映，垃圾散落');
    // about 30 m north-east of the original case
    const near = { lat: CITY_CENTRE.lat + 0.0002, lng: CITY_CENTRE.lng + 0.0002 };
    await page.getByTestId('intake-map').scrollIntoViewIfNeeded();
    const point = await waitUntil(
      () => page.evaluate(({ lat, lng }) => window.__citygrid.clientPointOf(lat, lng, 'intake'), near),
      (p) => p !== null,
      'the intake map to mount',
    );
    await page.mouse.click(point!.x, point!.y);
    // the click set the location where it was aimed (the map did not move under the pointer)
    const picked = await waitUntil(
      async () => (await page.getByTestId('intake-location').textContent())?.match(/^(\d+\.\d+), (\d+\.\d+)/),
      (m) => m != null,
      'the clicked point to become the location',
    );
    expect(Math.abs(Number(picked![1]) - near.lat)).toBeLessThan(0.0005);
    expect(Math.abs(Number(picked![2]) - near.lng)).toBeLessThan(0.0005);

    const suggestion = page.getByTestId('intake-nearby').locator('li').first();
    await expect.poll(() => suggestion.textContent(), { timeout: 8_000 }).toContain(original.caseNumber);
    await page.getByTestId('link-duplicate-1').waitFor();
    await screenshot(page, 'intake-duplicate-suggestion');

    // Alt+1: link to the first suggestion, from wherever the focus is on the intake screen
    await page.getByTestId('intake-description').press('Alt+1');
    const result = page.getByTestId('intake-result');
    await result.waitFor();
    const linkedNumber = (await page.getByTestId('case-number').textContent())!.trim();
    expect(linkedNumber).not.toBe(original.caseNumber);
    expect(await page.getByTestId('result-state').getAttribute('data-state')).toBe('merged');
    expect(await page.getByTestId('result-state').textContent()).toBe('已合并');
    expect(await page.getByTestId('result-merged-into').getAttribute('data-case-number')).toBe(
      original.caseNumber,
    );
    expect(await page.getByTestId('result-merged-into').textContent()).toContain(original.caseNumber);
    await screenshot(page, 'intake-duplicate-linked');

    // the call has its own number, merged into the original, which stays open and untouched
    const linked = await api.client.cases.get.query({ caseNumber: linkedNumber });
    expect(linked.record).toMatchObject({
      state: 'merged',
      mergedInto: original.caseNumber,
      callerPhone: '13800000022',
    });
    const after = await api.client.cases.get.query({ caseNumber: original.caseNumber });
    expect(after.record).toMatchObject({ state: 'dispatched', unitCode: 'U09' });
  });
});
