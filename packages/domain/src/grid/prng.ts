/**
 * Small seeded pseudo-random generator (mulberry32). Deterministic across platforms, so generated
 * reference data and synthetic test grids are reproducible. Not for anything security-related.
 */
export type Random = () => number;

/** Returns a function yielding uniformly distributed numbers in [0, 1) for the given 32-bit seed. */
export function createSeededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Uniform number in [min, max). */
export function randomBetween(random: Random, min: number, max: number): number {
  return min + (max - min) * random();
}
