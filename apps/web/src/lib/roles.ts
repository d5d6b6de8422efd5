import type { Role } from './trpc';

export type ScreenKey = 'intake' | 'unit' | 'dispatch' | 'review' | 'map' | 'reports' | 'wall' | 'admin';

/** Screens each role may use, in nav order; the first is where the role lands after login. */
export const SCREENS_BY_ROLE: Record<Role, ScreenKey[]> = {
  operator: ['intake', 'review', 'map'],
  unit_staff: ['unit'],
  shift_lead: ['dispatch', 'review', 'intake', 'map', 'reports', 'wall'],
  dispatcher: ['dispatch', 'map', 'reports'],
  inspector: ['review', 'map'],
  supervisor: ['map', 'reports', 'wall'],
  admin: ['admin', 'reports', 'map', 'wall'],
};

export const landingOf = (role: Role): ScreenKey => SCREENS_BY_ROLE[role][0] ?? 'map';
export const mayUse = (role: Role, screen: ScreenKey) => SCREENS_BY_ROLE[role].includes(screen);
