/**
 * Generates the reference grid (`src/reference/data/grid.json`) and gazetteer
 * (`src/reference/data/gazetteer.json`) for Xilinhot. Deterministic: a seeded PRNG, no clock.
 *
 *   npx tsx packages/domain/scripts/generate-grid.ts
 *
 * No surveyed grid geometry is available offline, so the geometry is GENERATED: a jittered 9 × 5
 * quadrilateral mesh of 45 communities over the urban extent, each split 2 × 2 into 4 cells through
 * shared edge midpoints and an interior point. Every vertex is created once and shared by all
 * polygons that touch it, and rounding to 6 decimals happens once per vertex before any polygon is
 * assembled, so the partition is seamless by construction (checked by `checkPartition` in tests).
 * Replace it by importing a surveyed GeoJSON of the same shape.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSeededRandom } from '../src/grid/prng.ts';
import { orderByReadingOrder, ringCentroid } from '../src/grid/reading-order.ts';

type Position = [lng: number, lat: number];

const SEED = 152502;
const VALID_FROM = '2025-01-01';
const COUNTY = { code: '152502', name: '锡林浩特市' };
const WEST = 116.03;
const EAST = 116.145;
const SOUTH = 43.9;
const NORTH = 43.968;
const COLS = 9;
const ROWS = 5;
const DX = (EAST - WEST) / COLS;
const DY = (NORTH - SOUTH) / ROWS;

/** Sub-districts (街道). Only 希日塔拉 (government seat) and 杭盖 are confirmed; the rest are editable. */
const SUB_DISTRICTS = [
  { key: 'X', name: '希日塔拉街道', nameEn: 'Xiritala Subdistrict' },
  { key: 'H', name: '杭盖街道', nameEn: 'Hanggai Subdistrict' },
  { key: 'B', name: '宝力根街道', nameEn: 'Baoligen Subdistrict' },
  { key: 'C', name: '楚古兰街道', nameEn: 'Chugulan Subdistrict' },
  { key: 'E', name: '额尔敦街道', nameEn: 'Eerdun Subdistrict' },
  { key: 'N', name: '南郊街道', nameEn: 'Nanjiao Subdistrict' },
] as const;

/** Which sub-district each mesh community belongs to (row 0 = north); contiguous blocks. */
const LAYOUT = ['BBBHHHHCC', 'BBXHHHHCC', 'BBXXXXECC', 'NNXXXEEEC', 'NNNNNNEEE'];

/** Community names per sub-district, in reading order. 杭盖's are real; the others are plausible placeholders. */
const COMMUNITY_NAMES: Record<string, ReadonlyArray<readonly [string, string]>> = {
  H: [
    ['呼格吉勒', 'Hugejile'],
    ['查干淖尔', 'Chagannaoer'],
    ['青格勒', 'Qinggele'],
    ['东风', 'Dongfeng'],
    ['巴达日呼', 'Badarihu'],
    ['德尔斯图', 'Deersitu'],
    ['东胜', 'Dongsheng'],
    ['长安', "Chang'an"],
  ],
  X: [
    ['锡林', 'Xilin'],
    ['团结', 'Tuanjie'],
    ['贝子庙', 'Beizimiao'],
    ['朝阳', 'Chaoyang'],
    ['新华', 'Xinhua'],
    ['文化', 'Wenhua'],
    ['和平', 'Heping'],
    ['民族', 'Minzu'],
  ],
  B: [
    ['宝力根', 'Baoligen'],
    ['乌兰', 'Wulan'],
    ['巴彦', 'Bayan'],
    ['那达慕', 'Nadamu'],
    ['阿拉坦', 'Alatan'],
    ['塔拉', 'Tala'],
    ['浩特', 'Haote'],
  ],
  C: [
    ['楚古兰', 'Chugulan'],
    ['赛罕', 'Saihan'],
    ['苏力德', 'Sulide'],
    ['敖包', 'Aobao'],
    ['北苑', 'Beiyuan'],
    ['锡林河', 'Xilinhe'],
    ['金山', 'Jinshan'],
  ],
  E: [
    ['额尔敦', 'Eerdun'],
    ['乌力吉', 'Wuliji'],
    ['宝格达', 'Baogeda'],
    ['哈达', 'Hada'],
    ['希望', 'Xiwang'],
    ['益民', 'Yimin'],
    ['温都尔', 'Wenduer'],
  ],
  N: [
    ['南郊', 'Nanjiao'],
    ['南苑', 'Nanyuan'],
    ['白音', 'Baiyin'],
    ['草原', 'Caoyuan'],
    ['牧民', 'Mumin'],
    ['星光', 'Xingguang'],
    ['安达', 'Anda'],
    ['福苑', 'Fuyuan'],
  ],
};

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;
const pad = (n: number, width: number) => String(n).padStart(width, '0');
const random = createSeededRandom(SEED);
const jitter = (scale: number) => (random() * 2 - 1) * scale;

