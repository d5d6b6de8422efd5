import type { CaseHistoryReads } from '../stores/case-store-port.ts';

/** After a failed read on the standby, this long on the primary before the standby is tried again. */
export const STANDBY_RETRY_MS = 5_000;

/**
 * Figures over past periods read from a standby, and from the primary whenever the standby cannot
 * answer: down, unreachable, restarting, or a query cancelled by a conflict with recovery. Every one
 * of these reads is a pure read, so repeating it on the primary is safe. After a failure the standby
 * rests for `retryMs`, so a dead standby costs one failed attempt per interval, not one per read.
 * (postgres.js's own `prefer-standby` over a multi-host URL was tried: its connections rotate through
 * the hosts on every reconnect and, with the standby gone, its reads failed or hung.)
 */
export function standbyReads(
  standby: CaseHistoryReads,
  primary: CaseHistoryReads,
  opts: { retryMs?: number; now?: () => number; onFallback?: (e: unknown) => void } = {},
): CaseHistoryReads {
  const retryMs = opts.retryMs ?? STANDBY_RETRY_MS;
  const now = opts.now ?? (() => performance.now());
  let restUntil = -Infinity;
  async function read<T>(run: (reads: CaseHistoryReads) => Promise<T>): Promise<T> {
    if (now() < restUntil) return run(primary);
    try {
      return await run(standby);
    } catch (e) {
      restUntil = now() + retryMs;
      opts.onFallback?.(e);
      return run(primary);
    }
  }
  return {
    evaluate: (q) => read((r) => r.evaluate(q)),
    evaluateWithTotal: (q) => read((r) => r.evaluateWithTotal(q)),
    countDispatched: (q) => read((r) => r.countDispatched(q)),
    dailyIntake: (from, to) => read((r) => r.dailyIntake(from, to)),
  };
}
