import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { getDefaultWorkCalendar } from '../calendar/default-calendar.ts';
import { createGridIndex } from '../grid/grid-index.ts';
import { bboxOf, wgs84ToBd09, wgs84ToGcj02 } from '../grid/geo.ts';
import {
  loadReferenceCategories,
  loadReferenceOrganisations,
  loadReferenceRoutingRules,
  loadShippedGrid,
} from '../reference/index.ts';
import { createRouter } from '../routing/resolve-route.ts';
import { planIntake, suggestDispatchUnit } from './plan-intake.ts';

const cells = loadShippedGrid().cells;
const classes = loadReferenceCategories().minorClasses;
const units = loadReferenceOrganisations().units;
const rules = loadReferenceRoutingRules();
const ctx = {
  grid: createGridIndex(cells),
  router: createRouter(rules, units, classes),
  calendar: getDefaultWorkCalendar(),
};
const now = new Date('2026-12-02T02:00:00Z');
const cls = (code: string) => classes.find((m) => m.code === code)!;

describe('planIntake', () => {
  it('sends a point outside the grid to manual dispatch even for an owner-first component', () => {
    const plan = planIntake(ctx, {
      minorClass: cls('C0302'),
      urgency: 'normal',
      location: { lat: 43.8, lng: 115.9 },
      now,
    });
    expect(plan).toMatchObject({
      outsideGrid: true,
      cell: null,
      route: null,
      dueAt: null,
      manualDispatch: 'outside_grid',
    });
  });

  it('locates a converted point in the cell of its WGS84 original, whatever map it came from', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: cells.length - 1 }),
        fc.double({ min: 0.1, max: 0.9, noNaN: true }),
        fc.double({ min: 0.1, max: 0.9, noNaN: true }),
        (i, fx, fy) => {
          const b = bboxOf(cells[i]!.ring);
          const p = {
            lat: b.minLat + fy * (b.maxLat - b.minLat),
            lng: b.minLng + fx * (b.maxLng - b.minLng),
          };
          const wgs = planIntake(ctx, { minorClass: cls('C0302'), urgency: 'normal', location: p, now });
          const gcj = planIntake(ctx, {
            minorClass: cls('C0302'),
            urgency: 'normal',
            location: { ...wgs84ToGcj02(p), crs: 'gcj02' },
            now,
          });
          const bd = planIntake(ctx, {
            minorClass: cls('C0302'),
            urgency: 'normal',
            location: { ...wgs84ToBd09(p), crs: 'bd09' },
            now,
          });
          expect(gcj.cell?.code).toBe(wgs.cell?.code);
          expect(bd.cell?.code).toBe(wgs.cell?.code);
          expect(gcj.dueAt).toBe(wgs.dueAt);
        },
      ),
      { numRuns: 200, seed: 12319 },
    );
  });

  it('uses the urgent limit when there is one and computes the deadline on the working calendar', () => {
    const m = classes.find((c) => c.urgentTimeLimit)!;
    const b = bboxOf(cells[0]!.ring);
    const p = { lat: (b.minLat + b.maxLat) / 2, lng: (b.minLng + b.maxLng) / 2 };
    const plan = planIntake(ctx, { minorClass: m, urgency: 'urgent', location: p, now });
    expect(plan.limit).toEqual(m.urgentTimeLimit);
    if (plan.route) expect(plan.dueAt).toBe(ctx.calendar.addTimeLimit(now, m.urgentTimeLimit!).toISOString());
  });
});

describe('suggestDispatchUnit', () => {
  it('never suggests a unit that returned the case', () => {
    const m = classes.find((c) => c.defaultUnitCodes.length > 1)!;
    const first = m.defaultUnitCodes[0]!;
    expect(suggestDispatchUnit({ route: null, minorClass: m, excluded: [first] })).toBe(
      m.defaultUnitCodes[1],
    );
    expect(
      suggestDispatchUnit({
        route: null,
        minorClass: cls('C0302'),
        excluded: [...cls('C0302').defaultUnitCodes],
      }),
    ).toBeNull();
  });
});