// --- Shared vertices ------------------------------------------------------------------------------
// corners[r][c], r = 0..ROWS (north→south), c = 0..COLS (west→east)
const corners: Position[][] = [];
for (let r = 0; r <= ROWS; r++) {
  const row: Position[] = [];
  for (let c = 0; c <= COLS; c++) {
    const onNS = r === 0 || r === ROWS;
    const onWE = c === 0 || c === COLS;
    row.push([
      WEST + c * DX + (onWE ? 0 : jitter(0.15 * DX)),
      NORTH - r * DY + (onNS ? 0 : jitter(0.15 * DY)),
    ]);
  }
  corners.push(row);
}
const lerp = (a: Position, b: Position, t: number): Position => [
  a[0] + t * (b[0] - a[0]),
  a[1] + t * (b[1] - a[1]),
];
// Midpoint of the horizontal edge corners[r][c]–corners[r][c+1], offset in latitude unless on the boundary.
const hMid: Position[][] = [];
for (let r = 0; r <= ROWS; r++) {
  const row: Position[] = [];
  for (let c = 0; c < COLS; c++) {
    const p = lerp(corners[r]![c]!, corners[r]![c + 1]!, 0.4 + 0.2 * random());
    const offset = r === 0 || r === ROWS ? 0 : jitter(0.08 * DY);
    row.push([p[0], p[1] + offset]);
  }
  hMid.push(row);
}
// Midpoint of the vertical edge corners[r][c]–corners[r+1][c], offset in longitude unless on the boundary.
const vMid: Position[][] = [];
for (let r = 0; r < ROWS; r++) {
  const row: Position[] = [];
  for (let c = 0; c <= COLS; c++) {
    const p = lerp(corners[r]![c]!, corners[r + 1]![c]!, 0.4 + 0.2 * random());
    const offset = c === 0 || c === COLS ? 0 : jitter(0.08 * DX);
    row.push([p[0] + offset, p[1]]);
  }
  vMid.push(row);
}
const centres: Position[][] = [];
for (let r = 0; r < ROWS; r++) {
  const row: Position[] = [];
  for (let c = 0; c < COLS; c++) {
    const quad = [corners[r]![c]!, corners[r]![c + 1]!, corners[r + 1]![c]!, corners[r + 1]![c + 1]!];
    const lng = quad.reduce((s, p) => s + p[0], 0) / 4;
    const lat = quad.reduce((s, p) => s + p[1], 0) / 4;
    row.push([lng + jitter(0.08 * DX), lat + jitter(0.08 * DY)]);
  }
  centres.push(row);
}
// Round every shared vertex once, in place, before any polygon is assembled.
for (const grid of [corners, hMid, vMid, centres]) {
  for (const row of grid)
    for (const p of row) {
      p[0] = round6(p[0]);
      p[1] = round6(p[1]);
    }
}

const close = (ring: Position[]): Position[] => [...ring, ring[0]!];
const polygon = (ring: Position[]) => ({
  type: 'Polygon' as const,
  coordinates: [close(ring).map((p) => [p[0], p[1]])],
});

// --- Communities and cells --------------------------------------------------------------------------
const subDistricts = SUB_DISTRICTS.map((s, i) => ({ ...s, code: `${COUNTY.code}${pad(i + 1, 3)}` }));
const nextCommunityNumber = new Map<string, number>();
const communities: Array<{
  code: string;
  subDistrictCode: string;
  name: string;
  nameEn: string;
  polygon: ReturnType<typeof polygon>;
}> = [];
const features: unknown[] = [];

