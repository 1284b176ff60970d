/**
 * Acceptance intervals of the error model (spec/fp-primer.md "The acceptance model"),
 * with every parameter read from spec/tolerances.json.
 *
 * The model is written once, over an arithmetic A that computes bounds rigorously:
 * - outward BigFloat (128-bit BigInt significands, unbounded exponent) for float64
 *   outputs, where the model's width is a few float64 ulps and binary64 slack would show;
 * - exact BigInt rationals (option arithmetic: 'exact', for tests: slow, since the
 *   underflow constants such as 2^-1022 make the denominators large);
 * - outward doubles: each operation rounds to nearest in binary64 and then steps one
 *   binary64 ulp outward, so a lower bound never exceeds, and an upper bound never
 *   falls below, the exact model bound. Used for outputs of 32 bits or fewer, where the
 *   resulting slack (about 2^-48 relative) is 2^24 times smaller than an output ulp and
 *   changes the interval only when an exact bound lies within that slack of an output
 *   value (then the interval is one output ulp wider than the exact model's; never
 *   narrower). test/oracle/acceptance.test.ts compares both arithmetics.
 */
import { floatFormat, type FloatFormat } from '../common/float-format.js';
import { tolerancesSpec, type ToleranceSpec } from '../common/spec-data.js';
import type { FloatDType, ToleranceLevel } from '../common/types.js';
import { bigFloatOps, dyadicOf, R, roundDyadic, roundScaled, type BigFloat, type Dyadic, type Rational } from './exact.js';
import { BETA_SOURCES, betaSign, type BetaSource, type ExactBeta, type OracleOutput } from './reference.js';

export interface Acceptance {
  dtype: FloatDType;
  shape: number[];
  /** Correctly rounded exact result (NaN allowed). */
  expected: Float64Array;
  /** Accepted closed interval per element, as doubles equal to output-dtype values; ±0 both accepted for 0. */
  lo: Float64Array;
  hi: Float64Array;
  nanExpected: Uint8Array;
}

/** Rigorous arithmetic for bounds: dir -1 gives a value <= the exact result, +1 one >= it. */
interface Arith<T> {
  num(x: number): T;
  add(a: T, b: T, dir: -1 | 1): T;
  sub(a: T, b: T, dir: -1 | 1): T;
  mul(a: T, b: T, dir: -1 | 1): T;
  div(a: T, b: T, dir: -1 | 1): T;
  lt(a: T, b: T): boolean;
  /** 2^k exactly (k may be below the binary64 range: eta of float64 is 2^-1075). */
  pow2(k: number): T;
  /** An exact dyadic (an int beta of any size), rounded in direction dir; +inf when it rounds beyond the arithmetic's range. */
  dyadic(x: Dyadic, dir: -1 | 1): T | null;
  /** Directed rounding to the output format (result a double equal to a format value). */
  out(a: T, fmt: FloatFormat, dir: -1 | 1): number;
}

const f64 = floatFormat('float64');
function down(x: number): number {
  return x === Infinity ? Number.MAX_VALUE : f64.nextDown(x);
}
function up(x: number): number {
  return x === -Infinity ? -Number.MAX_VALUE : f64.nextUp(x);
}
const outwardDouble: Arith<number> = {
  num: (x) => x,
  add: (a, b, d) => (d < 0 ? down(a + b) : up(a + b)),
  sub: (a, b, d) => (d < 0 ? down(a - b) : up(a - b)),
  mul: (a, b, d) => (d < 0 ? down(a * b) : up(a * b)),
  div: (a, b, d) => (d < 0 ? down(a / b) : up(a / b)),
  lt: (a, b) => a < b,
  pow2: (k) => {
    // only outputs of 32 bits or fewer use binary64 bounds; their constants are far inside its range
    if (k < -1074 || k > 1023) throw new RangeError(`acceptance: 2^${k} is outside binary64`);
    return 2 ** k;
  },
  dyadic: (x, d) => {
    const v = roundDyadic(x, f64, d);
    return v === Infinity ? null : v;
  },
  out: (a, fmt, d) => fmt.roundDirected(a, d),
};
/** Outward BigFloat arithmetic with 128-bit significands (for 64-bit outputs). */
const BF = bigFloatOps(128);
const outwardBig: Arith<BigFloat> = {
  num: BF.num,
  add: BF.add,
  sub: BF.sub,
  mul: BF.mul,
  div: BF.div,
  lt: (a, b) => BF.cmp(a, b) < 0,
  pow2: (k) => ({ m: 1n, e: k }),
  dyadic: (x, d) => BF.fromDyadic(x, d),
  out: (a, fmt, d) => roundScaled(a.m < 0n, a.m < 0n ? -a.m : a.m, 1n, a.e, fmt, d),
};
const exactRational: Arith<Rational> = {
  num: (x) => R.fromNumber(x),
  add: (a, b) => R.add(a, b),
  sub: (a, b) => R.sub(a, b),
  mul: (a, b) => R.mul(a, b),
  div: (a, b) => R.div(a, b),
  lt: (a, b) => R.cmp(a, b) < 0,
  pow2: (k) => R.pow2(k),
  dyadic: (x) => R.fromDyadic(x),
  out: (a, fmt, d) => R.round(a, fmt, d),
};

