import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import {
  CITY_CENTRE,
  WEB_DIST,
  WORK_VIEWPORT,
  ensureWebBuild,
  loginAs,
  goToRoute,
  launchBrowser,
  loginPage,
  newContext,
  screenshot,
  startTestServer,
  type TestServer,
} from './support.ts';

/** The work queues on a database with two years of history: true counts, every page reachable, search over all of it. */
let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  ensureWebBuild();
  [server, browser] = await Promise.all([
    startTestServer({ WEB_DIST, SEED_HISTORY_CASES: 20_000 }),
    launchBrowser(),
  ]);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** Screens load lazily and the seeded queries take a moment on these cores. */
const POLL = { timeout: 15_000 };
const db = () => server.services.database!.sqlite;
const digits = (s: string | null) => (s ?? '').replace(/[^\d–-]/g, '');

async function caseRows(page: Page): Promise<string[]> {
  return page
    .getByTestId('queue-list')
    .locator('[data-testid^="case-row-"]')
    .evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')!.slice('case-row-'.length)));
}

describe('the review queue on a seeded database', () => {
  it('shows how many cases truly await a callback, reaches the last page and finds a case by number', async () => {
    const awaiting = (
      db().prepare("select count(*) as n from cases where state = 'closed'").get() as { n: number }
    ).n;
    expect(awaiting).toBeGreaterThan(1000);
    const page = await loginPage(await newContext(browser, WORK_VIEWPORT), server.url, 'inspector');
    await goToRoute(page, '/review');
    await expect
      .poll(() => page.getByTestId('section-count-closed').textContent(), POLL)
      .toBe(String(awaiting));
    await page.getByTestId('section-closed').click();
    await expect
      .poll(() => page.getByTestId('queue-range').textContent().then(digits), POLL)
      .toBe(`1–50${awaiting}`);
    await screenshot(page, 'review-queue-zh');

    // the last page holds the oldest cases awaiting a callback, exactly the ones the database has there
    await page.getByTestId('page-last').click();
    const lastFrom = Math.floor((awaiting - 1) / 50) * 50;
    await expect
      .poll(() => page.getByTestId('queue-range').textContent().then(digits), POLL)
      .toBe(`${lastFrom + 1}–${awaiting}${awaiting}`);
    const expected = (
      db()
        .prepare(
          "select case_number as n from cases where state = 'closed' order by updated_at desc, id desc limit 50 offset ?",
        )
        .all(lastFrom) as Array<{ n: string }>
    ).map((r) => r.n);
    await expect.poll(() => caseRows(page), POLL).toEqual(expected);
    expect(await page.getByTestId('page-next').isDisabled()).toBe(true);

    // a case number from that last page, typed into the search box, is found from the first page
    await page.getByTestId('page-first').click();
    const wanted = expected[expected.length - 1]!;
    await page.getByTestId('queue-search').fill(wanted);
    await expect.poll(() => caseRows(page), POLL).toEqual([wanted]);
    await page.getByTestId(`case-row-${wanted}`).click();
    await expect.poll(() => page.getByTestId('case-state').getAttribute('data-state'), POLL).toBe('closed');
    await screenshot(page, 'review-search-zh');

    // the same queue in English: the counts stay true, the labels come from the message files
    await page.getByTestId('queue-search').fill('');
    await page.getByTestId('language-switch').selectOption('en');
    await expect
      .poll(() => page.getByTestId('queue-range').textContent(), POLL)
      .toBe(`1–50 of ${awaiting.toLocaleString('en')}`);
    await screenshot(page, 'review-queue-en');
  });

  it('the dispatch and unit queues show their true totals and search by caller phone', async () => {
    const dispatcher = await loginPage(await newContext(browser, WORK_VIEWPORT), server.url, 'dispatcher');
    await goToRoute(dispatcher, '/dispatch');
    const inDispatch = (
      db()
        .prepare(
          "select count(*) as n from cases where state in ('reported','filed','return_requested','extension_requested','park_requested')",
        )
        .get() as { n: number }
    ).n;
    await expect
      .poll(() => dispatcher.getByTestId('queue-count').textContent().then(digits), POLL)
      .toBe(String(inDispatch));
    await screenshot(dispatcher, 'dispatch-queue-zh');
    await dispatcher.getByTestId('language-switch').selectOption('en');
    await expect
      .poll(() => dispatcher.getByTestId('queue-count').textContent(), POLL)
      .toBe(`${inDispatch} cases`);
    await screenshot(dispatcher, 'dispatch-queue-en');

    // the seeded city's backlog is days old and small: a caller with a phone files one more for U09
    const operator = await loginAs(server, 'operator');
    await operator.client.intake.create.mutate({
      callerPhone: '13912345678',
      nature: 'complaint',
      minorClassCode: 'C0302',
      description: '垃圾箱满溢，异味大',
      urgency: 'normal',
      location: CITY_CENTRE,
    });
    const unit = await loginPage(await newContext(browser, WORK_VIEWPORT), server.url, 'unit-u09');
    await goToRoute(unit, '/unit');
    const states =
      "('dispatched','accepted','return_requested','extension_requested','park_requested','parked','disposed')";
    const inUnit = (
      db()
        .prepare(`select count(*) as n from cases where unit_code = 'U09' and state in ${states}`)
        .get() as { n: number }
    ).n;
    await expect
      .poll(() => unit.getByTestId('queue-count').textContent().then(digits), POLL)
      .toBe(String(inUnit));
    const withPhone = db()
      .prepare(
        `select case_number as n, caller_phone as p from cases where unit_code = 'U09' and state in ${states} and caller_phone is not null order by due_at desc limit 1`,
      )
      .get() as { n: string; p: string };
    await unit.getByTestId('queue-search').fill(withPhone.p);
    await expect.poll(() => caseRows(unit), POLL).toContain(withPhone.n);
    await screenshot(unit, 'unit-queue-search-zh');
    await unit.getByTestId('queue-search').fill('');
    await expect
      .poll(() => unit.getByTestId('queue-list').locator('[data-testid^="case-row-"]').count(), POLL)
      .toBe(inUnit);
    await screenshot(unit, 'unit-queue-zh');
  });
});
