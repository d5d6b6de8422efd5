/**
 * The reliability suite's own pieces: scale and seeded randomness, and fast-check settings. Servers,
 * sessions, raw calls and the stored-city invariants come from the one kit, `@citygrid/server/testing`.
 */
import fc from 'fast-check';

export * from '@citygrid/server/testing';

/** Size of every load in the suite: 1 (default) keeps the whole suite to a few minutes on 2 cores. */
export const SCALE = Math.max(1, Number(process.env.RELIABILITY_SCALE ?? 1) || 1);

/** Seed for the suite's own randomness (kill moments, think times); printed so a failure can be replayed. */
export const SEED = Number(process.env.RELIABILITY_SEED ?? Math.floor(Math.random() * 2 ** 31));
console.info(`[reliability] RELIABILITY_SEED=${SEED} RELIABILITY_SCALE=${SCALE}`);

/** A small deterministic PRNG: the domain's mulberry32. */
export { createSeededRandom as rng } from '@citygrid/domain';

/**
 * fast-check settings for the suite: seeded from SEED, stopping at the first failure (shrinking
 * against a live server is slow), and a report whose huge generated strings are abbreviated.
 */
export function fcOptions<T>(numRuns: number): fc.Parameters<T> {
  return {
    numRuns,
    seed: SEED,
    endOnFailure: true,
    reporter: (out) => {
      const message = fc.defaultReportMessage(out);
      if (message === undefined) return;
      const short = message.replace(/(.)\1{99,}/gsu, (run, c: string) => `${c}…(${run.length}×)`);
      throw new Error(short.length > 8000 ? `${short.slice(0, 8000)}…` : short);
    },
  };
}
