/**
 * Routing: which member unit receives a case of a given minor class at a given place.
 *
 * Order of decision (first hit wins):
 * 1. Explicit rules for the minor class, most specific scope first: cell > community >
 *    sub-district > city. Only rules whose scope contains the location match; with no location
 *    (outside the grid) only city-wide rules can match. Two rules with the same minor class and the
 *    same scope are a tie, broken by the lowest rule id (plain string order; ids are `R` + fixed-width
 *    digits, so this is numeric order). The shipped data has no ties: the parser rejects them.
 * 2. No rule matched:
 *    - owner_first (components, 先属主后属地): the minor class's first `defaultUnitCodes` entry
 *      (`category_default`), with or without a location.
 *    - territory_first (events, 先属地后属主): the sub-district office whose `subDistrictCode` is the
 *      location's (`territory`, 属地兜底). No location, or no office for that sub-district → `null`:
 *      the dispatcher routes the case by hand.
 *
 * Pure and fast: rules are indexed by minor class and scope once in `createRouter`; each `resolve`
 * is a handful of map lookups.
 */
import { DomainError } from '../errors.ts';
import type { CommunityCode, GridCellCode, MinorClassCode, SubDistrictCode, UnitCode } from '../ids.ts';
import type { MinorClass, RoutingRule, RoutingScopeKind, Unit } from '../reference/types.ts';

export interface RouteLocation {
  readonly cellCode: GridCellCode;
  readonly communityCode: CommunityCode;
  readonly subDistrictCode: SubDistrictCode;
}

export type RouteMatch = RoutingScopeKind | 'category_default' | 'territory';

export interface RouteDecision {
  readonly unitCode: UnitCode;
  /** The explicit rule that decided, or `null` for the category default and the territory fallback. */
  readonly ruleId: string | null;
  readonly matchedBy: RouteMatch;
  /** Chinese, for dispatchers, e.g. `网格 15250200200103 专用规则 R012：路灯 → 杭盖街道办事处`. */
  readonly explanation: string;
  readonly explanationEn: string;
}

export interface Router {
  /**
   * Routes a case. `location` is `null` when the report lies outside the grid. Returns `null` when
   * nothing applies (territory_first class without a usable location). Throws
   * `DomainError('NOT_FOUND')` for an unknown minor class code.
   */
  resolve(minorClassCode: MinorClassCode, location: RouteLocation | null): RouteDecision | null;
}

/** Rules of one minor class, keyed by scope code; a `Map` value is the winning rule for that code. */
interface RuleIndex {
  readonly cell: Map<string, RoutingRule>;
  readonly community: Map<string, RoutingRule>;
  readonly subDistrict: Map<string, RoutingRule>;
  city: RoutingRule | undefined;
}

const SCOPE_LABEL: Record<RoutingScopeKind, { zh: string; en: string }> = {
  cell: { zh: '网格', en: 'cell' },
  community: { zh: '社区', en: 'community' },
  subDistrict: { zh: '街道', en: 'sub-district' },
  city: { zh: '全市', en: 'city-wide' },
};

const byId = (a: RoutingRule, b: RoutingRule) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

function indexRules(rules: readonly RoutingRule[]): Map<string, RuleIndex> {
  const index = new Map<string, RuleIndex>();
  // Sorted by id so the first rule stored for a scope is the tie winner.
  for (const rule of [...rules].sort(byId)) {
    let entry = index.get(rule.minorClassCode);
    if (!entry) {
      entry = { cell: new Map(), community: new Map(), subDistrict: new Map(), city: undefined };
      index.set(rule.minorClassCode, entry);
    }
    const scope = rule.scope;
    if (scope.kind === 'city') {
      entry.city ??= rule;
    } else if (!entry[scope.kind].has(scope.code)) {
      entry[scope.kind].set(scope.code, rule);
    }
  }
  return index;
}

