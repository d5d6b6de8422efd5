/**
 * Branded identifiers and coordinates. A brand makes a `GridCellCode` and a `UnitCode`
 * impossible to mix up even though both are strings at runtime.
 */
declare const brand: unique symbol;
export type Brand<T, B extends string> = T & { readonly [brand]: B };

/** Readable case number, e.g. `20261124-0042` (date in Beijing time + daily sequence). */
export type CaseNumber = Brand<string, 'CaseNumber'>;
/** Internal case id (database integer). */
export type CaseId = Brand<number, 'CaseId'>;
/** 14-digit CJ/T 213 cell code: county(6) + sub-district(3) + community(3) + cell(2). */
export type GridCellCode = Brand<string, 'GridCellCode'>;
/** 12-digit community code (a cell code without its 2-digit sequence); its node code ends in `00`. */
export type CommunityCode = Brand<string, 'CommunityCode'>;
/** 9-digit sub-district code: county(6) + sub-district(3). */
export type SubDistrictCode = Brand<string, 'SubDistrictCode'>;
export type UnitCode = Brand<string, 'UnitCode'>;
export type DepartmentCode = Brand<string, 'DepartmentCode'>;
/** Minor class code, e.g. `E0101` (event 01/01) or `C0203` (component 02/03). */
export type MinorClassCode = Brand<string, 'MinorClassCode'>;

/** WGS84 coordinate in degrees. */
export interface LatLng {
  readonly lat: number;
  readonly lng: number;
}

export const asGridCellCode = (s: string) => s as GridCellCode;
export const asCommunityCode = (s: string) => s as CommunityCode;
export const asSubDistrictCode = (s: string) => s as SubDistrictCode;
export const asUnitCode = (s: string) => s as UnitCode;
export const asMinorClassCode = (s: string) => s as MinorClassCode;
export const asCaseNumber = (s: string) => s as CaseNumber;
