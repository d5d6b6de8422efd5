import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors.ts';
import type { CommunityCode, GridCellCode, MinorClassCode, SubDistrictCode, UnitCode } from '../ids.ts';
import { loadReferenceCategories } from '../reference/categories.ts';
import { loadReferenceOrganisations } from '../reference/organisations.ts';
import { loadReferenceRoutingRules } from '../reference/routing-rules.ts';
import type { MinorClass, RoutingRule, RoutingScope, Unit } from '../reference/types.ts';
import { createRouter, resolveRoute, type RouteLocation } from './resolve-route.ts';

const locate = (cell: string): RouteLocation => ({
  cellCode: cell as GridCellCode,
  communityCode: cell.slice(0, 12) as CommunityCode,
  subDistrictCode: cell.slice(0, 9) as SubDistrictCode,
});

const { units } = loadReferenceOrganisations();
const { minorClasses } = loadReferenceCategories();
const rules = loadReferenceRoutingRules();
const router = createRouter(rules, units, minorClasses);
const classNamed = (name: string): MinorClass => {
  const m = minorClasses.find((x) => x.name === name);
  if (!m) throw new Error(`no minor class ${name}`);
  return m;
};

describe('routing with the shipped reference data', () => {
  const streetLight = classNamed('路灯').code;

  it('sends a street light in the special cell to the cell rule, even inside an overridden community', () => {
    const d = router.resolve(streetLight, locate('15250200200103'));
    expect(d).toMatchObject({ unitCode: 'U11', matchedBy: 'cell' });
    expect(d?.explanation).toMatch(/^网格 15250200200103 专用规则 R\d{3}：路灯 → 路灯管理所$/);
  });

  it('sends a street light elsewhere in that community to the sub-district office by the community rule', () => {
    expect(router.resolve(streetLight, locate('15250200200101'))).toMatchObject({
      unitCode: 'U22',
      matchedBy: 'community',
    });
  });

  it('sends a street light anywhere else, and outside the grid, to the owner by the city rule', () => {
    expect(router.resolve(streetLight, locate('15250200400102'))).toMatchObject({
      unitCode: 'U11',
      matchedBy: 'city',
    });
    expect(router.resolve(streetLight, null)).toMatchObject({ unitCode: 'U11', matchedBy: 'city' });
  });

  it('sends heating complaints in 南郊街道 to the second heating company and elsewhere to the first', () => {
    const cold = classNamed('室温不达标').code;
    expect(router.resolve(cold, locate('15250200600201'))).toMatchObject({
      unitCode: 'U15',
      matchedBy: 'subDistrict',
    });
    expect(router.resolve(cold, locate('15250200100201'))).toMatchObject({
      unitCode: 'U14',
      matchedBy: 'city',
    });
  });

  it('falls back to the sub-district office of the location for an event without rules (属地兜底)', () => {
    const garbage = classNamed('暴露垃圾').code;
    for (const [cell, unit] of [
      ['15250200100304', 'U21'],
      ['15250200300101', 'U23'],
      ['15250200600702', 'U26'],
    ] as const) {
      const d = router.resolve(garbage, locate(cell));
      expect(d).toMatchObject({ unitCode: unit, matchedBy: 'territory', ruleId: null });
      expect(d?.explanation).toContain('属地兜底');
    }
  });

  it('returns null for an event outside the grid with no city-wide rule, leaving it to manual dispatch', () => {
    expect(router.resolve(classNamed('暴露垃圾').code, null)).toBeNull();
  });

  it('still routes an emergency event with a city-wide rule outside the grid', () => {
    expect(router.resolve(classNamed('燃气泄漏').code, null)).toMatchObject({
      unitCode: 'U18',
      matchedBy: 'city',
    });
  });

  it('routes every minor class somewhere for every sub-district', () => {
    for (const m of minorClasses) {
      for (let s = 1; s <= 6; s++) {
        expect(
          router.resolve(m.code, locate(`1525020${String(s).padStart(2, '0')}00101`)),
          m.code,
        ).not.toBeNull();
      }
    }
  });

  it('throws NOT_FOUND for an unknown minor class', () => {
    expect(() => router.resolve('C9999' as MinorClassCode, null)).toThrow(DomainError);
  });
});

describe('fallbacks without any rules', () => {
  const bare = createRouter([], units, minorClasses);

  it('sends a component to its default owner unit, with or without a location', () => {
    const cover = classNamed('污水井盖');
    for (const loc of [locate('15250200500101'), null]) {
      expect(bare.resolve(cover.code, loc)).toMatchObject({
        unitCode: 'U13',
        ruleId: null,
        matchedBy: 'category_default',
      });
    }
  });

  it('returns null for an event in a sub-district that has no office unit', () => {
    expect(bare.resolve(classNamed('占道经营').code, locate('15250200900101'))).toBeNull();
  });

  it('lets resolveRoute route a single case the same way as the router', () => {
    const vending = classNamed('占道经营');
    const loc = locate('15250200100101');
    expect(resolveRoute({ minorClass: vending, location: loc, rules, units })).toEqual(
      router.resolve(vending.code, loc),
    );
  });
});

