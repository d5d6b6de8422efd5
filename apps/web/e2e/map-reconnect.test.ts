import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import {
  CITY_CENTRE,
  MAP_VIEWPORT,
  WEB_DIST,
  launchBrowser,
  loginAs,
  loginPage,
  mapDebug,
  newContext,
  screenshot,
  startTestServer,
  startWebServer,
  waitUntil,
  type TestServer,
} from './support.ts';

/** The command map rides out a server restart: it says it is reconnecting, then resumes by itself. */
let first: TestServer;
let firstRunning = true;
let second: TestServer | null = null;
let browser: Browser;

beforeAll(async () => {
  [first, browser] = await Promise.all([startWebServer(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await second?.close();
  if (firstRunning) await first?.close();
  if (first) rmSync(first.dir, { recursive: true, force: true });
});

const intakeInput = (description: string) => ({
  callerPhone: '13800000044',
  nature: 'complaint' as const,
  minorClassCode: 'C0302',
  description,
  urgency: 'normal' as const,
  location: CITY_CENTRE,
});

describe('the command map across a server restart', () => {
  it('shows that it is reconnecting while the server is down and shows a case filed after the restart without a reload', async () => {
    const before = await (
      await loginAs(first, 'operator')
    ).client.intake.create.mutate(intakeInput('重启前的案件'));

    const page = await loginPage(await newContext(browser, MAP_VIEWPORT), first.url, 'supervisor');
    const status = page.getByTestId('live-status');
    await page.locator('[data-testid="live-status"][data-status="connected"]').waitFor();
    await waitUntil(
      () => mapDebug.markerColor(page, before.caseNumber),
      (c) => c !== null,
      'the case filed before the restart on the map',
    );
    await page.evaluate(() => {
      window.__sameDocument = true;
    });

    // --- the server goes away ---
    await first.close();
    firstRunning = false;
    await page.locator('[data-testid="live-status"][data-status="connecting"]').waitFor({ timeout: 10_000 });
    expect(await status.textContent()).toBe('重新连接中');
    await screenshot(page, 'map-reconnecting');

    // --- and comes back on the same port and the same database ---
    second = await startTestServer({ PORT: first.port, WEB_DIST }, { dir: first.dir });
    expect(second.port).toBe(first.port);
    expect(second.createdUsers).toBeNull(); // the same database: nothing was seeded again
    await page.locator('[data-testid="live-status"][data-status="connected"]').waitFor({ timeout: 15_000 });
    expect(await status.textContent()).toBe('实时连接');

    const markersBefore = await mapDebug.markerCount(page);
    const after = await (
      await loginAs(second, 'operator')
    ).client.intake.create.mutate(intakeInput('重启后的案件'));
    await waitUntil(
      () => mapDebug.markerColor(page, after.caseNumber),
      (c) => c !== null,
      'the case filed after the restart on the map',
    );
    expect(await mapDebug.markerCount(page)).toBe(markersBefore + 1);
    expect(await mapDebug.markerColor(page, before.caseNumber)).not.toBeNull();
    expect(await page.evaluate(() => window.__sameDocument)).toBe(true);
    await screenshot(page, 'map-after-restart');
  });
});
