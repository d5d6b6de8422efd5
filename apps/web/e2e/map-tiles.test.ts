import { afterAll, afterEach, describe, expect, it } from 'vitest';
import gcoord from 'gcoord';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import {
  CHROMIUM_ARGS,
  CITY_CENTRE,
  MAP_VIEWPORT,
  WEB_DIST,
  ensureWebBuild,
  loginAs,
  loginPage,
  newContext,
  screenshot,
  startTestServer,
  waitUntil,
  type TestServer,
} from './support.ts';
import { startTileServer, type TileServer } from './tile-server.ts';

/**
 * A basemap people can read: the server is configured with a local Tianditu-like tile server
 * (subdomains t0–t3, label tiles on top); the page really loads the tiles from every subdomain under
 * the Content-Security-Policy the server derives from the configuration, and with TILE_CRS=gcj02 a
 * case sits on the spot of the tile that shows its GCJ-02 coordinate, and a click on the map reaches
 * the server in WGS-84.
 */
const SUBDOMAINS = ['0', '1', '2', '3'];
const MARKER_RGB: Record<string, [number, number, number]> = {
  red: [229, 72, 77],
  yellow: [245, 197, 66],
  green: [48, 164, 108],
  grey: [139, 149, 165],
  blue: [62, 142, 247],
  parked: [142, 111, 216],
};

let browser: Browser | null = null;
let tiles: TileServer | null = null;
let server: TestServer | null = null;

async function start(crs: 'wgs84' | 'gcj02') {
  ensureWebBuild();
  tiles = await startTileServer();
  server = await startTestServer({
    WEB_DIST,
    TILE_URL: tiles.template('vec'),
    TILE_ANNOTATION_URL: tiles.template('cva'),
    TILE_SUBDOMAINS: SUBDOMAINS.join(''),
    TILE_CRS: crs,
    TILE_ATTRIBUTION: '本地测试瓦片',
  });
  // every *.localhost to the IPv4 loopback the tile server listens on
  browser ??= await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [...CHROMIUM_ARGS, '--host-resolver-rules=MAP *.localhost 127.0.0.1'],
  });
  return { tiles, server, browser };
}
afterEach(async () => {
  await server?.stop();
  await tiles?.close();
  server = null;
  tiles = null;
});
afterAll(async () => browser?.close());

/** Collect CSP refusals of every page of the context (the `securitypolicyviolation` event). */
async function watchCsp(context: BrowserContext) {
  await context.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      window.__csp?.push(`${e.violatedDirective} ${e.blockedURI}`),
    );
  });
  return (page: Page) => page.evaluate(() => window.__csp ?? []);
}

/** Every tile <img> of the map that has finished loading, by layer. */
const loadedTiles = (page: Page) =>
  page.evaluate(() => {
    const imgs = [...document.querySelectorAll<HTMLImageElement>('img.leaflet-tile')];
    const ok = imgs.filter((i) => i.complete && i.naturalWidth === 256);
    return {
      vec: ok.filter((i) => i.src.includes('/vec/')).length,
      cva: ok.filter((i) => i.src.includes('/cva/')).length,
      broken: imgs.filter((i) => i.complete && i.naturalWidth === 0).length,
    };
  });

/** Global Web-Mercator pixel of a point at an integer zoom (256-px tiles), independent of Leaflet. */
function mercatorPixel(lat: number, lng: number, z: number) {
  const scale = 256 * 2 ** z;
  const phi = (lat * Math.PI) / 180;
  return {
    x: ((lng + 180) / 360) * scale,
    y: ((1 - Math.log(Math.tan(phi) + 1 / Math.cos(phi)) / Math.PI) / 2) * scale,
  };
}

/**
 * Where, on the screen, the loaded tiles show the point (lat, lng) of the tiles' own coordinate
 * system: the rectangle of the tile image holding it, plus the offset inside the tile.
 */
