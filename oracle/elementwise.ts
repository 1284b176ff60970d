/**
 * The error model per element (spec/fp-primer.md "Per element"): bounds on the value an
 * admitted implementation computes for one element in the working precision, given the
 * exact |x - y|, over every admitted evaluation order, beta reading, rounding and
 * underflow. Written once over an Arith (oracle/arith.ts); evaluated exactly it is the
 * definition the fast path (oracle/fast/bounds.ts) reproduces bit for bit.
 */
import type { FloatFormat } from '../common/float-format.js';
import { exactRational, rationalOfNumber, type Arith } from './arith.js';
import type { Rational } from './exact.js';
import { finishInterval, lastStep, type Params } from './level.js';

/** L(t, beta) for t >= 0 over exact comparison, computed in direction dir; beta null = inf (L = 0). */
function lossAt<T>(A: Arith<T>, t: T, beta: T | null, dir: -1 | 1, zero: T): T {
  if (beta === null) return zero;
  if (A.lt(t, beta)) return A.div(A.mul(t, t, dir), A.add(beta, beta, dir < 0 ? 1 : -1), dir);
  return A.sub(t, A.div(beta, A.num(2), dir < 0 ? 1 : -1), dir);
}

/**
 * The intermediates of the quadratic branch over every admitted evaluation order (d*d*0.5/b,
 * 0.5*d*d/b, d*d/b*0.5, (0.5|d|)*(|d|/b), (d/b)*d*0.5, and products with a rounded 1/b or
 * 0.5/b) are the monomials D^a 0.5^b beta^-c. Each entry: exponents, and the factor that
 * carries an absolute error of that intermediate to the result Q = 0.5 D^2 / beta (Q over
 * the monomial). An intermediate is computed from its sub-monomials, so its operation can
 * underflow only if it or one of its sub-monomials can be below minNormal.
 *
 * The reciprocals 1/b and 0.5/b (D^0) are not in the list: a reciprocal order is admitted
 * only where its rounded reciprocal is a normal number of w. A reciprocal that underflows
 * (1/b below minNormal: float16 beta > 16384), like an intermediate that overflows, is a
 * defect: flushed to 0 (or raised to minNormal) it makes every quadratic element 0 (or up
 * to about 12 times too large), and as a subnormal it keeps few bits, where the division
 * orders, which need no such intermediate, stay within a few ulps. So where the orders
 * with a reciprocal are admitted the reciprocal has no underflow error, and products
 * D^a 0.5^b * fl(1/b) are the monomials below with relative errors only from it.
 */
export const QUAD_MONOMIALS: readonly { a: number; b: number; c: number }[] = [
  { a: 1, b: 0, c: 0 }, // |d^| itself: only its smallness matters (its error is in [dlo, dhi])
  { a: 1, b: 1, c: 0 },
  { a: 1, b: 0, c: 1 },
  { a: 1, b: 1, c: 1 },
  { a: 2, b: 0, c: 0 },
  { a: 2, b: 1, c: 0 },
  { a: 2, b: 0, c: 1 },
  { a: 2, b: 1, c: 1 },
];
/** For each monomial, the indices of its sub-monomials (itself included). */
export const QUAD_SUBS: readonly number[][] = QUAD_MONOMIALS.map((m) => QUAD_MONOMIALS.flatMap((s, j) => (s.a <= m.a && s.b <= m.b && s.c <= m.c ? [j] : [])));

/**
 * The absolute underflow error of the quadratic branch, given dlo <= |d^| <= dhi: eta
 * times the sum, over the intermediates whose operation can underflow, of the factor that
 * carries their error to the result (plus one eta for the products of two such errors).
 * Zero when no intermediate of any admitted order can be below minNormal: then every
 * operation rounds with relative error only.
 */
function quadUnderflow<T>(A: Arith<T>, P: Params<T>, dlo: T, dhi: T): T {
  const { zero, one, half, minNormal: N } = P;
  const small = (v: T) => A.lt(A.mul(v, P.c3lo, -1), N);
  // Lower bounds of the monomials from dlo and bHi (1/bHi; 0 when beta may be +inf).
  const iB = P.bHi === null ? zero : A.div(one, P.bHi, -1);
  const D1 = A.lt(dlo, one) ? dlo : one;
  // Fast path: every monomial is at least min(1, D)^2 * 0.5 * min(1, 1/beta).
  if (!small(A.mul(A.mul(A.mul(D1, D1, -1), half, -1), A.lt(iB, one) ? iB : one, -1))) return zero;
  const D2 = A.mul(dlo, dlo, -1);
  const lows: T[] = [dlo, A.mul(dlo, half, -1), A.mul(dlo, iB, -1), A.mul(A.mul(dlo, half, -1), iB, -1), D2, A.mul(D2, half, -1), A.mul(D2, iB, -1), A.mul(A.mul(D2, half, -1), iB, -1)];
  const isSmall = lows.map(small);
  // Upper bounds of the carrying factors: in this branch |d^| < beta^ <= bHi.
  const Dh = P.bHi !== null && A.lt(P.bHi, dhi) ? P.bHi : dhi;
  const dOverB = A.mul(Dh, P.invBq, 1);
  const factors: T[] = [zero, A.lt(dOverB, one) ? dOverB : one, A.mul(Dh, half, 1), Dh, A.mul(P.invBq, half, 1), P.invBq, half, one];
  let sum = zero;
  for (let k = 0; k < QUAD_MONOMIALS.length; k++) if (QUAD_SUBS[k].some((j) => isSmall[j])) sum = A.add(sum, factors[k], 1);
  if (!A.lt(zero, sum)) return zero;
  return A.mul(P.eta, A.add(A.mul(sum, P.c3hi, 1), one, 1), 1);
}

