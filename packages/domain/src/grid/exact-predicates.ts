/**
 * Exact geometric predicates on doubles. A fast floating-point evaluation is used when its error
 * bound proves the sign; otherwise the determinant is recomputed exactly with BigInt on the exact
 * binary values of the inputs. This makes "is the point on this edge?" and "which side of this
 * edge?" exact, so a point on a shared edge of two cells is inside both, never in neither.
 */

const EPSILON = Number.EPSILON / 2; // 2^-53, unit roundoff
// Shewchuk's ccwerrboundA for orient2d.
const ORIENT_ERROR_BOUND = (3 + 16 * EPSILON) * EPSILON;

/** Smallest k ≥ 0 such that x · 2^k is an integer (x finite). */
function binaryScale(x: number): number {
  let k = 0;
  let v = x;
  while (!Number.isInteger(v)) {
    v *= 2;
    k += 1;
  }
  return k;
}

function toScaledBigInt(x: number, k: number, target: number): bigint {
  // x · 2^k is exact (power-of-two scaling) and an integer; then shift up to the common scale.
  return BigInt(x * 2 ** k) << BigInt(target - k);
}

function orient2dExact(ax: number, ay: number, bx: number, by: number, px: number, py: number): number {
  const values = [ax, ay, bx, by, px, py];
  const scales = values.map(binaryScale);
  const target = Math.max(...scales);
  const [iax, iay, ibx, iby, ipx, ipy] = values.map((v, i) => toScaledBigInt(v, scales[i] ?? 0, target)) as [
    bigint,
    bigint,
    bigint,
    bigint,
    bigint,
    bigint,
  ];
  const det = (ibx - iax) * (ipy - iay) - (iby - iay) * (ipx - iax);
  return det > 0n ? 1 : det < 0n ? -1 : 0;
}

/**
 * Sign of the orientation of p relative to the directed line a→b: +1 if p is to the left
 * (counter-clockwise), −1 if to the right, 0 if exactly collinear. Exact for all finite doubles.
 */
export function orient2d(ax: number, ay: number, bx: number, by: number, px: number, py: number): number {
  const left = (ax - px) * (by - py);
  const right = (ay - py) * (bx - px);
  const det = left - right;
  const detSum = Math.abs(left) + Math.abs(right);
  if (Math.abs(det) > ORIENT_ERROR_BOUND * detSum) return det > 0 ? 1 : -1;
  return orient2dExact(ax, ay, bx, by, px, py);
}

/** True iff p lies exactly on the closed segment a–b. */
export function isOnSegment(ax: number, ay: number, bx: number, by: number, px: number, py: number): boolean {
  if (px < Math.min(ax, bx) || px > Math.max(ax, bx) || py < Math.min(ay, by) || py > Math.max(ay, by))
    return false;
  return orient2d(ax, ay, bx, by, px, py) === 0;
}
