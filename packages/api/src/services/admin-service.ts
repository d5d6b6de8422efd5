import { randomBytes } from 'node:crypto';
import {
  checkPartition,
  createWorkCalendar,
  DomainError,
  loadReferenceGrid,
  parseRoutingRules,
  type CalendarDayEntry,
  type Department,
  type MinorClass,
  type MinorClassCode,
  type Role,
  type RoutingRule,
  type TimeLimit,
  type Unit,
  type WorkCalendarData,
  localWallClock,
} from '@citygrid/domain';
import type { AdminStorePort, ApiKeyInfo, UserRecord, UserStorePort } from '@citygrid/db';
import type { SessionUser } from '../session-user.ts';
import { sha256, type AuthService } from './auth-service.ts';
import type { Clock } from './clock.ts';
import type { ReferenceService } from './reference-service.ts';

/** Weeks before the loaded working calendar runs out that the admin console starts warning. */
export const CALENDAR_WARNING_WEEKS = 8;
const DAY_MS = 86_400_000;

export type PublicUser = Omit<UserRecord, 'passwordHash'>;
const publicUser = ({ passwordHash: _omit, ...u }: UserRecord): PublicUser => u;

export interface CalendarStatus {
  years: Array<{ year: number; holidays: number; makeUpWorkdays: number }>;
  /** Last day (YYYY-MM-DD, Beijing) covered by loaded holidays, or null when none are loaded. */
  coveredUntil: string | null;
  /** Whole days from today to `coveredUntil` (negative once it has passed). */
  daysLeft: number | null;
  /** True from CALENDAR_WARNING_WEEKS weeks before the loaded calendar runs out. */
  warning: boolean;
  warningWeeks: number;
  nextYear: number;
}

export interface RouteTest {
  placement: {
    cellCode: string | null;
    cellName: string | null;
    communityCode: string | null;
    communityName: string | null;
    subDistrictCode: string | null;
    subDistrictName: string | null;
  };
  minorClass: { code: string; name: string; nameEn: string; routingPrinciple: string };
  decision: {
    unitCode: string;
    unitName: string | null;
    ruleId: string | null;
    matchedBy: string;
    explanation: string;
    explanationEn: string;
  } | null;
  /** Every explicit rule of the class, most specific scope first, with whether it covers the point. */
  candidates: Array<{
    id: string;
    scopeKind: string;
    scopeCode: string | null;
    unitCode: string;
    unitName: string | null;
    covers: boolean;
    wins: boolean;
    note: string;
  }>;
}

const SCOPE_ORDER = { cell: 0, community: 1, subDistrict: 2, city: 3 } as const;

/**
 * Every change an administrator makes, each written together with its audit entry (who, when,
 * before, after) in one transaction, and the in-memory reference data reloaded after it.
 */
export class AdminService {
  constructor(
    private readonly store: AdminStorePort,
    private readonly users: UserStorePort,
    private readonly reference: ReferenceService,
    private readonly auth: AuthService,
    private readonly clock: Clock,
  ) {}

  private entry(actor: SessionUser, action: string, target: string, before: unknown) {
    return {
      at: this.clock.now().toISOString(),
      actorUserId: actor.id,
      actorName: `${actor.displayName} (${actor.username})`,
      action,
      target,
      before: before ?? null,
    };
  }

  // ---------- users ----------

  async listUsers(): Promise<PublicUser[]> {
    return (await this.users.list()).map(publicUser);
  }

  async createUser(
    actor: SessionUser,
    input: { username: string; displayName: string; role: Role; unitCode: string | null; password: string },
  ): Promise<PublicUser> {
    if (input.unitCode) this.reference.unit(input.unitCode);
    if (input.role === 'unit_staff' && !input.unitCode)
      throw new DomainError('BAD_INPUT', 'unit staff need a unit', { field: 'unitCode' });
    if (await this.users.findByUsername(input.username))
      throw new DomainError('CONFLICT', `username ${input.username} is taken`, { field: 'username' });
    const passwordHash = await this.auth.hashPassword(input.password);
    // the after-image is the stored user without its password hash
    const rec = await this.store.audited(this.entry(actor, 'user.create', `user:${input.username}`, null), {
      kind: 'user.create',
      user: {
        username: input.username,
        displayName: input.displayName,
        role: input.role,
        unitCode: input.role === 'unit_staff' ? input.unitCode : null,
        passwordHash,
        active: true,
        createdAt: this.clock.now().toISOString(),
      },
    });
    return publicUser(rec);
  }

