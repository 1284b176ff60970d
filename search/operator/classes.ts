/**
 * The input classes `smoothl1 sweep` summarises failing pairs by: what a pair (x, y) of a
 * 16-bit dtype is, for SmoothL1Loss with beta b (its float32 value). The first class that
 * applies is the pair's class, in this order:
 *
 * - nan: x or y is NaN;
 * - inf: x or y is infinite;
 * - overflow: the loss rounds to infinity in the dtype (|d| or the quadratic form beyond its range);
 * - subnormal-high / subnormal-low: x or y is subnormal, with the top mantissa bit set
 *   (float16 0x0200-0x03ff, a range kernels mis-decode) or not;
 * - zero-difference: x = y (the loss is 0 exactly);
 * - near-threshold: |x - y| within 8 ulps (of the dtype, at beta) of beta, where the formula switches branch;
 * - quadratic / linear: the rest, by branch.
 */
import { decodeTable16, floatFormat } from '../../common/float-format.js';
import type { FloatDType } from '../../common/types.js';

export const PAIR_CLASSES = ['nan', 'inf', 'overflow', 'subnormal-high', 'subnormal-low', 'zero-difference', 'near-threshold', 'quadratic', 'linear'] as const;
export type PairClass = (typeof PAIR_CLASSES)[number];

/** A classifier of pairs of bit patterns of a 16-bit dtype for beta `b`: the index of the pair's class in PAIR_CLASSES. */
export function pairClassifier(dtype: FloatDType, b: number): (x: number, y: number) => number {
  const f = floatFormat(dtype);
  if (f.bits !== 16) throw new Error(`pairClassifier: ${dtype} is not a 16-bit dtype`);
  const value = decodeTable16(dtype);
  const highBit = 1 << (f.fractionBits - 1);
  const expMask = ((1 << f.exponentBits) - 1) << f.fractionBits;
  const fracMask = (1 << f.fractionBits) - 1;
  // The loss rounds to inf in the dtype from this value on (max + half an ulp).
  const overflowAt = f.maxFinite + f.ulp(f.maxFinite) / 2;
  const near = Number.isFinite(b) && b > 0 ? 8 * f.ulp(f.round(b) || f.minSubnormal) : 0;
  const sub = (p: number) => ((p & expMask) === 0 && (p & fracMask) !== 0 ? ((p & highBit) !== 0 ? 2 : 1) : 0);
  return (xb, yb) => {
    const x = value[xb];
    const y = value[yb];
    if (x !== x || y !== y) return 0;
    if (x === Infinity || x === -Infinity || y === Infinity || y === -Infinity) return 1;
    const ad = Math.abs(x - y);
    const quadratic = ad < b;
    const loss = quadratic ? (0.5 * ad * ad) / b : ad - 0.5 * b;
    if (loss >= overflowAt) return 2;
    const s = Math.max(sub(xb), sub(yb));
    if (s === 2) return 3;
    if (s === 1) return 4;
    if (ad === 0) return 5;
    if (Math.abs(ad - b) <= near) return 6;
    return quadratic ? 7 : 8;
  };
}
