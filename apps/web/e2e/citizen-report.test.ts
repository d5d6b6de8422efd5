import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { gcj02ToWgs84, wgs84ToGcj02 } from '@citygrid/domain';
import {
  CITY_CENTRE,
  WORK_VIEWPORT,
  goToRoute,
  launchBrowser,
  loginPage,
  makePng,
  newContext,
  screenshot,
  startWebServer,
  waitUntil,
  type TestServer,
} from './support.ts';
import {
  axeViolations,
  caseOfCode,
  clippedElements,
  phoneContext,
  smallTouchTargets,
} from './citizen-support.ts';

/**
 * 网上举报 on a 390×844 phone: a citizen reports in Chinese and another in traditional Mongolian,
 * staff verify, file and dispatch in the staff app, the unit disposes with a photo, the lead closes,
 * and the tracking page shows each step; the SMS sink holds the messages in each citizen's language.
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

async function expectCaseState(page: Page, state: string): Promise<void> {
  await page.locator(`[data-testid="case-state"][data-state="${state}"]`).waitFor({ timeout: 10_000 });
}

/** The lead verifies, files and dispatches the report from the dispatch queue's "to file" group. */
async function leadFilesAndDispatches(lead: Page, caseNumber: string): Promise<void> {
  await goToRoute(lead, '/dispatch');
  await lead.getByTestId('group-to_file').getByTestId(`case-row-${caseNumber}`).click();
  await expectCaseState(lead, 'reported');
  await lead.getByTestId('citizen-facts').waitFor();
  await lead.getByTestId('action-verify').click();
  await lead.getByTestId('action-form-verify').getByTestId('action-submit').click();
  await lead.locator('[data-testid="case-version"]', { hasText: '2' }).waitFor();
  await lead.getByTestId('action-file').click();
  await lead.getByTestId('action-form-file').getByTestId('action-submit').click();
  await expectCaseState(lead, 'filed');
  await lead.getByTestId('action-dispatch').click();
  await lead.getByTestId('action-form-dispatch').getByTestId('field-unit').selectOption('U09');
  await lead.getByTestId('action-form-dispatch').getByTestId('action-submit').click();
  await expectCaseState(lead, 'dispatched');
}

async function smsKinds(
  phone: string,
  n: number,
): Promise<Array<{ kind: string; lang: string; text: string }>> {
  return waitUntil(
    async () =>
      (await server.services.citizen.store.sinkMessages(phone)).map((m) => ({
        kind: m.kind,
        lang: m.lang,
        text: m.text,
      })),
    (l) => l.length >= n,
    `${n} SMS to ${phone}`,
  );
}

