/**
 * The elementwise part of the simulated Ascend kernel: the vector instructions of the newer
 * aclnnSmoothL1Loss kernels (CANN ops-nn), in their order, each rounding to float32 (every
 * line below that computes a value is one instruction, wrapped in Math.fround):
 *
 *   Sub      d    = x - y
 *   Abs      a    = |d|
 *   Compare  mask = a < beta                (Compare LT; NaN compares false)
 *   Muls     h    = 0.5 * a
 *   Mul      q    = a * rbeta                (rbeta = 1/beta, a Reciprocal computed once)
 *   Mul      quad = h * q                    (0.5 * a * a / beta, by multiplications only)
 *   Adds     lin  = a - halfBeta             (halfBeta = 0.5 * beta, computed once)
 *   Select   loss = mask ? quad : lin
 *
 * Why (0.5 * a) * (a * rbeta) and not 0.5 * a * a * rbeta: a * a overflows float32 once
 * |d| > 2^64 although the loss is finite when beta is larger still; a < beta keeps
 * a * rbeta below about 1, so in this order no finite loss has an infinite intermediate.
 *
 * Why Select and not a 0/1 mask multiply (older kernels): when beta = 0 the reciprocal is
 * inf and the quadratic lane holds inf or NaN (0 * inf); a blend `mask*quad + (1-mask)*lin`
 * would leak it as NaN, whereas Select discards the unused lane, so beta = 0 is pure L1.
 *
 * The one place this simulator is more careful than a plain Reciprocal: for a float32
 * beta whose reciprocal overflows (beta below about 2^-128) or is subnormal (beta at
 * least 2^126), the reciprocal is taken of beta scaled by an exact power of two and the
 * product is scaled back (exact unless the quotient itself is subnormal). A plain
 * Reciprocal would make every quadratic element inf (or NaN at d = 0) for the smallest
 * positive betas, which is wrong, not merely inaccurate.
 */
import { floatFormat } from '../../common/float-format.js';

const fr = Math.fround;

/** 2^64 and 2^-64: exact scalings that bring any positive finite float32 beta's reciprocal into the normal range. */
const UP = 2 ** 64;
const DOWN = 2 ** -64;

/** The scalars the kernel's tiling step computes once per call from beta. */
export interface BetaScalars {
  /** float32 beta (>= 0 or +inf; -0 and NaN possible only if a caller skips the front end). */
  beta: number;
  /** fround(0.5 * beta), for the linear branch. */
  halfBeta: number;
  /** fround(1 / (beta * scale)). inf when beta = 0 (that lane is never selected). */
  rbeta: number;
  /** An exact power of two: a / beta = fround(a * rbeta) * scale. */
  scale: number;
}

export function betaScalars(beta: number): BetaScalars {
  const b = fr(beta);
  let scale = 1;
  const r = fr(1 / b);
  // beta = 0 or inf: the plain reciprocal (inf, 0) is what the Select below needs.
  if (b > 0 && b < Infinity) {
    if (r === Infinity) scale = UP;
    else if (r < floatFormat('float32').minNormal) scale = DOWN;
  }
  return { beta: b, halfBeta: fr(0.5 * b), rbeta: scale === 1 ? r : fr(1 / (b * scale)), scale };
}

/**
 * Loss of every element into out (float32 working values). x and y are the Cast(float32)
 * inputs, already of equal length (the front end checked the shapes).
 */
export function lossVector(x: Float32Array, y: Float32Array, s: BetaScalars, out: Float32Array): void {
  const { beta, halfBeta, rbeta, scale } = s;
  const n = out.length;
  for (let i = 0; i < n; i++) {
    const d = fr(x[i] - y[i]);
    const a = Math.abs(d);
    const mask = a < beta;
    const h = fr(0.5 * a);
    // scale is 1 except for extreme betas; then the scaling back is exact (or an inherent underflow).
    const q = scale === 1 ? fr(a * rbeta) : fr(fr(a * rbeta) * scale);
    const quad = fr(h * q);
    const lin = fr(a - halfBeta);
    out[i] = mask ? quad : lin;
  }
}
