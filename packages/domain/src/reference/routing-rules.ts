import type { CommunityCode, GridCellCode, MinorClassCode, SubDistrictCode, UnitCode } from '../ids.ts';
import { loadReferenceCategories } from './categories.ts';
import data from './data/routing-rules.json' with { type: 'json' };
import {
  ensureUnique,
  failField,
  joinPath,
  readArray,
  readEnum,
  readObject,
  readString,
} from './json-fields.ts';
import { loadReferenceOrganisations } from './organisations.ts';
import type { MinorClass, RoutingRule, RoutingScope, RoutingScopeKind, Unit } from './types.ts';

const RULE_ID = /^R\d{3,}$/;
const SCOPE_KINDS: readonly RoutingScopeKind[] = ['city', 'subDistrict', 'community', 'cell'];
const SCOPE_CODE: Record<Exclude<RoutingScopeKind, 'city'>, RegExp> = {
  subDistrict: /^\d{9}$/,
  community: /^\d{12}$/,
  cell: /^\d{14}$/,
};

function readScope(value: unknown, field: string): RoutingScope {
  const obj = readObject(value, field);
  const kind = readEnum(obj, 'kind', field, SCOPE_KINDS);
  if (kind === 'city') return { kind };
  const code = readString(obj, 'code', field, SCOPE_CODE[kind]);
  switch (kind) {
    case 'subDistrict':
      return { kind, code: code as SubDistrictCode };
    case 'community':
      return { kind, code: code as CommunityCode };
    case 'cell':
      return { kind, code: code as GridCellCode };
  }
}

/** A stable key for "same minor class, same scope"; two rules with one key would be ambiguous. */
const scopeKey = (r: RoutingRule) =>
  `${r.minorClassCode}|${r.scope.kind}|${'code' in r.scope ? r.scope.code : ''}`;

/**
 * Validates routing-rules JSON (an array of `{ id, minorClassCode, scope, unitCode, note }`):
 * unique ids, scope codes of the right length (sub-district 9, community 12, cell 14 digits), and
 * references to known minor classes and units. Two rules for the same minor class and the same
 * scope are rejected as ambiguous. Throws `DomainError('BAD_INPUT')` naming the field, e.g.
 * `[3].unitCode`.
 */
export function parseRoutingRules(
  json: unknown,
  refs: { readonly units: readonly Unit[]; readonly minorClasses: readonly MinorClass[] },
): readonly RoutingRule[] {
  const unitCodes = new Set<string>(refs.units.map((u) => u.code));
  const minorCodes = new Set<string>(refs.minorClasses.map((m) => m.code));
  const ids = new Set<string>();
  const scopes = new Set<string>();
  return readArray(json, '').map((raw, i) => {
    const base = `[${i}]`;
    const obj = readObject(raw, base);
    const id = readString(obj, 'id', base, RULE_ID);
    ensureUnique(ids, id, joinPath(base, 'id'));
    const minorClassCode = readString(obj, 'minorClassCode', base);
    if (!minorCodes.has(minorClassCode))
      failField(joinPath(base, 'minorClassCode'), `unknown minor class "${minorClassCode}"`);
    const unitCode = readString(obj, 'unitCode', base);
    if (!unitCodes.has(unitCode)) failField(joinPath(base, 'unitCode'), `unknown unit "${unitCode}"`);
    const note = obj['note'] === undefined ? '' : readString(obj, 'note', base);
    const rule: RoutingRule = {
      id,
      minorClassCode: minorClassCode as MinorClassCode,
      scope: readScope(obj['scope'], joinPath(base, 'scope')),
      unitCode: unitCode as UnitCode,
      note,
    };
    ensureUnique(scopes, scopeKey(rule), joinPath(base, 'scope'));
    return rule;
  });
}

let cached: readonly RoutingRule[] | undefined;

/** The shipped routing rules, checked against the shipped units and minor classes. */
export function loadReferenceRoutingRules(): readonly RoutingRule[] {
  cached ??= parseRoutingRules(data, {
    units: loadReferenceOrganisations().units,
    minorClasses: loadReferenceCategories().minorClasses,
  });
  return cached;
}
