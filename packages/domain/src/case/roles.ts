/** Who acts on a case. Chinese titles are what the hotline and grid office call these posts. */
export const ROLES = [
  'operator', // 受理员: hotline intake
  'inspector', // 监督员 / 网格员: verifies and checks on site
  'shift_lead', // 值班长: files, closes, approves
  'dispatcher', // 派遣员
  'unit_staff', // 专业部门 staff, scoped to one unit
  'supervisor', // 领导: watches the command map, read-only
  'admin', // system administrator: reference data and users
] as const;
export type Role = (typeof ROLES)[number];
/** Actions taken by the system itself (automatic routing at intake) carry this role. */
export type ActorRole = Role | 'system' | 'public';

/** Who looks at a case: a role and, for unit staff, their unit. */
export interface Viewer {
  readonly role: ActorRole;
  readonly unitCode: string | null;
}
/**
 * The unit a viewer is limited to: unit staff see only the cases their unit holds, so this is their
 * unit; `undefined` for everyone else (no limit). Lists keyed by scope (the live hub) use it as the key.
 */
export const unitScopeOf = (viewer: Viewer): string | null | undefined =>
  viewer.role === 'unit_staff' ? viewer.unitCode : undefined;
/** Unit staff see only cases their unit holds; everyone else sees every case. The one unit-scope rule. */
export const canSeeCase = (viewer: Viewer, caseUnitCode: string | null): boolean => {
  const scope = unitScopeOf(viewer);
  return scope === undefined || caseUnitCode === scope;
};
