import type { Role, UnitCode } from '@citygrid/domain';

/** The person behind a session, as every service sees them. Imports nothing of the API, so services and the request context can both use it. */
export interface SessionUser {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  unitCode: UnitCode | null;
}
