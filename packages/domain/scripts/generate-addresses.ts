/**
 * Generates the seed of the city's own gazetteer (`src/reference/data/addresses.json`): residential
 * compounds (小区), their buildings (楼栋) and door numbers (门牌) along the streets, placed over the
 * GENERATED grid's communities. Deterministic (seeded PRNG, no clock). Invented names and
 * approximate positions: a demo seed that an administrator replaces by importing the city's own
 * list (admin console → 地名地址).
 *
 *   npx tsx packages/domain/scripts/generate-addresses.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSeededRandom } from '../src/grid/prng.ts';
import { isPointInRing } from '../src/grid/point-in-ring.ts';
import { ringCentroid } from '../src/grid/reading-order.ts';

const dataDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'reference', 'data');
const grid = JSON.parse(readFileSync(join(dataDir, 'grid.json'), 'utf8')) as {
  county: { name: string };
  subDistricts: Array<{ code: string; name: string }>;
  communities: Array<{
    code: string;
    subDistrictCode: string;
    name: string;
    polygon: { coordinates: number[][][] };
  }>;
};
const gazetteer = JSON.parse(readFileSync(join(dataDir, 'gazetteer.json'), 'utf8')) as {
  entries: Array<{ kind: string; name: string; lat: number; lng: number }>;
};

const rnd = createSeededRandom(2025_1202);
const round6 = (x: number) => Math.round(x * 1e6) / 1e6;
const CITY = grid.county.name;
const SUFFIXES = ['小区', '花园', '家园', '嘉园', '新村', '雅苑'];

type Entry = {
  kind: 'compound' | 'building' | 'door';
  name: string;
  address: string;
  lng: number;
  lat: number;
};
const entries: Entry[] = [];

for (const [ci, c] of grid.communities.entries()) {
  const ring = c.polygon.coordinates[0]!.map((p) => [p[0]!, p[1]!] as const);
  const [cx, cy] = ringCentroid(ring);
  const subDistrict = grid.subDistricts.find((s) => s.code === c.subDistrictCode)!.name;
  const short = c.name.replace(/社区$/, '');
  for (let k = 0; k < 2; k++) {
    const compound = `${short}${SUFFIXES[(ci + k * 3) % SUFFIXES.length]}`;
    // a compound centre within ~250 m of the community centroid, kept inside the community
    let lng = cx;
    let lat = cy;
    for (let tries = 0; tries < 20; tries++) {
      const x = cx + (rnd() - 0.5) * 0.006;
      const y = cy + (rnd() - 0.5) * 0.004;
      if (isPointInRing(ring, x, y)) {
        lng = x;
        lat = y;
        break;
      }
    }
    entries.push({
      kind: 'compound',
      name: compound,
      address: `${CITY}${subDistrict}${c.name}${compound}`,
      lng: round6(lng),
      lat: round6(lat),
    });
    for (let b = 1; b <= 4; b++) {
      const bx = lng + ((b - 1) % 2 ? 1 : -1) * 0.0006;
      const by = lat + (b <= 2 ? 1 : -1) * 0.00035;
      entries.push({
        kind: 'building',
        name: `${compound}${b}号楼`,
        address: `${CITY}${compound} ${b}号楼`,
        lng: round6(bx),
        lat: round6(by),
      });
    }
  }
}

for (const street of gazetteer.entries.filter((e) => e.kind === 'street')) {
  for (let n = 1; n <= 6; n++) {
    const number = n * 8 + (rnd() < 0.5 ? 0 : 2); // even numbers: one side of the street
    entries.push({
      kind: 'door',
      name: `${street.name}${number}号`,
      address: `${CITY}${street.name}${number}号`,
      lng: round6(street.lng + (n - 3.5) * 0.0009),
      lat: round6(street.lat + (n % 2 ? 0.00012 : -0.00012)),
    });
  }
}

const doc = {
  version: '2025.1-generated',
  generated: true,
  note: "Invented compound names and approximate positions over the GENERATED grid: a demo seed, replaced by importing the city's own list.",
  entries,
};
const { entries: list, ...head } = doc;
const body = list.map((e) => `    ${JSON.stringify(e)}`).join(',\n');
writeFileSync(
  join(dataDir, 'addresses.json'),
  `${JSON.stringify(head, null, 2).slice(0, -2)},\n  "entries": [\n${body}\n  ]\n}\n`,
);
console.log(`wrote ${entries.length} gazetteer addresses to ${dataDir}`);
