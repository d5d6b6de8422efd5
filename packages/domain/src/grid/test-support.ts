/** Test helpers shared by the grid tests (not exported from the package). */
import { readFileSync } from 'node:fs';
import { loadReferenceGrid } from './load-reference-grid.ts';
import type { ReferenceGrid } from './load-reference-grid.ts';

let cached: ReferenceGrid | undefined;

/** The shipped `reference/data/grid.json`, parsed once. */
export function readShippedGrid(): ReferenceGrid {
  cached ??= loadReferenceGrid(
    JSON.parse(readFileSync(new URL('../reference/data/grid.json', import.meta.url), 'utf8')),
  );
  return cached;
}

/** The raw JSON of a file under `reference/data/`. */
export function readReferenceJson(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`../reference/data/${name}`, import.meta.url), 'utf8'));
}
