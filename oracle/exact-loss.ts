/**
 * The exact loss of one element in BigInt arithmetic, and exact sums of such losses: the
 * oracle's ground truth, used wherever the fast path (oracle/fast/) cannot decide a result
 * and by the tests that prove the fast path equal to it.
 *
 * Every input element is a dyadic rational and so is beta (oracle/beta.ts); only one
 * non-dyadic quantity exists, 1/beta. A quadratic term is (dyadic) / (beta's odd mantissa
 * mb), so a sum of quadratic terms has that common denominator and the reductions never
 * need a gcd: sum = Q / mb + Lin with Q and Lin dyadic.
 */
import { floatFormat } from '../common/float-format.js';
import type { FloatDType } from '../common/types.js';
import { betaOfNumber, type Beta } from './beta.js';
import { bitLength, dyadicOf, R, roundScaled, type Dyadic, type ExtValue } from './exact.js';

/** The grids (fraction bits, emin) of the logits' and labels' formats: dyadicOf then gives small mantissas. */
export interface Grids {
  xf: number;
  xe: number;
  yf: number;
  ye: number;
}
export const BINARY64_GRIDS: Grids = { xf: 52, xe: -1022, yf: 52, ye: -1022 };
export function gridsOf(a: FloatDType, b: FloatDType): Grids {
  const fa = floatFormat(a);
  const fb = floatFormat(b);
  return { xf: fa.fractionBits, xe: fa.emin, yf: fb.fractionBits, ye: fb.emin };
}

/** Exact |x - y| of finite doubles. */
function absDiff(x: number, y: number, g: Grids): Dyadic {
  const a = dyadicOf(x, g.xf, g.xe);
  const b = dyadicOf(y, g.yf, g.ye);
  let m: bigint;
  let e: number;
  if (a.e <= b.e) {
    e = a.e;
    m = a.m - (b.m << BigInt(b.e - a.e));
  } else {
    e = b.e;
    m = (a.m << BigInt(a.e - b.e)) - b.m;
  }
  return { m: m < 0n ? -m : m, e };
}

/** |d| < beta for finite |d| >= 0 and a finite beta (a beta <= 0 is never above |d|). */
function lessThanBeta(ad: Dyadic, beta: Dyadic): boolean {
  if (beta.m <= 0n) return false;
  if (ad.m === 0n) return true;
  // Compare by magnitude first (cheap), then exactly.
  const la = bitLength(ad.m) + ad.e;
  const lb = bitLength(beta.m) + beta.e;
  if (la !== lb) return la < lb;
  const e = Math.min(ad.e, beta.e);
  return ad.m << BigInt(ad.e - e) < beta.m << BigInt(beta.e - e);
}

/** Element classes of the exact loss. */
export const Kind = { Finite: 0, Inf: 1, NaN: 2 } as const;
export type Kind = (typeof Kind)[keyof typeof Kind];

/**
 * A finite exact loss, as the callers round or accumulate it:
 *   quadratic: L = num * 2^exp / mb  (beta = mb * 2^eb with mb odd, folded into exp);
 *   linear:    L = num * 2^exp.
 */
export interface ElementOut {
  quadratic: boolean;
  num: bigint;
  exp: number;
}

/** The dyadic of a beta as the formula uses it: a finite beta itself; +inf and NaN are tested first; -inf acts as 0 (pure-math use only: it is never a valid beta). */
function betaDyadic(beta: Beta): Dyadic {
  return beta.kind === 'finite' ? beta.dy : { m: 0n, e: 0 };
}

/**
 * The exact loss of one element with IEEE semantics for NaN and infinities (a NaN
 * comparison takes the linear branch): Kind.NaN, Kind.Inf, or Kind.Finite with the value
 * in `out`.
 */
