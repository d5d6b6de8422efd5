/**
 * The city's own gazetteer (地名地址库): residential compounds (小区), buildings (楼栋), door numbers
 * (门牌) and landmarks, imported by an administrator from CSV or GeoJSON points. This module parses
 * and shape-checks an upload row by row; every problem names the row and the field.
 */
import Papa from 'papaparse';

export const ADDRESS_KINDS = ['compound', 'building', 'door', 'landmark'] as const;
export type AddressKind = (typeof ADDRESS_KINDS)[number];

/** One imported place: WGS84 position, Chinese name, full address text. */
export interface AddressEntry {
  readonly kind: AddressKind;
  readonly name: string;
  /** Full address as an operator reads it out, e.g. `锡林浩特市团结家园 3号楼`; empty when the name says it all. */
  readonly address: string;
  readonly lng: number;
  readonly lat: number;
}

export type AddressField = 'name' | 'kind' | 'address' | 'lng' | 'lat' | 'geometry' | 'row';
export type AddressIssueCode =
  'required' | 'invalid' | 'too_long' | 'out_of_range' | 'outside_grid' | 'duplicate';

export interface AddressIssue {
  /** 1-based data row (CSV: the line after the header is row 1; GeoJSON: the first feature is row 1). */
  readonly row: number;
  readonly field: AddressField;
  readonly code: AddressIssueCode;
  readonly message: string;
}

export interface ParsedAddressRow {
  readonly row: number;
  /** What the row says, as far as it could be read (for the preview table). */
  readonly raw: { name: string; kind: string; address: string; lng: string; lat: string };
  /** The entry when the row has no problem. */
  entry: AddressEntry | null;
}

export interface AddressImport {
  readonly format: 'csv' | 'geojson';
  readonly rows: ParsedAddressRow[];
  readonly issues: AddressIssue[];
}

export const MAX_ADDRESS_ROWS = 20_000;
const MAX_NAME = 80;
const MAX_ADDRESS = 160;

const HEADER_ALIASES: Record<string, keyof ParsedAddressRow['raw']> = {
  name: 'name',
  名称: 'name',
  地名: 'name',
  kind: 'kind',
  type: 'kind',
  类型: 'kind',
  address: 'address',
  地址: 'address',
  lng: 'lng',
  lon: 'lng',
  longitude: 'lng',
  经度: 'lng',
  lat: 'lat',
  latitude: 'lat',
  纬度: 'lat',
};

const KIND_ALIASES: Record<string, AddressKind> = {
  compound: 'compound',
  小区: 'compound',
  住宅小区: 'compound',
  building: 'building',
  楼栋: 'building',
  楼: 'building',
  door: 'door',
  门牌: 'door',
  门牌号: 'door',
  landmark: 'landmark',
  地标: 'landmark',
};

/** Reads one row's raw values into an entry, pushing an issue per bad field. */
function readRow(
  row: number,
  raw: ParsedAddressRow['raw'],
  issues: AddressIssue[],
  lngLat?: [unknown, unknown],
): AddressEntry | null {
  const before = issues.length;
  const issue = (field: AddressField, code: AddressIssueCode, message: string) =>
    issues.push({ row, field, code, message });
  const name = raw.name.trim();
  if (!name) issue('name', 'required', 'name is required');
  else if (name.length > MAX_NAME) issue('name', 'too_long', `name is longer than ${MAX_NAME} characters`);
  const kind = KIND_ALIASES[raw.kind.trim().toLowerCase()];
  if (!raw.kind.trim()) issue('kind', 'required', `kind is required (${ADDRESS_KINDS.join(', ')})`);
  else if (!kind) issue('kind', 'invalid', `kind "${raw.kind}" is not one of ${ADDRESS_KINDS.join(', ')}`);
  const address = raw.address.trim();
  if (address.length > MAX_ADDRESS)
    issue('address', 'too_long', `address is longer than ${MAX_ADDRESS} characters`);
  const num = (field: 'lng' | 'lat', value: unknown, min: number, max: number): number | null => {
    const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
    if (!text) {
      issue(field, 'required', `${field} is required`);
      return null;
    }
    const n = Number(text);
    if (!Number.isFinite(n)) {
      issue(field, 'invalid', `${field} "${text}" is not a number`);
      return null;
    }
    if (n < min || n > max) {
      issue(field, 'out_of_range', `${field} ${n} is outside ${min}…${max}`);
      return null;
    }
    return n;
  };
  const lng = num('lng', lngLat ? lngLat[0] : raw.lng, -180, 180);
  const lat = num('lat', lngLat ? lngLat[1] : raw.lat, -90, 90);
  if (issues.length > before || !kind || lng === null || lat === null) return null;
  return { kind, name, address, lng, lat };
}

