import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import {
  CITY_CENTRE,
  WORK_VIEWPORT,
  goToRoute,
  launchBrowser,
  loginAs,
  loginPage,
  newContext,
  screenshot,
  startWebServer,
  type TestServer,
} from './support.ts';

/** What a person reads: errors that say what is wrong and what to do, in the language they chose. */
let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([startWebServer(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const HAN = /\p{Script=Han}/u;
const POLL = { timeout: 15_000 };
const text = async (l: Locator) => (await l.allInnerTexts()).join('\n');

async function english(page: Page): Promise<void> {
  await page.getByTestId('language-switch').selectOption('en');
  await expect.poll(() => page.evaluate(() => document.documentElement.lang), POLL).toBe('en');
}

describe('messages a person reads', () => {
  it('refuses a 6,000-character description naming the field and its maximum length (Chinese)', async () => {
    const page = await loginPage(await newContext(browser, WORK_VIEWPORT), server.url, 'operator');
    await page.getByTestId('intake-screen').waitFor();
    await page.getByTestId('intake-category-search').fill('垃圾箱');
    await page.getByTestId('category-option-C0302').click();
    await page.getByTestId('intake-description').fill('垃'.repeat(6000));
    await page.getByTestId('intake-submit').click();
    const error = page.getByTestId('error-description');
    await expect.poll(() => error.textContent(), POLL).toBe('“问题描述”最多 4,000 个字，请删减后再提交');
    await screenshot(page, 'intake-too-long-zh');
    expect(
      (server.services.database!.sqlite.prepare('select count(*) as n from cases').get() as { n: number }).n,
    ).toBe(0);
  });

  it('in English the case drawer, its history, an upload refusal and a malformed case address show no Chinese where a translation exists', async () => {
    const operator = await loginAs(server, 'operator');
    const unit = await loginAs(server, 'unit-u09');
    const created = await operator.client.intake.create.mutate({
      nature: 'complaint',
      minorClassCode: 'C0302',
      description: 'Overflowing bin',
      urgency: 'normal',
      location: CITY_CENTRE,
    });
    expect(created.routeExplanation).toMatch(HAN); // stored in Chinese
    await unit.client.cases.act.mutate({
      caseNumber: created.caseNumber,
      expectedVersion: created.version,
      action: { type: 'accept' },
    });

    const page = await loginPage(await newContext(browser, WORK_VIEWPORT), server.url, 'unit-u09');
    await english(page);
    await goToRoute(page, `/case/${created.caseNumber}`);
    const drawer = page.getByTestId('case-drawer');
    await expect.poll(() => page.getByTestId('case-state').getAttribute('data-state'), POLL).toBe('accepted');
    const route = await page.getByTestId('case-route').innerText();
    expect(route).toMatch(/rule|No rule matched/);
    expect(route).not.toMatch(HAN);
    expect(await page.getByTestId('case-cell').innerText()).toMatch(/cell \d{2}/);
    expect(await text(drawer.locator('dl.facts'))).not.toMatch(HAN);
    const history = page.getByTestId('case-history');
    expect(await history.locator('li').count()).toBe(4); // report, file, dispatch, accept
    expect(await text(history)).not.toMatch(HAN);
    expect(await text(history.getByTestId('history-actor'))).toContain('System');
    await screenshot(page, 'case-drawer-en');

    // a file that is not a picture is refused in English, saying what to upload
    await page.getByTestId('action-report_disposal').click();
    await page
      .getByTestId('field-photos')
      .setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a picture') });
    const refusal = page.getByTestId('upload-error');
    await expect
      .poll(() => refusal.textContent(), POLL)
      .toBe('Only JPEG, PNG, WebP or GIF images can be uploaded; choose a photo');
    await refusal.scrollIntoViewIfNeeded();
    await screenshot(page, 'upload-refused-en');

    // a malformed case address answers in English, with what a case number looks like
    await goToRoute(page, '/case/garbage');
    const bad = page.getByTestId('error');
    await expect.poll(() => text(bad), POLL).toContain('Not a case number: garbage');
    expect(await text(bad)).not.toMatch(HAN);
    await screenshot(page, 'bad-case-url-en');

    // and in Chinese the same drawer speaks Chinese again
    await page.getByTestId('language-switch').selectOption('zh');
    await goToRoute(page, `/case/${created.caseNumber}`);
    await expect.poll(() => page.getByTestId('case-route').innerText(), POLL).toBe(created.routeExplanation);
    await screenshot(page, 'case-drawer-zh');
  });
});