/**
 * Bounds on one computed element in working precision, given bounds dl <= |d| <= dh on
 * the exact difference of the inputs as the configuration reads them (oracle/elementwise.ts
 * `readInput`: under DAZ a subnormal input is 0). Writes [lo, hi] (lo >= 0) to res.
 */
export function elementBounds<T>(A: Arith<T>, P: Params<T>, dl: T, dh: T, res: { lo: T; hi: T }): void {
  const { zero, eta, minNormal: N } = P;
  if (!A.lt(zero, dh)) {
    // x = y: fl(x - y) = 0 exactly, and every later step on 0 is exact.
    res.lo = zero;
    res.hi = zero;
    return;
  }
  if (P.bLo === null) {
    // beta is +inf in every admitted form: 0.5 d^2 / inf = 0 exactly.
    res.lo = zero;
    res.hi = zero;
    return;
  }
  // |d^| = fl(x - y): one rounding; an underflow error only if |d| can be subnormal.
  const e1 = A.lt(dl, N);
  let dlo = A.mul(dl, P.oneMinusU, -1);
  let dhi = A.mul(dh, P.onePlusU, 1);
  if (e1) {
    dlo = A.sub(dlo, eta, -1);
    dhi = A.add(dhi, eta, 1);
  }
  if (A.lt(dlo, zero)) dlo = zero;
  // L is nondecreasing in |d| and nonincreasing in beta: its extremes over the box.
  const lmin = lossAt(A, dlo, P.bHi, -1, zero);
  const lmax = lossAt(A, dhi, P.bLo, 1, zero);
  let lo: T | null = null;
  let hi: T | null = null;
  const quadPossible = P.bHi === null || A.lt(dlo, P.bHi);
  const linPossible = !A.lt(dhi, P.bLo);
  if (quadPossible) {
    // three roundings (d*d, *0.5, /beta in some order, or products with a rounded 1/beta
    // that is normal in w) and their underflow
    const eq = quadUnderflow(A, P, dlo, dhi);
    lo = A.sub(A.mul(lmin, P.c3lo, -1), eq, -1);
    hi = A.add(A.mul(lmax, P.c3hi, 1), eq, 1);
  }
  if (linPossible) {
    // |d| - fl(0.5 beta), then the subtraction: |fl(0.5 beta) - 0.5 beta| <= u L + eta_h since
    // 0.5 beta <= L here; eta_h only if 0.5 beta can be subnormal, the subtraction's eta only
    // if its exact result can be.
    let t = A.mul(lmin, P.oneMinusU, -1);
    let th = A.mul(lmax, P.onePlusU, 1);
    if (P.halfBetaUnderflows) {
      t = A.sub(t, eta, -1);
      th = A.add(th, eta, 1);
    }
    let l = A.mul(t, P.oneMinusU, -1);
    let h = A.mul(th, P.onePlusU, 1);
    if (A.lt(t, N)) {
      l = A.sub(l, eta, -1);
      h = A.add(h, eta, 1);
    }
    lo = lo === null || A.lt(l, lo) ? l : lo;
    hi = hi === null || A.lt(hi, h) ? h : hi;
  }
  // One branch is always possible (|d^| < beta^ or not); L >= 0 and rounding keeps signs.
  res.lo = lo === null || A.lt(lo, zero) ? zero : lo;
  res.hi = hi === null ? zero : hi;
}

/** Exact |x - y| of finite doubles. */
export function exactAbsDiff(x: number, y: number): Rational {
  const d = exactRational.sub(rationalOfNumber(x), rationalOfNumber(y), 1);
  return d.n < 0n ? { n: -d.n, d: d.d } : d;
}

/**
 * An input as the configuration reads it: under DAZ an input below the working format's
 * smallest normal is 0 (a discrete alternative: the input is either itself or 0, never
 * anything between; a half subnormal decoded at half its value is neither).
 */
export function readInput<T>(P: Params<T>, v: number): number {
  return P.daz && v !== 0 && v < P.minNormalNum && v > -P.minNormalNum ? 0 : v;
}

/** The exact |x - y| of the inputs as the configuration reads them. */
export function configAbsDiff<T>(P: Params<T>, x: number, y: number): Rational {
  return exactAbsDiff(readInput(P, x), readInput(P, y));
}

/**
 * The accepted interval of one element of a 'none' output, exactly: the element bounds in
 * w, the last step to the output, and the finish (NaN, exact infinities, clipping).
 * e is the element's expected value.
 */
export function exactElementInterval(P: Params<Rational>, A: Arith<Rational>, x: number, y: number, e: number, out: FloatFormat, res: { lo: number; hi: number }): void {
  if (e !== e || !Number.isFinite(x) || !Number.isFinite(y)) {
    // NaN, or an exact infinity (infinite inputs): exactly that value.
    finishInterval(e, e, e, out, res);
    return;
  }
  const d = configAbsDiff(P, x, y);
  const b = { lo: P.zero, hi: P.zero };
  elementBounds(A, P, d, d, b);
  const r = lastStep(A, b.lo, b.hi, P.w, out, P.flush, d);
  finishInterval(e, r.l, r.h, out, res);
}
