/**
 * Error-free transformations in binary64 (round to nearest even, which is JavaScript's only
 * mode) and the double-word ("double-double") operations built on them. An EFT returns
 * the rounded result and its exact error as two doubles; the oracle's fast paths use them
 * to know an intermediate exactly (x - y, |d|^2) or to within a proven bound.
 *
 * Results go to a caller-owned scratch object instead of fresh arrays, so the hot loops
 * allocate nothing. Preconditions (checked by the callers' range guards, not here): no
 * overflow, and for the products an exponent range in which the error term is a normal
 * double (|a*b| >= 2^-969 or exactly 0): Dekker's product is then exact.
 *
 * References: Knuth's TwoSum, Dekker's Fast2Sum and product with Veltkamp's splitting;
 * Joldes, Muller, Popescu, "Tight and rigorous error bounds for basic building blocks of
 * double-word arithmetic" (ACM TOMS 2017) for the double-word bounds quoted below
 * (u = 2^-53 the unit roundoff of binary64).
 */

/** A pair (hi, lo): an EFT's result and error, or a double-word value hi + lo with hi = RN(hi + lo). */
export interface Pair {
  hi: number;
  lo: number;
}

/** Veltkamp's splitting constant 2^27 + 1. */
const SPLIT = 134217729;

/** a + b = r.hi + r.lo exactly, r.hi = RN(a + b) (Knuth; any magnitudes). */
export function twoSum(a: number, b: number, r: Pair): void {
  const s = a + b;
  const bb = s - a;
  r.hi = s;
  r.lo = a - (s - bb) + (b - bb);
}

/** As twoSum, for |a| >= |b| (or a = 0) (Dekker's Fast2Sum). */
export function fastTwoSum(a: number, b: number, r: Pair): void {
  const s = a + b;
  r.hi = s;
  r.lo = b - (s - a);
}

/** a * b = r.hi + r.lo exactly, r.hi = RN(a * b) (Dekker with Veltkamp's splitting; |a|, |b| < 2^995, no underflow of the error). */
export function twoProd(a: number, b: number, r: Pair): void {
  const p = a * b;
  let c = SPLIT * a;
  const ah = c - (c - a);
  const al = a - ah;
  c = SPLIT * b;
  const bh = c - (c - b);
  const bl = b - bh;
  r.hi = p;
  r.lo = ah * bh - p + ah * bl + al * bh + al * bl;
}

/** a^2 = r.hi + r.lo exactly (twoProd(a, a) with one split). */
export function twoSquare(a: number, r: Pair): void {
  const p = a * a;
  const c = SPLIT * a;
  const ah = c - (c - a);
  const al = a - ah;
  r.hi = p;
  r.lo = ah * ah - p + 2 * ah * al + al * al;
}

/**
 * Double-word times double (DWTimesFP3 of Joldes et al.): relative error at most 2u^2.
 * r may alias nothing else.
 */
export function ddMulD(xh: number, xl: number, y: number, r: Pair): void {
  twoProd(xh, y, r);
  const c = xl * y + r.lo;
  fastTwoSum(r.hi, c, r);
}

/** Double-word times double-word (DWTimesDW1): relative error at most 7u^2 (the published bound is tighter). */
export function ddMul(xh: number, xl: number, yh: number, yl: number, r: Pair): void {
  twoProd(xh, yh, r);
  const t = xh * yl + xl * yh;
  const c = r.lo + t;
  fastTwoSum(r.hi, c, r);
}

/** Double-word divided by double (DWDivFP1): relative error at most 3.5u^2. */
export function ddDivD(xh: number, xl: number, y: number, r: Pair): void {
  const th = xh / y;
  twoProd(th, y, r);
  const dh = xh - r.hi; // exact (Sterbenz)
  const dl = xl - r.lo;
  const tl = (dh + dl) / y;
  fastTwoSum(th, tl, r);
}

/** Double-word plus double-word (AccurateDWPlusDW): relative error at most 3u^2 + 13u^3 for operands of the same sign. */
export function ddAdd(xh: number, xl: number, yh: number, yl: number, r: Pair): void {
  twoSum(xh, yh, r);
  const sh = r.hi;
  const sl = r.lo;
  twoSum(xl, yl, r);
  const th = r.hi;
  const tl = r.lo;
  const c = sl + th;
  fastTwoSum(sh, c, r);
  const w = tl + r.lo;
  fastTwoSum(r.hi, w, r);
}
