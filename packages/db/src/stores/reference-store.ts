import { desc, eq, isNull, sql } from 'drizzle-orm';
import { asCommunityCode, asGridCellCode, asSubDistrictCode, DomainError } from '@citygrid/domain';
import type {
  Community,
  Department,
  GridCell,
  HotlineCategory,
  MinorClass,
  ReferenceGrid,
  RoutingRule,
  SubDistrict,
  Unit,
  WorkCalendarData,
} from '@citygrid/domain';
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

export interface ReferenceSnapshot {
  gridVersion: { id: number; version: string; validFrom: string; generated: boolean; note: string };
  subDistricts: SubDistrict[];
  communities: Community[];
  cells: GridCell[];
  departments: Department[];
  units: Unit[];
  hotlineCategories: HotlineCategory[];
  minorClasses: MinorClass[];
  routingRules: RoutingRule[];
  calendar: WorkCalendarData;
}

export interface ReferenceSeed {
  grid: ReferenceGrid;
  departments: readonly Department[];
  units: readonly Unit[];
  hotlineCategories: readonly HotlineCategory[];
  minorClasses: readonly MinorClass[];
  routingRules: readonly RoutingRule[];
  calendar: WorkCalendarData;
}

const ruleScopeCode = (r: RoutingRule) => (r.scope.kind === 'city' ? null : r.scope.code);

/** Reference data: grid versions, organisations, categories, routing rules, the working calendar. */
export class ReferenceStore {
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

  /** Write the shipped reference data into an empty database, in one transaction. */
  async seed(s: ReferenceSeed, at: string): Promise<void> {
    this.database.sqlite.transaction(() => {
      this.insertGrid(s.grid, at);
      for (const d of s.departments)
        this.db.insert(departments).values({ code: d.code, name: d.name, nameEn: d.nameEn }).run();
      for (const u of s.units)
        this.db
          .insert(units)
          .values({
            code: u.code,
            departmentCode: u.departmentCode,
            name: u.name,
            nameEn: u.nameEn,
            subDistrictCode: u.subDistrictCode ?? null,
            phone: u.phone ?? null,
          })
          .run();
      for (const c of s.hotlineCategories)
        this.db.insert(hotlineCategories).values({ code: c.code, name: c.name, nameEn: c.nameEn }).run();
      for (const m of s.minorClasses)
        this.db
          .insert(minorClasses)
          .values({ code: m.code, data: m, hotlineCategory: m.hotlineCategory })
          .run();
      this.writeRules(s.routingRules);
      this.db
        .insert(referenceDocuments)
        .values({ name: 'calendar', data: s.calendar, updatedAt: at })
        .onConflictDoUpdate({ target: referenceDocuments.name, set: { data: s.calendar, updatedAt: at } })
        .run();
    })();
  }

