import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import {
  CITY_CENTRE,
  WORK_VIEWPORT,
  errorOf,
  goToRoute,
  launchBrowser,
  loginAs,
  loginPage,
  newContext,
  screenshot,
  startWebServer,
  type TestServer,
} from './support.ts';

/** Unit staff act only on their own unit's cases: the screen shows nothing to do, the API refuses. */
let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([startWebServer(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('a case of another unit', () => {
  it('shows a refusal and no action buttons to a user of another unit, and the API refuses the action with 403', async () => {
    const operator = await loginAs(server, 'operator');
    const created = await operator.client.intake.create.mutate({
      callerPhone: '13800000033',
      nature: 'complaint',
      minorClassCode: 'C0302',
      description: '垃圾箱满溢',
      urgency: 'normal',
      location: CITY_CENTRE,
    });
    expect(created.unitCode).toBe('U09');

    // the owner unit sees the case with its actions (so the screen itself works)
    const owner = await loginPage(await newContext(browser, WORK_VIEWPORT), server.url, 'unit-u09');
    await goToRoute(owner, `/case/${created.caseNumber}`);
    await owner.getByTestId('action-accept').waitFor();

    // unit U12 opening the same address gets the refusal and nothing to click
    const other = await loginPage(await newContext(browser, WORK_VIEWPORT), server.url, 'unit-u12');
    await goToRoute(other, `/case/${created.caseNumber}`);
    const drawer = other.getByTestId('case-drawer');
    const refusal = drawer.getByTestId('error');
    await refusal.waitFor();
    expect(await refusal.textContent()).toContain('无权查看或操作此案件'); // localized, not the server's English
    expect(await refusal.getByRole('button').count()).toBe(0); // no pointless retry
    expect(await drawer.locator('[data-testid^="action-"]').count()).toBe(0);
    expect(await drawer.getByTestId('case-state').count()).toBe(0);
    expect(await drawer.getByTestId('case-description').count()).toBe(0);
    await screenshot(other, 'case-other-unit-refused');

    // the API refuses the action itself, and the case is unchanged
    const u12 = await loginAs(server, 'unit-u12');
    const refused = await errorOf(
      u12.client.cases.act.mutate({
        caseNumber: created.caseNumber,
        expectedVersion: created.version,
        action: { type: 'accept' },
      }),
    );
    expect(refused).toMatchObject({ code: 'FORBIDDEN', httpStatus: 403 });
    const after = await operator.client.cases.get.query({ caseNumber: created.caseNumber });
    expect(after.record).toMatchObject({ state: 'dispatched', version: created.version, unitCode: 'U09' });
  });
});
