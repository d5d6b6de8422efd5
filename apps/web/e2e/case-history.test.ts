import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { TestClock } from '@citygrid/server/testing';
import {
  CITY_CENTRE,
  MAP_VIEWPORT,
  WEB_DIST,
  WORK_VIEWPORT,
  ensureWebBuild,
  goToRoute,
  launchBrowser,
  loginAs,
  loginPage,
  newContext,
  screenshot,
  startTestServer,
  startWebServer,
  type TestServer,
} from './support.ts';

/** The case history tells the whole story, the redispatch form suggests a sensible unit, and the ranking is not empty on the 2nd. */
let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([startWebServer(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const call = {
  callerPhone: '13800000033',
  nature: 'complaint' as const,
  minorClassCode: 'C0302',
  description: '垃圾箱破损，垃圾散落一地',
  urgency: 'normal' as const,
  location: CITY_CENTRE,
};

describe('the case drawer history', () => {
  it('names the unit of a manual redispatch, the length and new deadline of an extension, and the calls merged into the case', async () => {
    const [operator, unit09, dispatcher, unit12, lead] = await Promise.all(
      ['operator', 'unit-u09', 'dispatcher', 'unit-u12', 'lead'].map((u) => loginAs(server, u)),
    );
    const created = await operator!.client.intake.create.mutate(call);
    let v = await unit09!.client.cases.act.mutate({
      caseNumber: created.caseNumber,
      expectedVersion: created.version,
      action: { type: 'request_return', reason: '属于自来水公司管辖' },
    });
    v = await dispatcher!.client.cases.act.mutate({
      caseNumber: created.caseNumber,
      expectedVersion: v.record.version,
      action: { type: 'redispatch', unitCode: 'U12', reason: '改派自来水公司' },
    });
    v = await unit12!.client.cases.act.mutate({
      caseNumber: created.caseNumber,
      expectedVersion: v.record.version,
      action: { type: 'accept' },
    });
    v = await unit12!.client.cases.act.mutate({
      caseNumber: created.caseNumber,
      expectedVersion: v.record.version,
      action: { type: 'request_extension', reason: '需要更换管道', amount: 4 },
    });
    v = await lead!.client.cases.act.mutate({
      caseNumber: created.caseNumber,
      expectedVersion: v.record.version,
      action: { type: 'approve_extension' },
    });
    const dup = await operator!.client.intake.create.mutate({
      ...call,
      duplicateOf: created.caseNumber,
      description: '同一问题再次来电',
    });

    const page = await loginPage(await newContext(browser, WORK_VIEWPORT), server.url, 'lead');
    await goToRoute(page, `/case/${created.caseNumber}`);
    const history = page.getByTestId('case-history');
    await history.waitFor();
    await expect.poll(() => history.textContent()).toContain(`来电 ${dup.caseNumber} 已合并到本案`);
    const text = (await history.textContent())!;
    expect(text).toContain('派遣至 锡林浩特市自来水公司');
    const unitZh = { working_hours: '工作时', working_days: '工作日', calendar_hours: '小时' }[
      v.record.limitUnit as 'working_hours'
    ];
    expect(text).toContain(`延期 4 ${unitZh}，新期限`);
    expect(await page.getByTestId('case-route').textContent()).toBe('人工派遣（未按规则自动派遣）');
    expect(await page.getByTestId('case-duplicates').textContent()).toContain('1');
    await history.scrollIntoViewIfNeeded();
    await screenshot(page, 'case-history-zh');
    await page.evaluate(() => localStorage.setItem('citygrid.lang', 'en'));
    await page.reload();
    await page.getByTestId('case-history').waitFor();
    await expect
      .poll(() => page.getByTestId('case-history').textContent())
      .toContain(`Call ${dup.caseNumber} merged into this case`);
    await page.getByTestId('case-history').scrollIntoViewIfNeeded();
    await screenshot(page, 'case-history-en');
    await page.context().close();
  });

  it('never suggests or preselects the unit that has just returned the case in the redispatch form', async () => {
    const [operator, unit09] = await Promise.all(['operator', 'unit-u09'].map((u) => loginAs(server, u)));
    const created = await operator!.client.intake.create.mutate({
      ...call,
      description: '垃圾箱倾倒（回退测试）',
    });
    expect(created.unitCode).toBe('U09');
    await unit09!.client.cases.act.mutate({
      caseNumber: created.caseNumber,
      expectedVersion: created.version,
      action: { type: 'request_return', reason: '不属于本单位职责' },
    });

    const page = await loginPage(await newContext(browser, WORK_VIEWPORT), server.url, 'dispatcher');
    await goToRoute(page, '/dispatch');
    await page.getByTestId(`case-row-${created.caseNumber}`).click();
    await page.getByTestId('action-redispatch').click();
    const select = page.getByTestId('field-unit');
    await select.waitFor();
    expect(await select.inputValue()).not.toBe('U09');
    const starred = await select
      .locator('option')
      .evaluateAll((os) =>
        os.filter((o) => o.textContent?.includes('★')).map((o) => (o as HTMLOptionElement).value),
      );
    expect(starred).not.toContain('U09');
    await screenshot(page, 'redispatch-after-return');
    await page.context().close();
  });
});

describe('the unit ranking on the 2nd of the month', () => {
  it('ranks the seeded units over the last 30 days by default instead of showing a month that has barely begun', async () => {
    ensureWebBuild();
    const NOW = '2026-12-02T02:00:00.000Z';
    const seeded = await startTestServer(
      { WEB_DIST, SEED_HISTORY_CASES: 4000, SEED_HISTORY_DAYS: 150 },
      { clock: new TestClock(Date.parse(NOW)) },
    );
    try {
      const context = await newContext(browser, MAP_VIEWPORT);
      const page = await context.newPage();
      await page.clock.setFixedTime(new Date(NOW));
      await page.goto(`${seeded.url}/`);
      await page.getByTestId('login-username').fill('supervisor');
      await page.getByTestId('login-password').fill('citygrid-demo');
      await page.getByTestId('login-submit').click();
      await page.getByTestId('current-user').waitFor();
      await goToRoute(page, '/map');
      const rows = page.getByTestId('ranking').locator('li');
      await expect.poll(() => rows.count(), { timeout: 20_000 }).toBeGreaterThan(5);
      const rates = await rows.locator('.rate:not(.muted)').allTextContents();
      const zero = rates.filter((r) => /^0(\.0)?\s*%$/.test(r.trim()));
      expect(zero.length).toBeLessThan(rates.length / 2);
      await screenshot(page, 'ranking-day-2');
      await context.close();
    } finally {
      await seeded.stop();
    }
  });
});
