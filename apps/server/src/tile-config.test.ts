import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from './env.ts';
import { parseSubdomains, publicTileConfig, tileImageOrigins } from './tile-config.ts';
import { startTestServer, type TestServer } from './testing/index.ts';

const TIANDITU =
  'https://t{s}.tianditu.gov.cn/vec_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=vec&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=KEY';
const TIANDITU_LABELS = TIANDITU.replace('vec_w', 'cva_w').replace('LAYER=vec', 'LAYER=cva');
const AMAP =
  'https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}';

const imgSrcOf = (csp: string | null) =>
  (csp ?? '')
    .split(';')
    .map((d) => d.trim())
    .find((d) => d.startsWith('img-src'))
    ?.split(/\s+/)
    .slice(1) ?? [];

describe('tile configuration', () => {
  it('reads subdomains comma-separated or one character each, as Leaflet does', () => {
    expect(parseSubdomains('01234567')).toEqual(['0', '1', '2', '3', '4', '5', '6', '7']);
    expect(parseSubdomains('t0, t1,t2')).toEqual(['t0', 't1', 't2']);
    expect(parseSubdomains('')).toEqual([]);
  });

  it('allows exactly the Tianditu hosts t0–t7 for the basemap and its labels in img-src, no wildcard', () => {
    const c = loadConfig({
      TILE_URL: TIANDITU,
      TILE_ANNOTATION_URL: TIANDITU_LABELS,
      TILE_SUBDOMAINS: '01234567',
    });
    expect(tileImageOrigins(c)).toEqual([0, 1, 2, 3, 4, 5, 6, 7].map((i) => `https://t${i}.tianditu.gov.cn`));
    expect(publicTileConfig(c)).toMatchObject({
      tileUrl: TIANDITU,
      tileAnnotationUrl: TIANDITU_LABELS,
      tileSubdomains: ['0', '1', '2', '3', '4', '5', '6', '7'],
      tileCrs: 'wgs84',
    });
  });

  it('expands AMap webrd01–04 and marks the source as GCJ-02', () => {
    const c = loadConfig({ TILE_URL: AMAP, TILE_SUBDOMAINS: '1234', TILE_CRS: 'gcj02' });
    expect(tileImageOrigins(c)).toEqual([
      'https://webrd01.is.autonavi.com',
      'https://webrd02.is.autonavi.com',
      'https://webrd03.is.autonavi.com',
      'https://webrd04.is.autonavi.com',
    ]);
    expect(publicTileConfig(c).tileCrs).toBe('gcj02');
  });

  it('takes a, b, c for {s} when no subdomains are named, and adds nothing without a basemap', () => {
    expect(
      tileImageOrigins(loadConfig({ TILE_URL: 'https://{s}.tile.example.org/{z}/{x}/{y}.png' })),
    ).toEqual(['https://a.tile.example.org', 'https://b.tile.example.org', 'https://c.tile.example.org']);
    const none = loadConfig({});
    expect(tileImageOrigins(none)).toEqual([]);
    expect(publicTileConfig(none)).toEqual({
      tileUrl: null,
      tileSubdomains: [],
      tileAnnotationUrl: null,
      tileCrs: 'wgs84',
      tileAttribution: null,
    });
  });

  it.each([
    [{ TILE_URL: 'https://tiles.example.org/{z}/{x}.png' }, 'TILE_URL'],
    [{ TILE_URL: 'ftp://tiles.example.org/{z}/{x}/{y}.png' }, 'TILE_URL'],
    [{ TILE_URL: 'not a url {z}{x}{y}' }, 'TILE_URL'],
    [{ TILE_ANNOTATION_URL: TIANDITU_LABELS }, 'TILE_ANNOTATION_URL'],
    [{ TILE_URL: TIANDITU, TILE_SUBDOMAINS: 't0,t 1' }, 'TILE_SUBDOMAINS'],
    [{ TILE_URL: AMAP, TILE_CRS: 'bd09' }, 'TILE_CRS'],
  ])('refuses %o naming %s', (env, name) => {
    expect(() => loadConfig(env)).toThrow(new RegExp(`invalid configuration: ${name}`));
  });
});

describe('the served policy follows the configured hosts', () => {
  let server: TestServer | null = null;
  afterAll(async () => server?.stop());

  it('sends an img-src with every expanded tile host and /api/config with the tile settings', async () => {
    server = await startTestServer({
      TILE_URL: TIANDITU,
      TILE_ANNOTATION_URL: TIANDITU_LABELS,
      TILE_SUBDOMAINS: '01234567',
      TILE_ATTRIBUTION: '天地图',
    });
    const res = await fetch(`${server.url}/api/config`);
    const imgSrc = imgSrcOf(res.headers.get('content-security-policy'));
    for (let i = 0; i < 8; i++) expect(imgSrc).toContain(`https://t${i}.tianditu.gov.cn`);
    expect(imgSrc.some((s) => s.includes('*'))).toBe(false);
    expect(await res.json()).toMatchObject({
      tileUrl: TIANDITU,
      tileAnnotationUrl: TIANDITU_LABELS,
      tileAttribution: '天地图',
      tileCrs: 'wgs84',
    });
  });
});
