import { sql } from 'drizzle-orm';
import type { AddressEntry, AddressKind } from '@citygrid/domain';
import type { CitygridDatabase } from '../client.ts';
import { gazetteerEntries } from '../schema/index.ts';

export interface StoredAddress extends AddressEntry {
  readonly id: number;
  readonly source: string;
  readonly updatedAt: string;
}

/** The city's own gazetteer: compounds, buildings, door numbers, landmarks. */
export class GazetteerStore {
  constructor(private readonly database: CitygridDatabase) {}
  private get db() {
    return this.database.db;
  }

  count(): number {
    return (
      this.db
        .select({ n: sql<number>`count(*)` })
        .from(gazetteerEntries)
        .get()?.n ?? 0
    );
  }

  all(): StoredAddress[] {
    return this.db
      .select()
      .from(gazetteerEntries)
      .orderBy(gazetteerEntries.id)
      .all()
      .map((r) => ({ ...r, kind: r.kind as AddressKind }));
  }

  countsByKind(): Record<string, number> {
    const rows = this.db
      .select({ kind: gazetteerEntries.kind, n: sql<number>`count(*)` })
      .from(gazetteerEntries)
      .groupBy(gazetteerEntries.kind)
      .all();
    return Object.fromEntries(rows.map((r) => [r.kind, r.n]));
  }

  /**
   * Insert or move entries (synchronous: runs inside the caller's transaction, e.g. `AdminStore.audited`).
   * Returns how many rows were new and how many existed and were updated.
   */
  upsertMany(
    entries: readonly AddressEntry[],
    source: string,
    at: string,
  ): { inserted: number; updated: number } {
    const before = this.count();
    for (const e of entries) {
      this.db
        .insert(gazetteerEntries)
        .values({
          kind: e.kind,
          name: e.name,
          address: e.address,
          lng: e.lng,
          lat: e.lat,
          source,
          updatedAt: at,
        })
        .onConflictDoUpdate({
          target: [gazetteerEntries.kind, gazetteerEntries.name, gazetteerEntries.address],
          set: { lng: e.lng, lat: e.lat, source, updatedAt: at },
        })
        .run();
    }
    const inserted = this.count() - before;
    return { inserted, updated: entries.length - inserted };
  }
}
