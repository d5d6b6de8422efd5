import type { Role } from './trpc';

export type ScreenKey =
  'intake' | 'unit' | 'dispatch' | 'review' | 'map' | 'reports' | 'wall' | 'admin' | 'search';

/** Screens each role may use, in nav order; the first is where the role lands after login. */
export const SCREENS_BY_ROLE: Record<Role, ScreenKey[]> = {
  operator: ['intake', 'review', 'map', 'search'],
  unit_staff: ['unit', 'search'],
  shift_lead: ['dispatch', 'review', 'intake', 'map', 'reports', 'wall', 'search'],
  dispatcher: ['dispatch', 'map', 'reports', 'search'],
  inspector: ['review', 'map', 'search'],
  supervisor: ['map', 'reports', 'wall', 'search'],
  admin: ['admin', 'reports', 'map', 'wall', 'search'],
};

export const landingOf = (role: Role): ScreenKey => SCREENS_BY_ROLE[role][0] ?? 'map';
export const mayUse = (role: Role, screen: ScreenKey) => SCREENS_BY_ROLE[role].includes(screen);