  async updateUser(
    actor: SessionUser,
    input: {
      id: number;
      displayName?: string | undefined;
      role?: Role | undefined;
      unitCode?: string | null | undefined;
      active?: boolean | undefined;
      password?: string | undefined;
    },
  ): Promise<PublicUser> {
    const { id, password, ...patch } = input;
    const before = await this.users.findById(id);
    if (!before) throw new DomainError('NOT_FOUND', `no user ${id}`, { field: 'id' });
    if (patch.unitCode) this.reference.unit(patch.unitCode);
    const role = patch.role ?? before.role;
    const unitCode = patch.unitCode !== undefined ? patch.unitCode : before.unitCode;
    if (role === 'unit_staff' && !unitCode)
      throw new DomainError('BAD_INPUT', 'unit staff need a unit', { field: 'unitCode' });
    if (id === actor.id && (patch.active === false || (patch.role !== undefined && patch.role !== 'admin'))) {
      throw new DomainError('BAD_INPUT', 'you cannot disable yourself or take away your own admin role', {
        field: patch.active === false ? 'active' : 'role',
      });
    }
    const clean = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<
      Pick<UserRecord, 'displayName' | 'role' | 'unitCode' | 'active'>
    >;
    const next = {
      ...clean,
      ...(role !== 'unit_staff' ? { unitCode: null } : {}),
      ...(password ? { passwordHash: await this.auth.hashPassword(password) } : {}),
    };
    const action = password
      ? 'user.reset_password'
      : patch.active === false
        ? 'user.disable'
        : patch.active === true && !before.active
          ? 'user.enable'
          : 'user.update';
    const updated = await this.store.audited(
      // the after-image is the updated user without its hash; the password itself never enters the log
      {
        ...this.entry(actor, action, `user:${before.username}`, publicUser(before)),
        ...(password ? { after: { password: '(reset)' } } : {}),
      },
      // a disabled account or a reset password ends every session the user had
      { kind: 'user.update', id, patch: next, endSessions: Boolean(password) || patch.active === false },
    );
    return publicUser(updated);
  }

  // ---------- organisations ----------

  async upsertDepartment(actor: SessionUser, d: Department): Promise<Department> {
    const before = await this.store.getDepartment(d.code);
    await this.store.audited(
      {
        ...this.entry(
          actor,
          before ? 'department.update' : 'department.create',
          `department:${d.code}`,
          before,
        ),
        after: d,
      },
      { kind: 'department.upsert', department: d },
    );
    await this.reference.reload();
    return d;
  }

  async upsertUnit(actor: SessionUser, u: Unit): Promise<Unit> {
    if (!this.reference.snapshot.departments.some((d) => d.code === u.departmentCode))
      throw new DomainError('BAD_INPUT', `unknown department ${u.departmentCode}`, {
        field: 'departmentCode',
      });
    const before = this.reference.snapshot.units.find((x) => x.code === u.code) ?? null;
    await this.store.audited(
      { ...this.entry(actor, before ? 'unit.update' : 'unit.create', `unit:${u.code}`, before), after: u },
      { kind: 'unit.upsert', unit: u },
    );
    await this.reference.reload();
    return u;
  }

  // ---------- routing ----------

  async replaceRoutingRules(actor: SessionUser, raw: unknown[]): Promise<{ count: number }> {
    const s = this.reference.snapshot;
    const rules = parseRoutingRules(raw, { units: s.units, minorClasses: s.minorClasses });
    const before = s.routingRules;
    const diff = diffRules(before, rules);
    await this.store.audited(
      { ...this.entry(actor, 'routing.replace', 'routing_rules', diff.before), after: diff.after },
      { kind: 'routing.replace', rules },
    );
    await this.reference.reload();
    return { count: rules.length };
  }