async function screenPointOnTiles(page: Page, lat: number, lng: number) {
  const z = await page.evaluate(() =>
    Math.round(window.__citygrid.map('intake')?.getZoom() ?? window.__citygrid.map()!.getZoom()),
  );
  const p = mercatorPixel(lat, lng, z);
  const tx = Math.floor(p.x / 256);
  const ty = Math.floor(p.y / 256);
  const rect = await page.evaluate((src) => {
    const img = [...document.querySelectorAll<HTMLImageElement>('img.leaflet-tile')].find((i) =>
      i.src.endsWith(src),
    );
    if (!img) return null;
    const r = img.getBoundingClientRect();
    return { left: r.left, top: r.top, width: r.width, height: r.height };
  }, `/vec/${z}/${tx}/${ty}.png`);
  if (!rect) throw new Error(`tile vec/${z}/${tx}/${ty} is not on the page`);
  return {
    x: rect.left + ((p.x - tx * 256) * rect.width) / 256,
    y: rect.top + ((p.y - ty * 256) * rect.height) / 256,
  };
}

/** The centre (client pixels) of the pixels of one colour on the map's canvas, from the canvas itself. */
const colourCentroid = (page: Page, rgb: [number, number, number]) =>
  page.evaluate((target) => {
    let sx = 0;
    let sy = 0;
    let n = 0;
    for (const canvas of document.querySelectorAll<HTMLCanvasElement>(
      '[data-testid="command-map"] canvas.leaflet-zoom-animated',
    )) {
      const r = canvas.getBoundingClientRect();
      const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      for (let i = 0; i < data.length; i += 4) {
        if (
          Math.abs(data[i]! - target[0]) +
            Math.abs(data[i + 1]! - target[1]) +
            Math.abs(data[i + 2]! - target[2]) >
            30 ||
          data[i + 3]! < 200
        )
          continue;
        const px = (i / 4) % canvas.width;
        const py = Math.floor(i / 4 / canvas.width);
        sx += r.left + (px * r.width) / canvas.width;
        sy += r.top + (py * r.height) / canvas.height;
        n++;
      }
    }
    return n > 0 ? { x: sx / n, y: sy / n, n } : null;
  }, rgb);

describe('the basemap from the configured tile hosts', () => {
  it('loads base and label tiles from every subdomain under the served CSP, and refuses a host not configured', async () => {
    const { tiles, server, browser } = await start('wgs84');
    const context = await newContext(browser, MAP_VIEWPORT);
    const violations = await watchCsp(context);
    const page = await loginPage(context, server.url, 'supervisor');
    const cspOf = () => violations(page);
    await page.getByTestId('command-map').waitFor();
    const loaded = await waitUntil(
      () => loadedTiles(page),
      (v) => v.vec >= 8 && v.cva >= 8,
      'base and label tiles loaded',
      20_000,
    );
    expect(loaded.broken).toBe(0);
    for (const s of SUBDOMAINS) {
      expect(tiles.counts.vec[`t${s}.localhost`], `base tiles from t${s}`).toBeGreaterThan(0);
      expect(tiles.counts.cva[`t${s}.localhost`], `label tiles from t${s}`).toBeGreaterThan(0);
    }
    expect(Object.keys(tiles.counts.vec).sort()).toEqual(SUBDOMAINS.map((s) => `t${s}.localhost`));
    expect(await cspOf()).toEqual([]);
    // the policy is specific: the same tile server under a host the configuration does not name is refused
    await page.evaluate((port) => {
      const img = new Image();
      img.src = `http://t9.localhost:${port}/vec/12/3000/1500.png`;
      document.body.appendChild(img);
    }, tiles.port);
    await waitUntil(
      () => cspOf(),
      (v) => v.length > 0,
      'a CSP refusal of t9.localhost',
    );
    expect((await cspOf())[0]).toMatch(/^img-src http:\/\/t9\.localhost/);
    expect(tiles.counts.vec['t9.localhost']).toBeUndefined();
    await expect
      .poll(() => page.locator('.leaflet-control-attribution').textContent())
      .toContain('本地测试瓦片');
    await screenshot(page, 'map-tiles-zh');
    await page.getByTestId('language-switch').selectOption('en');
    await screenshot(page, 'map-tiles-en');
    await context.close();
  });
});

