import { describe, expect, it } from 'vitest';
import { loadReferenceCategories } from './categories.ts';
import { loadReferenceOrganisations } from './organisations.ts';
import { loadReferenceRoutingRules } from './routing-rules.ts';
import { HOTLINE_CATEGORY_CODES } from './types.ts';

const orgs = loadReferenceOrganisations();
const cats = loadReferenceCategories();
const rules = loadReferenceRoutingRules();
const unitCodes = new Set<string>(orgs.units.map((u) => u.code));

describe('shipped organisations', () => {
  it('has exactly 17 departments and 26 member units', () => {
    expect(orgs.departments).toHaveLength(17);
    expect(orgs.units).toHaveLength(26);
  });

  it('gives every department at least one unit and uses unique codes', () => {
    for (const d of orgs.departments) {
      expect(
        orgs.units.some((u) => u.departmentCode === d.code),
        d.name,
      ).toBe(true);
    }
    expect(new Set(orgs.departments.map((d) => d.code)).size).toBe(17);
    expect(unitCodes.size).toBe(26);
  });

  it('includes the five departments named in the seed', () => {
    const names = orgs.departments.map((d) => d.name);
    for (const n of ['规划局', '住房和城乡建设局', '生态环境局', '公安局', '城市管理综合执法局']) {
      expect(names).toContain(n);
    }
  });

  it('models the six sub-district offices as units of one department, in code order', () => {
    const offices = orgs.units.filter((u) => u.subDistrictCode !== undefined);
    expect(offices.map((u) => u.subDistrictCode)).toEqual([
      '152502001',
      '152502002',
      '152502003',
      '152502004',
      '152502005',
      '152502006',
    ]);
    expect(offices.map((u) => u.name.slice(0, 2))).toEqual(['希日', '杭盖', '宝力', '楚古', '额尔', '南郊']);
    expect(new Set(offices.map((u) => u.departmentCode)).size).toBe(1);
  });

  it('marks non-seed names as typical and editable', () => {
    expect(orgs.note).toMatch(/editable/);
  });
});

describe('shipped categories', () => {
  it('lists the 11 hotline categories, each with at least two minor classes', () => {
    expect(cats.hotlineCategories.map((c) => c.code)).toEqual([...HOTLINE_CATEGORY_CODES]);
    for (const c of cats.hotlineCategories) {
      expect(
        cats.minorClasses.filter((m) => m.hotlineCategory === c.code).length,
        c.code,
      ).toBeGreaterThanOrEqual(2);
    }
  });

  it('has six component and six event major classes', () => {
    expect(cats.majorClasses.filter((m) => m.kind === 'component').map((m) => m.code)).toEqual([
      '01',
      '02',
      '03',
      '04',
      '05',
      '06',
    ]);
    expect(cats.majorClasses.filter((m) => m.kind === 'event').map((m) => m.code)).toEqual([
      '01',
      '02',
      '03',
      '04',
      '05',
      '06',
    ]);
  });

  it('gives every minor class a unique well-formed code matching its kind and major class', () => {
    expect(cats.minorClasses.length).toBeGreaterThanOrEqual(40);
    expect(new Set(cats.minorClasses.map((m) => m.code)).size).toBe(cats.minorClasses.length);
    for (const m of cats.minorClasses) {
      expect(m.code).toMatch(/^[CE]\d{4}$/);
      expect(m.code.slice(0, 3)).toBe((m.kind === 'component' ? 'C' : 'E') + m.majorCode);
      expect(m.pinyinInitials).toMatch(/^[a-z]+$/);
    }
  });

  it('routes components owner first and events territory first', () => {
    for (const m of cats.minorClasses) {
      expect(m.routingPrinciple).toBe(m.kind === 'component' ? 'owner_first' : 'territory_first');
    }
  });

  it('has positive time limits and existing default units everywhere', () => {
    for (const m of cats.minorClasses) {
      expect(m.timeLimit.amount).toBeGreaterThan(0);
      if (m.urgentTimeLimit) expect(m.urgentTimeLimit.amount).toBeGreaterThan(0);
      expect(m.defaultUnitCodes.length).toBeGreaterThan(0);
      for (const u of m.defaultUnitCodes) expect(unitCodes.has(u), `${m.code} → ${u}`).toBe(true);
    }
  });

  it('uses the local time limits for road cleaning, exposed garbage, illegal construction and manhole covers', () => {
    const byName = (n: string) => cats.minorClasses.find((m) => m.name === n);
    expect(byName('道路不洁')?.timeLimit).toEqual({ amount: 2, unit: 'working_hours' });
    expect(byName('暴露垃圾')?.timeLimit).toEqual({ amount: 4, unit: 'working_hours' });
    expect(byName('违法建设（制止）')?.timeLimit).toEqual({ amount: 4, unit: 'working_hours' });
    expect(byName('违法建设（拆除）')?.timeLimit).toEqual({ amount: 15, unit: 'working_days' });
    expect(byName('上水井盖')?.urgentTimeLimit).toEqual({ amount: 6, unit: 'calendar_hours' });
    expect(byName('供热管道漏水')?.timeLimit).toEqual({ amount: 4, unit: 'calendar_hours' });
    expect(byName('室温不达标')?.timeLimit).toEqual({ amount: 24, unit: 'calendar_hours' });
  });
});

describe('shipped routing rules', () => {
  const minorByCode = new Map(cats.minorClasses.map((m) => [m.code as string, m]));

  it('references existing units and minor classes with unique ids', () => {
    expect(new Set(rules.map((r) => r.id)).size).toBe(rules.length);
    for (const r of rules) {
      expect(unitCodes.has(r.unitCode), r.id).toBe(true);
      expect(minorByCode.has(r.minorClassCode), r.id).toBe(true);
    }
  });

  it('has a city-wide rule to the owner for every owner-first minor class', () => {
    for (const m of cats.minorClasses.filter((x) => x.routingPrinciple === 'owner_first')) {
      const city = rules.filter((r) => r.minorClassCode === m.code && r.scope.kind === 'city');
      expect(
        city.map((r) => r.unitCode),
        m.code,
      ).toEqual([m.defaultUnitCodes[0]]);
    }
  });

  it('contains overrides at the sub-district, community and cell level', () => {
    const kinds = new Set(rules.map((r) => r.scope.kind));
    expect([...kinds].sort()).toEqual(['cell', 'city', 'community', 'subDistrict']);
  });
});