export function elementLoss(x: number, y: number, beta: Beta, out: ElementOut, g: Grids): Kind {
  if (x !== x || y !== y || beta.kind === 'nan') return Kind.NaN;
  const posInf = beta.kind === 'inf' && !beta.neg;
  const fx = x === Infinity || x === -Infinity;
  const fy = y === Infinity || y === -Infinity;
  if (fx || fy) {
    if (fx && fy && x === y) return Kind.NaN; // inf - inf
    // |d| = inf: inf < beta is false for every beta, so the linear branch: inf - 0.5*beta.
    return posInf ? Kind.NaN : Kind.Inf;
  }
  const ad = absDiff(x, y, g);
  if (posInf) {
    // |d| < inf: 0.5 d^2 / inf = 0 exactly.
    out.quadratic = false;
    out.num = 0n;
    out.exp = 0;
    return Kind.Finite;
  }
  const b = betaDyadic(beta);
  if (lessThanBeta(ad, b)) {
    // 0.5 d^2 / beta = md^2 * 2^(2 ed) / (mb * 2^(eb + 1))
    out.quadratic = true;
    out.num = ad.m * ad.m;
    out.exp = 2 * ad.e - b.e - 1;
    return Kind.Finite;
  }
  // |d| - 0.5 beta (beta may be 0 or, in pure-math use, negative)
  const hb = b.e - 1;
  const e = Math.min(ad.e, hb);
  out.quadratic = false;
  out.num = (ad.m << BigInt(ad.e - e)) - (b.m << BigInt(hb - e));
  out.exp = e;
  return Kind.Finite;
}

/** beta's odd mantissa: the denominator of every quadratic term (1 where there are none). */
export function betaDenominator(beta: Beta): bigint {
  const m = betaDyadic(beta).m;
  return m > 0n ? m : 1n;
}

/** The exact loss of one element pair of doubles (for tests and reports). */
export function exactElementLoss(x: number, y: number, betaArg: number | Beta): ExtValue {
  const beta = typeof betaArg === 'number' ? betaOfNumber(betaArg) : betaArg;
  const out: ElementOut = { quadratic: false, num: 0n, exp: 0 };
  const k = elementLoss(x, y, beta, out, BINARY64_GRIDS);
  if (k === Kind.NaN) return { kind: 'nan' };
  if (k === Kind.Inf) return { kind: 'inf', neg: false };
  const v = out.exp >= 0 ? R.of(out.num << BigInt(out.exp)) : R.of(out.num, 1n << BigInt(-out.exp));
  return { kind: 'finite', value: out.quadratic ? R.div(v, R.of(betaDenominator(beta))) : v };
}

/** An element's exact loss correctly rounded to the output format. */
export function roundedElementLoss(x: number, y: number, beta: Beta, g: Grids, out: FloatDType, scratch: ElementOut): number {
  const k = elementLoss(x, y, beta, scratch, g);
  if (k === Kind.NaN) return NaN;
  if (k === Kind.Inf) return Infinity;
  return roundScaled(false, scratch.num, scratch.quadratic ? betaDenominator(beta) : 1n, scratch.exp, floatFormat(out), 0);
}

/** A BigInt dyadic accumulator: sum of num * 2^exp, re-aligned when a term has a lower exponent. */
export class DyadicSum {
  m = 0n;
  e = 0;
  add(num: bigint, exp: number): void {
    if (num === 0n) return;
    if (this.m === 0n) {
      this.m = num;
      this.e = exp;
      return;
    }
    if (exp < this.e) {
      this.m <<= BigInt(this.e - exp);
      this.e = exp;
    }
    this.m += num << BigInt(exp - this.e);
  }
}

/**
 * Exact sum = quad / mb + lin, both dyadic (quad: the quadratic numerators, lin: the
 * linear terms), as num * 2^exp / den with den = mb; the mean divides by n too.
 */
export function exactTotal(quad: Dyadic, lin: Dyadic, mb: bigint): { num: bigint; exp: number; den: bigint } {
  if (quad.m === 0n) return { num: lin.m, exp: lin.e, den: 1n };
  const e = Math.min(quad.e, lin.e);
  const num = (quad.m << BigInt(quad.e - e)) + (lin.m === 0n ? 0n : (mb * lin.m) << BigInt(lin.e - e));
  return { num, exp: e, den: mb };
}