function findRule(entry: RuleIndex | undefined, location: RouteLocation | null): RoutingRule | undefined {
  if (!entry) return undefined;
  if (location) {
    const specific =
      entry.cell.get(location.cellCode) ??
      entry.community.get(location.communityCode) ??
      entry.subDistrict.get(location.subDistrictCode);
    if (specific) return specific;
  }
  return entry.city;
}

/** Builds a router over one set of rules, units and minor classes (index once, resolve many). */
export function createRouter(
  rules: readonly RoutingRule[],
  units: readonly Unit[],
  minorClasses: readonly MinorClass[],
): Router {
  const ruleIndex = indexRules(rules);
  const unitsByCode = new Map<string, Unit>(units.map((u) => [u.code, u]));
  const officeBySubDistrict = new Map<string, Unit>();
  for (const u of units) {
    if (u.subDistrictCode !== undefined && !officeBySubDistrict.has(u.subDistrictCode)) {
      officeBySubDistrict.set(u.subDistrictCode, u);
    }
  }
  const classesByCode = new Map<string, MinorClass>(minorClasses.map((m) => [m.code, m]));
  const unitName = (code: UnitCode) => unitsByCode.get(code)?.name ?? code;
  const unitNameEn = (code: UnitCode) => unitsByCode.get(code)?.nameEn ?? code;

  return {
    resolve(minorClassCode, location) {
      const minorClass = classesByCode.get(minorClassCode);
      if (!minorClass) {
        throw new DomainError('NOT_FOUND', `unknown minor class "${minorClassCode}"`, {
          field: 'minorClassCode',
        });
      }
      const rule = findRule(ruleIndex.get(minorClassCode), location);
      if (rule) {
        const label = SCOPE_LABEL[rule.scope.kind];
        const where = rule.scope.kind === 'city' ? label.zh : `${label.zh} ${rule.scope.code}`;
        const whereEn = rule.scope.kind === 'city' ? label.en : `${label.en} ${rule.scope.code}`;
        const ruleLabel = rule.scope.kind === 'city' ? '规则' : ' 专用规则';
        return {
          unitCode: rule.unitCode,
          ruleId: rule.id,
          matchedBy: rule.scope.kind,
          explanation: `${where}${ruleLabel} ${rule.id}：${minorClass.name} → ${unitName(rule.unitCode)}`,
          explanationEn: `${whereEn} rule ${rule.id}: ${minorClass.nameEn} → ${unitNameEn(rule.unitCode)}`,
        };
      }
      if (minorClass.routingPrinciple === 'owner_first') {
        const owner = minorClass.defaultUnitCodes[0];
        if (owner === undefined) return null;
        return {
          unitCode: owner,
          ruleId: null,
          matchedBy: 'category_default',
          explanation: `无匹配规则，按小类默认权属单位（先属主后属地）：${minorClass.name} → ${unitName(owner)}`,
          explanationEn: `No rule matched; the minor class's default owner unit (owner first): ${minorClass.nameEn} → ${unitNameEn(owner)}`,
        };
      }
      if (!location) return null;
      const office = officeBySubDistrict.get(location.subDistrictCode);
      if (!office) return null;
      return {
        unitCode: office.code,
        ruleId: null,
        matchedBy: 'territory',
        explanation: `无匹配规则，属地兜底（先属地后属主）：网格 ${location.cellCode} 所在街道 → ${office.name}`,
        explanationEn: `No rule matched; territory fallback (territory first): cell ${location.cellCode} lies in ${office.nameEn}`,
      };
    },
  };
}

export interface ResolveRouteInput {
  readonly minorClass: MinorClass;
  readonly location: RouteLocation | null;
  readonly rules: readonly RoutingRule[];
  readonly units: readonly Unit[];
}

/** One-off routing (builds a router each call); prefer `createRouter` when routing many cases. */
export function resolveRoute(input: ResolveRouteInput): RouteDecision | null {
  return createRouter(input.rules, input.units, [input.minorClass]).resolve(
    input.minorClass.code,
    input.location,
  );
}