/** The constants of the model for one (output dtype, level). */
interface Params<T> {
  u: T;
  eta: T;
  /** The working format's smallest normal: an operation whose exact result is at least this has no underflow error. */
  minNormal: T;
  /** The same as a double, for the inputs' subnormal test. */
  minNormalNum: number;
  /** Subnormal operands may be flushed (an input below minNormal may be read as 0). */
  flush: boolean;
  half: T;
  one: T;
  oneMinusU: T;
  onePlusU: T;
  /** (1-u)^3 rounded down, (1+u)^3 rounded up. */
  c3lo: T;
  c3hi: T;
  /** beta box; null = +inf. */
  bLo: T | null;
  bHi: T | null;
  /** 1/max(bLo, smallest positive of w), rounded up: the largest factor 1/beta^ can be. */
  invBq: T;
  /** fl(0.5 beta^) can be below minNormal (0.5 bLo < minNormal). */
  halfBetaUnderflows: boolean;
  zero: T;
}

/** A level of spec/tolerances.json with the beta readings it admits. */
export interface LevelSpec extends ToleranceSpec {
  /** The values of beta an implementation may use (spec/smooth-l1-loss.md 4.1): its float32 value, its value as given. */
  betaValues: BetaSource[];
}

function levelSpec(level: ToleranceLevel): LevelSpec {
  const spec = tolerancesSpec().levels[level] as LevelSpec | undefined;
  if (spec === undefined) throw new Error(`acceptance: unknown tolerance level '${level}' (spec/tolerances.json has ${Object.keys(tolerancesSpec().levels).join(', ')})`);
  const bv: unknown = spec.betaValues;
  if (!Array.isArray(bv) || bv.length === 0 || bv.some((v) => !(BETA_SOURCES as readonly unknown[]).includes(v))) {
    throw new Error(`spec/tolerances.json: levels.${level}.betaValues must be a non-empty list of ${BETA_SOURCES.map((b) => `"${b}"`).join(', ')}, got ${JSON.stringify(bv)}`);
  }
  return spec;
}

/**
 * Unit roundoff and underflow error of a working format at a level, as exponents of two
 * (eta of float64 is 2^-1075, below the smallest double).
 */
function unitOf(fmt: FloatFormat, flush: boolean): { uExp: number; etaExp: number; minPos: number } {
  const subExp = fmt.emin - fmt.fractionBits;
  return { uExp: -fmt.precision, etaExp: flush ? fmt.emin : subExp - 1, minPos: flush ? fmt.minNormal : fmt.minSubnormal };
}

/**
 * The beta box [bLo, bHi] (null = +inf): every admitted reading of beta (the level's
 * betaValues and the one the reference used), each also rounded to the working format
 * where the level allows it and the rounding is finite (a beta that overflows the working
 * format is a defect, not a reading). L is nonincreasing in beta, so the box's ends bound L.
 * A negative reading (the given value of a beta that float32 rounds to -0) is out of
 * range on every profile, so it is never an admitted beta of an output.
 */
