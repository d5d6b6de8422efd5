/**
 * A grid upload (网格导入): either a full grid document (the shape of `reference/data/grid.json`) or
 * a bare GeoJSON FeatureCollection of cell polygons, which keeps the current grid's communities,
 * sub-districts, county and extent. {@link diffGridCells} says which cells an upload adds, removes
 * or redraws compared with the current version.
 */
import { DomainError } from '../errors.ts';
import type { CommunityCode, GridCellCode, SubDistrictCode } from '../ids.ts';
import type { GridCell } from './grid-index.ts';
import { loadReferenceGrid, readPolygonRing, type ReferenceGrid } from './load-reference-grid.ts';

function fail(field: string, message: string): never {
  throw new DomainError('BAD_INPUT', `grid upload: ${field}: ${message}`, { field });
}

const str = (v: unknown) => (typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : '');

/**
 * Reads an upload into a grid of version `version`, valid from `validFrom`. Shape errors throw a
 * `DomainError('BAD_INPUT')` naming the field (`document.features[3].properties.code`); geometry
 * and codes are the partition checker's job.
 */
export function readGridUpload(
  doc: unknown,
  current: ReferenceGrid,
  version: string,
  validFrom: string,
): ReferenceGrid {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    fail('document', 'expected a JSON object');
  const d = doc as Record<string, unknown>;
  if (d.type !== 'FeatureCollection') {
    try {
      const grid = loadReferenceGrid(d);
      return { ...grid, version, validFrom, generated: false };
    } catch (e) {
      if (e instanceof DomainError && e.details.field)
        throw new DomainError('BAD_INPUT', e.message, { field: `document.${e.details.field}` });
      throw e;
    }
  }
  if (!Array.isArray(d.features)) fail('document.features', 'expected an array');
  if (d.features.length === 0) fail('document.features', 'the FeatureCollection has no cells');
  const currentNames = new Map(current.cells.map((c) => [c.code as string, c.name]));
  const cells = (d.features as unknown[]).map((raw, i): GridCell => {
    const field = `document.features[${i}]`;
    if (typeof raw !== 'object' || raw === null) fail(field, 'expected a Feature');
    const f = raw as Record<string, unknown>;
    const p = (f.properties ?? {}) as Record<string, unknown>;
    const code = str(p.code);
    if (!code) fail(`${field}.properties.code`, 'every cell needs a code');
    const communityCode = str(p.communityCode) || code.slice(0, 12);
    const subDistrictCode = str(p.subDistrictCode) || communityCode.slice(0, 9);
    return {
      code: code as GridCellCode,
      communityCode: communityCode as CommunityCode,
      subDistrictCode: subDistrictCode as SubDistrictCode,
      // a cell the upload does not name keeps its current name (else its code)
      name: str(p.name) || currentNames.get(code) || code,
      ring: readPolygonRing(f.geometry, `${field}.geometry`),
      validFrom,
      validTo: null,
    };
  });
  return { ...current, version, validFrom, generated: false, note: null, cells };
}

export interface GridCellDiff {
  readonly added: readonly GridCell[];
  readonly removed: readonly GridCell[];
  /** Same code, different polygon, community or name: `before` is the current cell. */
  readonly changed: ReadonlyArray<{ readonly before: GridCell; readonly after: GridCell }>;
  readonly unchanged: number;
}

const sameRing = (a: GridCell['ring'], b: GridCell['ring'], eps = 1e-9) =>
  a.length === b.length &&
  a.every((p, i) => Math.abs(p[0] - b[i]![0]) <= eps && Math.abs(p[1] - b[i]![1]) <= eps);

/** Which cells of `after` are new, gone or redrawn compared with `before` (matched by code). */
export function diffGridCells(before: readonly GridCell[], after: readonly GridCell[]): GridCellDiff {
  const old = new Map(before.map((c) => [c.code as string, c]));
  const next = new Set(after.map((c) => c.code as string));
  const added: GridCell[] = [];
  const changed: Array<{ before: GridCell; after: GridCell }> = [];
  let unchanged = 0;
  for (const cell of after) {
    const was = old.get(cell.code);
    if (!was) added.push(cell);
    else if (
      was.communityCode !== cell.communityCode ||
      was.name !== cell.name ||
      !sameRing(was.ring, cell.ring)
    )
      changed.push({ before: was, after: cell });
    else unchanged++;
  }
  const removed = before.filter((c) => !next.has(c.code));
  return { added, removed, changed, unchanged };
}
