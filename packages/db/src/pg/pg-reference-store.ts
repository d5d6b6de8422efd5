import { asc, desc, eq, isNull, sql } from 'drizzle-orm';
import { DomainError, type ReferenceGrid, type RoutingRule } from '@citygrid/domain';
import {
  cellRow,
  communityRow,
  routingRuleRow,
  snapshotOfRows,
  unitRow,
  type ReferenceSeed,
  type ReferenceSnapshot,
  type ReferenceStorePort,
} from '../stores/reference-store-port.ts';
import type { PgDatabase, PgDrizzle } from './client.ts';
import {
  cells,
  communities,
  departments,
  gridVersions,
  hotlineCategories,
  minorClasses,
  referenceDocuments,
  routingRules,
  subDistricts,
  units,
} from './schema.ts';

/** A drizzle transaction on PostgreSQL (`db.transaction`, postgres.js `sql.begin` underneath). */
export type PgTx = Parameters<Parameters<PgDrizzle['transaction']>[0]>[0];

/** Key of the transaction advisory lock that serialises grid-version writes across nodes. */
export const GRID_WRITE_LOCK = 7_310_011;

/** Text order as SQLite's BINARY collation (the database's own collation may be a locale's). */
const byCode = (column: unknown) => asc(sql`${column} collate "C"`);

async function insertGrid(tx: PgTx, g: ReferenceGrid, at: string): Promise<number> {
  // the previous version stops being current; its cells stay, so old cases keep their cell
  await tx.update(gridVersions).set({ validTo: g.validFrom }).where(isNull(gridVersions.validTo));
  await tx.update(cells).set({ validTo: g.validFrom }).where(isNull(cells.validTo));
  const [v] = await tx
    .insert(gridVersions)
    .values({
      version: g.version,
      validFrom: g.validFrom,
      generated: g.generated,
      note: g.note ?? '',
      importedAt: at,
    })
    .returning({ id: gridVersions.id });
  const id = v!.id;
  for (const sd of g.subDistricts) {
    await tx
      .insert(subDistricts)
      .values({ code: sd.code, name: sd.name, nameEn: sd.nameEn })
      .onConflictDoUpdate({ target: subDistricts.code, set: { name: sd.name, nameEn: sd.nameEn } });
  }
  for (const c of g.communities) {
    const row = communityRow(c);
    await tx.insert(communities).values(row).onConflictDoUpdate({ target: communities.code, set: row });
  }
  const cellRows = g.cells.map((c) => cellRow(id, c));
  for (let i = 0; i < cellRows.length; i += 1000) await tx.insert(cells).values(cellRows.slice(i, i + 1000));
  return id;
}

/**
 * Write a new current grid version inside the caller's transaction (`PgAdminStore.audited`); refuses a
 * version name used before (CONFLICT naming `field`). Grid writes of all nodes take one advisory lock
 * in turn, so two imports at once cannot both leave a "current" version.
 */
export async function writeGridVersionPg(
  tx: PgTx,
  g: ReferenceGrid,
  at: string,
  field = 'document.version',
): Promise<number> {
  await tx.execute(sql`select pg_advisory_xact_lock(${GRID_WRITE_LOCK})`);
  const [seen] = await tx
    .select({ id: gridVersions.id })
    .from(gridVersions)
    .where(eq(gridVersions.version, g.version));
  if (seen) throw new DomainError('CONFLICT', `grid version ${g.version} exists`, { field });
  return insertGrid(tx, g, at);
}

/** Replace every routing rule inside the caller's transaction. */
export async function writeRoutingRulesPg(tx: PgTx, rules: readonly RoutingRule[]): Promise<void> {
  await tx.delete(routingRules);
  if (rules.length > 0) await tx.insert(routingRules).values(rules.map(routingRuleRow));
}

/** Reference data on PostgreSQL (see {@link ReferenceStorePort}). */
export class PgReferenceStore implements ReferenceStorePort {
  private readonly db: PgDrizzle;
  constructor(database: Pick<PgDatabase, 'sql' | 'db'>) {
    this.db = database.db;
  }

  async isSeeded(): Promise<boolean> {
    const [row] = await this.db.select({ id: gridVersions.id }).from(gridVersions).limit(1);
    return row !== undefined;
  }

  async seed(s: ReferenceSeed, at: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(${GRID_WRITE_LOCK})`);
      await insertGrid(tx, s.grid, at);
      if (s.departments.length > 0)
        await tx
          .insert(departments)
          .values(s.departments.map((d) => ({ code: d.code, name: d.name, nameEn: d.nameEn })));
      if (s.units.length > 0) await tx.insert(units).values(s.units.map(unitRow));
      if (s.hotlineCategories.length > 0)
        await tx
          .insert(hotlineCategories)
          .values(s.hotlineCategories.map((c) => ({ code: c.code, name: c.name, nameEn: c.nameEn })));
      if (s.minorClasses.length > 0)
        await tx
          .insert(minorClasses)
          .values(s.minorClasses.map((m) => ({ code: m.code, data: m, hotlineCategory: m.hotlineCategory })));
      await writeRoutingRulesPg(tx, s.routingRules);
      await tx
        .insert(referenceDocuments)
        .values({ name: 'calendar', data: s.calendar, updatedAt: at })
        .onConflictDoUpdate({ target: referenceDocuments.name, set: { data: s.calendar, updatedAt: at } });
    });
  }

  async hasGridVersion(version: string): Promise<boolean> {
    const [row] = await this.db
      .select({ id: gridVersions.id })
      .from(gridVersions)
      .where(eq(gridVersions.version, version));
    return row !== undefined;
  }

  async load(): Promise<ReferenceSnapshot> {
    // one snapshot of the database for every list (an admin change between reads cannot tear it)
    return this.db.transaction(
      async (tx) => {
        const [v] = await tx
          .select()
          .from(gridVersions)
          .where(isNull(gridVersions.validTo))
          .orderBy(desc(gridVersions.id))
          .limit(1);
        if (!v) throw new Error('reference data not seeded');
        const [cal] = await tx
          .select()
          .from(referenceDocuments)
          .where(eq(referenceDocuments.name, 'calendar'));
        return snapshotOfRows({
          version: v,
          subDistricts: await tx.select().from(subDistricts).orderBy(byCode(subDistricts.code)),
          communities: await tx.select().from(communities).orderBy(byCode(communities.code)),
          cells: await tx.select().from(cells).where(eq(cells.gridVersionId, v.id)).orderBy(asc(cells.id)),
          departments: await tx.select().from(departments).orderBy(byCode(departments.code)),
          units: await tx.select().from(units).orderBy(byCode(units.code)),
          // in the order seeded (the shipped display order): the rows' physical order, as SQLite's
          // rowid; it holds because nothing updates these rows after the seed
          hotlineCategories: await tx
            .select()
            .from(hotlineCategories)
            .orderBy(sql`ctid`),
          minorClasses: await tx.select().from(minorClasses).orderBy(byCode(minorClasses.code)),
          routingRules: await tx.select().from(routingRules).orderBy(byCode(routingRules.id)),
          calendar: cal?.data,
        });
      },
      { isolationLevel: 'repeatable read', accessMode: 'read only' },
    );
  }
}
