/**
 * The intake planner: everything filing a call would decide, computed once and used by the preview,
 * the filing, Open311 and the seeders, so what the operator is shown is what gets filed.
 *
 * coordinate conversion (GCJ-02 / BD-09 → WGS84) → cell and community (落格) → route (rule or
 * fallback) → time limit (urgent or normal) → deadline on the working calendar → whether a person
 * must dispatch it, and why.
 */
import type { TimeLimit, WorkCalendar } from '../calendar/work-calendar.ts';
import { bd09ToWgs84, gcj02ToWgs84 } from '../grid/geo.ts';
import type { GridCell, GridIndex } from '../grid/grid-index.ts';
import type { LatLng, MinorClassCode } from '../ids.ts';
import type { MinorClass } from '../reference/types.ts';
import type { RouteDecision, Router } from '../routing/resolve-route.ts';
import type { ManualDispatchReason } from './transitions.ts';

/** Coordinate systems a point may arrive in: WGS84 (GPS, Tianditu), GCJ-02 (AMap, Tencent), BD-09 (Baidu). */
export type CoordinateSystem = 'wgs84' | 'gcj02' | 'bd09';

export interface IntakePoint {
  readonly lat: number;
  readonly lng: number;
  readonly crs?: CoordinateSystem | undefined;
}

/** The WGS84 point we store and locate, whatever system the caller's map used. */
export function toWgs84(p: IntakePoint): LatLng {
  const pt = { lat: p.lat, lng: p.lng };
  if (p.crs === 'gcj02') return gcj02ToWgs84(pt);
  if (p.crs === 'bd09') return bd09ToWgs84(pt);
  return pt;
}

export interface IntakePlanContext {
  readonly grid: Pick<GridIndex, 'locate'>;
  readonly router: Router;
  readonly calendar: Pick<WorkCalendar, 'addTimeLimit'>;
}

export interface IntakePlanInput {
  readonly minorClass: MinorClass;
  readonly urgency: 'normal' | 'urgent';
  readonly location: IntakePoint | null;
  /** When the case would be dispatched (the disposal clock starts at dispatch). */
  readonly now: Date;
}

export interface IntakePlan {
  /** The WGS84 point, `null` without a location. */
  readonly point: LatLng | null;
  readonly cell: GridCell | null;
  /** A location was given but lies in no cell. */
  readonly outsideGrid: boolean;
  /** The unit it dispatches itself to, or `null` when it waits for a person. */
  readonly route: RouteDecision | null;
  readonly limit: TimeLimit;
  /** Deadline of the automatic dispatch, `null` when it waits for a person. */
  readonly dueAt: string | null;
  /** Why a person must dispatch it (the shift lead's manual dispatch queue), `null` when it dispatches itself. */
  readonly manualDispatch: ManualDispatchReason | null;
}

/** Plan the filing of a call. Pure: the same input and reference data always give the same plan. */
export function planIntake(ctx: IntakePlanContext, input: IntakePlanInput): IntakePlan {
  const m = input.minorClass;
  const point = input.location ? toWgs84(input.location) : null;
  const found = point ? ctx.grid.locate(point) : null;
  const cell = found?.kind === 'cell' ? found.cell : null;
  const outsideGrid = point !== null && cell === null;
  const limit = input.urgency === 'urgent' && m.urgentTimeLimit ? m.urgentTimeLimit : m.timeLimit;
  // a point outside the grid has no cell, no community and no territory: a person decides (人工派遣)
  const route = outsideGrid
    ? null
    : ctx.router.resolve(
        m.code as MinorClassCode,
        cell
          ? { cellCode: cell.code, communityCode: cell.communityCode, subDistrictCode: cell.subDistrictCode }
          : null,
      );
  const manualDispatch: ManualDispatchReason | null = route
    ? null
    : outsideGrid
      ? 'outside_grid'
      : point === null
        ? 'no_location'
        : 'no_rule';
  return {
    point,
    cell,
    outsideGrid,
    route,
    limit,
    dueAt: route ? ctx.calendar.addTimeLimit(input.now, limit).toISOString() : null,
    manualDispatch,
  };
}

/**
 * The unit to suggest (★) when a person dispatches or redispatches a case: the routing decision for
 * its place, else the class's responsible units in order — never a unit that has just returned it
 * (回退: "not our remit").
 */
export function suggestDispatchUnit(input: {
  readonly route: RouteDecision | null;
  readonly minorClass: MinorClass;
  /** Units that returned this case (the holder of a pending or approved return). */
  readonly excluded: readonly string[];
}): string | null {
  const candidates = [input.route?.unitCode, ...input.minorClass.defaultUnitCodes].filter(
    (u): u is NonNullable<typeof u> => !!u,
  );
  return candidates.find((u) => !input.excluded.includes(u)) ?? null;
}