  private insertGrid(g: ReferenceGrid, at: string): number {
    // the previous version stops being current; its cells stay, so old cases keep their cell
    this.db.update(gridVersions).set({ validTo: g.validFrom }).where(isNull(gridVersions.validTo)).run();
    this.db.update(cells).set({ validTo: g.validFrom }).where(isNull(cells.validTo)).run();
    const v = this.db
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
      this.db
        .insert(subDistricts)
        .values({ code: sd.code, name: sd.name, nameEn: sd.nameEn })
        .onConflictDoUpdate({ target: subDistricts.code, set: { name: sd.name, nameEn: sd.nameEn } })
        .run();
    }
    for (const c of g.communities) {
      const row = {
        code: c.code,
        subDistrictCode: c.subDistrictCode,
        name: c.name,
        nameEn: c.nameEn,
        ring: c.ring.map((p) => [p[0], p[1]] as [number, number]),
      };
      this.db
        .insert(communities)
        .values(row)
        .onConflictDoUpdate({ target: communities.code, set: row })
        .run();
    }
    for (const cell of g.cells) {
      this.db
        .insert(cells)
        .values({
          gridVersionId: v.id,
          code: cell.code,
          communityCode: cell.communityCode,
          subDistrictCode: cell.subDistrictCode,
          name: cell.name,
          ring: cell.ring.map((p) => [p[0], p[1]] as [number, number]),
          validFrom: cell.validFrom,
          validTo: cell.validTo,
        })
        .run();
    }
    return v.id;
  }

  /** Import a new grid version (already validated by the partition checker). */
  async importGrid(g: ReferenceGrid, at: string): Promise<number> {
    return this.writeGridVersion(g, at);
  }

  /** Synchronous {@link importGrid}, to run inside an audited transaction; refuses a version name used before. */
  writeGridVersion(g: ReferenceGrid, at: string, field = 'document.version'): number {
    if (this.db.select().from(gridVersions).where(eq(gridVersions.version, g.version)).get()) {
      throw new DomainError('CONFLICT', `grid version ${g.version} exists`, { field });
    }
    return this.database.sqlite.transaction(() => this.insertGrid(g, at))();
  }

  hasGridVersion(version: string): boolean {
    return this.db.select().from(gridVersions).where(eq(gridVersions.version, version)).get() !== undefined;
  }

  private writeRules(rules: readonly RoutingRule[]): void {
    this.db.delete(routingRules).run();
    for (const r of rules) {
      this.db
        .insert(routingRules)
        .values({
          id: r.id,
          minorClassCode: r.minorClassCode,
          scopeKind: r.scope.kind,
          scopeCode: ruleScopeCode(r),
          unitCode: r.unitCode,
          note: r.note,
        })
        .run();
    }
  }

  async replaceRoutingRules(rules: readonly RoutingRule[]): Promise<void> {
    this.database.sqlite.transaction(() => this.writeRules(rules))();
  }

  async updateMinorClass(m: MinorClass): Promise<void> {
    this.db
      .update(minorClasses)
      .set({ data: m, hotlineCategory: m.hotlineCategory })
      .where(eq(minorClasses.code, m.code))
      .run();
  }

  async upsertUnit(u: Unit): Promise<void> {
    const row = {
      code: u.code,
      departmentCode: u.departmentCode,
      name: u.name,
      nameEn: u.nameEn,
      subDistrictCode: u.subDistrictCode ?? null,
      phone: u.phone ?? null,
    };
    this.db.insert(units).values(row).onConflictDoUpdate({ target: units.code, set: row }).run();
  }

  /** Everything the service layer keeps in memory, for the current grid version. */
  async load(): Promise<ReferenceSnapshot> {
    const v = this.db
      .select()
      .from(gridVersions)
      .where(isNull(gridVersions.validTo))
      .orderBy(desc(gridVersions.id))
      .get();
    if (!v) throw new Error('reference data not seeded');
    const cellRows = this.db.select().from(cells).where(eq(cells.gridVersionId, v.id)).all();
    const cal = this.db
      .select()
      .from(referenceDocuments)
      .where(eq(referenceDocuments.name, 'calendar'))
      .get();
    return {
      gridVersion: {
        id: v.id,
        version: v.version,
        validFrom: v.validFrom,
        generated: v.generated,
        note: v.note,
      },
      subDistricts: this.db.select().from(subDistricts).all() as SubDistrict[],
      communities: this.db
        .select()
        .from(communities)
        .all()
        .map((c): Community => ({
          ...c,
          code: asCommunityCode(c.code),
          subDistrictCode: asSubDistrictCode(c.subDistrictCode),
        })),
      cells: cellRows.map((c): GridCell => ({
        code: asGridCellCode(c.code),
        communityCode: asCommunityCode(c.communityCode),
        subDistrictCode: asSubDistrictCode(c.subDistrictCode),
        name: c.name,
        ring: c.ring,
        validFrom: c.validFrom,
        validTo: c.validTo,
      })),
      departments: this.db.select().from(departments).all() as Department[],
      units: this.db
        .select()
        .from(units)
        .all()
        .map((u) => ({
          ...u,
          subDistrictCode: u.subDistrictCode ?? undefined,
          phone: u.phone ?? undefined,
        })) as Unit[],
      hotlineCategories: this.db.select().from(hotlineCategories).all() as HotlineCategory[],
      minorClasses: this.db
        .select()
        .from(minorClasses)
        .all()
        .map((m) => m.data as MinorClass),
      routingRules: this.db
        .select()
        .from(routingRules)
        .all()
        .map(
          (r) =>
            ({
              id: r.id,
              minorClassCode: r.minorClassCode,
              scope: r.scopeKind === 'city' ? { kind: 'city' } : { kind: r.scopeKind, code: r.scopeCode },
              unitCode: r.unitCode,
              note: r.note,
            }) as RoutingRule,
        ),
      calendar: cal?.data as WorkCalendarData,
    };
  }

  /** Cells of any version by code (a case keeps its grid version's cell). */
  async cellOfVersion(gridVersionId: number, code: string) {
    return (
      this.db
        .select()
        .from(cells)
        .where(sql`${cells.gridVersionId} = ${gridVersionId} and ${cells.code} = ${code}`)
        .get() ?? null
    );
  }
}
