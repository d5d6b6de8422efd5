import type { CommunityCode, GridCellCode, SubDistrictCode } from '../ids.ts';
import type { GridCell } from './grid-index.ts';
import { createSeededRandom } from './prng.ts';

export interface SyntheticGridOptions {
  readonly seed?: number;
  /** West, south, east, north bounds in degrees; defaults to a box around Xilinhot. */
  readonly bounds?: readonly [west: number, south: number, east: number, north: number];
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/**
 * A seamless synthetic grid of exactly `n` quadrilateral cells for tests and benchmarks: a mesh of
 * ⌈√n⌉ columns whose column lines are straight meridians (jittered per column, so vertical edges are
 * axis-aligned and points on them can be written exactly) and whose vertices are jittered in
 * latitude. Neighbouring cells share identical vertex doubles. Cells are numbered row-major from the
 * north-west; codes are well-formed 14-digit codes (50 cells per community), ascending in that order.
 */
export function generateSyntheticGrid(n: number, options: SyntheticGridOptions = {}): GridCell[] {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`generateSyntheticGrid: bad n ${n}`);
  if (n === 0) return [];
  const [west, south, east, north] = options.bounds ?? [116.0, 43.85, 116.2, 44.0];
  const random = createSeededRandom(options.seed ?? 20250101);
  const cols = Math.ceil(Math.sqrt(n));
  const rows = Math.ceil(n / cols);
  const dx = (east - west) / cols;
  const dy = (north - south) / rows;
  const xs: number[] = [];
  for (let c = 0; c <= cols; c++) {
    const jitter = c === 0 || c === cols ? 0 : (random() - 0.5) * 0.5 * dx;
    xs.push(west + c * dx + jitter);
  }
  const ys: number[][] = [];
  for (let r = 0; r <= rows; r++) {
    const row: number[] = [];
    for (let c = 0; c <= cols; c++) {
      const jitter = r === 0 || r === rows ? 0 : (random() - 0.5) * 0.6 * dy;
      row.push(north - r * dy + jitter);
    }
    ys.push(row);
  }
  const cells: GridCell[] = [];
  for (let i = 0; i < n; i++) {
    const r = Math.floor(i / cols);
    const c = i % cols;
    const x0 = xs[c]!;
    const x1 = xs[c + 1]!;
    const top = ys[r]!;
    const bottom = ys[r + 1]!;
    const communityIndex = Math.floor(i / 50);
    const sub = Math.floor(communityIndex / 500) + 1;
    const subDistrictCode = `152502${pad(sub, 3)}` as SubDistrictCode;
    const communityCode = `${subDistrictCode}${pad((communityIndex % 500) + 1, 3)}` as CommunityCode;
    const code = `${communityCode}${pad((i % 50) + 1, 2)}` as GridCellCode;
    cells.push({
      code,
      communityCode,
      subDistrictCode,
      name: `synthetic ${code}`,
      ring: [
        [x0, top[c]!],
        [x0, bottom[c]!],
        [x1, bottom[c + 1]!],
        [x1, top[c + 1]!],
        [x0, top[c]!],
      ],
      validFrom: '2025-01-01',
      validTo: null,
    });
  }
  return cells;
}