describe('a citizen reports from a phone in Chinese', () => {
  it('reports with a photo and the phone’s location, and follows it through verify, dispatch, disposal and closing to a rating', async () => {
    const phone = '13900001111';
    const citizen = await (
      await phoneContext(browser, { geolocation: { latitude: CITY_CENTRE.lat, longitude: CITY_CENTRE.lng } })
    ).newPage();
    await citizen.goto(`${server.url}/report`);
    await citizen.getByTestId('category-sanitation').click();
    await citizen.getByTestId('class-C0302').click();
    await citizen
      .getByTestId('photo-input')
      .setInputFiles({ name: 'bin.png', mimeType: 'image/png', buffer: makePng(64, [200, 80, 40]) });
    await citizen.locator('.thumb img').waitFor();
    // shrunk on the phone: re-encoded as JPEG through a canvas
    expect(await citizen.locator('.thumb img').getAttribute('src')).toMatch(/^data:image\/jpeg;base64,/);
    await citizen.getByTestId('use-location').click();
    await expect.poll(() => citizen.getByTestId('place-chosen').textContent()).toContain('43.93400');
    await citizen.getByTestId('description').fill('小区门口垃圾箱满溢，垃圾散落在人行道上');
    await citizen.getByTestId('phone').fill(phone);
    await citizen.getByTestId('public-ok').check();

    expect(await smallTouchTargets(citizen)).toEqual([]);
    expect(await clippedElements(citizen, 'x')).toEqual([]);
    await screenshot(citizen, 'citizen-zh-form');
    // the same form in English, then back to Chinese: nothing typed is lost by switching
    await citizen.getByTestId('lang-en').click();
    expect(await citizen.getByTestId('submit-report').textContent()).toBe('Send report');
    await citizen.evaluate(() => window.scrollTo(0, 0));
    await screenshot(citizen, 'citizen-en-form');
    await citizen.getByTestId('lang-zh').click();
    expect(await citizen.getByTestId('description').inputValue()).toContain('垃圾箱满溢');

    await citizen.getByTestId('submit-report').click();
    const codeEl = citizen.getByTestId('tracking-code');
    await codeEl.waitFor();
    const code = (await codeEl.getAttribute('data-code'))!;
    expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{12}$/);
    await citizen.getByTestId('tracking-qr').waitFor();
    await screenshot(citizen, 'citizen-zh-result');

    const record = await caseOfCode(server, code);
    expect(record).toMatchObject({
      state: 'reported',
      source: 'online',
      hotlineCategory: 'sanitation',
      callerPhone: phone,
    });
    const caseNumber = record.caseNumber;

    // --- staff: verify, file and dispatch (lead), accept and dispose with a photo (unit), close (lead) ---
    const lead = await loginPage(await newContext(browser, WORK_VIEWPORT), server.url, 'lead');
    await leadFilesAndDispatches(lead, caseNumber);
    // the citizen's photo is in the case drawer for staff (stored without its metadata)
    await expect
      .poll(() =>
        lead
          .getByTestId('citizen-photo')
          .evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth),
      )
      .toBe(64);
    await screenshot(lead, 'citizen-staff-drawer');
    const unit = await loginPage(await newContext(browser, WORK_VIEWPORT), server.url, 'unit-u09');
    await unit.getByTestId(`case-row-${caseNumber}`).click();
    await expectCaseState(unit, 'dispatched');
    // the unit holding the case sees the citizen's photo too
    await expect
      .poll(() =>
        unit
          .getByTestId('citizen-photo')
          .evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth),
      )
      .toBe(64);
    await unit.getByTestId('action-accept').click();
    await unit.getByTestId('action-form-accept').getByTestId('action-submit').click();
    await expectCaseState(unit, 'accepted');
    await unit.getByTestId('action-report_disposal').click();
    const form = unit.getByTestId('action-form-report_disposal');
    await form.getByTestId('field-note').fill('已清运满溢垃圾，垃圾箱复位');
    await form
      .getByTestId('field-photos')
      .setInputFiles({ name: 'after.png', mimeType: 'image/png', buffer: makePng(32) });
    await form.locator('.thumbs img').waitFor();
    await form.getByTestId('action-submit').click();
    await expectCaseState(unit, 'disposed');
    await goToRoute(lead, '/review');
    await lead.getByTestId('group-disposed').getByTestId(`case-row-${caseNumber}`).click();
    await lead.getByTestId('action-close').click();
    await lead.getByTestId('action-form-close').getByTestId('action-submit').click();
    await expectCaseState(lead, 'closed');

    // --- the tracking page shows each step, the unit, the disposal photo; no staff names ---
    await citizen.getByTestId('result-track-link').click();
    await citizen.getByTestId('timeline').waitFor();
    for (const step of ['received', 'verified', 'filed', 'dispatched', 'accepted', 'disposed', 'closed'])
      await citizen.getByTestId(`step-${step}`).waitFor();
    expect(await citizen.getByTestId('step-dispatched').textContent()).toContain(
      server.services.reference.unit('U09').name,
    );
    await expect
      .poll(() =>
        citizen
          .getByTestId('disposal-photo')
          .evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth),
      )
      .toBe(32);
    const pageText = (await citizen.locator('body').textContent())!;
    for (const u of await server.services.users.list()) expect(pageText).not.toContain(u.displayName);
    expect(pageText).not.toContain(phone);
    expect(pageText).not.toContain(caseNumber);
    expect(await axeViolations(citizen)).toEqual([]);

    await citizen.getByTestId('star-5').click();
    await citizen.getByTestId('rate-submit').click();
    await citizen.getByTestId('rated').waitFor();
    await citizen.getByTestId('step-rated').waitFor();
    await screenshot(citizen, 'citizen-zh-track');
    expect(await caseOfCode(server, code)).toMatchObject({ state: 'callback_done', satisfaction: 5 });

    const sms = await smsKinds(phone, 4);
    expect(sms.map((m) => m.kind)).toEqual(['received', 'filed', 'dispatched', 'closed']);
    expect(sms.every((m) => m.lang === 'zh')).toBe(true);
    expect(sms[0]!.text).toContain(code);
    expect(sms[0]!.text).toContain('您的举报已收到');
  });
});