describe('rule specificity over random rule sets', () => {
  const MINOR: MinorClass = { ...classNamed('路灯'), code: 'C0110' as MinorClassCode };
  const EVENT: MinorClass = { ...classNamed('暴露垃圾'), code: 'E0102' as MinorClassCode };
  // A small universe: 2 sub-districts × 2 communities × 2 cells, so random rules collide often.
  const cells = ['001', '002'].flatMap((s) =>
    ['001', '002'].flatMap((c) => ['01', '02'].map((n) => `152502${s}${c}${n}`)),
  );
  const testUnits: Unit[] = ['U01', 'U02', 'U03'].map((code) => ({
    code: code as UnitCode,
    departmentCode: 'D01' as Unit['departmentCode'],
    name: code,
    nameEn: code,
  }));
  const rank = { cell: 3, community: 2, subDistrict: 1, city: 0 } as const;

  const scopeArb: fc.Arbitrary<RoutingScope> = fc.oneof(
    fc.constant({ kind: 'city' } as const),
    fc
      .constantFrom(...cells)
      .map((c) => ({ kind: 'subDistrict' as const, code: c.slice(0, 9) as SubDistrictCode })),
    fc
      .constantFrom(...cells)
      .map((c) => ({ kind: 'community' as const, code: c.slice(0, 12) as CommunityCode })),
    fc.constantFrom(...cells).map((c) => ({ kind: 'cell' as const, code: c as GridCellCode })),
  );
  const rulesArb = fc
    .uniqueArray(fc.integer({ min: 1, max: 999 }), { maxLength: 12 })
    .chain((ids) =>
      fc.tuple(
        ...ids.map((id) =>
          fc.record({
            id: fc.constant(`R${String(id).padStart(3, '0')}`),
            minorClassCode: fc.constantFrom(MINOR.code, EVENT.code),
            scope: scopeArb,
            unitCode: fc.constantFrom(...testUnits.map((u) => u.code)),
            note: fc.constant(''),
          }),
        ),
      ),
    )
    .map((rs): RoutingRule[] => rs);

  const matches = (r: RoutingRule, loc: RouteLocation | null): boolean => {
    if (r.scope.kind === 'city') return true;
    if (!loc) return false;
    const own = { cell: loc.cellCode, community: loc.communityCode, subDistrict: loc.subDistrictCode }[
      r.scope.kind
    ];
    return own === r.scope.code;
  };

  it('always picks the lowest-id rule among the most specific matching rules, whatever the rule order', () => {
    fc.assert(
      fc.property(
        rulesArb,
        fc.option(fc.constantFrom(...cells), { nil: null }),
        fc.constantFrom(MINOR, EVENT),
        fc.func(fc.integer()),
        (rs, cell, minorClass, shuffleKey) => {
          const loc = cell === null ? null : locate(cell);
          const decision = createRouter(rs, testUnits, [MINOR, EVENT]).resolve(minorClass.code, loc);
          const candidates = rs.filter((r) => r.minorClassCode === minorClass.code && matches(r, loc));
          if (candidates.length === 0) {
            expect(decision?.ruleId ?? null).toBeNull();
            return;
          }
          const best = Math.max(...candidates.map((r) => rank[r.scope.kind]));
          const winner = candidates
            .filter((r) => rank[r.scope.kind] === best)
            .sort((a, b) => (a.id < b.id ? -1 : 1))[0];
          expect(decision).toMatchObject({
            ruleId: winner?.id,
            unitCode: winner?.unitCode,
            matchedBy: winner?.scope.kind,
          });

          const shuffled = [...rs].sort((a, b) => shuffleKey(a.id) - shuffleKey(b.id));
          expect(createRouter(shuffled, testUnits, [MINOR, EVENT]).resolve(minorClass.code, loc)).toEqual(
            decision,
          );
        },
      ),
      { numRuns: 500 },
    );
  });

  it('never returns a decision for an event outside the grid unless a city-wide rule exists', () => {
    fc.assert(
      fc.property(rulesArb, (rs) => {
        const d = createRouter(rs, testUnits, [MINOR, EVENT]).resolve(EVENT.code, null);
        const city = rs.some((r) => r.minorClassCode === EVENT.code && r.scope.kind === 'city');
        expect(d === null).toBe(!city);
      }),
    );
  });
});
