import type { CaseRecord } from '@citygrid/db';
import type { ReferenceService } from './reference-service.ts';

/** The one shape of a case in a list: the stored record with the names a person reads beside the codes. */
export type CaseRow = CaseRecord & {
  unitName: string | null;
  communityName: string | null;
  minorClassName: string;
};

const NAMES = {
  unitName: (r: CaseRecord, ref: ReferenceService) => ref.unitName(r.unitCode),
  communityName: (r: CaseRecord, ref: ReferenceService) => ref.communityName(r.communityCode),
  minorClassName: (r: CaseRecord, ref: ReferenceService) => ref.minorClass(r.minorClassCode).name,
} as const;

/**
 * The columns `keys` of a case as a list shows them (every list picks from `CaseRow`, so a field
 * means the same in every queue). Only the columns asked for are sent: a list that needs no caller's
 * phone does not carry it.
 */
export function caseRow<K extends keyof CaseRow>(
  r: CaseRecord,
  ref: ReferenceService,
  keys: readonly K[],
): Pick<CaseRow, K> {
  const out: Partial<CaseRow> = {};
  const put = out as Record<string, unknown>;
  for (const k of keys)
    put[k] = k in NAMES ? NAMES[k as keyof typeof NAMES](r, ref) : r[k as keyof CaseRecord];
  return out as Pick<CaseRow, K>;
}
