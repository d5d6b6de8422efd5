/**
 * A fast bulk seed of open cases for the map tests and the map benchmark: `CaseService.loadBulk`,
 * one transaction a batch, every case written through the state machine as events.
 */
import type { Services } from '@citygrid/api';
import type { CreateCaseInput, NewCaseFields } from '@citygrid/db';
import { bboxOf, createSeededRandom, isPointInRing, type UnitCode } from '@citygrid/domain';

type Ring = Parameters<typeof isPointInRing>[0];

/** A random point inside a cell (rejection sampling in its bounding box). */
function pointIn(ring: Ring, random: () => number): { lat: number; lng: number } {
  const b = bboxOf(ring);
  for (let i = 0; i < 50; i++) {
    const lng = b.minLng + random() * (b.maxLng - b.minLng);
    const lat = b.minLat + random() * (b.maxLat - b.minLat);
    if (isPointInRing(ring, lng, lat)) return { lat, lng };
  }
  return { lat: (b.minLat + b.maxLat) / 2, lng: (b.minLng + b.maxLng) / 2 };
}

/**
 * `count` open cases spread over the grid's cells, each report → file → dispatch to the unit the
 * routing rules name (in that unit's queue, not yet accepted), reported within the last few hours.
 * Nothing is published on the live bus: screens opened afterwards read them from the database.
 */
export async function seedOpenCases(
  services: Pick<Services, 'cases' | 'reference'>,
  count: number,
  seed = 12319,
): Promise<number> {
  const ref = services.reference;
  const random = createSeededRandom(seed);
  const { cells, minorClasses, units } = ref.snapshot;
  const operator = {
    actor: { userId: null, role: 'operator' as const, unitCode: null },
    actorName: '受理员',
  };
  const system = { actor: { userId: null, role: 'system' as const, unitCode: null }, actorName: '自动派遣' };
  const now = Date.now();
  const BATCH = 2000;
  let made = 0;
  for (let i = 0; i < count; i += BATCH) {
    const jobs: CreateCaseInput[] = [];
    for (let k = i; k < Math.min(count, i + BATCH); k++) {
      const m = minorClasses[Math.floor(random() * minorClasses.length)]!;
      const cell = cells[Math.floor(random() * cells.length)]!;
      const p = pointIn(cell.ring, random);
      const reported = new Date(now - (60_000 + random() * 6 * 3_600_000));
      // the same intake planner as live filing
      const plan = ref.plan({ minorClassCode: m.code, urgency: 'normal', location: p, now: reported });
      const { place, route, limit } = plan;
      const unitCode = (route?.unitCode ?? m.defaultUnitCodes[0] ?? units[0]!.code) as UnitCode;
      const at = reported.toISOString();
      const fields: NewCaseFields = {
        source: 'hotline',
        nature: 'complaint',
        minorClassCode: m.code,
        hotlineCategory: m.hotlineCategory,
        description: `${m.name}：批量生成的待办案件 ${k + 1}`,
        urgency: 'normal',
        callerName: null,
        callerPhone: null,
        lat: p.lat,
        lng: p.lng,
        address: place.communityName ? `${place.communityName}附近` : null,
        gridVersionId: place.cell ? ref.gridVersionId : null,
        cellCode: place.cell?.code ?? null,
        communityCode: place.cell?.communityCode ?? null,
        subDistrictCode: place.cell?.subDistrictCode ?? null,
        limitAmount: limit.amount,
        limitUnit: limit.unit,
        reportedAt: at,
        reporterEmail: null,
      };
      jobs.push({
        fields,
        events: [
          { ...operator, at, action: { type: 'report' } },
          { ...operator, at, action: { type: 'file' } },
          {
            ...system,
            at,
            action: {
              type: 'dispatch',
              unitCode,
              dueAt: ref.due(reported, limit),
              ...(route ? { route: { ruleId: route.ruleId, explanation: route.explanation } } : {}),
            },
          },
        ],
      });
      made++;
    }
    await services.cases.loadBulk(jobs);
  }
  return made;
}
