import type { AddressEntry } from '@citygrid/domain';
import type { GazetteerUpsertResult } from './admin-change.ts';

export interface StoredAddress extends AddressEntry {
  readonly id: number;
  readonly source: string;
  readonly updatedAt: string;
}

/**
 * The city's own gazetteer (compounds, buildings, door numbers, landmarks): `GazetteerStore` on
 * SQLite, `PgGazetteerStore` on PostgreSQL. Imports by an administrator go through
 * `AdminStorePort.audited` (`gazetteer.upsert`), which applies the same upsert with its audit entry.
 */
export interface GazetteerStorePort {
  count(): Promise<number>;
  /** Every entry, by id (the order they were first stored). */
  all(): Promise<StoredAddress[]>;
  countsByKind(): Promise<Record<string, number>>;
  /**
   * Insert or move entries in one transaction: one row per (kind, name, address); a later entry of
   * the same key moves the row (position, source, time). Returns how many rows were new and how many
   * entries updated an existing row.
   */
  upsertMany(entries: readonly AddressEntry[], source: string, at: string): Promise<GazetteerUpsertResult>;
}
