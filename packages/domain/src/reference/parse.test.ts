import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors.ts';
import { parseCategories } from './categories.ts';
import categoriesJson from './data/categories.json' with { type: 'json' };
import organisationsJson from './data/organisations.json' with { type: 'json' };
import rulesJson from './data/routing-rules.json' with { type: 'json' };
import { parseOrganisations } from './organisations.ts';
import { parseRoutingRules } from './routing-rules.ts';

/** Deep copy as mutable plain data so a test can break one field. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const copy = (v: unknown): any => structuredClone(v);

function fieldOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    expect((e as DomainError).code).toBe('BAD_INPUT');
    return (e as DomainError).details.field;
  }
  throw new Error('expected a DomainError');
}

const units = parseOrganisations(organisationsJson).units;
const minorClasses = parseCategories(categoriesJson, { units }).minorClasses;

describe('parseOrganisations', () => {
  it('accepts the shipped data and keeps optional fields', () => {
    const orgs = parseOrganisations(organisationsJson);
    expect(orgs.units.find((u) => u.code === 'U21')?.subDistrictCode).toBe('152502001');
    expect(orgs.units.find((u) => u.code === 'U01')).not.toHaveProperty('subDistrictCode');
  });

  it('rejects a unit whose department does not exist, naming the field', () => {
    const bad = copy(organisationsJson);
    bad.units[3].departmentCode = 'D99';
    expect(fieldOf(() => parseOrganisations(bad))).toBe('units[3].departmentCode');
  });

  it('rejects duplicate unit codes', () => {
    const bad = copy(organisationsJson);
    bad.units[5].code = bad.units[4].code;
    expect(fieldOf(() => parseOrganisations(bad))).toBe('units[5].code');
  });

  it('rejects a department without member units', () => {
    const bad = copy(organisationsJson);
    bad.departments.push({ code: 'D18', name: '新部门', nameEn: 'New department' });
    expect(fieldOf(() => parseOrganisations(bad))).toBe('departments[17].code');
  });

  it('rejects a missing name and a malformed sub-district code', () => {
    const noName = copy(organisationsJson);
    delete noName.departments[0].name;
    expect(fieldOf(() => parseOrganisations(noName))).toBe('departments[0].name');
    const badSub = copy(organisationsJson);
    badSub.units[20].subDistrictCode = '1525021';
    expect(fieldOf(() => parseOrganisations(badSub))).toBe('units[20].subDistrictCode');
  });

  it('rejects input that is not an object', () => {
    expect(fieldOf(() => parseOrganisations([]))).toBe('$');
    expect(fieldOf(() => parseOrganisations({ departments: {} }))).toBe('departments');
  });
});

describe('parseCategories', () => {
  it('rejects an unknown default unit, naming the array element', () => {
    const bad = copy(categoriesJson);
    bad.minorClasses[2].defaultUnitCodes = ['U12', 'U99'];
    expect(fieldOf(() => parseCategories(bad, { units }))).toBe('minorClasses[2].defaultUnitCodes[1]');
  });

  it('rejects an empty default unit list', () => {
    const bad = copy(categoriesJson);
    bad.minorClasses[0].defaultUnitCodes = [];
    expect(fieldOf(() => parseCategories(bad, { units }))).toBe('minorClasses[0].defaultUnitCodes');
  });

  it('rejects a non-positive time limit', () => {
    const bad = copy(categoriesJson);
    bad.minorClasses[4].timeLimit.amount = 0;
    expect(fieldOf(() => parseCategories(bad, { units }))).toBe('minorClasses[4].timeLimit.amount');
    const badUnit = copy(categoriesJson);
    badUnit.minorClasses[4].urgentTimeLimit = { amount: 2, unit: 'minutes' };
    expect(fieldOf(() => parseCategories(badUnit, { units }))).toBe('minorClasses[4].urgentTimeLimit.unit');
  });

  it('rejects a minor class code that disagrees with its kind or major class', () => {
    const wrongKind = copy(categoriesJson);
    wrongKind.minorClasses[0].kind = 'event';
    expect(fieldOf(() => parseCategories(wrongKind, { units }))).toBe('minorClasses[0].code');
    const malformed = copy(categoriesJson);
    malformed.minorClasses[1].code = 'X0101';
    expect(fieldOf(() => parseCategories(malformed, { units }))).toBe('minorClasses[1].code');
  });

  it('rejects an unknown hotline category and a duplicate minor class code', () => {
    const badCat = copy(categoriesJson);
    badCat.minorClasses[6].hotlineCategory = 'potholes';
    expect(fieldOf(() => parseCategories(badCat, { units }))).toBe('minorClasses[6].hotlineCategory');
    const dup = copy(categoriesJson);
    dup.minorClasses[1].code = dup.minorClasses[0].code;
    expect(fieldOf(() => parseCategories(dup, { units }))).toBe('minorClasses[1].code');
  });
});

describe('parseRoutingRules', () => {
  it('accepts the shipped rules', () => {
    expect(parseRoutingRules(rulesJson, { units, minorClasses }).length).toBe(rulesJson.length);
  });

  it('rejects an unknown unit or minor class, naming the field', () => {
    const badUnit = copy(rulesJson);
    badUnit[3].unitCode = 'U77';
    expect(fieldOf(() => parseRoutingRules(badUnit, { units, minorClasses }))).toBe('[3].unitCode');
    const badClass = copy(rulesJson);
    badClass[1].minorClassCode = 'C9999';
    expect(fieldOf(() => parseRoutingRules(badClass, { units, minorClasses }))).toBe('[1].minorClassCode');
  });

  it('rejects scope codes of the wrong length and unknown scope kinds', () => {
    const badCell = copy(rulesJson);
    badCell[0].scope = { kind: 'cell', code: '152502002001' };
    expect(fieldOf(() => parseRoutingRules(badCell, { units, minorClasses }))).toBe('[0].scope.code');
    const badKind = copy(rulesJson);
    badKind[0].scope = { kind: 'province' };
    expect(fieldOf(() => parseRoutingRules(badKind, { units, minorClasses }))).toBe('[0].scope.kind');
  });

  it('rejects two rules for the same minor class and scope as ambiguous', () => {
    const dup = copy(rulesJson);
    dup.push({ ...dup[0], id: 'R999' });
    expect(fieldOf(() => parseRoutingRules(dup, { units, minorClasses }))).toBe(`[${dup.length - 1}].scope`);
  });
});