function betaBox<T>(A: Arith<T>, w: FloatFormat, lv: LevelSpec, ref: OracleOutput): { lo: T | null; hi: T | null } {
  const used = ref.betas[ref.betaSource];
  const sources = new Set<BetaSource>([...lv.betaValues, ref.betaSource]);
  const reads: ExactBeta[] = [];
  for (const s of sources) {
    const b = ref.betas[s];
    if (b.kind === 'nan' || (betaSign(b) < 0 && !(betaSign(used) < 0))) continue;
    reads.push(b);
    if (lv.betaRoundedToWorking && b.kind === 'finite') {
      // A finite beta rounded to w is admitted only where that rounding is finite: beta =
      // 70000 rounded to float16 is inf, an overflowing intermediate, which is a defect
      // at every level (it would make every quadratic element 0). An infinite reading
      // is already in the box as itself.
      const r = roundDyadic(b.dy, w, 0);
      if (Number.isFinite(r)) reads.push({ kind: 'finite', dy: dyadicOf(r), neg: r < 0 });
    }
  }
  if (reads.length === 0) reads.push(used);
  let lo: T | null = null;
  let hi: T | null = null;
  let allInf = true;
  let anyInf = false;
  for (const b of reads) {
    if (b.kind !== 'finite') {
      // -inf never reaches acceptance as a valid beta; treat it as the largest value too (L = 0 side)
      anyInf = true;
      continue;
    }
    allInf = false;
    const l = A.dyadic(b.dy, -1) ?? A.num(Number.MAX_VALUE);
    const h = A.dyadic(b.dy, 1);
    if (lo === null || A.lt(l, lo)) lo = l;
    if (h === null) anyInf = true;
    else if (hi === null || A.lt(hi, h)) hi = h;
  }
  if (allInf) return { lo: null, hi: null };
  return { lo, hi: anyInf ? null : hi };
}

function makeParams<T>(A: Arith<T>, w: FloatFormat, lv: LevelSpec, ref: OracleOutput): Params<T> {
  const { uExp, etaExp, minPos } = unitOf(w, lv.flushSubnormals);
  const U = A.pow2(uExp);
  const one = A.num(1);
  const oneMinusU = A.sub(one, U, -1);
  const onePlusU = A.add(one, U, 1);
  const c3lo = A.mul(A.mul(oneMinusU, oneMinusU, -1), oneMinusU, -1);
  const c3hi = A.mul(A.mul(onePlusU, onePlusU, 1), onePlusU, 1);
  const box = betaBox(A, w, lv, ref);
  const minPosT = A.num(minPos);
  const bq = box.lo === null || A.lt(box.lo, minPosT) ? minPosT : box.lo;
  const N = A.num(w.minNormal);
  const half = A.num(0.5);
  return {
    u: U,
    eta: A.pow2(etaExp),
    minNormal: N,
    minNormalNum: w.minNormal,
    flush: lv.flushSubnormals,
    half,
    one,
    oneMinusU,
    onePlusU,
    c3lo,
    c3hi,
    bLo: box.lo,
    bHi: box.hi,
    invBq: A.div(one, bq, 1),
    halfBetaUnderflows: box.lo !== null && A.lt(A.mul(box.lo, half, -1), N),
    zero: A.num(0),
  };
}

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
const QUAD_MONOMIALS: readonly { a: number; b: number; c: number }[] = [
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
const QUAD_SUBS: readonly number[][] = QUAD_MONOMIALS.map((m) => QUAD_MONOMIALS.flatMap((s, j) => (s.a <= m.a && s.b <= m.b && s.c <= m.c ? [j] : [])));

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
  const Dh2 = A.mul(Dh, Dh, 1);
  const dOverB = A.mul(Dh, P.invBq, 1);
  const factors: T[] = [zero, A.lt(dOverB, one) ? dOverB : one, A.mul(Dh, half, 1), Dh, A.mul(P.invBq, half, 1), P.invBq, half, one];
  let sum = zero;
  for (let k = 0; k < QUAD_MONOMIALS.length; k++) if (QUAD_SUBS[k].some((j) => isSmall[j])) sum = A.add(sum, factors[k], 1);
  if (!A.lt(zero, sum)) return zero;
  return A.mul(P.eta, A.add(A.mul(sum, P.c3hi, 1), one, 1), 1);
}

