/**
 * The basemap a deployment names (all optional: without TILE_URL the grid is the map): a tile URL
 * template with Leaflet's `{s}`, `{z}`, `{x}`, `{y}`, its subdomains, an annotation (label) layer
 * drawn on top (Tianditu serves labels as separate tiles), the coordinate system the tiles are drawn
 * in, and the attribution. The web app reads it from `/api/config`; the Content-Security-Policy's
 * `img-src` allows exactly the hosts these templates expand to.
 */
export type TileCrs = 'wgs84' | 'gcj02';

export interface TileSettings {
  TILE_URL: string;
  TILE_SUBDOMAINS: string;
  TILE_ANNOTATION_URL: string;
  TILE_CRS: TileCrs;
  TILE_ATTRIBUTION: string;
}

/** What the web app receives in `/api/config`. */
export interface PublicTileConfig {
  tileUrl: string | null;
  tileSubdomains: string[];
  tileAnnotationUrl: string | null;
  /** `gcj02`: the tiles are drawn in GCJ-02 (AMap, Tencent); the map shifts the grid and markers onto them. */
  tileCrs: TileCrs;
  tileAttribution: string | null;
}

/** Leaflet's default when a template has `{s}` and no subdomains are named. */
const DEFAULT_SUBDOMAINS = ['a', 'b', 'c'];

/**
 * `TILE_SUBDOMAINS`: comma-separated (`t0,t1,t2`) or, as Leaflet takes a string, one character per
 * subdomain (`01234567`, `abc`).
 */
export function parseSubdomains(raw: string): string[] {
  const text = raw.trim();
  if (!text) return [];
  return text.includes(',')
    ? text
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : [...text];
}

function subdomainsOf(s: TileSettings): string[] {
  const named = parseSubdomains(s.TILE_SUBDOMAINS);
  return named.length > 0 ? named : DEFAULT_SUBDOMAINS;
}

/** Throws `invalid configuration: <VARIABLE>: …` for a template that cannot be a tile source. */
function checkTemplate(name: string, template: string, subdomains: string[]): void {
  if (!template) return;
  for (const p of ['{z}', '{x}', '{y}']) {
    if (!template.includes(p))
      throw new Error(
        `invalid configuration: ${name}: the tile URL needs ${p} (Leaflet template, e.g. https://{s}.example.com/{z}/{x}/{y}.png)`,
      );
  }
  let url: URL;
  try {
    url = new URL(template.replaceAll('{s}', subdomains[0] ?? 'a'));
  } catch {
    throw new Error(`invalid configuration: ${name}: not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new Error(`invalid configuration: ${name}: http or https only`);
}

/** Validate the tile settings once, at configuration load. */
export function checkTileSettings(s: TileSettings): void {
  const subdomains = subdomainsOf(s);
  for (const d of subdomains) {
    if (!/^[A-Za-z0-9-]+$/.test(d))
      throw new Error(`invalid configuration: TILE_SUBDOMAINS: "${d}" is not a host name label`);
  }
  checkTemplate('TILE_URL', s.TILE_URL, subdomains);
  checkTemplate('TILE_ANNOTATION_URL', s.TILE_ANNOTATION_URL, subdomains);
  if (s.TILE_ANNOTATION_URL && !s.TILE_URL)
    throw new Error(
      'invalid configuration: TILE_ANNOTATION_URL: needs TILE_URL (labels are drawn on a basemap)',
    );
}

export function publicTileConfig(s: TileSettings): PublicTileConfig {
  return {
    tileUrl: s.TILE_URL || null,
    tileSubdomains: s.TILE_URL || s.TILE_ANNOTATION_URL ? subdomainsOf(s) : [],
    tileAnnotationUrl: s.TILE_ANNOTATION_URL || null,
    tileCrs: s.TILE_CRS,
    tileAttribution: s.TILE_ATTRIBUTION || null,
  };
}

/**
 * The origins the browser may load tile images from: every configured template with `{s}` replaced
 * by each subdomain (`https://t0.tianditu.gov.cn` … `https://t7.tianditu.gov.cn`), no wildcards.
 */
export function tileImageOrigins(s: TileSettings): string[] {
  const origins = new Set<string>();
  for (const template of [s.TILE_URL, s.TILE_ANNOTATION_URL]) {
    if (!template) continue;
    const hosts = template.includes('{s}')
      ? subdomainsOf(s).map((d) => template.replaceAll('{s}', d))
      : [template];
    for (const h of hosts) origins.add(new URL(h).origin);
  }
  return [...origins];
}
