import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { TestClock, movedVertexUpload, shippedCellsCollection } from '@citygrid/server/testing';
import {
  ensureWebBuild,
  launchBrowser,
  loginAs,
  loginPage,
  newContext,
  screenshot,
  startTestServer,
  WEB_DIST,
  type TestServer,
} from './support.ts';

/**
 * Grid import in the admin console, as an administrator does it: upload a GeoJSON of cells, read the
 * partition report and the changed cells on the map, apply it as a new version; it is audited and
 * new cases are located in it while old cases keep their cell.
 */
const clock = new TestClock(Date.parse('2026-11-24T02:00:00Z'));
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

const upload = (page: Page, name: string, doc: unknown) =>
  page
    .getByTestId('grid-file')
    .setInputFiles({ name, mimeType: 'application/geo+json', buffer: Buffer.from(JSON.stringify(doc)) });

describe('grid import (网格)', () => {
  it('shows the problems of an invalid partition and refuses to apply it', async () => {
    await admin.getByTestId('admin-tab-grid').click();
    await admin.getByTestId('admin-grid').waitFor();
    const bad = shippedCellsCollection();
    bad.features[0]!.geometry = structuredClone(bad.features[1]!.geometry);
    await admin.getByTestId('grid-version').fill('2026.9-bad');
    await upload(admin, 'bad-grid.geojson', bad);
    const report = admin.getByTestId('grid-report');
    await report.waitFor();
    expect(await report.getAttribute('data-ok')).toBe('false');
    const verdict = await admin.getByTestId('grid-verdict').textContent();
    expect(verdict).toContain('划分不合格，不能导入');
    expect(await admin.getByTestId('grid-count-overlap').locator('td').textContent()).not.toBe('0');
    expect(await admin.getByTestId('grid-count-gap').locator('td').textContent()).not.toBe('0');
    const problems = await admin.getByTestId('grid-problems').locator('li').allTextContents();
    expect(problems.some((p) => p.startsWith('缝隙'))).toBe(true);
    expect(problems.some((p) => p.includes('相互重叠'))).toBe(true);
    expect(Number(await admin.getByTestId('grid-diff-map').getAttribute('data-spots'))).toBeGreaterThan(0);
    expect(await admin.getByTestId('grid-apply').isDisabled()).toBe(true);
    await screenshot(admin, 'admin-grid-refused');
    await admin.getByTestId('language-switch').selectOption('en');
    await expect
      .poll(() => admin.getByTestId('grid-verdict').textContent())
      .toContain('The partition is invalid and cannot be imported');
    expect(await admin.getByTestId('grid-problems').locator('li').allTextContents()).toEqual(
      expect.arrayContaining([expect.stringMatching(/^Gap of \d+ m² at /)]),
    );
    await screenshot(admin, 'admin-grid-refused-en');
    await admin.getByTestId('language-switch').selectOption('zh');
  });

  it('applies a redrawn community as a new version: audited, and new cases are located in it', async () => {
    const fixture = movedVertexUpload();
    const operator = await loginAs(server, 'operator');
    const file = () =>
      operator.client.intake.create.mutate({
        nature: 'complaint',
        minorClassCode: 'C0302',
        description: '垃圾箱满溢',
        urgency: 'normal',
        location: fixture.probe,
      });
    const old = await file();

    await admin.getByTestId('grid-version').fill('2026.11-surveyed');
    await upload(admin, 'surveyed.geojson', fixture.upload);
    await admin.locator('[data-testid="grid-report"][data-ok="true"]').waitFor();
    expect(await admin.getByTestId('grid-verdict').textContent()).toContain('划分检查通过');
    const map = admin.getByTestId('grid-diff-map');
    expect(await map.getAttribute('data-changed')).toBe('4');
    expect(await map.getAttribute('data-added')).toBe('0');
    expect(await admin.getByTestId('grid-count-changed').locator('td').textContent()).toBe('4');
    await screenshot(admin, 'admin-grid-preview');

    await admin.getByTestId('grid-apply').click();
    await expect
      .poll(() => admin.getByTestId('admin-ok').textContent())
      .toContain('已导入网格版本 2026.11-surveyed');
    await expect
      .poll(() => admin.getByTestId('admin-grid').locator('p.muted').first().textContent())
      .toContain('2026.11-surveyed');

    const fresh = await file();
    const lead = await loginAs(server, 'lead');
    expect((await lead.client.cases.get.query({ caseNumber: fresh.caseNumber })).record.cellCode).toBe(
      fixture.newCell,
    );
    expect((await lead.client.cases.get.query({ caseNumber: old.caseNumber })).record.cellCode).toBe(
      fixture.oldCell,
    );

    await admin.getByTestId('admin-tab-audit').click();
    await admin.getByTestId('audit-filter').fill('grid:2026.11-surveyed');
    const row = admin.locator('[data-testid="audit-row"][data-target="grid:2026.11-surveyed"]').first();
    await row.waitFor();
    const cells = await row.locator('td').allTextContents();
    expect(cells[1]).toContain('admin');
    expect(cells[2]).toBe('导入网格');
    expect(cells[4]).toContain('2025.1-generated');
    expect(cells[5]).toContain(fixture.changedCodes[0]);
    await screenshot(admin, 'admin-grid-audit');
  });
});
