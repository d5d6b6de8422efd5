import { asc, desc, eq, isNull, sql } from 'drizzle-orm';
import { DomainError, type ReferenceGrid, type RoutingRule } from '@citygrid/domain';
import type { CitygridDatabase } from '../client.ts';
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
} from '../schema/index.ts';
import {
  cellRow,
  communityRow,
  routingRuleRow,
  snapshotOfRows,
  unitRow,
  type ReferenceSeed,
  type ReferenceSnapshot,
  type ReferenceStorePort,
} from './reference-store-port.ts';

export type { ReferenceSeed, ReferenceSnapshot } from './reference-store-port.ts';

type Db = CitygridDatabase['db'];

/** Insert a grid version as the current one (synchronous: runs inside the caller's transaction). */
function insertGrid(db: Db, g: ReferenceGrid, at: string): number {
  // the previous version stops being current; its cells stay, so old cases keep their cell
  db.update(gridVersions).set({ validTo: g.validFrom }).where(isNull(gridVersions.validTo)).run();
  db.update(cells).set({ validTo: g.validFrom }).where(isNull(cells.validTo)).run();
  const v = db
    .insert(gridVersions)
    .values({
      version: g.version,
      validFrom: g.validFrom,
      generated: g.generated,
      note: g.note ?? '',
      importedAt: at,
    })
    .returning()
    .get();
  for (const sd of g.subDistricts) {
    db.insert(subDistricts)
      .values({ code: sd.code, name: sd.name, nameEn: sd.nameEn })
      .onConflictDoUpdate({ target: subDistricts.code, set: { name: sd.name, nameEn: sd.nameEn } })
      .run();
  }
  for (const c of g.communities) {
    const row = communityRow(c);
    db.insert(communities).values(row).onConflictDoUpdate({ target: communities.code, set: row }).run();
  }
  for (const cell of g.cells) db.insert(cells).values(cellRow(v.id, cell)).run();
  return v.id;
}

/**
 * Write a new current grid version inside the caller's transaction (`AdminStore.audited`); refuses
 * a version name used before (CONFLICT naming `field`).
 */
export function writeGridVersionSqlite(
  db: Db,
  g: ReferenceGrid,
  at: string,
  field = 'document.version',
): number {
  if (db.select().from(gridVersions).where(eq(gridVersions.version, g.version)).get()) {
    throw new DomainError('CONFLICT', `grid version ${g.version} exists`, { field });
  }
  return insertGrid(db, g, at);
}

/** Replace every routing rule (synchronous: runs inside the caller's transaction). */
export function writeRoutingRulesSqlite(db: Db, rules: readonly RoutingRule[]): void {
  db.delete(routingRules).run();
  for (const r of rules) db.insert(routingRules).values(routingRuleRow(r)).run();
}

/** Reference data on SQLite (see {@link ReferenceStorePort}). */
export class ReferenceStore implements ReferenceStorePort {
  constructor(private readonly database: CitygridDatabase) {}
  private get db() {
    return this.database.db;
  }

  async isSeeded(): Promise<boolean> {
    return (
      (this.db
        .select({ n: sql<number>`count(*)` })
        .from(gridVersions)
        .get()?.n ?? 0) > 0
    );
  }

  async seed(s: ReferenceSeed, at: string): Promise<void> {
    const db = this.db;
    this.database.sqlite.transaction(() => {
      insertGrid(db, s.grid, at);
      for (const d of s.departments)
        db.insert(departments).values({ code: d.code, name: d.name, nameEn: d.nameEn }).run();
      for (const u of s.units) db.insert(units).values(unitRow(u)).run();
      for (const c of s.hotlineCategories)
        db.insert(hotlineCategories).values({ code: c.code, name: c.name, nameEn: c.nameEn }).run();
      for (const m of s.minorClasses)
        db.insert(minorClasses).values({ code: m.code, data: m, hotlineCategory: m.hotlineCategory }).run();
      writeRoutingRulesSqlite(db, s.routingRules);
      db.insert(referenceDocuments)
        .values({ name: 'calendar', data: s.calendar, updatedAt: at })
        .onConflictDoUpdate({ target: referenceDocuments.name, set: { data: s.calendar, updatedAt: at } })
        .run();
    })();
  }

  async hasGridVersion(version: string): Promise<boolean> {
    return this.db.select().from(gridVersions).where(eq(gridVersions.version, version)).get() !== undefined;
  }

  async load(): Promise<ReferenceSnapshot> {
    const db = this.db;
    const v = db
      .select()
      .from(gridVersions)
      .where(isNull(gridVersions.validTo))
      .orderBy(desc(gridVersions.id))
      .get();
    if (!v) throw new Error('reference data not seeded');
    return snapshotOfRows({
      version: v,
      subDistricts: db.select().from(subDistricts).orderBy(asc(subDistricts.code)).all(),
      communities: db.select().from(communities).orderBy(asc(communities.code)).all(),
      cells: db.select().from(cells).where(eq(cells.gridVersionId, v.id)).orderBy(asc(cells.id)).all(),
      departments: db.select().from(departments).orderBy(asc(departments.code)).all(),
      units: db.select().from(units).orderBy(asc(units.code)).all(),
      // in the order seeded: the shipped display order (nothing rewrites these rows)
      hotlineCategories: db
        .select()
        .from(hotlineCategories)
        .orderBy(sql`rowid`)
        .all(),
      minorClasses: db.select().from(minorClasses).orderBy(asc(minorClasses.code)).all(),
      routingRules: db.select().from(routingRules).orderBy(asc(routingRules.id)).all(),
      calendar: db.select().from(referenceDocuments).where(eq(referenceDocuments.name, 'calendar')).get()
        ?.data,
    });
  }
}
