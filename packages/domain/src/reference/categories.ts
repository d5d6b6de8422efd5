import type { MinorClassCode, UnitCode } from '../ids.ts';
import data from './data/categories.json' with { type: 'json' };
import {
  ensureUnique,
  failField,
  joinPath,
  readArray,
  readEnum,
  readObject,
  readString,
  readStringArray,
  readTimeLimit,
} from './json-fields.ts';
import { loadReferenceOrganisations } from './organisations.ts';
import {
  HOTLINE_CATEGORY_CODES,
  type ClassKind,
  type HotlineCategory,
  type MajorClass,
  type MinorClass,
  type ReferenceCategories,
  type RoutingPrinciple,
  type Unit,
} from './types.ts';

const CLASS_KINDS: readonly ClassKind[] = ['component', 'event'];
const ROUTING_PRINCIPLES: readonly RoutingPrinciple[] = ['owner_first', 'territory_first'];
const MAJOR_CODE = /^\d{2}$/;
const MINOR_CODE = /^[CE]\d{4}$/;
const PINYIN_INITIALS = /^[a-z]+$/;

/** `C0101` → component, major `01`. */
const kindLetter = (kind: ClassKind) => (kind === 'component' ? 'C' : 'E');

/**
 * Validates categories JSON (`{ note, hotlineCategories, majorClasses, minorClasses }`): shapes,
 * unique codes, minor code format consistent with its kind and major class, a known hotline
 * category, positive time limits, and every `defaultUnitCodes` entry naming one of `refs.units`.
 * Throws `DomainError('BAD_INPUT')` naming the offending field, e.g. `minorClasses[4].timeLimit.amount`.
 */
export function parseCategories(
  json: unknown,
  refs: { readonly units: readonly Unit[] },
): ReferenceCategories {
  const root = readObject(json, '');
  const note = typeof root['note'] === 'string' ? root['note'] : '';
  const unitCodes = new Set<string>(refs.units.map((u) => u.code));

  const categoryCodes = new Set<string>();
  const hotlineCategories: HotlineCategory[] = readArray(root['hotlineCategories'], 'hotlineCategories').map(
    (raw, i) => {
      const base = joinPath('hotlineCategories', i);
      const obj = readObject(raw, base);
      const code = readEnum(obj, 'code', base, HOTLINE_CATEGORY_CODES);
      ensureUnique(categoryCodes, code, joinPath(base, 'code'));
      return { code, name: readString(obj, 'name', base), nameEn: readString(obj, 'nameEn', base) };
    },
  );

  const majorKeys = new Set<string>();
  const majorClasses: MajorClass[] = readArray(root['majorClasses'], 'majorClasses').map((raw, i) => {
    const base = joinPath('majorClasses', i);
    const obj = readObject(raw, base);
    const kind = readEnum(obj, 'kind', base, CLASS_KINDS);
    const code = readString(obj, 'code', base, MAJOR_CODE);
    ensureUnique(majorKeys, kindLetter(kind) + code, joinPath(base, 'code'));
    return { kind, code, name: readString(obj, 'name', base), nameEn: readString(obj, 'nameEn', base) };
  });

  const minorCodes = new Set<string>();
  const minorClasses: MinorClass[] = readArray(root['minorClasses'], 'minorClasses').map((raw, i) => {
    const base = joinPath('minorClasses', i);
    const obj = readObject(raw, base);
    const code = readString(obj, 'code', base, MINOR_CODE);
    ensureUnique(minorCodes, code, joinPath(base, 'code'));
    const kind = readEnum(obj, 'kind', base, CLASS_KINDS);
    const majorCode = readString(obj, 'majorCode', base, MAJOR_CODE);
    if (!majorKeys.has(kindLetter(kind) + majorCode)) {
      failField(joinPath(base, 'majorCode'), `no ${kind} major class "${majorCode}"`);
    }
    if (!code.startsWith(kindLetter(kind) + majorCode)) {
      failField(
        joinPath(base, 'code'),
        `"${code}" must start with ${kindLetter(kind)}${majorCode} (kind + major class)`,
      );
    }
    const hotlineCategory = readEnum(obj, 'hotlineCategory', base, HOTLINE_CATEGORY_CODES);
    if (!categoryCodes.has(hotlineCategory)) {
      failField(joinPath(base, 'hotlineCategory'), `hotline category "${hotlineCategory}" is not listed`);
    }
    const defaultsField = joinPath(base, 'defaultUnitCodes');
    const defaultUnitCodes = readStringArray(obj, 'defaultUnitCodes', base);
    if (defaultUnitCodes.length === 0) failField(defaultsField, 'expected at least one unit');
    defaultUnitCodes.forEach((u, j) => {
      if (!unitCodes.has(u)) failField(joinPath(defaultsField, j), `unknown unit "${u}"`);
    });
    const keywords = readStringArray(obj, 'keywords', base);
    const keywordInitials =
      obj['keywordInitials'] === undefined ? undefined : readStringArray(obj, 'keywordInitials', base);
    if (keywordInitials) {
      const field = joinPath(base, 'keywordInitials');
      if (keywordInitials.length !== keywords.length)
        failField(field, `expected ${keywords.length} entries, one per keyword`);
      keywordInitials.forEach((k, j) => {
        if (!PINYIN_INITIALS.test(k))
          failField(joinPath(field, j), 'expected lower-case pinyin initials a–z');
      });
    }
    const urgentField = joinPath(base, 'urgentTimeLimit');
    return {
      code: code as MinorClassCode,
      kind,
      majorCode,
      name: readString(obj, 'name', base),
      nameEn: readString(obj, 'nameEn', base),
      pinyinInitials: readString(obj, 'pinyinInitials', base, PINYIN_INITIALS),
      keywords,
      ...(keywordInitials && { keywordInitials }),
      hotlineCategory,
      filingCriteria: readString(obj, 'filingCriteria', base),
      closingCriteria: readString(obj, 'closingCriteria', base),
      timeLimit: readTimeLimit(obj['timeLimit'], joinPath(base, 'timeLimit')),
      ...(obj['urgentTimeLimit'] !== undefined && {
        urgentTimeLimit: readTimeLimit(obj['urgentTimeLimit'], urgentField),
      }),
      defaultUnitCodes: defaultUnitCodes as readonly UnitCode[],
      routingPrinciple: readEnum(obj, 'routingPrinciple', base, ROUTING_PRINCIPLES),
    };
  });

  return { note, hotlineCategories, majorClasses, minorClasses };
}

let cached: ReferenceCategories | undefined;

/** The shipped hotline categories, major and minor classes, checked against the shipped units. */
export function loadReferenceCategories(): ReferenceCategories {
  cached ??= parseCategories(data, { units: loadReferenceOrganisations().units });
  return cached;
}
