import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { TestClock } from '@citygrid/server/testing';
import {
  CITY_CENTRE,
  WORK_VIEWPORT,
  ensureWebBuild,
  goToRoute,
  launchBrowser,
  loginAs,
  loginPage,
  newContext,
  screenshot,
  startTestServer,
  waitUntil,
  WEB_DIST,
  type TestServer,
} from './support.ts';

/**
 * Reports a leader hands upward (a monthly report, its charts, its .xlsx read back cell by cell, the
 * CSV, the printed page), and 催办/督办 from a supervisor reaching the unit's open screen at once.
 */
const clock = new TestClock(Date.now());
let server: TestServer;
let browser: Browser;
let overdueCase: { caseNumber: string; unitCode: string };

beforeAll(async () => {
  ensureWebBuild();
  [server, browser] = await Promise.all([
    startTestServer({ WEB_DIST, SEED_HISTORY_CASES: 3000, SEED_HISTORY_DAYS: 400 }, { clock }),
    launchBrowser(),
  ]);
  // a call logged now, and the clock moved until it is overdue: two days at least, and past its
  // deadline whatever the weekday (a case logged on a Friday is due after the weekend); sessions are
  // opened after the clock moves
  const operator = await loginAs(server, 'operator');
  const c = await operator.client.intake.create.mutate({
    nature: 'complaint',
    minorClassCode: 'C0302',
    description: '垃圾箱满溢，多日无人清理',
    urgency: 'normal',
    location: CITY_CENTRE,
  });
  overdueCase = { caseNumber: c.caseNumber, unitCode: c.unitCode! };
  const untilOverdue = Date.parse(c.dueAt!) - clock.now().getTime() + 3_600_000;
  clock.advance(Math.max(2 * 86_400_000, untilOverdue));
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function openReports(): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: 1440, height: 1000 },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    acceptDownloads: true,
  });
  context.setDefaultTimeout(20_000);
  const page = await loginPage(context, server.url, 'supervisor');
  await goToRoute(page, '/reports');
  await page.getByTestId('reports-screen').waitFor();
  return page;
}

describe('reports', () => {
  it('a monthly report by unit: figures, MoM/YoY, charts, hotspot rule; the .xlsx downloads and reads back with the same figures', async () => {
    const page = await openReports();
    await page.getByTestId('report-kind').selectOption('monthly');
    await page.getByTestId('report-group').selectOption('unit');
    await page.getByTestId('report').waitFor();
    await page.locator('[data-testid="chart-daily"] svg').first().waitFor();
    await page.locator('[data-testid="chart-group"] svg').first().waitFor();
    expect(await page.getByTestId('hotspot-rule').textContent()).toContain('标准差');
    const shownTotal = Number((await page.getByTestId('headline-dispatched').textContent())!.trim());
    expect(shownTotal).toBeGreaterThan(0);
    await screenshot(page, 'report-monthly');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('report-xlsx').click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^report-monthly-unit-\d{4}-\d{2}-01\.xlsx$/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(readFileSync((await download.path())!) as never);
    const ws = wb.getWorksheet('考评')!;
    expect(String(ws.getCell('A1').value)).toContain('月报');
    const rows = ws.getRows(5, ws.rowCount - 4)!;
    const total = rows.find((r) => r.getCell(1).value === '合计')!;
    expect(total.getCell(3).value).toBe(shownTotal);
    // each unit row equals the on-screen table row
    const first = rows[0]!;
    const code = String(first.getCell(2).value);
    const screenRow = await page.getByTestId(`report-row-${code}`).locator('td').allTextContents();
    expect(Number(screenRow[1])).toBe(first.getCell(3).value);
    expect(first.getCell(7).numFmt).toBe('0.0%');
    // one row per day of the report (a running month is cut to today), plus the header
    const same = await server.services.reports.build({
      kind: 'monthly',
      date: await page.getByTestId('report-date').inputValue(),
      groupBy: 'unit',
    });
    expect(same.totals.dispatched).toBe(shownTotal);
    expect(wb.getWorksheet('每日受理')!.rowCount).toBe(same.daily.length + 1);
    expect(wb.getWorksheet('热点')!.getCell('A1').value).toContain('热点判定');

    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('report-csv').click()]);
    const text = readFileSync((await csv.path())!, 'utf8');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    expect(text).toContain('结案率%');

    // the printed page: controls and the app header are not printed
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.reports-controls').isVisible()).toBe(false);
    expect(await page.locator('header.header').isVisible()).toBe(false);
    await screenshot(page, 'report-monthly-print');
    await page.emulateMedia({ media: 'screen' });

    // a weekly report by community, in English
    await page.getByTestId('language-switch').selectOption('en');
    await page.getByTestId('report-kind').selectOption('weekly');
    await page.getByTestId('report-group').selectOption('community');
    await waitUntil(
      () => page.getByTestId('report-period').textContent(),
      (s) => /Period \d{4}-\d{2}-\d{2} — \d{4}-\d{2}-\d{2}/.test(s ?? ''),
      'the weekly period',
    );
    await page.locator('[data-testid="chart-group"] svg').first().waitFor();
    await screenshot(page, 'report-weekly-en');
    await page.context().close();
  });
});

describe('催办 and 督办', () => {
  it('a supervisor urges and escalates an overdue case; the unit’s open case shows both at once; the daily report counts them', async () => {
    const unitName = `unit-${overdueCase.unitCode.toLowerCase()}`;
    const unit = await loginPage(await newContext(browser, WORK_VIEWPORT), server.url, unitName);
    await unit.getByTestId(`case-row-${overdueCase.caseNumber}`).click();
    await unit.locator('[data-testid="case-state"]').first().waitFor();
    await unit.locator('[data-testid="live-status"][data-status="connected"]').first().waitFor();
    await unit.evaluate(() => {
      window.__same = true;
    });

    const sup = await loginPage(await newContext(browser, WORK_VIEWPORT), server.url, 'supervisor');
    await goToRoute(sup, `/case/${overdueCase.caseNumber}`);
    await sup.getByTestId('action-urge').click();
    await sup.getByTestId('field-reason').fill('已超期两天，请今日内处置');
    await sup.getByTestId('action-form-urge').locator('button[type="submit"]').click();
    await sup.getByTestId('action-message').waitFor();
    await sup.getByTestId('action-escalate').click();
    await sup.getByTestId('field-reason').fill('超期未处置，列入督办');
    await sup.getByTestId('action-form-escalate').locator('button[type="submit"]').click();
    await waitUntil(
      () => sup.getByTestId('action-message').textContent(),
      (s) => (s ?? '').includes('督办'),
      'the escalation done',
    );

    // the unit's open drawer shows both events without a reload
    await waitUntil(
      () => unit.locator('.case-drawer, [data-testid="case-drawer"]').first().textContent(),
      (s) => (s ?? '').includes('催办') && (s ?? '').includes('督办'),
      'the urge and escalation on the unit’s screen',
    );
    expect(await unit.evaluate(() => window.__same)).toBe(true);
    expect(await unit.locator('body').textContent()).toContain('已超期两天，请今日内处置');
    await screenshot(unit, 'unit-sees-urge');

    // counted in the report
    const today = new Date(clock.now().getTime() + 8 * 3600_000).toISOString().slice(0, 10);
    await goToRoute(sup, '/reports');
    await sup.getByTestId('report-kind').selectOption('daily');
    await sup.getByTestId('report-date').fill(today);
    await waitUntil(
      () => sup.getByTestId('headline-urged').textContent(),
      (s) => s === '1',
      'the urge counted',
    );
    await sup.context().close();
    await unit.context().close();
  });
});
