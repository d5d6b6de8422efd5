import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import {
  CITY_CENTRE,
  MAP_VIEWPORT,
  WORK_VIEWPORT,
  goToRoute,
  launchBrowser,
  loginPage,
  makePng,
  mapDebug,
  newContext,
  screenshot,
  startWebServer,
  waitUntil,
  type TestServer,
} from './support.ts';

/**
 * One case around the whole loop, each role in its own browser context, while a supervisor's
 * command map stays open (never reloaded) and follows every step over the live stream.
 */
let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([startWebServer(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** Wait until the case drawer shows the case in `state`. */
async function expectCaseState(page: Page, state: string): Promise<void> {
  await page.locator(`[data-testid="case-state"][data-state="${state}"]`).waitFor({ timeout: 10_000 });
}

describe('the closed loop across roles, watched live on the command map', () => {
  it('takes a call logged on the intake map through disposal and closing while the supervisor’s map follows without a reload', async () => {
    const u09Name = server.services.reference.unit('U09').name;

    // --- the supervisor's map, open for the whole test in its own context ---
    const supervisor = await loginPage(await newContext(browser, MAP_VIEWPORT), server.url, 'supervisor');
    await supervisor.getByTestId('command-map').waitFor();
    await supervisor.locator('[data-testid="live-status"][data-status="connected"]').waitFor();
    await supervisor.getByTestId('loading').waitFor({ state: 'detached' });
    await supervisor.evaluate(() => {
      window.__sameDocument = true;
    });
    const before = await mapDebug.markerCount(supervisor);
    await screenshot(supervisor, 'map-before');

    // --- the operator logs the call, locating it by clicking on the intake map ---
    const operator = await loginPage(await newContext(browser, WORK_VIEWPORT), server.url, 'operator');
    await operator.getByTestId('intake-screen').waitFor();
    await operator.getByTestId('intake-phone').fill('13947900001');
    await operator.getByTestId('nature-report').check();
    await operator.getByTestId('intake-category-search').fill('垃圾箱');
    await operator.getByTestId('category-option-C0302').click();
    await expect
      .poll(() => operator.getByTestId('intake-minor-class').getAttribute('data-code'))
      .toBe('C0302');
    await operator.getByTestId('intake-description').fill('中心广场东侧垃圾箱满溢，垃圾散落在人行道上');

    const intakeMap = operator.getByTestId('intake-map');
    await intakeMap.scrollIntoViewIfNeeded();
    const point = await waitUntil(
      () =>
        operator.evaluate(({ lat, lng }) => window.__citygrid.clientPointOf(lat, lng, 'intake'), CITY_CENTRE),
      (p) => p !== null,
      'the intake map to mount',
    );
    await operator.mouse.click(point!.x, point!.y);
    await expect.poll(() => operator.getByTestId('intake-location').textContent()).toContain('43.93');
    // the preview follows the clicked point: its grid cell, and the unit the routing rules name
    await expect
      .poll(() => operator.getByTestId('preview-cell').textContent(), { timeout: 10_000 })
      .toMatch(/^152502\d{8}$/);
    expect(await operator.getByTestId('preview-unit').textContent()).toContain(u09Name);
    await screenshot(operator, 'intake-filled');

    await operator.getByTestId('intake-description').press('Control+Enter');
    const caseNumberEl = operator.getByTestId('case-number');
    await caseNumberEl.waitFor();
    const caseNumber = (await caseNumberEl.textContent())!.trim();
    expect(caseNumber).toMatch(/^\d{8}-\d{4}$/);
    expect(await operator.getByTestId('result-state').getAttribute('data-state')).toBe('dispatched');
    await screenshot(operator, 'intake-result');

    // --- the new case appears on the supervisor's map, coloured by its light ---
    await waitUntil(
      () => mapDebug.markerCount(supervisor),
      (n) => n === before + 1,
      'the new marker on the map',
    );
    const newColour = await waitUntil(
      () => mapDebug.markerColor(supervisor, caseNumber),
      (c) => c !== null,
      'the new marker’s colour',
    );
    expect(['green', 'yellow', 'red']).toContain(newColour);
    await screenshot(supervisor, 'map-new-case');

    // --- the owner unit's staff accept it and report the disposal with a photo ---
    const unit = await loginPage(await newContext(browser, WORK_VIEWPORT), server.url, 'unit-u09');
    await unit.getByTestId(`case-row-${caseNumber}`).click();
    await expectCaseState(unit, 'dispatched');
    await screenshot(unit, 'unit-queue');
    await unit.getByTestId('action-accept').click();
    await unit.getByTestId('action-form-accept').getByTestId('action-submit').click();
    await expectCaseState(unit, 'accepted');
    await waitUntil(
      () => mapDebug.markerColor(supervisor, caseNumber),
      (c) => c !== null && c !== 'blue',
      'the accepted case to stay on the map',
    );

    await unit.getByTestId('action-report_disposal').click();
    const form = unit.getByTestId('action-form-report_disposal');
    await form.getByTestId('field-note').fill('已清运满溢垃圾并清扫人行道，垃圾箱已复位');
    await form
      .getByTestId('field-photos')
      .setInputFiles({ name: 'after.png', mimeType: 'image/png', buffer: makePng(32) });
    await form.locator('.thumbs img').waitFor();
    await screenshot(unit, 'unit-disposal');
    await form.getByTestId('action-submit').click();
    await expectCaseState(unit, 'disposed');

    // --- the supervisor's marker turns blue (to check) ---
    await waitUntil(
      () => mapDebug.markerColor(supervisor, caseNumber),
      (c) => c === 'blue',
      'the marker to turn blue',
    );
    await screenshot(supervisor, 'map-disposed');

    // --- the shift lead checks and closes it ---
    const lead = await loginPage(await newContext(browser, WORK_VIEWPORT), server.url, 'lead');
    await goToRoute(lead, '/review');
    await lead.getByTestId('group-disposed').getByTestId(`case-row-${caseNumber}`).click();
    await expectCaseState(lead, 'disposed');
    // the disposal photo travels with the case
    await expect.poll(() => lead.getByTestId('case-history').locator('img').count()).toBe(1);
    await lead.getByTestId('action-close').click();
    await lead.getByTestId('action-form-close').getByTestId('action-submit').click();
    await expectCaseState(lead, 'closed');
    await screenshot(lead, 'review-closed');

    // --- a closed case is not open: its marker leaves the map ---
    await waitUntil(
      () => mapDebug.markerColor(supervisor, caseNumber),
      (c) => c === null,
      'the marker to leave the map',
    );
    expect(await mapDebug.markerCount(supervisor)).toBe(before);
    expect(await supervisor.evaluate(() => window.__sameDocument)).toBe(true);
    await screenshot(supervisor, 'map-after-close');

    const stored = await server.services.cases.getRecord(caseNumber);
    expect(stored).toMatchObject({
      state: 'closed',
      unitCode: 'U09',
      nature: 'report',
      callerPhone: '13947900001',
    });
  });
});
