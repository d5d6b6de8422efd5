import { describe, expect, it } from 'vitest';
import {
  CITY_CENTRE,
  MAP_VIEWPORT,
  goToRoute,
  loginAs,
  loginPage,
  mapDebug,
  newContext,
  waitUntil,
  webServerAndBrowser,
} from './support.ts';

/**
 * The command map opened again in the same page shows its kept markers at once, and its live stream
 * starts after the position those markers were read at: a case filed while the supervisor was on
 * another screen is replayed onto the map, not lost until a reload.
 */
const env = webServerAndBrowser();

const intakeInput = (description: string) => ({
  callerPhone: '13800000045',
  nature: 'complaint' as const,
  minorClassCode: 'C0302',
  description,
  urgency: 'normal' as const,
  location: CITY_CENTRE,
});

describe('the command map opened again', () => {
  it('shows a case filed while the supervisor was on another screen, without a reload', async () => {
    const operator = (await loginAs(env.server, 'operator')).client;
    const before = await operator.intake.create.mutate(intakeInput('离开地图前的案件'));

    const page = await loginPage(await newContext(env.browser, MAP_VIEWPORT), env.server.url, 'supervisor');
    await page.locator('[data-testid="live-status"][data-status="connected"]').waitFor();
    await waitUntil(
      () => mapDebug.markerColor(page, before.caseNumber),
      (c) => c !== null,
      'the case filed before leaving on the map',
    );
    const markersBefore = await mapDebug.markerCount(page);
    await page.evaluate(() => {
      window.__sameDocument = true;
    });

    // the supervisor goes to the reports; the map (and its live stream) unmounts
    await goToRoute(page, '/reports');
    await page.locator('[data-testid="live-status"]').waitFor({ state: 'detached' });
    const meanwhile = await operator.intake.create.mutate(intakeInput('离开地图时的案件'));

    // and comes back: the kept markers, then what changed since they were read
    await goToRoute(page, '/map');
    await waitUntil(
      () => mapDebug.markerColor(page, meanwhile.caseNumber),
      (c) => c !== null,
      'the case filed while away on the map',
    );
    expect(await mapDebug.markerCount(page)).toBe(markersBefore + 1);
    expect(await page.evaluate(() => window.__sameDocument)).toBe(true);
  });
});
