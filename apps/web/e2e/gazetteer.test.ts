import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import {
  ensureWebBuild,
  launchBrowser,
  loginPage,
  newContext,
  screenshot,
  startTestServer,
  waitUntil,
  WEB_DIST,
  WORK_VIEWPORT,
  type TestServer,
} from './support.ts';

/**
 * The city's gazetteer, end to end: the administrator imports compounds and buildings from a CSV
 * (a bad file is refused row by row), the operator finds a compound by typing part of its name, and
 * a click on the intake map names the nearest building with its distance.
 */
let server: TestServer;
let browser: Browser;
let admin: Page;

beforeAll(async () => {
  ensureWebBuild();
  [server, browser] = await Promise.all([startTestServer({ WEB_DIST }), launchBrowser()]);
  admin = await loginPage(await newContext(browser, { width: 1440, height: 900 }), server.url, 'admin');
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const CSV = [
  '名称,类型,地址,经度,纬度',
  '新苑小区,小区,锡林浩特市希日塔拉街道新苑小区,116.0802,43.9402',
  '新苑小区7号楼,楼栋,锡林浩特市新苑小区 7号楼,116.0809,43.9406',
].join('\n');
const csvFile = (name: string, text: string) => ({
  name,
  mimeType: 'text/csv',
  buffer: Buffer.from(`\uFEFF${text}`),
});

describe('the gazetteer (地名地址)', () => {
  it('previews a CSV naming the row and field of each problem, and refuses it', async () => {
    await admin.getByTestId('admin-tab-gazetteer').click();
    await admin.getByTestId('admin-gazetteer').waitFor();
    expect(await admin.getByTestId('gazetteer-summary').textContent()).toContain('小区 90');
    await admin
      .getByTestId('gazetteer-file')
      .setInputFiles(csvFile('bad.csv', `${CSV}\n,楼栋,,116.08,43.94\n某楼,楼栋,,116.08,北纬`));
    const preview = admin.getByTestId('gazetteer-preview');
    await preview.waitFor();
    const issues = await admin.getByTestId('gazetteer-issues').locator('li').allTextContents();
    expect(issues).toEqual(['第 3 行 · 名称：必填', '第 4 行 · 纬度：格式不正确']);
    expect(await admin.getByTestId('gazetteer-row').count()).toBe(4);
    expect(await admin.getByTestId('gazetteer-apply').isDisabled()).toBe(true);
    await screenshot(admin, 'admin-gazetteer-refused');
    await admin.getByTestId('language-switch').selectOption('en');
    await expect
      .poll(() => admin.getByTestId('gazetteer-issues').locator('li').allTextContents())
      .toEqual(['Row 3 · Name: required', 'Row 4 · Latitude: not valid']);
    await screenshot(admin, 'admin-gazetteer-refused-en');
    await admin.getByTestId('language-switch').selectOption('zh');
  });

  it('imports a CSV, audited; at intake typing part of a compound name offers it and sets the position', async () => {
    await admin.getByTestId('gazetteer-file').setInputFiles(csvFile('ok.csv', CSV));
    await admin.locator('[data-testid="gazetteer-preview"][data-issues="0"]').waitFor();
    await screenshot(admin, 'admin-gazetteer-preview');
    await admin.getByTestId('gazetteer-apply').click();
    await expect
      .poll(() => admin.getByTestId('admin-ok').textContent())
      .toContain('已导入 2 条（新增 2，更新 0）');
    await admin.getByTestId('admin-tab-audit').click();
    await admin.getByTestId('audit-filter').fill('gazetteer');
    const row = admin.locator('[data-testid="audit-row"][data-action="gazetteer.import"]').first();
    await row.waitFor();
    expect((await row.locator('td').allTextContents())[2]).toBe('导入地名地址');

    const operator = await loginPage(await newContext(browser, WORK_VIEWPORT), server.url, 'operator');
    await operator.getByTestId('intake-place-search').fill('新苑');
    const option = operator.getByTestId('place-option-0');
    await expect.poll(() => option.textContent()).toContain('新苑小区');
    await screenshot(operator, 'intake-gazetteer-search');
    await option.click();
    await expect
      .poll(() => operator.getByTestId('intake-location').textContent())
      .toContain('43.94020, 116.08020');
    expect(await operator.getByTestId('intake-address').inputValue()).toBe('锡林浩特市希日塔拉街道新苑小区');

    // a click on the map ~40 m east of building 7 names it
    await operator.getByTestId('intake-map').scrollIntoViewIfNeeded();
    const near = { lat: 43.9406, lng: 116.0814 };
    const point = await waitUntil(
      () => operator.evaluate(({ lat, lng }) => window.__citygrid.clientPointOf(lat, lng, 'intake'), near),
      (p) => p !== null,
      'the intake map to mount',
    );
    await operator.mouse.click(point!.x, point!.y);
    const nearest = operator.locator('[data-testid="nearest-place"][data-found="true"]');
    await expect.poll(() => nearest.getAttribute('data-name'), { timeout: 8_000 }).toBe('新苑小区7号楼');
    expect(await nearest.textContent()).toMatch(/^最近：锡林浩特市新苑小区 7号楼 · 约\d+米/);
    await operator.getByTestId('nearest-use').click();
    expect(await operator.getByTestId('intake-address').inputValue()).toBe('锡林浩特市新苑小区 7号楼');
    await screenshot(operator, 'intake-nearest-place');
    await operator.getByTestId('language-switch').selectOption('en');
    await expect
      .poll(() => nearest.textContent())
      .toMatch(/^Nearest: 锡林浩特市新苑小区 7号楼 · about \d+ m/);
    await screenshot(operator, 'intake-nearest-place-en');
  });
});
