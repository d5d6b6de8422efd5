import { sql } from 'drizzle-orm';
import type { AddressEntry, AddressKind } from '@citygrid/domain';
import type { CitygridDatabase } from '../client.ts';
import { gazetteerEntries } from '../schema/index.ts';
import type { GazetteerUpsertResult } from './admin-change.ts';
import type { GazetteerStorePort, StoredAddress } from './gazetteer-store-port.ts';

export type { StoredAddress } from './gazetteer-store-port.ts';

type Db = CitygridDatabase['db'];

const countSqlite = (db: Db): number =>
  db
    .select({ n: sql<number>`count(*)` })
    .from(gazetteerEntries)
    .get()?.n ?? 0;

export function countsByKindSqlite(db: Db): Record<string, number> {
  const rows = db
    .select({ kind: gazetteerEntries.kind, n: sql<number>`count(*)` })
    .from(gazetteerEntries)
    .groupBy(gazetteerEntries.kind)
    .orderBy(gazetteerEntries.kind)
    .all();
  return Object.fromEntries(rows.map((r) => [r.kind, r.n]));
}

/** Insert or move entries (synchronous: runs inside the caller's transaction, e.g. `AdminStore.audited`). */
export function upsertGazetteerSqlite(
  db: Db,
  entries: readonly AddressEntry[],
  source: string,
  at: string,
): GazetteerUpsertResult {
  const before = countSqlite(db);
  for (const e of entries) {
    db.insert(gazetteerEntries)
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
  const inserted = countSqlite(db) - before;
  return { inserted, updated: entries.length - inserted };
}

/** The city's own gazetteer on SQLite (see {@link GazetteerStorePort}). */
export class GazetteerStore implements GazetteerStorePort {
  constructor(private readonly database: CitygridDatabase) {}
  private get db() {
    return this.database.db;
  }

  async count(): Promise<number> {
    return countSqlite(this.db);
  }

  async all(): Promise<StoredAddress[]> {
    return this.db
      .select()
      .from(gazetteerEntries)
      .orderBy(gazetteerEntries.id)
      .all()
      .map((r) => ({ ...r, kind: r.kind as AddressKind }));
  }

  async countsByKind(): Promise<Record<string, number>> {
    return countsByKindSqlite(this.db);
  }

  async upsertMany(
    entries: readonly AddressEntry[],
    source: string,
    at: string,
  ): Promise<GazetteerUpsertResult> {
    return this.database.sqlite.transaction(() => upsertGazetteerSqlite(this.db, entries, source, at))();
  }
}
