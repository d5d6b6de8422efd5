import type { CaseSearchStorePort } from '@citygrid/db';
import type { SessionUser } from '../context.ts';
import type { ReferenceService } from '../services/reference-service.ts';
import { parseCaseSearchQuery } from './parse-query.ts';

export interface CaseSearchInput {
  q: string;
  cursor?: number | undefined;
  limit: number;
}

/**
 * The staff search over all cases, in the searcher's scope: unit staff find only the cases their
 * unit holds (the same rule as `canSeeCase`), every other staff role finds every case.
 */
export async function searchCases(
  store: CaseSearchStorePort,
  reference: ReferenceService,
  user: SessionUser,
  input: CaseSearchInput,
) {
  const criteria = parseCaseSearchQuery(input.q);
  const unitCode = user.role === 'unit_staff' ? (user.unitCode ?? '\u0000no-unit') : null;
  const found = await store.search(criteria, {
    unitCode,
    before: input.cursor ?? null,
    limit: input.limit,
  });
  return {
    ...found,
    rows: found.rows.map(({ id: _id, ...r }) => ({
      ...r,
      unitName: reference.unitName(r.unitCode),
      communityName: reference.communityName(r.communityCode),
    })),
  };
}
