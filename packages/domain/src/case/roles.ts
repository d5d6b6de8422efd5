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
/** Unit staff see only cases their unit holds; everyone else sees every case. */
export const canSeeCase = (viewer: Viewer, caseUnitCode: string | null): boolean => viewer.role !== 'unit_staff' || caseUnitCode === viewer.unitCode;
