import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ensureWebBuild, WEB_DIST } from './support.ts';

/**
 * First-load budget of the citizen page (/report), map and fonts aside: the JavaScript and CSS that
 * report.html loads before anything is lazy — its entry script, the modules it preloads and its
 * stylesheets — at most CITIZEN_FIRST_LOAD_BUDGET bytes gzipped. On a slow 3G link (~400 kbit/s)
 * that is about 2.5 s. The map (Leaflet), the QR code, the tracking page and the Mongolian font are
 * separate chunks loaded when needed.
 */
export const CITIZEN_FIRST_LOAD_BUDGET = 110 * 1024;

describe('the citizen page’s first load', () => {
  it('stays within its budget of 110 KiB gzipped JavaScript and CSS and does not pull in the map or the staff app', () => {
    ensureWebBuild();
    const html = readFileSync(join(WEB_DIST, 'report.html'), 'utf8');
    const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]!);
    expect(assets.some((a) => a.endsWith('.js'))).toBe(true);
    const sizes = assets.map((a) => {
      const bytes = readFileSync(join(WEB_DIST, a));
      return { asset: a, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
    });
    const total = sizes.reduce((n, s) => n + s.gzip, 0);
    console.log(
      `citizen first load: ${(total / 1024).toFixed(1)} KiB gzipped (budget ${CITIZEN_FIRST_LOAD_BUDGET / 1024} KiB)`,
      sizes,
    );
    expect(total).toBeLessThanOrEqual(CITIZEN_FIRST_LOAD_BUDGET);
    const code = assets.map((a) => readFileSync(join(WEB_DIST, a), 'utf8')).join('\n');
    expect(code).not.toContain('leaflet-container'); // Leaflet (its CSS) stays in the lazy map chunk
    expect(code).not.toContain('httpBatchStreamLink'); // nothing of the staff app's tRPC client
  });
});