describe('a citizen reports in traditional Mongolian', () => {
  it('writes the page vertically with the Mongolian font, scrolls sideways, takes a GCJ-02 place from a map app’s link, and answers in Mongolian', async () => {
    const phone = '13900002222';
    const gcj = wgs84ToGcj02({ lat: 43.9385, lng: 116.0795 });
    const citizen = await (await phoneContext(browser)).newPage();
    await citizen.goto(`${server.url}/report?lat=${gcj.lat}&lng=${gcj.lng}&crs=gcj02`);
    await citizen.getByTestId('category-water').waitFor();
    await citizen.getByTestId('lang-mn').click();
    expect(await citizen.evaluate(() => document.documentElement.lang)).toBe('mn-Mong');
    expect(await citizen.evaluate(() => getComputedStyle(document.documentElement).writingMode)).toBe(
      'vertical-lr',
    );
    await citizen.evaluate(() => document.fonts.ready);
    await expect
      .poll(() =>
        citizen.evaluate(() =>
          document.fonts.check('20px "Noto Sans Mongolian"', '\u182e\u1823\u1829\u182d\u1823\u182f'),
        ),
      )
      .toBe(true);
    await expect
      .poll(() =>
        citizen.evaluate(
          async () => (await document.fonts.load('20px "Noto Sans Mongolian"', '\u182e')).length,
        ),
      )
      .toBeGreaterThan(0);
    // the category names come from the mn-Mong file, in the Mongolian script
    expect(await citizen.getByTestId('category-water').textContent()).toMatch(
      /^[\u1800-\u18AF\u202F\u180E ]+$/,
    );
    // sideways: the page is wider than the phone, and nothing runs off the bottom
    await citizen.getByTestId('category-water').click();
    await citizen.getByTestId('class-E0112').click();
    await citizen.getByTestId('description').fill('ᠤᠰᠤ ᠭᠠᠳᠠᠭᠰᠢ ᠭᠠᠷᠴᠠᠢ 污水外溢');
    await citizen.getByTestId('phone').fill(phone);
    expect(await citizen.getByTestId('place-chosen').getAttribute('data-crs')).toBe('gcj02');
    expect(await citizen.evaluate(() => document.documentElement.scrollWidth > window.innerWidth)).toBe(true);
    expect(
      await citizen.evaluate(() => document.documentElement.scrollHeight <= window.innerHeight + 1),
    ).toBe(true);
    expect(await clippedElements(citizen, 'y')).toEqual([]);
    expect(await smallTouchTargets(citizen)).toEqual([]);
    await citizen.evaluate(() => window.scrollTo(0, 0));
    await screenshot(citizen, 'citizen-mn-form');
    await citizen.evaluate(() => window.scrollTo(document.documentElement.scrollWidth, 0));
    await screenshot(citizen, 'citizen-mn-form-end');
    expect(await axeViolations(citizen)).toEqual([]);

    await citizen.getByTestId('submit-report').click();
    const codeEl = citizen.getByTestId('tracking-code');
    await codeEl.waitFor();
    const code = (await codeEl.getAttribute('data-code'))!;
    await citizen.getByTestId('tracking-qr').waitFor();
    await citizen.evaluate(() => window.scrollTo(0, 0));
    await screenshot(citizen, 'citizen-mn-result');
    const record = await caseOfCode(server, code);
    const wgs = gcj02ToWgs84(gcj);
    expect(record.lat).toBeCloseTo(wgs.lat, 9);
    expect(record.lng).toBeCloseTo(wgs.lng, 9);
    expect(await server.services.citizen.store.reportByCode(code)).toMatchObject({
      lang: 'mn',
      coordSystem: 'gcj02',
    });

    // the lead files and dispatches: the citizen's page and SMS follow in Mongolian
    const lead = await loginPage(await newContext(browser, WORK_VIEWPORT), server.url, 'lead');
    await leadFilesAndDispatches(lead, record.caseNumber);
    await citizen.getByTestId('result-track-link').click();
    await citizen.getByTestId('step-dispatched').waitFor();
    expect(await citizen.getByTestId('timeline-status').textContent()).toMatch(/[\u1820-\u18AF]/);
    expect(await clippedElements(citizen, 'y')).toEqual([]);
    await screenshot(citizen, 'citizen-mn-track');
    expect(await axeViolations(citizen)).toEqual([]);
    const sms = await smsKinds(phone, 3);
    expect(sms.map((m) => m.kind)).toEqual(['received', 'filed', 'dispatched']);
    expect(sms.every((m) => m.lang === 'mn' && /[\u1820-\u18AF]/.test(m.text))).toBe(true);
  });
});
