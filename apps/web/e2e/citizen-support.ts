/** Shared pieces of the citizen-channel browser tests: the phone viewport, axe, layout checks. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Map as LeafletMap } from 'leaflet';
import type { TestServer } from './support.ts';

export const PHONE_VIEWPORT = { width: 390, height: 844 };
export const SMALL_PHONE_VIEWPORT = { width: 360, height: 740 };
const require = createRequire(import.meta.url);
export const AXE_PATH = require.resolve('axe-core/axe.min.js');

/** A phone: touch, mobile viewport, Beijing time. */
export async function phoneContext(
  browser: Browser,
  opts: {
    locale?: string;
    viewport?: { width: number; height: number };
    geolocation?: { latitude: number; longitude: number };
  } = {},
): Promise<BrowserContext> {
  const context = await browser.newContext({
    viewport: opts.viewport ?? PHONE_VIEWPORT,
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: opts.locale ?? 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    ...(opts.geolocation ? { geolocation: opts.geolocation, permissions: ['geolocation'] } : {}),
  });
  context.setDefaultTimeout(15_000);
  return context;
}

/** axe-core in the page; the serious and critical violations (empty means the check passes). */
export async function axeViolations(
  page: Page,
): Promise<Array<{ id: string; impact: string; nodes: string[] }>> {
  // evaluated over the DevTools protocol: the page's CSP (script-src 'self') stays as it is
  await page.evaluate(readFileSync(AXE_PATH, 'utf8'));
  return page.evaluate(async () => {
    const axe = window.axe;
    if (!axe) throw new Error('axe-core did not load into the page');
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({
        id: v.id,
        impact: v.impact,
        nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5),
      }));
  });
}

/** Visible interactive elements smaller than 44×44 CSS px (radio/checkbox count by their label). */
export async function smallTouchTargets(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const els = Array.from(
      document.querySelectorAll<HTMLElement>(
        'button, a[href], input, textarea, select, label.choice, label.button',
      ),
    );
    for (const el of els) {
      if (
        el instanceof HTMLInputElement &&
        (el.type === 'radio' || el.type === 'checkbox' || el.type === 'file')
      )
        continue;
      if (el.closest('.leaflet-container')) continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      const style = getComputedStyle(el);
      if (style.visibility === 'hidden' || style.display === 'none' || el.classList.contains('skip'))
        continue;
      if (r.width < 44 || r.height < 44)
        out.push(
          `${el.tagName.toLowerCase()}[${el.getAttribute('data-testid') ?? el.textContent?.trim().slice(0, 12)}] ${Math.round(r.width)}×${Math.round(r.height)}`,
        );
    }
    return out;
  });
}

/** Elements whose box is cut off by the page's non-scrolling axis (nothing may be clipped). */
export async function clippedElements(page: Page, axis: 'x' | 'y'): Promise<string[]> {
  return page.evaluate((ax) => {
    const limit = ax === 'x' ? document.documentElement.clientWidth : document.documentElement.clientHeight;
    const out: string[] = [];
    for (const el of Array.from(
      document.querySelectorAll<HTMLElement>('.card, button, legend, label, p, h1, h2, li'),
    )) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      const end = ax === 'x' ? r.right + window.scrollX : r.bottom + window.scrollY;
      if (end > limit + 1)
        out.push(`${el.tagName.toLowerCase()}.${el.className} ends at ${Math.round(end)} > ${limit}`);
    }
    return out.slice(0, 10);
  }, axis);
}

/** Where on screen a map point is (the report map exposes its Leaflet map for tests). */
export async function mapPointOf(page: Page, lat: number, lng: number): Promise<{ x: number; y: number }> {
  await page.waitForFunction(() => !!window.__citizenMap);
  return page.evaluate(
    ({ lat, lng }) => {
      const m = window.__citizenMap!;
      const p = m.latLngToContainerPoint([lat, lng]);
      const r = m.getContainer().getBoundingClientRect();
      return { x: r.left + p.x, y: r.top + p.y };
    },
    { lat, lng },
  );
}

export async function caseOfCode(server: TestServer, code: string) {
  const row = await server.services.citizen.store.reportByCode(code);
  if (!row) throw new Error(`no report ${code}`);
  return (await server.services.cases.getRecordById(row.caseId))!;
}

declare global {
  interface Window {
    __citizenMap?: LeafletMap;
  }
}