/**
 * Bounds on one computed element in working precision, given bounds dl <= |d| <= dh on
 * the exact difference; sub: an input is subnormal in the working format (it may be read
 * as 0 where flushing is allowed). Writes [lo, hi] (lo >= 0) to res.
 */
function elementBounds<T>(A: Arith<T>, P: Params<T>, dl: T, dh: T, sub: boolean, res: { lo: T; hi: T }): void {
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
  // |d^| = fl(x - y): one rounding; an underflow error only if |d| can be subnormal (or a
  // subnormal input may be flushed).
  const e1 = sub || A.lt(dl, N);
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

/** Rigorous double bounds on |x - y| for finite doubles (TwoSum gives the exact error). */
function absDiffBounds(x: number, y: number, res: { lo: number; hi: number }): void {
  const s = x - y;
  if (s === Infinity || s === -Infinity) {
    res.lo = Number.MAX_VALUE;
    res.hi = Infinity;
    return;
  }
  const bb = s - x;
  const err = x - (s - bb) + (-y - bb); // exact: x - y = s + err
  let lo: number;
  let hi: number;
  if (err === 0) lo = hi = s;
  else if (err > 0) {
    lo = s;
    hi = f64.nextUp(s);
  } else {
    lo = f64.nextDown(s);
    hi = s;
  }
  if (hi <= 0) {
    res.lo = -hi;
    res.hi = -lo;
  } else if (lo >= 0) {
    res.lo = lo;
    res.hi = hi;
  } else {
    res.lo = 0;
    res.hi = Math.max(-lo, hi);
  }
}

function exactAbsDiff(x: number, y: number): Rational {
  const d = R.sub(R.fromNumber(x), R.fromNumber(y));
  return d.n < 0n ? { n: -d.n, d: d.d } : d;
}

/**
 * The last step of the modelled computation, from bounds [lo, hi] on the value held in
 * the format c in which that value was computed (the working precision for 'none', the
 * accumulator for 'sum', the division's format for 'mean'), to the output format.
 *
 * - c is the output format: the bounds already include the last operation's rounding
 *   (a relative error u of c), and they are rounded outward to output values.
 * - c is wider than the output (half types computed or accumulated in float32): the last
 *   step is a conversion, which rounds to nearest even (IEEE's default). The value in c
 *   lies in [RD_c(lo), RU_c(hi)] (outward in c: it covers a value computed in a still
 *   wider format and rounded to c on the way, e.g. a float64 sum cast to float32 first),
 *   and RN_out is monotone, so the result lies in [RN_out(RD_c(lo)), RN_out(RU_c(hi))].
 *   Rounding these bounds outward instead would admit a truncating conversion (the top
 *   16 bits of a float32 as a bfloat16), which is not a correct rounding.
 *   Where subnormals may be flushed, a conversion whose result can be subnormal in the
 *   output may also give 0 or the output's smallest normal.
 * Returns output values as doubles.
 */
function lastStep<T>(A: Arith<T>, lo: T, hi: T, c: FloatFormat, out: FloatFormat, flush: boolean): { l: number; h: number } {
  if (!isConversion(c, out)) return { l: A.out(lo, out, -1), h: A.out(hi, out, 1) };
  let l = out.round(A.out(lo, c, -1));
  let h = out.round(A.out(hi, c, 1));
  if (flush) {
    if (l < out.minNormal) l = 0;
    if (h > 0 && h < out.minNormal) h = out.minNormal;
  }
  return { l, h };
}

/** c holds every value of out, more precisely: converting a c value to out is a rounding (RN). */
function isConversion(c: FloatFormat, out: FloatFormat): boolean {
  return c.name !== out.name && c.precision >= out.precision && c.emax >= out.emax && c.emin <= out.emin;
}

export interface AcceptanceOptions {
  /**
   * 'auto' (default): outward binary64 for outputs of 32 bits or fewer, outward 128-bit
   * BigFloat for 64-bit outputs; 'exact': gcd-normalised rationals (slow, for tests).
   */
  arithmetic?: 'auto' | 'exact';
}

export function acceptance(ref: OracleOutput, level: ToleranceLevel, options: AcceptanceOptions = {}): Acceptance {
  const lv = levelSpec(level);
  const out = floatFormat(ref.dtype);
  if (options.arithmetic === 'exact') {
    return acceptanceWith(exactRational, ref, lv, out, (x, y) => {
      const d = exactAbsDiff(x, y);
      return { lo: d, hi: d };
    });
  }
  if (out.bits > 32) {
    return acceptanceWith(outwardBig, ref, lv, out, (x, y) => {
      const a = dyadicOf(x);
      const b = dyadicOf(y);
      const e = Math.min(a.e, b.e);
      let m = (a.m << BigInt(a.e - e)) - (b.m << BigInt(b.e - e));
      if (m < 0n) m = -m;
      return { lo: BF.fromDyadic({ m, e }, -1), hi: BF.fromDyadic({ m, e }, 1) };
    });
  }
  return acceptanceWith(outwardDouble, ref, lv, out, (x, y) => {
    const r = { lo: 0, hi: 0 };
    absDiffBounds(x, y, r);
    return r;
  });
}

function acceptanceWith<T>(A: Arith<T>, ref: OracleOutput, lv: LevelSpec, out: FloatFormat, diff: (x: number, y: number) => { lo: T; hi: T }): Acceptance {
  const wName = lv.elementwise[ref.dtype];
  if (wName === undefined) throw new Error(`spec/tolerances.json: no elementwise precision for ${ref.dtype}`);
  const w = floatFormat(wName);
  const P = makeParams(A, w, lv, ref);
  // An input below the working format's smallest normal may be read as 0 where flushing is allowed.
  const wN = P.minNormalNum;
  const subInput = (a: number, b: number) => P.flush && ((a !== 0 && a < wN && a > -wN) || (b !== 0 && b < wN && b > -wN));
  const m = ref.expected.length;
  const lo = new Float64Array(m);
  const hi = new Float64Array(m);
  const nanExpected = new Uint8Array(m);
  const res = { lo: P.zero, hi: P.zero };
  const { x, y } = ref;

  const finish = (i: number, l: number, h: number) => {
    const e = ref.expected[i];
    if (e !== e) {
      nanExpected[i] = 1;
      lo[i] = hi[i] = NaN;
      return;
    }
    if (l < 0) l = 0;
    if (e === Infinity) h = Infinity; // a correctly rounded overflow: [RD(lo), inf]
    else if (h > out.maxFinite) h = out.maxFinite; // an overflowing intermediate is a defect
    lo[i] = l;
    hi[i] = h;
  };

  if (ref.reduction === 'none') {
    for (let i = 0; i < m; i++) {
      const xi = x[i];
      const yi = y[i];
      const e = ref.expected[i];
      if (e !== e || !Number.isFinite(xi) || !Number.isFinite(yi)) {
        // NaN, or an exact infinity (infinite inputs): exactly that value.
        finish(i, e, e);
        continue;
      }
      const d = diff(xi, yi);
      elementBounds(A, P, d.lo, d.hi, subInput(xi, yi), res);
      const r = lastStep(A, res.lo, res.hi, w, out, P.flush);
      finish(i, r.l, r.h);
    }
    return { dtype: ref.dtype, shape: [...ref.shape], expected: Float64Array.from(ref.expected), lo, hi, nanExpected };
  }

  // Reductions.
  const e = ref.expected[0];
  const n = x.length;
  let exactSpecial = e !== e;
  for (let i = 0; i < n && !exactSpecial; i++) if (!Number.isFinite(x[i]) || !Number.isFinite(y[i])) exactSpecial = true;
  if (exactSpecial || n === 0 || ref.beta !== ref.beta) {
    finish(0, e, e);
    return { dtype: ref.dtype, shape: [], expected: Float64Array.from(ref.expected), lo, hi, nanExpected };
  }
  const roundEach = lv.elementRoundedToOutputBeforeReduction;
  const acc = floatFormat(lv.accumulation[ref.dtype]);
  const accN = A.num(acc.minNormal);
  let sLo = P.zero;
  let sHi = P.zero;
  // Terms that can be nonzero and below the accumulator's smallest normal: only additions
  // of two such values can underflow (a sum with a term >= minNormal is >= minNormal, and
  // adding 0 is exact), and a summation tree over m such terms has at most m - 1 of them.
  let smallTerms = 0;
  for (let i = 0; i < n; i++) {
    const d = diff(x[i], y[i]);
    elementBounds(A, P, d.lo, d.hi, subInput(x[i], y[i]), res);
    let l = res.lo;
    let h = res.hi;
    if (roundEach) {
      // Also admit the element rounded to the output dtype (the union of both forms).
      // A rounded form that overflows to inf would make the result inf, which a finite
      // expectation never accepts: such forms add nothing, so the unrounded bound stays.
      if (!A.lt(A.num(out.maxFinite), l)) l = A.num(A.out(l, out, -1));
      const ho = A.out(h, out, 1);
      if (ho !== Infinity) h = A.num(ho);
    }
    if (A.lt(l, accN) && A.lt(P.zero, h)) smallTerms++;
    sLo = A.add(sLo, l, -1);
    sHi = A.add(sHi, h, 1);
  }
  const { uExp: uaExp, etaExp: etaAExp } = unitOf(acc, lv.flushSubnormals);
  const ua = 2 ** uaExp;
  const k = lv.summation === 'pairwise' ? Math.ceil(Math.log2(Math.max(n, 1))) : n - 1;
  const ku = k * ua; // exact: an integer times a power of two
  // Recursive or tree summation error: |S^ - S| <= gamma_k * sum |t_i| + m * eta,
  // gamma_k = k u / (1 - k u) (infinite when k u >= 1), m the terms that can be subnormal.
  const gInf = ku >= 1;
  const g = gInf ? P.zero : A.div(A.num(ku), A.sub(A.num(1), A.num(ku), -1), 1);
  const etaA = A.pow2(etaAExp);
  const nEta = A.mul(A.num(smallTerms), etaA, 1);
  let bl = gInf ? P.zero : A.sub(A.mul(sLo, A.sub(A.num(1), g, -1), -1), nEta, -1);
  let bh = gInf ? P.zero : A.add(A.mul(sHi, A.add(A.num(1), g, 1), 1), nEta, 1);
  if (A.lt(bl, P.zero)) bl = P.zero;
  // The format the final value is computed in: the accumulator for a sum, the format of
  // the division for a mean.
  let last = acc;
  if (ref.reduction === 'mean') {
    // two roundings (divide by n, or multiply by a rounded 1/n) in the coarser of the
    // accumulation and working precisions: at standard the sum may be cast to the output
    // dtype and divided there (MindSpore's CPU kernel), at strict half types divide in
    // float32. The reciprocal 1/n is in the accumulation precision. Underflow errors (of
    // the format the step may be done in) only where the step's result can be subnormal.
    const coarse = w.precision < acc.precision ? w : acc;
    last = coarse;
    const coarseU = 2 ** -coarse.precision;
    const N = A.num(n);
    const Um = A.num(coarseU);
    const one = A.num(1);
    const c2lo = A.mul(A.sub(one, Um, -1), A.sub(one, Um, -1), -1);
    const c2hi = A.mul(A.add(one, Um, 1), A.add(one, Um, 1), 1);
    const etaC = A.pow2(unitOf(coarse, lv.flushSubnormals).etaExp);
    const etaM = A.lt(etaA, etaC) ? etaC : etaA;
    const nM = A.num(Math.max(coarse.minNormal, acc.minNormal));
    let absM = P.zero;
    // the sum cast to the coarser format
    if (A.lt(bl, A.num(coarse.minNormal))) absM = A.add(absM, etaC, 1);
    // the quotient (or product with 1/n)
    if (A.lt(A.mul(A.div(bl, N, -1), c2lo, -1), nM)) absM = A.add(absM, etaM, 1);
    // a rounded 1/n in the subnormal range of the accumulator adds S * eta
    if (1 / n < acc.minNormal) absM = A.add(absM, A.mul(bh, etaA, 1), 1);
    bl = A.sub(A.mul(A.div(bl, N, -1), c2lo, -1), absM, -1);
    bh = A.add(A.mul(A.div(bh, N, 1), c2hi, 1), absM, 1);
  }
  const r = lastStep(A, bl, bh, last, out, lv.flushSubnormals);
  finish(0, r.l, gInf ? Infinity : r.h);
  return { dtype: ref.dtype, shape: [], expected: Float64Array.from(ref.expected), lo, hi, nanExpected };
}