for (let r = 0; r < ROWS; r++) {
  for (let c = 0; c < COLS; c++) {
    const key = LAYOUT[r]![c]!;
    const sub = subDistricts.find((s) => s.key === key)!;
    const number = (nextCommunityNumber.get(key) ?? 0) + 1;
    nextCommunityNumber.set(key, number);
    const [name, nameEn] = COMMUNITY_NAMES[key]![number - 1]!;
    const code = `${sub.code}${pad(number, 3)}`;
    const nw = corners[r]![c]!;
    const ne = corners[r]![c + 1]!;
    const sw = corners[r + 1]![c]!;
    const se = corners[r + 1]![c + 1]!;
    const n = hMid[r]![c]!;
    const s = hMid[r + 1]![c]!;
    const w = vMid[r]![c]!;
    const e = vMid[r]![c + 1]!;
    const m = centres[r]![c]!;
    communities.push({
      code,
      subDistrictCode: sub.code,
      name: `${name}社区`,
      nameEn: `${nameEn} Community`,
      polygon: polygon([nw, w, sw, s, se, e, ne, n]),
    });
    // Counter-clockwise rings (GeoJSON exterior orientation).
    const quads: Position[][] = [
      [nw, w, m, n],
      [w, sw, s, m],
      [m, s, se, e],
      [n, m, e, ne],
    ];
    const order = orderByReadingOrder(quads.map(close));
    order.forEach((quadIndex, i) => {
      const seq = i + 1;
      features.push({
        type: 'Feature',
        properties: {
          code: `${code}${pad(seq, 2)}`,
          communityCode: code,
          subDistrictCode: sub.code,
          seq,
          name: `${name}社区第${pad(seq, 2)}网格`,
          validFrom: VALID_FROM,
          validTo: null,
        },
        geometry: polygon(quads[quadIndex]!),
      });
    });
  }
}
features.sort((a, b) => {
  const ca = (a as { properties: { code: string } }).properties.code;
  const cb = (b as { properties: { code: string } }).properties.code;
  return ca < cb ? -1 : 1;
});
communities.sort((a, b) => (a.code < b.code ? -1 : 1));

const grid = {
  version: '2025.1-generated',
  generated: true,
  note: 'Generated geometry, not surveyed; replace by importing a surveyed GeoJSON. Sub-districts other than 希日塔拉街道 and 杭盖街道, and community names outside 杭盖街道, are editable placeholders.',
  validFrom: VALID_FROM,
  county: COUNTY,
  extent: polygon([
    [WEST, NORTH],
    [WEST, SOUTH],
    [EAST, SOUTH],
    [EAST, NORTH],
  ]),
  subDistricts: subDistricts.map(({ code, name, nameEn }) => ({
    code,
    name,
    nameEn,
    editable: name !== '希日塔拉街道' && name !== '杭盖街道',
    ...(name === '希日塔拉街道' ? { governmentSeat: true } : {}),
  })),
  communities,
  cells: { type: 'FeatureCollection', features },
};

// --- Gazetteer ------------------------------------------------------------------------------------
/** A position inside mesh community (row, col) at fractions (fx west→east, fy north→south) of its nominal box. */
const at = (row: number, col: number, fx = 0.5, fy = 0.5) => ({
  lng: round6(WEST + (col + fx) * DX),
  lat: round6(NORTH - (row + fy) * DY),
});

const streets = [
  { name: '锡林大街', nameEn: 'Xilin Avenue', aliases: ['锡林大道'], ...at(2, 4, 0.5, 0.1) },
  { name: '贝子庙街', nameEn: 'Beizimiao Street', ...at(1, 2, 0.6, 0.5) },
  { name: '团结大街', nameEn: 'Tuanjie Avenue', ...at(2, 3, 0.5, 0.9) },
  { name: '杭盖路', nameEn: 'Hanggai Road', ...at(1, 5, 0.3, 0.3) },
  { name: '那达慕大街', nameEn: 'Naadam Avenue', ...at(3, 3, 0.5, 0.6) },
  { name: '额尔敦路', nameEn: 'Eerdun Road', ...at(3, 6, 0.4, 0.4) },
  { name: '宝力根路', nameEn: 'Baoligen Road', ...at(1, 1, 0.5, 0.5) },
  { name: '希日塔拉路', nameEn: 'Xiritala Road', ...at(2, 2, 0.2, 0.5) },
  { name: '楚古兰街', nameEn: 'Chugulan Street', ...at(1, 7, 0.5, 0.5) },
].map((s) => ({ kind: 'street' as const, ...s }));

