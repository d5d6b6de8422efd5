import type { NewCaseFields } from './case-types.ts';

/**
 * A hotline complaint with only what every case has (no caller, place, grid cell or unit), with
 * `over` replacing any field: what the failover drill, the copy checks and the store tests file
 * when the case's content does not matter.
 */
export function bareCaseFields(
  description: string,
  reportedAt: string,
  over: Partial<NewCaseFields> = {},
): NewCaseFields {
  return {
    source: 'hotline',
    nature: 'complaint',
    minorClassCode: 'C0302',
    hotlineCategory: 'city_appearance',
    description,
    urgency: 'normal',
    callerName: null,
    callerPhone: null,
    lat: null,
    lng: null,
    address: null,
    gridVersionId: null,
    cellCode: null,
    communityCode: null,
    subDistrictCode: null,
    limitAmount: 2,
    limitUnit: 'workday',
    reportedAt,
    reporterEmail: null,
    ...over,
  } as NewCaseFields;
}