  /** Which unit a case of `minorClassCode` at the point would go to, and why (the domain's resolver). */
  testRoute(p: { lat: number; lng: number }, minorClassCode: string): RouteTest {
    const m = this.reference.minorClass(minorClassCode);
    const place = this.reference.place(p);
    const cell = place.cell;
    const decision = this.reference.route(minorClassCode, cell);
    const covers = (r: RoutingRule) =>
      r.scope.kind === 'city' ||
      (cell !== null &&
        (r.scope.kind === 'cell'
          ? r.scope.code === cell.code
          : r.scope.kind === 'community'
            ? r.scope.code === cell.communityCode
            : r.scope.code === cell.subDistrictCode));
    const candidates = this.reference.snapshot.routingRules
      .filter((r) => r.minorClassCode === (minorClassCode as MinorClassCode))
      .sort((a, b) => SCOPE_ORDER[a.scope.kind] - SCOPE_ORDER[b.scope.kind] || (a.id < b.id ? -1 : 1))
      .map((r) => ({
        id: r.id,
        scopeKind: r.scope.kind,
        scopeCode: r.scope.kind === 'city' ? null : r.scope.code,
        unitCode: r.unitCode,
        unitName: this.reference.unitName(r.unitCode),
        covers: covers(r),
        wins: decision?.ruleId === r.id,
        note: r.note,
      }));
    return {
      placement: {
        cellCode: cell?.code ?? null,
        cellName: cell?.name ?? null,
        communityCode: cell?.communityCode ?? null,
        communityName: place.communityName,
        subDistrictCode: cell?.subDistrictCode ?? null,
        subDistrictName: place.subDistrictName,
      },
      minorClass: { code: m.code, name: m.name, nameEn: m.nameEn, routingPrinciple: m.routingPrinciple },
      decision: decision ? { ...decision, unitName: this.reference.unitName(decision.unitCode) } : null,
      candidates,
    };
  }

  // ---------- time limits ----------

  async setTimeLimit(
    actor: SessionUser,
    input: { minorClassCode: string; timeLimit: TimeLimit; urgentTimeLimit?: TimeLimit | null | undefined },
  ): Promise<MinorClass> {
    const m = this.reference.minorClass(input.minorClassCode);
    const next: MinorClass = {
      ...m,
      timeLimit: input.timeLimit,
      ...(input.urgentTimeLimit ? { urgentTimeLimit: input.urgentTimeLimit } : {}),
    };
    if (input.urgentTimeLimit === null) delete (next as { urgentTimeLimit?: unknown }).urgentTimeLimit;
    const pick = (x: MinorClass) => ({
      code: x.code,
      name: x.name,
      timeLimit: x.timeLimit,
      urgentTimeLimit: x.urgentTimeLimit ?? null,
    });
    await this.store.audited(
      { ...this.entry(actor, 'time_limit.set', `minor_class:${m.code}`, pick(m)), after: pick(next) },
      { kind: 'minor_class.update', minorClass: next },
    );
    await this.reference.reload();
    return next;
  }

  // ---------- the working calendar ----------

  calendarStatus(): CalendarStatus {
    const cal = this.reference.snapshot.calendar;
    const years = Object.entries(cal.years)
      .map(([y, d]) => ({
        year: Number(y),
        holidays: d.holidays.length,
        makeUpWorkdays: d.makeUpWorkdays.length,
      }))
      .filter((y) => y.holidays > 0)
      .sort((a, b) => a.year - b.year);
    const last = years.at(-1)?.year ?? null;
    const today = localWallClock(this.clock.now());
    const todayYear = today.getUTCFullYear();
    const coveredUntil = last === null ? null : `${last}-12-31`;
    const daysLeft =
      last === null
        ? null
        : Math.floor(
            (Date.UTC(last, 11, 31) - Date.UTC(todayYear, today.getUTCMonth(), today.getUTCDate())) / DAY_MS,
          );
    return {
      years,
      coveredUntil,
      daysLeft,
      warning: daysLeft === null || daysLeft < CALENDAR_WARNING_WEEKS * 7,
      warningWeeks: CALENDAR_WARNING_WEEKS,
      nextYear: last === null ? todayYear : last + 1,
    };
  }

  /** Load (or replace) one year's public holidays and make-up working days, validated as a whole calendar. */
  async loadCalendarYear(
    actor: SessionUser,
    input: { year: number; holidays: CalendarDayEntry[]; makeUpWorkdays: CalendarDayEntry[] },
  ): Promise<CalendarStatus> {
    const cal = this.reference.snapshot.calendar;
    const key = String(input.year);
    for (const [field, list] of [
      ['holidays', input.holidays],
      ['makeUpWorkdays', input.makeUpWorkdays],
    ] as const) {
      list.forEach((d, i) => {
        if (!d.date.startsWith(`${key}-`))
          throw new DomainError('BAD_INPUT', `${d.date} is not in ${key}`, { field: `${field}.${i}.date` });
      });
    }
    const next: WorkCalendarData = {
      ...cal,
      years: { ...cal.years, [key]: { holidays: input.holidays, makeUpWorkdays: input.makeUpWorkdays } },
    };
    createWorkCalendar(next); // throws a DomainError naming the field when a date is malformed or repeated
    const before = cal.years[key] ?? null;
    await this.store.audited(
      { ...this.entry(actor, 'calendar.load_year', `calendar:${key}`, before), after: next.years[key] },
      { kind: 'calendar.save', calendar: next, at: this.clock.now().toISOString() },
    );
    await this.reference.reload();
    return this.calendarStatus();
  }