const landmarks = [
  { name: '贝子庙', nameEn: 'Beizi Temple', aliases: ['Beizimiao', '崇善寺'], ...at(0, 2, 0.5, 0.3) },
  { name: '额尔敦敖包', nameEn: 'Erdene Ovoo', aliases: ['Eerdun Aobao'], ...at(0, 2, 0.4, 0.1) },
  {
    name: '锡林郭勒盟行政公署',
    nameEn: 'Xilingol League Administrative Office',
    aliases: ['盟行署', '盟委'],
    ...at(2, 3, 0.4, 0.4),
  },
  {
    name: '锡林浩特市人民政府',
    nameEn: 'Xilinhot Municipal Government',
    aliases: ['市政府'],
    ...at(2, 4, 0.5, 0.5),
  },
  { name: '锡林浩特站', nameEn: 'Xilinhot Railway Station', aliases: ['火车站'], ...at(4, 6, 0.5, 0.7) },
  {
    name: '锡林浩特市汽车站',
    nameEn: 'Xilinhot Bus Station',
    aliases: ['汽车站', '客运站'],
    ...at(3, 5, 0.5, 0.5),
  },
  {
    name: '锡林郭勒职业学院',
    nameEn: 'Xilingol Vocational College',
    aliases: ['职业学院'],
    ...at(4, 2, 0.5, 0.5),
  },
  { name: '人民公园', nameEn: "People's Park", ...at(2, 5, 0.5, 0.5) },
  { name: '锡林郭勒盟医院', nameEn: 'Xilingol League Hospital', aliases: ['盟医院'], ...at(1, 4, 0.5, 0.6) },
  {
    name: '锡林郭勒盟蒙医医院',
    nameEn: 'Xilingol League Mongolian Medicine Hospital',
    aliases: ['蒙医院'],
    ...at(1, 6, 0.5, 0.5),
  },
  { name: '锡林郭勒盟博物馆', nameEn: 'Xilingol League Museum', aliases: ['博物馆'], ...at(2, 2, 0.6, 0.6) },
  {
    name: '锡林浩特市第一中学',
    nameEn: 'Xilinhot No. 1 Middle School',
    aliases: ['一中'],
    ...at(3, 4, 0.5, 0.5),
  },
  { name: '那达慕会场', nameEn: 'Naadam Grounds', aliases: ['赛马场'], ...at(4, 4, 0.5, 0.6) },
  {
    name: '锡林河湿地公园',
    nameEn: 'Xilin River Wetland Park',
    aliases: ['锡林河公园'],
    ...at(0, 8, 0.5, 0.5),
  },
  {
    name: '锡林浩特市政务服务中心',
    nameEn: 'Xilinhot Government Service Centre',
    aliases: ['政务大厅'],
    ...at(2, 4, 0.2, 0.7),
  },
].map((l) => ({ kind: 'landmark' as const, ...l }));

const communityEntries = communities.map((c) => {
  const [lng, lat] = ringCentroid(c.polygon.coordinates[0]!.map((p) => [p[0]!, p[1]!] as const));
  return {
    kind: 'community' as const,
    name: c.name,
    nameEn: c.nameEn,
    aliases: [c.name.replace(/社区$/, '')],
    code: c.code,
    lat: round6(lat),
    lng: round6(lng),
  };
});

const gazetteer = {
  version: '2025.1-generated',
  generated: true,
  note: 'Approximate positions: community entries are centroids of the GENERATED grid; street and landmark positions are hand-placed approximations inside the urban extent, not surveyed. Edit freely.',
  entries: [...communityEntries, ...streets, ...landmarks],
};

// --- Output -----------------------------------------------------------------------------------------
/** JSON with two-space indentation but each coordinate pair on one line. */
function toJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2).replace(/\[\s+(-?[\d.]+),\s+(-?[\d.]+)\s+\]/g, '[$1, $2]')}\n`;
}

const outDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'reference', 'data');
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'grid.json'), toJson(grid));
writeFileSync(join(outDir, 'gazetteer.json'), toJson(gazetteer));
console.log(
  `wrote ${communities.length} communities, ${features.length} cells, ${gazetteer.entries.length} gazetteer entries to ${outDir}`,
);
