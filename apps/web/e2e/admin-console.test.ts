import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { TestClock } from '@citygrid/server/testing';
import {
  CITY_CENTRE,
  WORK_VIEWPORT,
  ensureWebBuild,
  goToRoute,
  launchBrowser,
  loginPage,
  newContext,
  screenshot,
  startTestServer,
  waitUntil,
  WEB_DIST,
  type TestServer,
} from './support.ts';

/**
 * The admin console, driven as an administrator would: each screen makes a change, the change shows
 * in the audit log (who, before, after), and it is in effect (a login, a route, a deadline, a key).
 * The server's clock stands seven weeks before the loaded working calendar runs out.
 */
const clock = new TestClock(Date.parse('2027-11-12T02:00:00Z')); // Friday 10:00 Beijing, 49 days before 2027 ends
let server: TestServer;
let browser: Browser;
let admin: Page;

beforeAll(async () => {
  ensureWebBuild();
  [server, browser] = await Promise.all([startTestServer({ WEB_DIST }, { clock }), launchBrowser()]);
  admin = await loginPage(await newContext(browser, { width: 1440, height: 900 }), server.url, 'admin');
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function openTab(tab: string) {
  await admin.getByTestId(`admin-tab-${tab}`).click();
  await admin.getByTestId(`admin-${tab}`).waitFor();
}

/** The newest audit entry for a target, read from the audit log screen. */
async function auditRow(target: string) {
  await openTab('audit');
  await admin.getByTestId('audit-filter').fill(target);
  const row = admin.locator(`[data-testid="audit-row"][data-target="${target}"]`).first();
  await row.waitFor();
  const cells = await row.locator('td').allTextContents();
  return {
    action: await row.getAttribute('data-action'),
    actor: cells[1] ?? '',
    before: cells[4] ?? '',
    after: cells[5] ?? '',
  };
}

describe('the admin console', () => {
  it('lands the administrator on it, warning that the working calendar runs out', async () => {
    await admin.getByTestId('admin-screen').waitFor();
    expect(admin.url()).toContain('#/admin');
    await admin.getByTestId('calendar-warning').waitFor();
    expect(await admin.getByTestId('calendar-warning').textContent()).toContain('2028');
    await screenshot(admin, 'admin-users');
  });

  it('users: creates a user who can then log in; disables her and she cannot; all audited', async () => {
    await openTab('users');
    await admin.getByTestId('user-username').fill('zhao.min');
    await admin.getByTestId('user-display-name').fill('赵敏');
    await admin.getByTestId('user-role').selectOption('unit_staff');
    await admin.getByTestId('user-unit').selectOption('U05');
    await admin.getByTestId('user-password').fill('zhao-min-secret-1');
    await admin.getByTestId('user-create').click();
    await admin.getByTestId('user-row-zhao.min').waitFor();

    // in effect: she logs in and lands on her unit's queue
    const ctx = await newContext(browser, WORK_VIEWPORT);
    const zhao = await loginPage(ctx, server.url, 'zhao.min', 'zhao-min-secret-1');
    expect(await zhao.getByTestId('current-role').textContent()).toContain('U05');
    await ctx.close();

    // disabled: the login is refused
    await openTab('users');
    await admin.getByTestId('user-toggle-zhao.min').click();
    await waitUntil(
      () => admin.getByTestId('user-status-zhao.min').getAttribute('data-active'),
      (v) => v === 'false',
      'the user disabled',
    );
    const ctx2 = await newContext(browser, WORK_VIEWPORT);
    const page = await ctx2.newPage();
    await page.goto(`${server.url}/`);
    await page.getByTestId('login-username').fill('zhao.min');
    await page.getByTestId('login-password').fill('zhao-min-secret-1');
    await page.getByTestId('login-submit').click();
    await page.getByRole('alert').first().waitFor();
    expect(await page.getByTestId('current-user').count()).toBe(0);
    await ctx2.close();

    const entry = await auditRow('user:zhao.min');
    expect(entry.action).toBe('user.disable');
    expect(entry.actor).toContain('admin');
    expect(entry.before).toContain('"active": true');
    expect(entry.after).toContain('"active": false');
    expect(await admin.locator('[data-testid="audit-row"][data-target="user:zhao.min"]').count()).toBe(2); // create + disable
  });

  it('routing: the tester shows which rule wins and why; a new cell rule is audited and wins at once', async () => {
    await openTab('routing');
    await admin.getByTestId('route-test-lat').fill(String(CITY_CENTRE.lat));
    await admin.getByTestId('route-test-lng').fill(String(CITY_CENTRE.lng));
    await admin.getByTestId('route-test-class').selectOption('C0302');
    await admin.getByTestId('route-test-run').click();
    await waitUntil(
      () => admin.getByTestId('route-test-unit').getAttribute('data-code'),
      (c) => c === 'U09',
      'the route to U09',
    );
    const why = (await admin.getByTestId('route-test-why').textContent()) ?? '';
    expect(why).toContain('→');
    const cell = server.services.reference.place(CITY_CENTRE).cell!.code;
    await screenshot(admin, 'admin-routing-test');

    await admin.getByTestId('rule-class').selectOption('C0302');
    await admin.getByTestId('rule-scope').selectOption('cell');
    await admin.getByTestId('rule-scope-code').fill(cell);
    await admin.getByTestId('rule-unit').selectOption('U05');
    await admin.getByTestId('rule-note').fill('试点网格');
    await admin.getByTestId('rule-add').click();
    await admin.getByTestId('admin-ok').waitFor();
    await admin.getByTestId('route-test-run').click();
    await waitUntil(
      () => admin.getByTestId('route-test-unit').getAttribute('data-code'),
      (c) => c === 'U05',
      'the new rule to win',
    );
    expect(await admin.getByTestId('route-test-why').textContent()).toContain(cell);
    expect(await admin.locator('[data-testid^="candidate-"][data-wins="true"]').count()).toBe(1);
    // in effect for the hotline: the same point and class now preview to U05
    expect(
      server.services.reference.route('C0302', server.services.reference.place(CITY_CENTRE).cell)?.unitCode,
    ).toBe('U05');
    const entry = await auditRow('routing_rules');
    expect(entry.action).toBe('routing.replace');
    expect(entry.after).toContain(cell);
  });

  it('time limits: a new limit is audited and is the limit new cases get', async () => {
    await openTab('limits');
    await admin.getByTestId('limit-amount-C0302').fill('2');
    await admin.getByTestId('limit-save-C0302').click();
    await waitUntil(
      () => admin.getByTestId('limit-current-C0302').textContent(),
      (s) => (s ?? '').startsWith('2 '),
      'the new limit shown',
    );
    expect(server.services.reference.minorClass('C0302').timeLimit).toEqual({
      amount: 2,
      unit: 'working_hours',
    });
    const entry = await auditRow('minor_class:C0302');
    expect(entry.action).toBe('time_limit.set');
    expect(entry.before).toContain('"amount": 4');
    expect(entry.after).toContain('"amount": 2');
  });

  it('calendar: loading next year’s holidays ends the warning and moves deadlines', async () => {
    await openTab('calendar');
    expect(await admin.getByTestId('calendar-status').getAttribute('data-warning')).toBe('true');
    expect(await admin.getByTestId('calendar-year').inputValue()).toBe('2028');
    await admin.getByTestId('calendar-holidays').fill('2028-01-03 元旦（调休）\n2028-05-01 劳动节');
    await admin.getByTestId('calendar-makeup').fill('2028-04-29 劳动节调休上班');
    await admin.getByTestId('calendar-load').click();
    await admin.getByTestId('calendar-year-2028').waitFor();
    await waitUntil(
      () => admin.getByTestId('calendar-status').getAttribute('data-warning'),
      (v) => v === 'false',
      'the warning gone',
    );
    await admin.getByTestId('calendar-warning').waitFor({ state: 'detached' });
    await screenshot(admin, 'admin-calendar');
    // Monday 2028-01-03 is now a day off
    expect(server.services.reference.calendar.isWorkingDay(new Date('2028-01-03T04:00:00Z'))).toBe(false);
    const entry = await auditRow('calendar:2028');
    expect(entry.action).toBe('calendar.load_year');
    expect(entry.after).toContain('2028-01-03');
  });

  it('Open311 keys: a new key works for a report and stops working when revoked', async () => {
    await openTab('keys');
    await admin.getByTestId('key-name').fill('随手拍');
    await admin.getByTestId('key-create').click();
    const key = (await admin.getByTestId('key-value').textContent())!.trim();
    const post = () =>
      fetch(`${server.url}/open311/v2/requests.json`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          api_key: key,
          service_code: 'C0302',
          lat: String(CITY_CENTRE.lat),
          long: String(CITY_CENTRE.lng),
          description: '垃圾箱满溢',
        }),
      });
    expect((await post()).status).toBe(200);
    const row = admin.locator('[data-testid^="key-row-"]').filter({ hasText: '随手拍' });
    const id = (await row.getAttribute('data-testid'))!.replace('key-row-', '');
    await admin.getByTestId(`key-revoke-${id}`).click();
    await row.waitFor({ state: 'detached' });
    expect((await post()).status).toBe(403);
    const entry = await auditRow(`api_key:${id}`);
    expect(entry.action).toBe('api_key.revoke');
    expect(entry.before).not.toContain(key);
  });

  it('units: renaming a unit is audited and every screen shows the new name', async () => {
    await openTab('org');
    await admin.getByTestId('unit-edit-U05').click();
    await admin.getByTestId('unit-name').fill('市政设施维护中心（新）');
    await admin.getByTestId('unit-save').click();
    await waitUntil(
      () => admin.getByTestId('unit-name-U05').textContent(),
      (s) => s === '市政设施维护中心（新）',
      'the new name',
    );
    expect(server.services.reference.unit('U05').name).toBe('市政设施维护中心（新）');
    const entry = await auditRow('unit:U05');
    expect(entry.action).toBe('unit.update');
    expect(entry.after).toContain('市政设施维护中心（新）');
    await screenshot(admin, 'admin-audit');
    // English
    await admin.getByTestId('language-switch').selectOption('en');
    await openTab('routing');
    await screenshot(admin, 'admin-routing-en');
    await openTab('audit');
    await screenshot(admin, 'admin-audit-en');
    await admin.getByTestId('language-switch').selectOption('zh');
  });

  it('bad input names the field and changes nothing', async () => {
    await openTab('users');
    await admin.getByTestId('user-username').fill('Bad Name');
    await admin.getByTestId('user-display-name').fill('坏');
    await admin.getByTestId('user-role').selectOption('operator');
    await admin.getByTestId('user-password').fill('short');
    await admin.getByTestId('user-create').click();
    const text = (await admin.getByTestId('admin-error').first().textContent()) ?? '';
    expect(text).toMatch(/用户名|密码/);
    expect(await admin.getByTestId('user-row-bad name').count()).toBe(0);
  });

  it('is refused to other roles', async () => {
    const ctx = await newContext(browser, WORK_VIEWPORT);
    const sup = await loginPage(ctx, server.url, 'supervisor');
    await goToRoute(sup, '/admin');
    await sup.getByTestId('command-map').waitFor();
    expect(await sup.getByTestId('admin-screen').count()).toBe(0);
    await ctx.close();
  });
});
