import {
  defaultCalendarData,
  loadReferenceCategories,
  loadReferenceOrganisations,
  loadReferenceRoutingRules,
  loadShippedGrid,
  type Role,
} from '@citygrid/domain';
import type { ReferenceStorePort, UserStorePort } from '@citygrid/db';
import type { AuthService } from '../services/auth-service.ts';

/** Write the shipped reference data into an empty database. Returns false when already seeded. */
export async function seedReferenceData(store: ReferenceStorePort, at: string): Promise<boolean> {
  if (await store.isSeeded()) return false;
  const orgs = loadReferenceOrganisations();
  const cats = loadReferenceCategories();
  await store.seed(
    {
      grid: loadShippedGrid(),
      departments: orgs.departments,
      units: orgs.units,
      hotlineCategories: cats.hotlineCategories,
      minorClasses: cats.minorClasses,
      routingRules: loadReferenceRoutingRules(),
      calendar: defaultCalendarData,
    },
    at,
  );
  return true;
}

export const DEMO_PASSWORD = 'citygrid-demo';

export interface DemoUser {
  username: string;
  displayName: string;
  role: Role;
  unitCode: string | null;
}

/** One account per role, and one staff account per member unit (`unit-u01` … `unit-u26`). */
export function demoUsers(unitCodes: readonly { code: string; name: string }[]): DemoUser[] {
  return [
    { username: 'operator', displayName: '受理员 王丽', role: 'operator', unitCode: null },
    { username: 'operator2', displayName: '受理员 其其格', role: 'operator', unitCode: null },
    { username: 'inspector', displayName: '监督员 巴特尔', role: 'inspector', unitCode: null },
    { username: 'lead', displayName: '值班长 张伟', role: 'shift_lead', unitCode: null },
    { username: 'dispatcher', displayName: '派遣员 刘洋', role: 'dispatcher', unitCode: null },
    { username: 'supervisor', displayName: '指挥中心主任 李强', role: 'supervisor', unitCode: null },
    { username: 'admin', displayName: '系统管理员', role: 'admin', unitCode: null },
    ...unitCodes.map((u) => ({
      username: `unit-${u.code.toLowerCase()}`,
      displayName: `${u.name} 值班员`,
      role: 'unit_staff' as const,
      unitCode: u.code,
    })),
  ];
}
export const DEMO_USERS = demoUsers;

/**
 * Create the demo accounts on an empty user table. They share one argon2id hash of the demo
 * password (hashing is deliberately slow); these accounts are for local use only.
 */
export async function seedDemoUsers(
  users: UserStorePort,
  auth: AuthService,
  units: readonly { code: string; name: string }[],
  at: string,
): Promise<DemoUser[] | null> {
  if ((await users.count()) > 0) return null;
  const passwordHash = await auth.hashPassword(DEMO_PASSWORD);
  const list = demoUsers(units);
  for (const u of list) await users.create({ ...u, passwordHash, active: true, createdAt: at });
  return list;
}
