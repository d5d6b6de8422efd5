import type { DepartmentCode, SubDistrictCode, UnitCode } from '../ids.ts';
import data from './data/organisations.json' with { type: 'json' };
import {
  ensureUnique,
  failField,
  joinPath,
  readArray,
  readObject,
  readOptionalString,
  readString,
} from './json-fields.ts';
import type { Department, ReferenceOrganisations, Unit } from './types.ts';

const DEPARTMENT_CODE = /^D\d{2,}$/;
const UNIT_CODE = /^U\d{2,}$/;
const SUB_DISTRICT_CODE = /^\d{9}$/;

/**
 * Validates organisations JSON (`{ note, departments, units }`): shapes, unique codes, every unit
 * belongs to a known department, every department has at least one unit, and no two units claim the
 * same sub-district. Throws `DomainError('BAD_INPUT')` naming the offending field.
 */
export function parseOrganisations(json: unknown): ReferenceOrganisations {
  const root = readObject(json, '');
  const note = typeof root['note'] === 'string' ? root['note'] : '';

  const departmentCodes = new Set<string>();
  const departments: Department[] = readArray(root['departments'], 'departments').map((raw, i) => {
    const base = joinPath('departments', i);
    const obj = readObject(raw, base);
    const code = readString(obj, 'code', base, DEPARTMENT_CODE);
    ensureUnique(departmentCodes, code, joinPath(base, 'code'));
    return {
      code: code as DepartmentCode,
      name: readString(obj, 'name', base),
      nameEn: readString(obj, 'nameEn', base),
    };
  });

  const unitCodes = new Set<string>();
  const subDistricts = new Set<string>();
  const units: Unit[] = readArray(root['units'], 'units').map((raw, i) => {
    const base = joinPath('units', i);
    const obj = readObject(raw, base);
    const code = readString(obj, 'code', base, UNIT_CODE);
    ensureUnique(unitCodes, code, joinPath(base, 'code'));
    const departmentCode = readString(obj, 'departmentCode', base);
    if (!departmentCodes.has(departmentCode)) {
      failField(joinPath(base, 'departmentCode'), `unknown department "${departmentCode}"`);
    }
    const subDistrictCode = readOptionalString(obj, 'subDistrictCode', base, SUB_DISTRICT_CODE);
    if (subDistrictCode !== undefined) {
      ensureUnique(subDistricts, subDistrictCode, joinPath(base, 'subDistrictCode'));
    }
    const phone = readOptionalString(obj, 'phone', base);
    return {
      code: code as UnitCode,
      departmentCode: departmentCode as DepartmentCode,
      name: readString(obj, 'name', base),
      nameEn: readString(obj, 'nameEn', base),
      ...(subDistrictCode !== undefined && { subDistrictCode: subDistrictCode as SubDistrictCode }),
      ...(phone !== undefined && { phone }),
    };
  });

  const staffed = new Set(units.map((u) => u.departmentCode as string));
  departments.forEach((d, i) => {
    if (!staffed.has(d.code))
      failField(joinPath(joinPath('departments', i), 'code'), `department "${d.code}" has no member unit`);
  });

  return { note, departments, units };
}

let cached: ReferenceOrganisations | undefined;

/** The shipped reference organisations (17 departments, 26 member units), parsed once. */
export function loadReferenceOrganisations(): ReferenceOrganisations {
  cached ??= parseOrganisations(data);
  return cached;
}