/** Parses a CSV upload (header row with name, kind, address, lng, lat — English or Chinese headers). */
export function parseAddressCsv(text: string): AddressImport {
  const parsed = Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), { skipEmptyLines: 'greedy' });
  const [header = [], ...lines] = parsed.data;
  const issues: AddressIssue[] = [];
  const columns = header.map((h) => HEADER_ALIASES[h.trim().toLowerCase()] ?? null);
  for (const needed of ['name', 'kind', 'lng', 'lat'] as const) {
    if (!columns.includes(needed))
      issues.push({ row: 0, field: needed, code: 'required', message: `the header has no ${needed} column` });
  }
  if (issues.length > 0) return { format: 'csv', rows: [], issues };
  if (lines.length > MAX_ADDRESS_ROWS) {
    return {
      format: 'csv',
      rows: [],
      issues: [
        {
          row: MAX_ADDRESS_ROWS + 1,
          field: 'row',
          code: 'too_long',
          message: `more than ${MAX_ADDRESS_ROWS} rows`,
        },
      ],
    };
  }
  const rows = lines.map((cells, i): ParsedAddressRow => {
    const raw = { name: '', kind: '', address: '', lng: '', lat: '' };
    columns.forEach((col, c) => {
      if (col) raw[col] = cells[c] ?? '';
    });
    return { row: i + 1, raw, entry: readRow(i + 1, raw, issues) };
  });
  return { format: 'csv', rows, issues: withDuplicates(rows, issues) };
}

/** Parses a GeoJSON FeatureCollection of Point features with `name`, `kind`, `address` properties. */
export function parseAddressGeoJson(doc: unknown): AddressImport {
  const d = doc as { type?: unknown; features?: unknown } | null;
  if (!d || typeof d !== 'object' || d.type !== 'FeatureCollection' || !Array.isArray(d.features)) {
    return {
      format: 'geojson',
      rows: [],
      issues: [
        { row: 0, field: 'geometry', code: 'invalid', message: 'expected a GeoJSON FeatureCollection' },
      ],
    };
  }
  if (d.features.length > MAX_ADDRESS_ROWS) {
    return {
      format: 'geojson',
      rows: [],
      issues: [
        {
          row: MAX_ADDRESS_ROWS + 1,
          field: 'row',
          code: 'too_long',
          message: `more than ${MAX_ADDRESS_ROWS} features`,
        },
      ],
    };
  }
  const issues: AddressIssue[] = [];
  const rows = (d.features as unknown[]).map((f, i): ParsedAddressRow => {
    const feature = (f ?? {}) as {
      properties?: Record<string, unknown> | null;
      geometry?: { type?: unknown; coordinates?: unknown } | null;
    };
    const p = feature.properties ?? {};
    const str = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');
    const g = feature.geometry;
    const coords =
      g && g.type === 'Point' && Array.isArray(g.coordinates) ? (g.coordinates as unknown[]) : null;
    const raw = {
      name: str(p.name),
      kind: str(p.kind),
      address: str(p.address),
      lng: coords ? str(coords[0]) : '',
      lat: coords ? str(coords[1]) : '',
    };
    if (!coords) {
      issues.push({
        row: i + 1,
        field: 'geometry',
        code: 'invalid',
        message: 'geometry must be a Point [lng, lat]',
      });
      readRow(i + 1, { ...raw, lng: '0', lat: '0' }, issues);
      return { row: i + 1, raw, entry: null };
    }
    return { row: i + 1, raw, entry: readRow(i + 1, raw, issues, [coords[0], coords[1]]) };
  });
  return { format: 'geojson', rows, issues: withDuplicates(rows, issues) };
}

/** A second row with the same kind, name and address as an earlier one is refused. */
function withDuplicates(rows: ParsedAddressRow[], issues: AddressIssue[]): AddressIssue[] {
  const seen = new Map<string, number>();
  for (const r of rows) {
    if (!r.entry) continue;
    const key = addressKey(r.entry);
    const first = seen.get(key);
    if (first !== undefined)
      issues.push({
        row: r.row,
        field: 'name',
        code: 'duplicate',
        message: `same kind, name and address as row ${first}`,
      });
    else seen.set(key, r.row);
  }
  return issues.sort((a, b) => a.row - b.row);
}

/** Identity of an entry: an import updates the position of an existing entry with the same key. */
export const addressKey = (e: Pick<AddressEntry, 'kind' | 'name' | 'address'>) =>
  `${e.kind}\u0000${e.name}\u0000${e.address}`;

/** CSV when the text does not start with `{`, else GeoJSON. */
export function parseAddressUpload(text: string): AddressImport {
  const trimmed = text.trimStart().replace(/^\uFEFF/, '');
  if (!trimmed.startsWith('{')) return parseAddressCsv(text);
  let doc: unknown;
  try {
    doc = JSON.parse(trimmed);
  } catch (e) {
    return {
      format: 'geojson',
      rows: [],
      issues: [
        {
          row: 0,
          field: 'geometry',
          code: 'invalid',
          message: `not valid JSON: ${e instanceof Error ? e.message : String(e)}`,
        },
      ],
    };
  }
  return parseAddressGeoJson(doc);
}
