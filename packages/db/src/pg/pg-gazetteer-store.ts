import { asc, sql } from 'drizzle-orm';
import type { AddressEntry, AddressKind } from '@citygrid/domain';
import type { GazetteerUpsertResult } from '../stores/admin-change.ts';
import type { GazetteerStorePort, StoredAddress } from '../stores/gazetteer-store-port.ts';
import type { PgDatabase, PgDrizzle } from './client.ts';
import type { PgTx } from './pg-reference-store.ts';
import { gazetteerEntries } from './schema.ts';

const keyOf = (e: AddressEntry) => JSON.stringify([e.kind, e.name, e.address]);
const CHUNK = 1000;

/**
 * Insert or move entries inside the caller's transaction. As on SQLite, where the entries are upserted
 * one by one: a later entry of the same key wins, a new key's row is numbered by its first entry.
 * PostgreSQL refuses to touch one row twice in a statement, so repeated keys are folded first; an
 * inserted row is told from an updated one by `xmax = 0`.
 */
export async function upsertGazetteerPg(
  tx: PgTx,
  entries: readonly AddressEntry[],
  source: string,
  at: string,
): Promise<GazetteerUpsertResult> {
  const folded = new Map<string, AddressEntry>();
  for (const e of entries) folded.set(keyOf(e), e); // a Map keeps the first insertion's position
  const rows = [...folded.values()].map((e) => ({
    kind: e.kind,
    name: e.name,
    address: e.address,
    lng: e.lng,
    lat: e.lat,
    source,
    updatedAt: at,
  }));
  let inserted = 0;
  for (let i = 0; i < rows.length; i += CHUNK) {
    const done = await tx
      .insert(gazetteerEntries)
      .values(rows.slice(i, i + CHUNK))
      .onConflictDoUpdate({
        target: [gazetteerEntries.kind, gazetteerEntries.name, gazetteerEntries.address],
        set: { lng: sql`excluded.lng`, lat: sql`excluded.lat`, source, updatedAt: at },
      })
      .returning({ inserted: sql<boolean>`(xmax = 0)` });
    inserted += done.filter((r) => r.inserted).length;
  }
  return { inserted, updated: entries.length - inserted };
}

export async function countsByKindPg(db: PgDrizzle | PgTx): Promise<Record<string, number>> {
  const rows = await (db as PgDrizzle)
    .select({ kind: gazetteerEntries.kind, n: sql<number>`count(*)` })
    .from(gazetteerEntries)
    .groupBy(gazetteerEntries.kind)
    .orderBy(asc(sql`${gazetteerEntries.kind} collate "C"`));
  return Object.fromEntries(rows.map((r) => [r.kind, Number(r.n)]));
}

/** The city's own gazetteer on PostgreSQL (see {@link GazetteerStorePort}). */
export class PgGazetteerStore implements GazetteerStorePort {
  private readonly db: PgDrizzle;
  constructor(database: Pick<PgDatabase, 'sql' | 'db'>) {
    this.db = database.db;
  }

  async count(): Promise<number> {
    const [row] = await this.db.select({ n: sql<number>`count(*)` }).from(gazetteerEntries);
    return Number(row?.n ?? 0);
  }

  async all(): Promise<StoredAddress[]> {
    const rows = await this.db.select().from(gazetteerEntries).orderBy(asc(gazetteerEntries.id));
    return rows.map((r) => ({ ...r, kind: r.kind as AddressKind }));
  }

  async countsByKind(): Promise<Record<string, number>> {
    return countsByKindPg(this.db);
  }

  async upsertMany(
    entries: readonly AddressEntry[],
    source: string,
    at: string,
  ): Promise<GazetteerUpsertResult> {
    return this.db.transaction((tx) => upsertGazetteerPg(tx, entries, source, at));
  }
}
