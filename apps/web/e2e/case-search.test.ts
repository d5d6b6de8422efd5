import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import {
  CITY_CENTRE,
  goToRoute,
  launchBrowser,
  loginAs,
  loginPage,
  newContext,
  screenshot,
  startWebServer,
  type TestServer,
} from './support.ts';

/** The case search screen (`#/search`), driven the way a supervisor and a unit's staff use it. */
let server: TestServer;
let browser: Browser;
const filed: string[] = [];
let unitCase = '';
let unit = '';

beforeAll(async () => {
  [server, browser] = await Promise.all([startWebServer(), launchBrowser()]);
  const operator = await loginAs(server, 'operator');
  for (let i = 0; i < 23; i++) {
    const c = await operator.client.intake.create.mutate({
      nature: 'complaint',
      minorClassCode: i % 2 ? 'C0302' : 'C0101',
      description: `团结大街北侧井盖检索样例第${i}号`,
      urgency: 'normal',
      location: CITY_CENTRE,
      address: `锡林大街${100 + i}号`,
      callerPhone: `1394790${String(1000 + i)}`,
    });
    filed.push(c.caseNumber);
  }
  unitCase = filed[filed.length - 1]!;
  unit = (
    server.services
      .database!.sqlite.prepare('select unit_code as u from cases where case_number = ?')
      .get(unitCase) as { u: string }
  ).u;
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('case search screen', () => {
  it('finds cases by Chinese text and by phone, newest first, a page at a time, in Chinese and English', async () => {
    const page = await loginPage(await newContext(browser), server.url, 'supervisor');
    await page.getByTestId('nav-search').click();
    await page.getByTestId('search-input').fill('井盖检索');
    await page.getByTestId('search-submit').click();
    await expect
      .poll(() => page.getByTestId('search-total').textContent(), { timeout: 15_000 })
      .toBe('共 23 件');
    const rows = page.locator('[data-testid^="search-row-"]');
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(20);
    expect(await rows.first().getAttribute('data-testid')).toBe(`search-row-${filed[22]}`);
    await screenshot(page, 'case-search-zh');
    await page.getByTestId('search-next').click();
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(3);
    expect(await rows.last().getAttribute('data-testid')).toBe(`search-row-${filed[0]}`);
    await page.getByTestId('search-prev').click();
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(20);

    // a phone typed the way a caller reads it out
    await page.getByTestId('search-input').fill('+86 139-4790-1005');
    await page.getByTestId('search-submit').click();
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(1);
    expect(await rows.first().getAttribute('data-testid')).toBe(`search-row-${filed[5]}`);
    // the case opens beside the list
    await rows.first().click();
    await expect.poll(() => page.getByTestId('case-drawer').isVisible(), { timeout: 15_000 }).toBe(true);

    await page.getByTestId('language-switch').selectOption('en');
    await page.getByTestId('search-input').fill('锡林大街');
    await page.getByTestId('search-submit').click();
    await expect
      .poll(() => page.getByTestId('search-total').textContent(), { timeout: 15_000 })
      .toBe('23 cases');
    await screenshot(page, 'case-search-en');
  });

  it("shows unit staff only their unit's cases and explains a query with nothing to search", async () => {
    const page = await loginPage(await newContext(browser), server.url, `unit-${unit.toLowerCase()}`);
    await goToRoute(page, `/search?q=${encodeURIComponent('井盖检索')}`);
    const rows = page.locator('[data-testid^="search-row-"]');
    const expected = server.services
      .database!.sqlite.prepare(
        "select count(*) as n from cases where unit_code = ? and description like '%井盖检索%'",
      )
      .get(unit) as { n: number };
    await expect
      .poll(() => page.getByTestId('search-total').textContent(), { timeout: 15_000 })
      .toBe(`共 ${expected.n} 件`);
    expect(expected.n).toBeLessThan(23);
    for (const id of await rows.evaluateAll((els) =>
      els.map((e) => e.getAttribute('data-testid')!.replace('search-row-', '')),
    )) {
      const u = server.services
        .database!.sqlite.prepare('select unit_code as u from cases where case_number = ?')
        .get(id) as { u: string };
      expect(u.u).toBe(unit);
    }
    await page.getByTestId('search-input').fill('"*');
    await page.getByTestId('search-submit').click();
    await expect
      .poll(() => page.getByText('请输入案件编号、电话号码，或地址、描述中的文字').count(), {
        timeout: 15_000,
      })
      .toBeGreaterThan(0);
  });
});
