import { asCommunityCode, asGridCellCode, asSubDistrictCode } from '@citygrid/domain';
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

/**
 * Reference data (grid versions, organisations, categories, routing rules, the working calendar):
 * `ReferenceStore` on SQLite, `PgReferenceStore` on PostgreSQL. Admin changes to it go through
 * `AdminStorePort.audited` (each with its audit entry).
 */
export interface ReferenceStorePort {
  isSeeded(): Promise<boolean>;
  /** Write the shipped reference data into an empty database, in one transaction. */
  seed(s: ReferenceSeed, at: string): Promise<void>;
  hasGridVersion(version: string): Promise<boolean>;
  /**
   * Everything the service layer keeps in memory, for the current grid version. Both backends return
   * the same snapshot: lists by code (cells by id, routing rules by id), hotline categories in the
   * order they were seeded (their shipped display order).
   */
  load(): Promise<ReferenceSnapshot>;
}

/* ---------- row mapping both backends share ---------- */

const ruleScopeCode = (r: RoutingRule) => (r.scope.kind === 'city' ? null : r.scope.code);

export const unitRow = (u: Unit) => ({
  code: u.code,
  departmentCode: u.departmentCode,
  name: u.name,
  nameEn: u.nameEn,
  subDistrictCode: u.subDistrictCode ?? null,
  phone: u.phone ?? null,
});

export const routingRuleRow = (r: RoutingRule) => ({
  id: r.id,
  minorClassCode: r.minorClassCode,
  scopeKind: r.scope.kind,
  scopeCode: ruleScopeCode(r),
  unitCode: r.unitCode,
  note: r.note,
});

export const communityRow = (c: ReferenceGrid['communities'][number]) => ({
  code: c.code,
  subDistrictCode: c.subDistrictCode,
  name: c.name,
  nameEn: c.nameEn,
  ring: c.ring.map((p) => [p[0], p[1]] as [number, number]),
});

export const cellRow = (gridVersionId: number, cell: ReferenceGrid['cells'][number]) => ({
  gridVersionId,
  code: cell.code,
  communityCode: cell.communityCode,
  subDistrictCode: cell.subDistrictCode,
  name: cell.name,
  ring: cell.ring.map((p) => [p[0], p[1]] as [number, number]),
  validFrom: cell.validFrom,
  validTo: cell.validTo,
});

/** The rows `load` reads, as either backend's drizzle returns them. */
export interface ReferenceRows {
  version: { id: number; version: string; validFrom: string; generated: boolean; note: string };
  subDistricts: Array<{ code: string; name: string; nameEn: string }>;
  communities: Array<{
    code: string;
    subDistrictCode: string;
    name: string;
    nameEn: string;
    ring: Array<[number, number]>;
  }>;
  cells: Array<{
    code: string;
    communityCode: string;
    subDistrictCode: string;
    name: string;
    ring: Array<[number, number]>;
    validFrom: string;
    validTo: string | null;
  }>;
  departments: Array<{ code: string; name: string; nameEn: string }>;
  units: Array<{
    code: string;
    departmentCode: string;
    name: string;
    nameEn: string;
    subDistrictCode: string | null;
    phone: string | null;
  }>;
  hotlineCategories: Array<{ code: string; name: string; nameEn: string }>;
  minorClasses: Array<{ data: unknown }>;
  routingRules: Array<{
    id: string;
    minorClassCode: string;
    scopeKind: string;
    scopeCode: string | null;
    unitCode: string;
    note: string;
  }>;
  calendar: unknown;
}

export function snapshotOfRows(r: ReferenceRows): ReferenceSnapshot {
  const v = r.version;
  return {
    gridVersion: {
      id: v.id,
      version: v.version,
      validFrom: v.validFrom,
      generated: v.generated,
      note: v.note,
    },
    subDistricts: r.subDistricts.map(
      (s) => ({ code: s.code, name: s.name, nameEn: s.nameEn }) as SubDistrict,
    ),
    communities: r.communities.map((c): Community => ({
      ...c,
      code: asCommunityCode(c.code),
      subDistrictCode: asSubDistrictCode(c.subDistrictCode),
    })),
    cells: r.cells.map((c): GridCell => ({
      code: asGridCellCode(c.code),
      communityCode: asCommunityCode(c.communityCode),
      subDistrictCode: asSubDistrictCode(c.subDistrictCode),
      name: c.name,
      ring: c.ring,
      validFrom: c.validFrom,
      validTo: c.validTo,
    })),
    departments: r.departments.map((d) => ({ code: d.code, name: d.name, nameEn: d.nameEn }) as Department),
    units: r.units.map(
      (u) =>
        ({
          ...u,
          subDistrictCode: u.subDistrictCode ?? undefined,
          phone: u.phone ?? undefined,
        }) as Unit,
    ),
    hotlineCategories: r.hotlineCategories.map(
      (c) => ({ code: c.code, name: c.name, nameEn: c.nameEn }) as HotlineCategory,
    ),
    minorClasses: r.minorClasses.map((m) => m.data as MinorClass),
    routingRules: r.routingRules.map(
      (x) =>
        ({
          id: x.id,
          minorClassCode: x.minorClassCode,
          scope: x.scopeKind === 'city' ? { kind: 'city' } : { kind: x.scopeKind, code: x.scopeCode },
          unitCode: x.unitCode,
          note: x.note,
        }) as RoutingRule,
    ),
    calendar: r.calendar as WorkCalendarData,
  };
}