describe('a GCJ-02 basemap (TILE_CRS=gcj02)', () => {
  it('draws a case on the tile spot of its GCJ-02 coordinate, not of its WGS-84 one', async () => {
    const { server, browser } = await start('gcj02');
    const operator = await loginAs(server, 'operator');
    const point = { lat: CITY_CENTRE.lat + 0.0021, lng: CITY_CENTRE.lng - 0.0034 };
    const { caseNumber } = await operator.client.intake.create.mutate({
      nature: 'complaint',
      minorClassCode: 'C0302',
      description: '垃圾箱满溢',
      urgency: 'normal',
      location: point,
    });
    const context = await newContext(browser, MAP_VIEWPORT);
    const page = await loginPage(context, server.url, 'supervisor');
    await page.getByTestId('command-map').waitFor();
    await waitUntil(
      () => page.evaluate(() => window.__citygrid.markerCount()),
      (n) => n === 1,
      'the case on the map',
    );
    await page.evaluate(
      (p) => void window.__citygrid.map()!.setView([p.lat, p.lng], 17, { animate: false }),
      point,
    );
    await waitUntil(
      () => loadedTiles(page),
      (v) => v.vec >= 8,
      'tiles at zoom 17',
      20_000,
    );
    const cls = await page.evaluate((cn) => window.__citygrid.markerColor(cn), caseNumber);
    const marker = await waitUntil(
      () => colourCentroid(page, MARKER_RGB[cls!]!),
      (v) => v !== null && v.n > 20,
      `the ${cls} case dot on the canvas`,
    );
    const [gLng, gLat] = gcoord.transform([point.lng, point.lat], gcoord.WGS84, gcoord.GCJ02) as [
      number,
      number,
    ];
    const onTiles = await screenPointOnTiles(page, gLat, gLng);
    const naive = await screenPointOnTiles(page, point.lat, point.lng).catch(() => null);
    await screenshot(page, 'map-tiles-gcj02');
    expect(Math.hypot(marker!.x - onTiles.x, marker!.y - onTiles.y)).toBeLessThan(3);
    // unshifted, the dot would sit hundreds of pixels away at this zoom
    if (naive) expect(Math.hypot(marker!.x - naive.x, marker!.y - naive.y)).toBeGreaterThan(100);
    await context.close();
  });

  it('sends a point clicked on the GCJ-02 basemap to the server in WGS-84', async () => {
    const { server, browser } = await start('gcj02');
    const context = await newContext(browser, MAP_VIEWPORT);
    const page = await loginPage(context, server.url, 'operator');
    await page.getByTestId('intake-map').waitFor();
    await page.getByTestId('intake-category-search').fill('垃圾箱');
    await page.getByTestId('category-option-C0302').click();
    const target = { lat: CITY_CENTRE.lat, lng: CITY_CENTRE.lng };
    await page.evaluate(
      (p) => void window.__citygrid.map('intake')!.setView([p.lat, p.lng], 17, { animate: false }),
      target,
    );
    await waitUntil(
      () => loadedTiles(page),
      (v) => v.vec >= 4,
      'intake map tiles',
      20_000,
    );
    // the spot where the AMap-style tiles show the target (its GCJ-02 coordinate)
    const [gLng, gLat] = gcoord.transform([target.lng, target.lat], gcoord.WGS84, gcoord.GCJ02) as [
      number,
      number,
    ];
    const at = await screenPointOnTiles(page, gLat, gLng);
    const sent = page.waitForRequest(
      (r) => r.url().includes('intake.preview') && decodeURIComponent(r.url()).includes('"location":{'),
    );
    await page.mouse.click(at.x, at.y);
    const url = decodeURIComponent((await sent).url());
    const m = /"location":\{"lat":([\d.]+),"lng":([\d.]+)\}/.exec(url);
    expect(m, url).not.toBeNull();
    const got = { lat: Number(m![1]), lng: Number(m![2]) };
    const metres = Math.hypot(
      (got.lat - target.lat) * 111_320,
      (got.lng - target.lng) * 111_320 * Math.cos((target.lat * Math.PI) / 180),
    );
    expect(metres).toBeLessThan(3);
    await context.close();
  });
});
