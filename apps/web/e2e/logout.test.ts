import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import {
  WORK_VIEWPORT,
  goToRoute,
  loginAs,
  launchBrowser,
  loginPage,
  newContext,
  screenshot,
  seedOpenCases,
  startWebServer,
  type TestServer,
} from './support.ts';

/**
 * Logging out on a shared command-hall PC: the login form at once, no case data left in the page,
 * no live stream left open, and the old cookie refused by the server. A session that ends elsewhere
 * sends the user to the login form with a translated notice.
 */
let server: TestServer;
let browser: Browser;
let aCase: { caseNumber: string; description: string };

/** Count the page's EventSources and how many are still open (installed before the app loads). */
const TRACK_EVENT_SOURCES = () => {
  const opened: EventSource[] = [];
  const Original = window.EventSource;
  class Tracked extends Original {
    constructor(url: string | URL, init?: EventSourceInit) {
      super(url, init);
      opened.push(this);
    }
  }
  window.EventSource = Tracked;
  window.__openEventSources = () => opened.filter((s) => s.readyState !== 2).length;
};
const openEventSources = (page: Page) => page.evaluate(() => window.__openEventSources?.() ?? 0);

beforeAll(async () => {
  [server, browser] = await Promise.all([startWebServer(), launchBrowser()]);
  await seedOpenCases(server.services, 60);
  // a case every one of the five can open: moved by the shift lead to unit U01
  const first = server.services
    .database!.sqlite.prepare(`select case_number as caseNumber, version from cases order by id limit 1`)
    .get() as { caseNumber: string; version: number };
  const lead = await loginAs(server, 'lead');
  await lead.client.cases.act.mutate({
    caseNumber: first.caseNumber,
    expectedVersion: first.version,
    action: { type: 'redispatch', unitCode: 'U01', reason: '测试：改派至U01' },
  });
  aCase = server.services
    .database!.sqlite.prepare(
      `select case_number as caseNumber, description from cases where case_number = ? and unit_code = 'U01'`,
    )
    .get(first.caseNumber) as typeof aCase;
  expect(aCase?.caseNumber).toMatch(/^\d{8}-\d{4}$/);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function sessionCookie(page: Page): Promise<string> {
  const c = (await page.context().cookies()).find((x) => x.name === 'cg_session');
  if (!c) throw new Error('no session cookie');
  return `cg_session=${c.value}`;
}

const USERS = [
  { username: 'operator', landing: 'intake' },
  { username: 'unit-u01', landing: 'unit' },
  { username: 'lead', landing: 'dispatch' },
  { username: 'inspector', landing: 'review' },
  { username: 'supervisor', landing: 'map' },
] as const;

describe('logout', () => {
  for (const { username, landing } of USERS) {
    it(`shows the login form at once for ${username}, leaves no case data or live stream, and the old cookie is refused`, async () => {
      const context = await newContext(browser, WORK_VIEWPORT);
      await context.addInitScript(TRACK_EVENT_SOURCES);
      const page = await loginPage(context, server.url, username);
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      const { name } = server.services
        .database!.sqlite.prepare('select display_name as name from users where username = ?')
        .get(username) as { name: string };
      expect(await page.getByTestId('current-user').innerText()).toContain(name);

      // open the case so its number and description are in the page (and in the query cache)
      await goToRoute(page, `/case/${aCase.caseNumber}`);
      await page.getByTestId('case-description').waitFor();
      expect(await page.locator('body').innerText()).toContain(aCase.caseNumber);
      // back to the role's own screen, which is what is on screen when the user leaves
      await goToRoute(page, `/${landing}`);
      await page.getByTestId(`nav-${landing}`).waitFor();
      if (landing === 'map') await page.getByTestId('open-count').waitFor();
      if (landing === 'unit') await page.getByTestId(`case-row-${aCase.caseNumber}`).waitFor();
      await page.waitForTimeout(500);
      const cookie = await sessionCookie(page);

      const loggedOut = page.waitForResponse((r) => r.url().includes('/api/trpc/auth.logout'));
      await page.getByTestId('logout').click();
      // at once: no reload, no waiting for the server
      await page.getByTestId('login-form').waitFor({ timeout: 1000 });
      expect((await loggedOut).status()).toBe(200);
      await page.waitForTimeout(300);

      const text = await page.locator('body').innerText();
      expect(text).not.toContain(aCase.caseNumber);
      expect(text).not.toContain(aCase.description);
      expect(text).not.toContain(name);
      expect(text).not.toMatch(/please log in|no session/i);
      expect(await page.getByTestId('current-user').count()).toBe(0);
      expect(await page.getByTestId('error').count()).toBe(0);
      expect(page.url()).not.toContain(aCase.caseNumber);
      expect(await openEventSources(page)).toBe(0);
      expect(errors).toEqual([]);
      await screenshot(page, `logout-${username}`);

      // the server refuses the old cookie
      const headers = { cookie };
      const input = encodeURIComponent(JSON.stringify({ json: { caseNumber: aCase.caseNumber } }));
      expect((await fetch(`${server.url}/api/trpc/cases.get?input=${input}`, { headers })).status).toBe(401);
      expect((await fetch(`${server.url}/api/live`, { headers })).status).toBe(401);
      const me = (await (await fetch(`${server.url}/api/trpc/auth.me`, { headers })).json()) as {
        result: { data: { json: unknown } };
      };
      expect(me.result.data.json).toBeNull();

      // and the next person logs in on the same page, without a reload, to their own screen
      await page.getByTestId('login-username').fill('supervisor');
      await page.getByTestId('login-password').fill('citygrid-demo');
      await page.getByTestId('login-submit').click();
      await page.getByTestId('nav-map').waitFor();
      expect(await page.getByTestId('current-user').innerText()).toContain('李强');
      await context.close();
    });
  }

  it('sends the user to the login form with a translated notice when the session ends elsewhere', async () => {
    const context = await newContext(browser, WORK_VIEWPORT);
    await context.addInitScript(TRACK_EVENT_SOURCES);
    const page = await loginPage(context, server.url, 'lead');
    await page.getByTestId('nav-dispatch').waitFor();
    // the session is revoked on the server (expired, or ended by an administrator)
    server.services.database!.sqlite.prepare('delete from sessions').run();
    await goToRoute(page, `/case/${aCase.caseNumber}`);
    const notice = page.getByTestId('login-notice');
    await notice.waitFor();
    expect(await notice.innerText()).toContain('登录已过期');
    const text = await page.locator('body').innerText();
    expect(text).not.toMatch(/please log in|UNAUTHORIZED/i);
    expect(text).not.toContain(aCase.caseNumber);
    expect(await openEventSources(page)).toBe(0);
    await screenshot(page, 'session-expired-login');
    await context.close();
  });

  it('opens a read-only wall-display session from the login form, and the server refuses it any change', async () => {
    const context = await newContext(browser, WORK_VIEWPORT);
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    await page.getByTestId('login-username').fill('supervisor');
    await page.getByTestId('login-password').fill('citygrid-demo');
    await page.getByTestId('login-wall').check();
    await page.getByTestId('login-submit').click();
    // straight to the command-hall wall, which a wall session may read in full
    await page.getByTestId('wall-screen').waitFor();
    await page.getByTestId('wall-clock').waitFor();
    expect(page.url()).toContain('wall=1');
    const cookie = await sessionCookie(page);
    const me = (await (await fetch(`${server.url}/api/trpc/auth.me`, { headers: { cookie } })).json()) as {
      result: { data: { json: { kind: string; csrfToken: string } } };
    };
    expect(me.result.data.json.kind).toBe('wall');
    const res = await fetch(`${server.url}/api/trpc/intake.create`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json', 'x-csrf-token': me.result.data.json.csrfToken },
      body: JSON.stringify({
        json: {
          callerPhone: '13800000033',
          nature: 'complaint',
          minorClassCode: 'C0302',
          description: '墙屏不应能受理',
          urgency: 'normal',
          location: { lat: 43.934, lng: 116.086 },
        },
      }),
    });
    expect(res.status).toBe(403);
    await context.close();
  });
});
