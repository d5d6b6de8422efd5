/**
 * Turns a grid document (the shipped `reference/data/grid.json`, or an imported surveyed grid in the
 * same GeoJSON-ish shape) into typed cells, communities and sub-districts. Validates shape only;
 * run `checkPartition` to validate geometry and codes.
 */
import { DomainError } from '../errors.ts';
import type { CommunityCode, GridCellCode, SubDistrictCode } from '../ids.ts';
import type { GridCell } from './grid-index.ts';
import type { Ring } from './point-in-ring.ts';

export interface SubDistrict {
  readonly code: SubDistrictCode;
  readonly name: string;
  readonly nameEn: string;
}

export interface Community {
  readonly code: CommunityCode;
  readonly subDistrictCode: SubDistrictCode;
  readonly name: string;
  readonly nameEn: string;
  /** Closed outer ring of `[lng, lat]`. */
  readonly ring: Ring;
}

export interface ReferenceGrid {
  readonly version: string;
  readonly generated: boolean;
  readonly note: string | null;
  readonly validFrom: string;
  readonly county: { readonly code: string; readonly name: string };
  readonly subDistricts: readonly SubDistrict[];
  readonly communities: readonly Community[];
  readonly cells: readonly GridCell[];
  /** Outer boundary of the gridded urban area when the document carries one. */
  readonly extent: Ring | null;
}

/** GeoJSON Polygon geometry as stored in grid documents. */
export interface PolygonGeometry {
  readonly type: 'Polygon';
  readonly coordinates: ReadonlyArray<ReadonlyArray<readonly [number, number]>>;
}

/** The JSON shape of `grid.json`. */
export interface GridDocument {
  readonly version: string;
  readonly generated?: boolean;
  readonly note?: string;
  readonly validFrom: string;
  readonly county: { readonly code: string; readonly name: string };
  readonly extent?: PolygonGeometry;
  readonly subDistricts: ReadonlyArray<{ code: string; name: string; nameEn: string }>;
  readonly communities: ReadonlyArray<{
    code: string;
    subDistrictCode: string;
    name: string;
    nameEn: string;
    polygon: PolygonGeometry;
  }>;
  readonly cells: {
    readonly type: 'FeatureCollection';
    readonly features: ReadonlyArray<{
      type: 'Feature';
      properties: {
        code: string;
        communityCode: string;
        subDistrictCode: string;
        seq: number;
        name: string;
        validFrom: string;
        validTo: string | null;
      };
      geometry: PolygonGeometry;
    }>;
  };
}

type Json = Record<string, unknown>;

function fail(field: string, message: string): never {
  throw new DomainError('BAD_INPUT', `grid document: ${field}: ${message}`, { field });
}

function asObject(v: unknown, field: string): Json {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(field, 'expected an object');
  return v as Json;
}

function asString(v: unknown, field: string): string {
  if (typeof v !== 'string') fail(field, 'expected a string');
  return v;
}

function asArray(v: unknown, field: string): unknown[] {
  if (!Array.isArray(v)) fail(field, 'expected an array');
  return v;
}

/** Reads a GeoJSON Polygon with a single outer ring and returns it closed. Holes are refused. */
export function readPolygonRing(geometry: unknown, field: string): Ring {
  const g = asObject(geometry, field);
  if (g.type !== 'Polygon') fail(`${field}.type`, `expected "Polygon", got ${JSON.stringify(g.type)}`);
  const rings = asArray(g.coordinates, `${field}.coordinates`);
  if (rings.length !== 1)
    fail(`${field}.coordinates`, `expected exactly one ring (no holes), got ${rings.length}`);
  const raw = asArray(rings[0], `${field}.coordinates[0]`);
  const ring: [number, number][] = raw.map((pos, i) => {
    const p = asArray(pos, `${field}.coordinates[0][${i}]`);
    const lng = p[0];
    const lat = p[1];
    if (
      typeof lng !== 'number' ||
      typeof lat !== 'number' ||
      !Number.isFinite(lng) ||
      !Number.isFinite(lat)
    ) {
      fail(`${field}.coordinates[0][${i}]`, 'expected [lng, lat] numbers');
    }
    if (lng < -180 || lng > 180 || lat < -90 || lat > 90)
      fail(`${field}.coordinates[0][${i}]`, 'out of range');
    return [lng, lat];
  });
  const first = ring[0];
  const last = ring[ring.length - 1];
  if (first && last && (first[0] !== last[0] || first[1] !== last[1])) ring.push([first[0], first[1]]);
  if (ring.length < 4) fail(`${field}.coordinates[0]`, 'a ring needs at least 3 distinct positions');
  return ring;
}

/** Parses and shape-checks a grid document; throws `DomainError('BAD_INPUT')` naming the field. */
export function loadReferenceGrid(doc: unknown): ReferenceGrid {
  const d = asObject(doc, '$');
  const county = asObject(d.county, 'county');
  const subDistricts = asArray(d.subDistricts, 'subDistricts').map((raw, i): SubDistrict => {
    const s = asObject(raw, `subDistricts[${i}]`);
    return {
      code: asString(s.code, `subDistricts[${i}].code`) as SubDistrictCode,
      name: asString(s.name, `subDistricts[${i}].name`),
      nameEn: asString(s.nameEn, `subDistricts[${i}].nameEn`),
    };
  });
  const communities = asArray(d.communities, 'communities').map((raw, i): Community => {
    const c = asObject(raw, `communities[${i}]`);
    return {
      code: asString(c.code, `communities[${i}].code`) as CommunityCode,
      subDistrictCode: asString(c.subDistrictCode, `communities[${i}].subDistrictCode`) as SubDistrictCode,
      name: asString(c.name, `communities[${i}].name`),
      nameEn: asString(c.nameEn, `communities[${i}].nameEn`),
      ring: readPolygonRing(c.polygon, `communities[${i}].polygon`),
    };
  });
  const collection = asObject(d.cells, 'cells');
  if (collection.type !== 'FeatureCollection') fail('cells.type', 'expected "FeatureCollection"');
  const cells = asArray(collection.features, 'cells.features').map((raw, i): GridCell => {
    const f = asObject(raw, `cells.features[${i}]`);
    const p = asObject(f.properties, `cells.features[${i}].properties`);
    const validTo = p.validTo ?? null;
    if (validTo !== null && typeof validTo !== 'string')
      fail(`cells.features[${i}].properties.validTo`, 'expected a string or null');
    return {
      code: asString(p.code, `cells.features[${i}].properties.code`) as GridCellCode,
      communityCode: asString(
        p.communityCode,
        `cells.features[${i}].properties.communityCode`,
      ) as CommunityCode,
      subDistrictCode: asString(
        p.subDistrictCode,
        `cells.features[${i}].properties.subDistrictCode`,
      ) as SubDistrictCode,
      name: asString(p.name, `cells.features[${i}].properties.name`),
      ring: readPolygonRing(f.geometry, `cells.features[${i}].geometry`),
      validFrom: asString(p.validFrom, `cells.features[${i}].properties.validFrom`),
      validTo,
    };
  });
  return {
    version: asString(d.version, 'version'),
    generated: d.generated === true,
    note: typeof d.note === 'string' ? d.note : null,
    validFrom: asString(d.validFrom, 'validFrom'),
    county: { code: asString(county.code, 'county.code'), name: asString(county.name, 'county.name') },
    subDistricts,
    communities,
    cells,
    extent: d.extent === undefined ? null : readPolygonRing(d.extent, 'extent'),
  };
}
