import type { CaseState } from '@citygrid/domain';
import type { CaseFilter } from '../../lib/trpc';

/** The command map's filter selects; `''` means "all". */
export interface MapFilters {
  readonly hotlineCategory: string;
  readonly unitCode: string;
  readonly communityCode: string;
  readonly state: CaseState | '';
}

export const NO_FILTERS: MapFilters = { hotlineCategory: '', unitCode: '', communityCode: '', state: '' };

/** The part of a case the filters look at (a live event's case, an open-case row). */
export interface FilterableCase {
  readonly hotlineCategory: string;
  readonly unitCode: string | null;
  readonly communityCode: string | null;
  readonly state: string;
}

/** The `dashboard.*` filter the server applies for the selects. */
export function toCaseFilter(f: MapFilters): CaseFilter {
  const out: CaseFilter = {};
  if (f.hotlineCategory) out.hotlineCategory = f.hotlineCategory;
  if (f.unitCode) out.unitCode = f.unitCode;
  if (f.communityCode) out.communityCode = f.communityCode;
  if (f.state) out.states = [f.state];
  return out;
}

/**
 * Whether a case passes the selects, as `toCaseFilter` asks the server: how a live event decides if
 * its case belongs on the map the operator is looking at.
 */
export function matchesFilters(c: FilterableCase, f: MapFilters): boolean {
  return (
    (!f.hotlineCategory || c.hotlineCategory === f.hotlineCategory) &&
    (!f.unitCode || c.unitCode === f.unitCode) &&
    (!f.communityCode || c.communityCode === f.communityCode) &&
    (!f.state || c.state === f.state)
  );
}
