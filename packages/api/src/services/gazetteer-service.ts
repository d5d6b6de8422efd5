import {
  DomainError,
  loadShippedAddresses,
  loadShippedGazetteer,
  nearestAddress,
  parseAddressUpload,
  roundDistanceM,
  type AddressEntry,
  type AddressIssue,
  type GazetteerEntry,
  type LatLng,
  type ParsedAddressRow,
} from '@citygrid/domain';
import { summaryOf, type AdminStorePort, type GazetteerStorePort, type GazetteerSummary } from '@citygrid/db';
import type { SessionUser } from '../session-user.ts';
import type { Clock } from './clock.ts';
import type { ReferenceService } from './reference-service.ts';

export interface GazetteerPreview {
  format: 'csv' | 'geojson';
  total: number;
  valid: number;
  /** Every problem (the first {@link MAX_ISSUES}), each naming its row and field. */
  issues: AddressIssue[];
  /** The first {@link PREVIEW_ROWS} rows as read, with the grid cell each valid one falls in. */
  rows: Array<ParsedAddressRow & { cellCode: string | null }>;
  byKind: Record<string, number>;
}

export interface NearestPlace {
  kind: string;
  name: string;
  address: string;
  lat: number;
  lng: number;
  /** Rounded: 10 m steps below 1 km, 100 m above. */
  distanceM: number;
}

const MAX_ISSUES = 500;
const PREVIEW_ROWS = 50;
/** A click farther than this from every entry names nothing. */
const NEAREST_MAX_M = 2_000;

/**
 * The city's own gazetteer (地名地址库): imported compounds, buildings, door numbers and landmarks,
 * held in memory for the intake search (through {@link ReferenceService.searchPlaces}) and the
 * nearest-address lookup on a map click. A new database on the generated grid gets the shipped demo seed once.
 */
export class GazetteerService {
  private entries: Array<AddressEntry & { source: string }> = [];
  private landmarks: AddressEntry[] = [];

  constructor(
    private readonly store: GazetteerStorePort,
    private readonly adminStore: AdminStorePort,
    private readonly reference: ReferenceService,
    private readonly clock: Clock,
  ) {}

  /**
   * Seed an empty table with the shipped demo list while the grid is still the generated one (the
   * list is placed over it; a city that imported its surveyed grid gets no invented addresses), then load.
   */
  async init(): Promise<void> {
    if ((await this.store.count()) === 0 && this.reference.snapshot.gridVersion.generated) {
      const at = this.clock.now().toISOString();
      await this.adminStore.audited(
        {
          at,
          actorUserId: null,
          actorName: 'system',
          action: 'gazetteer.seed',
          target: 'gazetteer',
          before: null,
        },
        { kind: 'gazetteer.upsert', entries: loadShippedAddresses(), source: 'seed', at },
      );
    }
    this.landmarks = loadShippedGazetteer()
      .filter((e) => e.kind === 'landmark')
      .map((e) => ({ kind: 'landmark', name: e.name, address: '', lat: e.lat, lng: e.lng }));
    await this.reload();
  }

  /** Read the entries again (after a change, possibly made by another node). */
  async reload(): Promise<void> {
    this.entries = await this.store.all();
    const places: GazetteerEntry[] = this.entries.map(
      (e) =>
        ({
          kind: e.kind,
          name: e.name,
          nameEn: '',
          address: e.address || undefined,
          lat: e.lat,
          lng: e.lng,
        }) as GazetteerEntry,
    );
    this.reference.setAddressPlaces(places);
  }

  async summary(): Promise<GazetteerSummary> {
    return summaryOf(await this.store.countsByKind());
  }

  /** Nearest gazetteer entry (imported or a shipped landmark) to a point, or null when none is within 2 km. */
  nearest(p: LatLng): NearestPlace | null {
    const hit = nearestAddress([...this.entries, ...this.landmarks], p, NEAREST_MAX_M);
    if (!hit) return null;
    const { kind, name, address, lat, lng } = hit.entry;
    return { kind, name, address, lat, lng, distanceM: roundDistanceM(hit.distanceM) };
  }

  /** Parse an upload and check every row (including that it lies inside the grid); stores nothing. */
  preview(text: string): GazetteerPreview & { entries: AddressEntry[] } {
    const parsed = parseAddressUpload(text);
    const issues = [...parsed.issues];
    const rows = parsed.rows.map((r) => {
      const cell = r.entry ? this.reference.place(r.entry).cell : null;
      if (r.entry && !cell)
        issues.push({
          row: r.row,
          field: 'lng',
          code: 'outside_grid',
          message: `(${r.entry.lng}, ${r.entry.lat}) is outside the grid`,
        });
      const out: ParsedAddressRow & { cellCode: string | null } = {
        ...r,
        entry: r.entry && cell ? r.entry : null,
        cellCode: cell?.code ?? null,
      };
      return out;
    });
    issues.sort((a, b) => a.row - b.row);
    const badRows = new Set(issues.map((i) => i.row));
    for (const r of rows) if (badRows.has(r.row)) r.entry = null;
    const entries = rows.flatMap((r) => (r.entry ? [r.entry] : []));
    const byKind: Record<string, number> = {};
    for (const e of entries) byKind[e.kind] = (byKind[e.kind] ?? 0) + 1;
    if (parsed.rows.length === 0 && issues.length === 0)
      issues.push({ row: 0, field: 'row', code: 'required', message: 'the upload has no rows' });
    return {
      format: parsed.format,
      total: rows.length,
      valid: entries.length,
      issues: issues.slice(0, MAX_ISSUES),
      rows: rows.slice(0, PREVIEW_ROWS),
      byKind,
      entries,
    };
  }

  /** Import every row in one audited transaction; refused (nothing stored) when any row has a problem. */
  async apply(
    actor: SessionUser,
    text: string,
  ): Promise<{ inserted: number; updated: number; total: number }> {
    const { issues, entries, byKind, format } = this.preview(text);
    const first = issues[0];
    if (first) {
      throw new DomainError(
        'BAD_INPUT',
        `row ${first.row}: ${first.field}: ${first.message} (${issues.length} problems)`,
        {
          field: first.field,
          row: first.row,
          problem: first.code,
        },
      );
    }
    const at = this.clock.now().toISOString();
    // the after-image: the store's counts (inserted, updated, the table's summary afterwards) and these
    const result = await this.adminStore.audited(
      {
        at,
        actorUserId: actor.id,
        actorName: `${actor.displayName} (${actor.username})`,
        action: 'gazetteer.import',
        target: 'gazetteer',
        before: await this.summary(),
        after: { format, rows: entries.length, byKind },
      },
      { kind: 'gazetteer.upsert', entries, source: `import:${at}`, at },
    );
    await this.reload();
    return { ...result, total: entries.length };
  }
}
