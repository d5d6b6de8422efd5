/**
 * Reference data types: organisations (17 departments, 26 member units), the 12319 hotline
 * categories, CJ/T 214 major/minor classes (部件 components, 事件 events) and routing rules.
 */
import type {
  CommunityCode,
  DepartmentCode,
  GridCellCode,
  MinorClassCode,
  SubDistrictCode,
  UnitCode,
} from '../ids.ts';

import type { TimeLimit } from '../calendar/work-calendar.ts';

/** A department (部门), e.g. 公安局. Cases are never routed to a department, only to its units. */
export interface Department {
  readonly code: DepartmentCode;
  readonly name: string;
  readonly nameEn: string;
}

/** A member unit (成员单位) that receives dispatched cases, e.g. 公安局交通管理大队. */
export interface Unit {
  readonly code: UnitCode;
  readonly departmentCode: DepartmentCode;
  readonly name: string;
  readonly nameEn: string;
  /** Set for sub-district offices (街道办事处): the territory they answer for (属地). */
  readonly subDistrictCode?: SubDistrictCode;
  readonly phone?: string;
}

export interface ReferenceOrganisations {
  readonly note: string;
  readonly departments: readonly Department[];
  readonly units: readonly Unit[];
}

export const HOTLINE_CATEGORY_CODES = [
  'landscaping',
  'environment',
  'sanitation',
  'appearance',
  'water',
  'illegal_construction',
  'public_facilities',
  'heating',
  'traffic_order',
  'advertising',
  'market',
] as const;

/** One of the 11 everyday categories the 12319 hotline speaks in. */
export type HotlineCategoryCode = (typeof HOTLINE_CATEGORY_CODES)[number];

export interface HotlineCategory {
  readonly code: HotlineCategoryCode;
  readonly name: string;
  readonly nameEn: string;
}

/** 部件 (physical facility) or 事件 (condition or behaviour). */
export type ClassKind = 'component' | 'event';

/**
 * `owner_first` = 先属主后属地 (components: the owner unit, then the territory);
 * `territory_first` = 先属地后属主 (events: the sub-district office unless a rule names a unit).
 */
export type RoutingPrinciple = 'owner_first' | 'territory_first';

/** A CJ/T 214 major class (大类); `code` is two digits and unique per kind. */
export interface MajorClass {
  readonly kind: ClassKind;
  readonly code: string;
  readonly name: string;
  readonly nameEn: string;
}

/** A minor class (小类): what gets filed, closed, timed and routed. */
export interface MinorClass {
  /** `C` (component) or `E` (event) + major class (2 digits) + minor (2 digits), e.g. `C0101`. */
  readonly code: MinorClassCode;
  readonly kind: ClassKind;
  readonly majorCode: string;
  readonly name: string;
  readonly nameEn: string;
  /** Lower-case pinyin initials for searchable pickers, e.g. 井盖 → `jg`. */
  readonly pinyinInitials: string;
  /** Words and phrases callers use for it (叫法), searched by the category picker. */
  readonly keywords: readonly string[];
  /**
   * Pinyin initials of each keyword, in the same order (`供暖不热` → `gnbr`). Optional: data stored
   * before the field existed has none, and search then skips initials of phrases.
   */
  readonly keywordInitials?: readonly string[];
  readonly hotlineCategory: HotlineCategoryCode;
  /** 立案标准 */
  readonly filingCriteria: string;
  /** 结案标准 */
  readonly closingCriteria: string;
  readonly timeLimit: TimeLimit;
  /** Shorter limit for the severe case, e.g. a missing (not just damaged) manhole cover. */
  readonly urgentTimeLimit?: TimeLimit;
  /** Responsible units; the first is the primary (owner or competent unit). Never empty. */
  readonly defaultUnitCodes: readonly UnitCode[];
  readonly routingPrinciple: RoutingPrinciple;
}

export interface ReferenceCategories {
  readonly note: string;
  readonly hotlineCategories: readonly HotlineCategory[];
  readonly majorClasses: readonly MajorClass[];
  readonly minorClasses: readonly MinorClass[];
}

/** Where a routing rule applies; more specific scopes win (cell > community > subDistrict > city). */
export type RoutingScope =
  | { readonly kind: 'city' }
  | { readonly kind: 'subDistrict'; readonly code: SubDistrictCode }
  | { readonly kind: 'community'; readonly code: CommunityCode }
  | { readonly kind: 'cell'; readonly code: GridCellCode };

export type RoutingScopeKind = RoutingScope['kind'];

/** "Cases of this minor class in this scope go to this unit." */
export interface RoutingRule {
  readonly id: string;
  readonly minorClassCode: MinorClassCode;
  readonly scope: RoutingScope;
  readonly unitCode: UnitCode;
  readonly note: string;
}
