/**
 * Grid benchmark: building the cell index and locating points (落格), index vs brute force.
 * Each figure is the median of 5 runs; index and baseline measurements alternate within a run.
 *
 *   npx tsx bench/grid.ts
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { LatLng } from '@citygrid/domain';
import { createGridIndex, locateBruteForce } from '@citygrid/domain';
import type { GridCell } from '@citygrid/domain';
import { loadReferenceGrid } from '../packages/domain/src/grid/load-reference-grid.ts';
import { createSeededRandom } from '../packages/domain/src/grid/prng.ts';
import { generateSyntheticGrid } from '../packages/domain/src/grid/synthetic-grid.ts';
import type { BenchFigure } from './types.ts';

const RUNS = 5;
const GROUP = 'grid';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function randomPoints(
  n: number,
  seed: number,
  [west, south, east, north]: readonly [number, number, number, number],
): LatLng[] {
  const random = createSeededRandom(seed);
  const points: LatLng[] = [];
  // Sample a slightly larger box so that some lookups fall outside.
  const padLng = (east - west) * 0.05;
  const padLat = (north - south) * 0.05;
  for (let i = 0; i < n; i++) {
    points.push({
      lng: west - padLng + random() * (east - west + 2 * padLng),
      lat: south - padLat + random() * (north - south + 2 * padLat),
    });
  }
  return points;
}

/** Counts hits so the engine cannot drop the lookups as dead code. */
export let lookupHits = 0;

/** Lookups per second of `locate` over `points`. */
function measureRate(points: readonly LatLng[], locate: (p: LatLng) => { kind: string }): number {
  const start = performance.now();
  for (const p of points) if (locate(p).kind === 'cell') lookupHits++;
  const seconds = (performance.now() - start) / 1000;
  return points.length / seconds;
}

function measureBuildMs(cells: readonly GridCell[], repeats: number): number {
  const start = performance.now();
  for (let i = 0; i < repeats; i++) createGridIndex(cells);
  return (performance.now() - start) / repeats;
}

async function benchLookups(
  label: string,
  cells: readonly GridCell[],
  bounds: readonly [number, number, number, number],
  indexLookups: number,
  bruteLookups: number,
  buildRepeats: number,
): Promise<BenchFigure[]> {
  const index = createGridIndex(cells);
  const builds: number[] = [];
  const indexRates: number[] = [];
  const bruteRates: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    builds.push(measureBuildMs(cells, buildRepeats));
    const indexPoints = randomPoints(indexLookups, 1000 + run, bounds);
    const brutePoints = randomPoints(bruteLookups, 2000 + run, bounds);
    const measureIndex = () => indexRates.push(measureRate(indexPoints, (p) => index.locate(p)));
    const measureBrute = () => bruteRates.push(measureRate(brutePoints, (p) => locateBruteForce(cells, p)));
    // Alternate which goes first so warm-up and GC effects do not favour one side.
    if (run % 2 === 0) {
      measureIndex();
      measureBrute();
    } else {
      measureBrute();
      measureIndex();
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
  const indexRate = median(indexRates);
  const bruteRate = median(bruteRates);
  return [
    {
      group: GROUP,
      name: `index build, ${label}`,
      value: median(builds),
      unit: 'ms',
      note: `rbush bulk load, median of ${RUNS}`,
    },
    {
      group: GROUP,
      name: `lookups/s, ${label} (rbush index)`,
      value: indexRate,
      unit: 'ops/s',
      baseline: { name: 'brute force (every cell)', value: bruteRate },
      ratio: indexRate / bruteRate,
      note: `${indexLookups} index / ${bruteLookups} brute-force lookups per run, median of ${RUNS}`,
    },
  ];
}

export default async function runGridBench(): Promise<BenchFigure[]> {
  const shippedPath = new URL('../packages/domain/src/reference/data/grid.json', import.meta.url);
  const shipped = loadReferenceGrid(JSON.parse(readFileSync(shippedPath, 'utf8')));
  const bigBounds = [116.0, 43.85, 116.2, 44.0] as const;
  const big = generateSyntheticGrid(200_000, { bounds: bigBounds });
  return [
    ...(await benchLookups(
      `${shipped.cells.length} cells`,
      shipped.cells,
      [116.03, 43.9, 116.145, 43.968],
      50_000,
      5_000,
      200,
    )),
    ...(await benchLookups('200,000 cells', big, bigBounds, 50_000, 10, 1)),
  ];
}

function formatNumber(n: number): string {
  return n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toPrecision(3);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const figures = await runGridBench();
  console.table(
    figures.map((f) => ({
      name: f.name,
      value: `${formatNumber(f.value)} ${f.unit}`,
      baseline: f.baseline ? `${formatNumber(f.baseline.value)} (${f.baseline.name})` : '',
      ratio: f.ratio === undefined ? '' : `${formatNumber(f.ratio)}×`,
    })),
  );
}
