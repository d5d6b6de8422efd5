/**
 * A local tile server for the browser tests (they cannot reach Tianditu or AMap): 256×256 PNG tiles
 * generated in memory, served on `listen(0)` for any host name, so `http://t{s}.localhost:<port>/…`
 * (Chromium resolves every `*.localhost` to the loopback) gives each subdomain its own origin.
 * Base tiles are a pale colour per subdomain with a dark 2-px border; label tiles are transparent
 * with a dark cross in the middle. Every request is counted by layer and host.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { encodePng } from './support.ts';

/** A 256×256 RGBA PNG whose pixel (x, y) is `pixel(x, y)`. */
export function rgbaPng(pixel: (x: number, y: number) => [number, number, number, number]): Buffer {
  const size = 256;
  const raw = Buffer.alloc(size * (1 + size * 4));
  for (let y = 0; y < size; y++) {
    const row = y * (1 + size * 4);
    for (let x = 0; x < size; x++) raw.set(pixel(x, y), row + 1 + x * 4);
  }
  return encodePng(size, size, 6, raw);
}

const PALE: Array<[number, number, number]> = [
  [236, 230, 214],
  [222, 234, 220],
  [218, 228, 240],
  [240, 224, 226],
];
const baseTile = (shade: number) => {
  const [r, g, b] = PALE[shade % PALE.length]!;
  return rgbaPng((x, y) => (x < 2 || y < 2 ? [120, 120, 120, 255] : [r, g, b, 255]));
};
const LABEL_TILE = rgbaPng((x, y) =>
  (Math.abs(x - 128) < 2 && Math.abs(y - 128) < 24) || (Math.abs(y - 128) < 2 && Math.abs(x - 128) < 24)
    ? [40, 40, 40, 255]
    : [0, 0, 0, 0],
);

export interface TileServer {
  port: number;
  /** `http://t{s}.localhost:<port>/<layer>/{z}/{x}/{y}.png` */
  template(layer: 'vec' | 'cva'): string;
  /** Requests per layer and host, e.g. `counts.vec['t0.localhost']`. */
  counts: { vec: Record<string, number>; cva: Record<string, number> };
  /** Every tile requested, as `layer/z/x/y`. */
  requested: Set<string>;
  close(): Promise<void>;
}

export async function startTileServer(): Promise<TileServer> {
  const counts: TileServer['counts'] = { vec: {}, cva: {} };
  const requested = new Set<string>();
  const tiles = PALE.map((_, i) => baseTile(i));
  const server: Server = createServer((req, res) => {
    const m = /^\/(vec|cva)\/(\d+)\/(\d+)\/(\d+)\.png$/.exec(req.url ?? '');
    if (!m) return void res.writeHead(404).end();
    const [, z, x, y] = m.slice(1).map(String) as [string, string, string, string];
    const layer: 'vec' | 'cva' = m[1] === 'cva' ? 'cva' : 'vec';
    const host = (req.headers.host ?? '').replace(/:\d+$/, '');
    counts[layer][host] = (counts[layer][host] ?? 0) + 1;
    requested.add(`${layer}/${z}/${x}/${y}`);
    const body = layer === 'cva' ? LABEL_TILE : tiles[(Number(x) + Number(y)) % tiles.length]!;
    res
      .writeHead(200, {
        'Content-Type': 'image/png',
        'Content-Length': body.length,
        'Cache-Control': 'no-store',
      })
      .end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    template: (layer) => `http://t{s}.localhost:${port}/${layer}/{z}/{x}/{y}.png`,
    counts,
    requested,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
