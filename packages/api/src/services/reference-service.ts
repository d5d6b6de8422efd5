import {
  createGridIndex,
  createRouter,
  createWorkCalendar,
  DomainError,
  type GridCell,
  type GridIndex,
  type LatLng,
  type MinorClass,
  type MinorClassCode,
  type RouteDecision,
  type Router,
  type TimeLimit,
  type Unit,
  type WorkCalendar,
  loadShippedGazetteer,
  planIntake,
  type IntakePlan,
  type IntakePoint,
  ringCentroid,
  searchGazetteer,
  type GazetteerEntry,
} from '@citygrid/domain';
import type { ReferenceSnapshot, ReferenceStorePort } from '@citygrid/db';

export interface Placement {
  cell: GridCell | null;
  communityName: string | null;
  subDistrictName: string | null;
}

/**
 * Reference data held in memory for the hot path (grid index, routing matrix, calendar), rebuilt
 * from the database whenever an admin changes it.
 */
export class ReferenceService {
  private snap!: ReferenceSnapshot;
  private index!: GridIndex;
  private router!: Router;
  private cal!: WorkCalendar;
  private classes = new Map<string, MinorClass>();
  private unitsByCode = new Map<string, Unit>();
  private communityNames = new Map<string, string>();
  private subDistrictNames = new Map<string, string>();
  private places: GazetteerEntry[] = [];
  /** The city's own compounds, buildings and door numbers (kept by `GazetteerService`). */
  private addressPlaces: GazetteerEntry[] = [];

  constructor(private readonly store: ReferenceStorePort) {}

  async reload(): Promise<void> {
    const snap = await this.store.load();
    this.snap = snap;
    this.index = createGridIndex(snap.cells);
    this.router = createRouter(snap.routingRules, snap.units, snap.minorClasses);
    this.cal = createWorkCalendar(snap.calendar);
    this.classes = new Map(snap.minorClasses.map((m) => [m.code, m]));
    this.unitsByCode = new Map(snap.units.map((u) => [u.code, u]));
    this.communityNames = new Map(snap.communities.map((c) => [c.code, c.name]));
    this.subDistrictNames = new Map(snap.subDistricts.map((s) => [s.code, s.name]));
    const cellPlaces: GazetteerEntry[] = snap.cells.map((c) => {
      const [lng, lat] = ringCentroid(c.ring);
      return { kind: 'cell', name: c.name, nameEn: c.code, code: c.code, lat, lng };
    });
    this.places = [...loadShippedGazetteer(), ...cellPlaces];
  }

  /** Gazetteer search: communities, streets, landmarks and grid cells by code. */
  searchPlaces(q: string, limit = 10): GazetteerEntry[] {
    return searchGazetteer([...this.places, ...this.addressPlaces], q, limit);
  }

  setAddressPlaces(places: GazetteerEntry[]): void {
    this.addressPlaces = places;
  }

  get snapshot(): ReferenceSnapshot {
    return this.snap;
  }
  get calendar(): WorkCalendar {
    return this.cal;
  }
  get gridVersionId(): number {
    return this.snap.gridVersion.id;
  }

  minorClass(code: string, field = 'minorClassCode'): MinorClass {
    const m = this.classes.get(code);
    if (!m) throw new DomainError('BAD_INPUT', `unknown minor class ${code}`, { field });
    return m;
  }

  unit(code: string, field = 'unitCode'): Unit {
    const u = this.unitsByCode.get(code);
    if (!u) throw new DomainError('BAD_INPUT', `unknown unit ${code}`, { field });
    return u;
  }
  unitName(code: string | null): string | null {
    return code ? (this.unitsByCode.get(code)?.name ?? code) : null;
  }
  communityName(code: string | null): string | null {
    return code ? (this.communityNames.get(code) ?? null) : null;
  }

  place(p: LatLng): Placement {
    const r = this.index.locate(p);
    if (r.kind === 'outside') return { cell: null, communityName: null, subDistrictName: null };
    return {
      cell: r.cell,
      communityName: this.communityNames.get(r.cell.communityCode) ?? null,
      subDistrictName: this.subDistrictNames.get(r.cell.subDistrictCode) ?? null,
    };
  }

  /**
   * What filing this call would do (the domain's one intake planner over the current reference data):
   * the preview, the filing, Open311 and the seeders all call this.
   */
  plan(input: {
    minorClassCode: string;
    urgency: 'normal' | 'urgent';
    location: IntakePoint | null;
    now: Date;
  }): IntakePlan & { minorClass: MinorClass; place: Placement } {
    const minorClass = this.minorClass(input.minorClassCode);
    const plan = planIntake(
      { grid: this.index, router: this.router, calendar: this.cal },
      { minorClass, urgency: input.urgency, location: input.location, now: input.now },
    );
    const place: Placement = plan.cell
      ? {
          cell: plan.cell,
          communityName: this.communityNames.get(plan.cell.communityCode) ?? null,
          subDistrictName: this.subDistrictNames.get(plan.cell.subDistrictCode) ?? null,
        }
      : { cell: null, communityName: null, subDistrictName: null };
    return { ...plan, minorClass, place };
  }

  /** The location columns a new case stores (its cell of the current grid version). */
  placementFields(place: Placement) {
    return {
      gridVersionId: place.cell ? this.gridVersionId : null,
      cellCode: place.cell?.code ?? null,
      communityCode: place.cell?.communityCode ?? null,
      subDistrictCode: place.cell?.subDistrictCode ?? null,
    };
  }

  /** Route a case already placed (by its stored cell codes). */
  routeAt(
    minorClassCode: string,
    at: { cellCode: string | null; communityCode: string | null; subDistrictCode: string | null },
  ): RouteDecision | null {
    const location =
      at.cellCode && at.communityCode && at.subDistrictCode
        ? { cellCode: at.cellCode, communityCode: at.communityCode, subDistrictCode: at.subDistrictCode }
        : null;
    return this.router.resolve(minorClassCode as MinorClassCode, location as never);
  }

  route(minorClassCode: string, cell: GridCell | null): RouteDecision | null {
    return this.router.resolve(
      minorClassCode as MinorClassCode,
      cell
        ? { cellCode: cell.code, communityCode: cell.communityCode, subDistrictCode: cell.subDistrictCode }
        : null,
    );
  }

  /**
   * The English wording of a stored routing explanation: the same rule resolved again gives the same
   * Chinese text, and then its English twin; null when the rules or the grid changed since.
   */
  routeExplanationEn(record: {
    minorClassCode: string;
    cellCode: string | null;
    routeExplanation: string | null;
  }): string | null {
    if (!record.routeExplanation) return null;
    const cell = record.cellCode
      ? (this.snapshot.cells.find((c) => c.code === record.cellCode) ?? null)
      : null;
    const again = this.route(record.minorClassCode, cell);
    return again && again.explanation === record.routeExplanation ? again.explanationEn : null;
  }

  limitFor(m: MinorClass, urgency: 'normal' | 'urgent'): TimeLimit {
    return urgency === 'urgent' && m.urgentTimeLimit ? m.urgentTimeLimit : m.timeLimit;
  }

  due(start: Date, limit: TimeLimit): string {
    return this.cal.addTimeLimit(start, limit).toISOString();
  }
}
