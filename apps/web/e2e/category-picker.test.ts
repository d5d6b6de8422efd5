import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import {
  WORK_VIEWPORT,
  launchBrowser,
  loginPage,
  newContext,
  screenshot,
  startWebServer,
  type TestServer,
} from './support.ts';

/**
 * The operator's category picker (小类) on the intake screen: what Enter picks when the search text
 * arrives all at once (an input-method commit or a paste), whether a pick narrows later searches, and
 * what the picker says when nothing matches exactly.
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

const pickedCode = (page: Page) => page.getByTestId('intake-minor-class').getAttribute('data-code');

/** Text arriving in one input event, then Enter at once — no waiting for the list to render. */
async function pasteAndEnter(page: Page, text: string): Promise<void> {
  const search = page.getByTestId('intake-category-search');
  await search.focus();
  await page.keyboard.insertText(text);
  await page.keyboard.press('Enter');
}

describe('the category picker on the intake screen', () => {
  it('picks the class for the text now in the field when Enter follows a paste at once, every time', async () => {
    const page = await loginPage(await newContext(browser, WORK_VIEWPORT), server.url, 'operator');
    await page.getByTestId('intake-category-search').waitFor();
    const queries: Array<[string, string]> = [
      ['垃圾箱', 'C0302'],
      ['路灯', 'C0110'],
      ['违章停车', 'E0503'],
      ['停暖', 'E0602'],
    ];
    const wrong: string[] = [];
    for (let trial = 0; trial < 15; trial++) {
      for (const [text, code] of queries) {
        // start every trial from the unfiltered list, as at the start of a call
        await page.getByTestId('intake-hotline-category').selectOption('');
        await pasteAndEnter(page, text);
        const got = await pickedCode(page);
        if (got !== code) wrong.push(`${text} → ${got || '(nothing)'}`);
        await expect.poll(() => page.getByTestId('intake-category-search').inputValue()).toBe('');
      }
    }
    expect(wrong).toEqual([]);
  });

  it('does not narrow the next search silently after a pick: a class of another hotline category is still found', async () => {
    const page = await loginPage(await newContext(browser, WORK_VIEWPORT), server.url, 'operator');
    const search = page.getByTestId('intake-category-search');
    await search.fill('垃圾箱');
    await page.getByTestId('category-option-C0302').click();
    expect(await pickedCode(page)).toBe('C0302');
    await screenshot(page, 'intake-category-picked-zh');

    // the caller corrects themself: it is the street light, not the bin
    await search.fill('路灯');
    await page.getByTestId('category-option-C0110').waitFor();
    await search.press('Enter');
    expect(await pickedCode(page)).toBe('C0110');
  });

  it('says when a visible hotline-category filter hides matches, and still offers them', async () => {
    const page = await loginPage(await newContext(browser, WORK_VIEWPORT), server.url, 'operator');
    await page.getByTestId('intake-hotline-category').selectOption('sanitation');
    const search = page.getByTestId('intake-category-search');
    await search.fill('路灯');
    await page.getByTestId('category-filter-hidden').waitFor();
    await screenshot(page, 'intake-category-filter-hidden-zh');
    await page.getByTestId('category-option-C0110').click();
    expect(await pickedCode(page)).toBe('C0110');
  });

  it('finds what callers say and shows the nearest classes with a hint when nothing matches exactly, in Chinese and English', async () => {
    const page = await loginPage(await newContext(browser, WORK_VIEWPORT), server.url, 'operator');
    const search = page.getByTestId('intake-category-search');
    for (const [text, code] of [
      ['供暖不热', 'E0601'],
      ['井盖缺失', 'C0101'],
      ['违停', 'E0503'],
      ['gn', 'E0601'],
    ] as const) {
      await search.fill(text);
      await page.getByTestId(`category-option-${code}`).waitFor();
    }
    // 'gn' (供暖) must not find the traffic sign through its English name ("sign")
    expect(await page.getByTestId('category-option-C0203').count()).toBe(0);

    await search.fill('屋顶漏雨');
    const hint = page.getByTestId('category-no-match');
    await hint.waitFor();
    expect(await hint.textContent()).toContain('没有完全匹配');
    expect(await page.locator('[data-testid^="category-option-"]').count()).toBeGreaterThan(0);
    await screenshot(page, 'intake-category-no-match-zh');

    await page.getByTestId('language-switch').selectOption('en');
    await search.fill('');
    await search.fill('屋顶漏雨');
    await hint.waitFor();
    expect(await hint.textContent()).toContain('No exact match');
    await screenshot(page, 'intake-category-no-match-en');

    // the nearest classes are only suggestions: Enter alone picks none of them
    await search.press('Enter');
    expect(await pickedCode(page)).toBe('');
    await search.press('ArrowDown');
    await search.press('Enter');
    expect(await pickedCode(page)).not.toBe('');

    await search.fill('供暖不热');
    await search.press('Enter');
    expect(await pickedCode(page)).toBe('E0601');
    await screenshot(page, 'intake-category-picked-en');
  });
});