  // ---------- Open311 API keys ----------

  listApiKeys(): Promise<ApiKeyInfo[]> {
    return this.store.listApiKeys();
  }

  /** A new key, shown once: only its SHA-256 is stored. */
  async createApiKey(actor: SessionUser, name: string): Promise<{ key: string; info: ApiKeyInfo }> {
    const key = `cg_${randomBytes(24).toString('base64url')}`;
    const keyHash = sha256(key);
    const info = { id: keyHash.slice(0, 12), name, createdAt: this.clock.now().toISOString() };
    await this.store.audited(
      { ...this.entry(actor, 'api_key.create', `api_key:${info.id}`, null), after: info },
      { kind: 'api_key.insert', key: { keyHash, name, createdAt: info.createdAt } },
    );
    return { key, info };
  }

  async revokeApiKey(actor: SessionUser, id: string): Promise<ApiKeyInfo> {
    const existing = (await this.store.listApiKeys()).find((k) => k.id === id);
    if (!existing) throw new DomainError('NOT_FOUND', `no API key ${id}`, { field: 'id' });
    await this.store.audited(this.entry(actor, 'api_key.revoke', `api_key:${id}`, existing), {
      kind: 'api_key.delete',
      id,
    });
    return existing;
  }

  // ---------- the audit log ----------

  auditLog(opts: { limit?: number | undefined; target?: string | undefined; action?: string | undefined }) {
    return this.store.listAudit({
      limit: opts.limit ?? 200,
      ...(opts.target ? { target: opts.target } : {}),
      ...(opts.action ? { action: opts.action } : {}),
    });
  }

  // ---------- grid ----------

  async importGrid(
    actor: SessionUser,
    document: unknown,
  ): Promise<{ gridVersionId: number; version: string; cells: number }> {
    const grid = loadReferenceGrid(document);
    if (grid.cells.length === 0)
      throw new DomainError('BAD_INPUT', 'the grid has no cells', { field: 'document.cells' });
    if (grid.communities.length === 0)
      throw new DomainError('BAD_INPUT', 'the grid has no communities', { field: 'document.communities' });
    const report = checkPartition(grid.cells, grid.extent, grid.communities);
    if (!report.ok)
      throw new DomainError(
        'BAD_INPUT',
        `grid fails the partition check: ${report.problems.slice(0, 5).join('; ')}`,
        { field: 'document', problems: report.problems.slice(0, 50) },
      );
    const before = this.reference.snapshot.gridVersion;
    // the version and its audit entry in one transaction; the entry's after-image gets the new id
    const id = await this.store.audited(
      {
        ...this.entry(actor, 'grid.import', `grid:${grid.version}`, before),
        after: { version: grid.version, cells: grid.cells.length },
      },
      { kind: 'grid.write', grid, at: this.clock.now().toISOString(), field: 'document.version' },
    );
    await this.reference.reload();
    return { gridVersionId: id, version: grid.version, cells: grid.cells.length };
  }
}

/** Only the rules that changed, so the audit entry of a one-rule edit stays readable. */
function diffRules(before: readonly RoutingRule[], after: readonly RoutingRule[]) {
  const key = (r: RoutingRule) => JSON.stringify(r);
  const a = new Map(before.map((r) => [r.id, r]));
  const b = new Map(after.map((r) => [r.id, r]));
  const changedIds = new Set(
    [...a.keys(), ...b.keys()].filter(
      (id) => !a.has(id) || !b.has(id) || key(a.get(id)!) !== key(b.get(id)!),
    ),
  );
  return {
    before: {
      count: before.length,
      changed: [...changedIds].filter((id) => a.has(id)).map((id) => a.get(id)),
    },
    after: { count: after.length, changed: [...changedIds].filter((id) => b.has(id)).map((id) => b.get(id)) },
  };
}
