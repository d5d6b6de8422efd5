/**
 * The units' league table on the command map (单位排名): units that were dispatched cases in the
 * period, best on-time closing rate (按期结案率) first, then lowest rework rate (返工率). A unit without
 * a rate yet ranks below every unit with one.
 */
export interface UnitEvaluation {
  /** The unit's code; rows without one (cases not yet dispatched) are not ranked. */
  readonly key: string | null;
  readonly dispatched: number;
  readonly onTimeCloseRate: number | null;
  readonly reworkRate: number | null;
}

export function rankUnits<T extends UnitEvaluation>(rows: readonly T[]): T[] {
  return rows
    .filter((r) => r.key && r.dispatched > 0)
    .sort(
      (a, b) =>
        (b.onTimeCloseRate ?? -1) - (a.onTimeCloseRate ?? -1) || (a.reworkRate ?? 0) - (b.reworkRate ?? 0),
    );
}
