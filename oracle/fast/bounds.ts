/**
 * The acceptance intervals by the fast path, bit-identical to the exact model
 * (oracle/elementwise.ts, reduction.ts evaluated in exact rationals).
 *
 * For outputs of at most 32 bits the model's bounds are evaluated in binary64 with round
 * to nearest and no per-operation outward rounding: every bound on the regular path is a
 * product or quotient of positive quantities (and at most one subtraction of a smaller
 * positive quantity, which at most doubles the relative error) with at most 12 roundings,
 * so its relative error is below 32 * 2^-53 = 2^-48; it is then widened once, by RHO =
 * 2^-44, which keeps a margin of 16 for the rounding of the widening itself. For float64
 * outputs the same is done in double-word arithmetic (oracle/fast/eft.ts): relative error
 * below 2^-100, widened by RHO64 = 2^-96.
 *
 * Every discrete decision of the model (a comparison, a rounding to a format) is taken
 * from the widened bracket: when the bracket's two ends decide the same way, so does the
 * exact value between them (the decisions are monotone). When they do not, or when an
 * element leaves the region the error analysis covers (subnormal or flushed operands,
 * underflow allowances of the linear branch, a beta the ranges do not cover), the
 * element's interval is computed by the exact model instead; such elements are counted.
 *
 * Reductions: each element's term (its bounds, or the bounds rounded to the output where
 * the level admits that) is accumulated exactly in superaccumulators, with an absolute
 * error bound where the term is a bracketed approximation; the model's tail
 * (reduction.ts) is then evaluated in exact rationals at the brackets' ends, and when the
 * two ends give different output values the whole reduction is evaluated exactly.
 */
import { floatFormat, type FloatFormat } from '../../common/float-format.js';
import type { FloatDType, Reduction } from '../../common/types.js';
import { exactRational } from '../arith.js';
import type { Beta, BetaReadings, BetaSource } from '../beta.js';
import { elementBounds, exactAbsDiff, exactElementInterval, QUAD_SUBS, subnormalInput } from '../elementwise.js';
import { R, type Rational } from '../exact.js';
import { CHUNK, ElementReader, type TensorSource } from '../inputs.js';
import { finishInterval, isConversion, makeParams, type LevelSpec, type Params } from '../level.js';
import { accumulationFormat, reductionBounds, reductionTerm } from '../reduction.js';
import { doubleWordOf, exactDouble, nearestDouble, nextDown64, nextUp64 } from './consts.js';
import { ddAdd, ddMul, ddMulD, fastTwoSum, twoSum, type Pair } from './eft.js';
import { gridOf, type Grid } from './grid.js';
import { SuperAccumulator } from './superacc.js';
import { hot64Bounds, type Hot64Bounds } from './hot64.js';

/** Widening of a binary64 bound (relative); the proven error is at most 2^-48. */
const RHO = 2 ** -44;
/** Widening of a double-word bound (relative); the proven error is at most 2^-100. */
const RHO64 = 2 ** -96;
/** The range of beta and |d| the binary64 analysis covers (no intermediate under- or overflows). */
const RANGE_LO = 2 ** -300;
const RANGE_HI = 2 ** 300;
/** Double-word path: |d| down to this (squares and their low parts stay normal); results below 2^-900 go exact. */
const RANGE64_LO = 2 ** -450;
/** Double-word path, |d| far above every covered beta (clearly linear): evaluated scaled by 2^-400. */
const LARGE64_LO = 2 ** 302;
const LARGE64_HI = 2 ** 1000;
const SCALE_DOWN = 2 ** -400;
const SCALE_UP = 2 ** 400;
/** Double-word bounds outside [2^-900, 2^1000] go exact (their low parts would not be normal, or may overflow). */
const DD_MIN = 2 ** -900;
const DD_MAX = 2 ** 1000;

/** What `bounds` found for an element. */
export const Status = {
  /** The bounds are exactly [0, 0] (x = y, or beta +inf in every reading). */
  Zero: 0,
  /** Approximate bounds with absolute error bounds (fields lo, loErr, hi, hiErr; double-words for float64). */
  Approx: 1,
  /** Outside the covered region or undecided: the exact model must compute this element. */
  Exact: 2,
} as const;
export type Status = (typeof Status)[keyof typeof Status];

/**
 * The constants of the value check's hot loop (oracle/fast/fused.ts) for outputs of at most
 * 32 bits: the two regions where an element's bounds are a single formula each, with no
 * underflow allowance, exactly as `bounds32` computes them there:
 * - clearly quadratic, dh < bLo (1 - RHO) and dl >= dStar: lo = dl^2 kLo, hi = dh^2 kHi;
 * - clearly linear, dl >= bHi (1 + RHO): lo = (dl - bHi/2) c2lo, hi = (dh - bLo/2) c2hi
 *   (only where no linear underflow allowance can apply: linSafe).
 * Elements with |d| <= N, above the covered range or with a flushable operand are left
 * to `bounds`.
 */
export interface HotConstants {
  N: number;
  /** Operands below this (and not 0) may be flushed: N where flushing is allowed, else 0. */
  flushBelow: number;
  aMax: number;
  c1m: number;
  c1p: number;
  bLoLo: number;
  bHiHi: number;
  dStar: number;
  kLo: number;
  kHi: number;
  hbHi: number;
  hbLo: number;
  c2lo: number;
  c2hi: number;
  linSafe: boolean;
}

/** What the fast path needs of a reference computation. */
export interface BoundsSetup {
  dtype: FloatDType;
  reduction: Reduction;
  betaSource: BetaSource;
  betas: BetaReadings;
  beta: Beta;
}

function toDouble(r: Rational | null): number | null {
  return r === null ? null : exactDouble(r);
}

export class FastBounds {
  /** Elements whose interval (or term) the exact model computed. */
  exactElements = 0;
  /** Reductions evaluated exactly because the sums' brackets straddled an output value. */
  exactReductions = 0;

  readonly out: FloatFormat;
  readonly w: FloatFormat;
  readonly P: Params<Rational>;
  private readonly is64: boolean;
  private readonly allExact: boolean;
  /** beta is +inf in every admitted reading: every finite element's bounds are [0, 0]. */
  private readonly betaAllInf: boolean;
  private readonly outGrid: Grid | undefined;
  private readonly wGrid: Grid | undefined;
  /** The 'none' last step converts from w to the output (round to nearest). */
  readonly conversion: boolean;
  private readonly flush: boolean;
  private readonly halfBetaUnderflows: boolean;
  /** The accumulation format of reductions and its smallest normal. */
  private readonly accFmt: FloatFormat;
  private readonly accN: number;

  // binary64 constants (exact where noted, else within 2^-53)
  private readonly N: number; // exact
  private readonly NLo: number;
  private readonly NHi: number;
  private readonly c1m: number; // 1 - u, exact
  private readonly c1p: number; // 1 + u, exact for u >= 2^-52
  private readonly bHiLo: number; // bHi (1 -+ RHO): the comparison brackets
  private readonly bHiHi: number;
  private readonly bLoLo: number;
  private readonly bLoHi: number;
  private readonly hbHi: number; // bHi / 2, exact
  private readonly hbLo: number;
  private readonly iB2Hi: number; // 1 / (2 bHi)
  private readonly iB2Lo: number;
  private readonly kLo: number; // c3lo / (2 bHi)
  private readonly kHi: number; // c3hi / (2 bLo)
  private readonly c3lo: number;
  private readonly c3hi: number;
  private readonly c2lo: number; // (1 - u)^2
  private readonly c2hi: number; // (1 + u)^2
  /** dlo at or above this: no intermediate of the quadratic branch can be subnormal (eq = 0). */
  private readonly dStar: number;
  // semi-regular quadratic underflow: the monomial test constants
  private readonly iB: number; // 1 / bHi
  private readonly invBq: number;
  private readonly eta: number;

  // double-word constants (float64 outputs): [hi, lo]
  private readonly ddKlo: [number, number] = [0, 0];
  private readonly ddKhi: [number, number] = [0, 0];
  private readonly ddC2lo: [number, number] = [0, 0];
  private readonly ddC2hi: [number, number] = [0, 0];
  private readonly ddC3lo: [number, number] = [0, 0];
  private readonly ddC3hi: [number, number] = [0, 0];
  private readonly ddIB2Hi: [number, number] = [0, 0];
  private readonly ddIB2Lo: [number, number] = [0, 0];

  /** The hot loop's constants (outputs of at most 32 bits on a covered beta box), or null. */
  readonly hot: HotConstants | null = null;
  /** The float64 hot loops' constants (float64 outputs on a covered beta box), or null. */
  readonly hot64: Hot64Bounds | null = null;

  /** Results of `bounds`: approximations and absolute error bounds (binary64 path). */
  lo = 0;
  loErr = 0;
  hi = 0;
  hiErr = 0;
  /** Results of `bounds` (double-word path): lo = loH + loL, hi = hiH + hiL, errors RHO64 * loH, RHO64 * hiH. */
  loH = 0;
  loL = 0;
  hiH = 0;
  hiL = 0;
  private readonly pa: Pair = { hi: 0, lo: 0 };
  private readonly pb: Pair = { hi: 0, lo: 0 };

  constructor(
    readonly setup: BoundsSetup,
    readonly lv: LevelSpec,
  ) {
    const out = floatFormat(setup.dtype);
    this.out = out;
    const P = makeParams(exactRational, setup.dtype, lv, setup);
    this.P = P;
    const w = P.w;
    this.w = w;
    this.is64 = out.bits > 32;
    this.outGrid = out.bits <= 32 ? gridOf(out) : undefined;
    this.wGrid = w.bits <= 32 ? gridOf(w) : undefined;
    this.conversion = isConversion(w, out);
    this.flush = P.flush;
    this.halfBetaUnderflows = P.halfBetaUnderflows;
    this.accFmt = accumulationFormat(lv, setup.dtype);
    this.accN = this.accFmt.minNormal;
    this.betaAllInf = P.bLo === null;
    const bLo = toDouble(P.bLo);
    const bHi = toDouble(P.bHi);
    const u = 2 ** -w.precision;
    this.N = w.minNormal;
    this.NLo = w.minNormal * (1 - RHO);
    this.NHi = w.minNormal * (1 + RHO);
    this.c1m = 1 - u;
    this.c1p = 1 + u;
    this.eta = nearestDouble(P.eta);
    // The analysis covers finite positive beta boxes of doubles in a moderate range, and a
    // working format that is the output or float32 (within binary64's reach for the widening)
    const covered = bLo !== null && bHi !== null && bLo >= RANGE_LO && bHi <= RANGE_HI && (this.is64 ? w.bits === 64 : w.bits <= 32);
    this.allExact = !covered && !this.betaAllInf;
    const bl = bLo ?? 1;
    const bh = bHi ?? 1;
    this.bHiLo = bh * (1 - RHO);
    this.bHiHi = bh * (1 + RHO);
    this.bLoLo = bl * (1 - RHO);
    this.bLoHi = bl * (1 + RHO);
    this.hbHi = bh / 2;
    this.hbLo = bl / 2;
    const one = R.of(1n);
    const two = R.of(2n);
    // (constants of a box the analysis does not cover are never used: stand-ins keep them finite)
    const rbl = P.bLo !== null && P.bLo.n > 0n ? P.bLo : one;
    const rbh = P.bHi !== null && P.bHi.n > 0n ? P.bHi : one;
    const iB2Hi = R.div(one, R.mul(two, rbh));
    const iB2Lo = R.div(one, R.mul(two, rbl));
    this.iB2Hi = nearestDouble(iB2Hi);
    this.iB2Lo = nearestDouble(iB2Lo);
    this.kLo = nearestDouble(R.mul(P.c3lo, iB2Hi));
    this.kHi = nearestDouble(R.mul(P.c3hi, iB2Lo));
    this.c3lo = nearestDouble(P.c3lo);
    this.c3hi = nearestDouble(P.c3hi);
    const c2lo = R.mul(P.oneMinusU, P.oneMinusU);
    const c2hi = R.mul(P.onePlusU, P.onePlusU);
    this.c2lo = nearestDouble(c2lo);
    this.c2hi = nearestDouble(c2hi);
    this.iB = nearestDouble(R.div(one, rbh));
    this.invBq = nearestDouble(P.invBq);
    // eq = 0 iff min(D, D^2) * 0.5 * min(1, 1/bHi) * c3lo >= N (the smallest monomial is not small):
    // with T = N / (c3lo * 0.5 * min(1, 1/bHi)), iff D >= T when T >= 1, else iff D >= sqrt(T).
    const iBr = R.div(one, rbh);
    const H = R.mul(R.mul(P.c3lo, R.of(1n, 2n)), R.cmp(iBr, one) < 0 ? iBr : one);
    const T = R.div(P.minNormal, H);
    const Tup = R.round(T, floatFormat('float64'), 1);
    this.dStar = (Tup >= 1 ? Tup : Math.sqrt(Tup) * (1 + 2 ** -50)) * (1 + RHO);
    if (!this.is64 && covered) {
      // t = lmin (1 - u) >= bHi/2 (1 - u) in the linear branch: no allowance when that is >= N
      const linSafe = !this.halfBetaUnderflows && this.hbHi * this.c1m >= this.NHi;
      this.hot = { N: this.N, flushBelow: this.flush ? this.N : 0, aMax: RANGE_HI, c1m: this.c1m, c1p: this.c1p, bLoLo: this.bLoLo, bHiHi: this.bHiHi, dStar: this.dStar, kLo: this.kLo, kHi: this.kHi, hbHi: this.hbHi, hbLo: this.hbLo, c2lo: this.c2lo, c2hi: this.c2hi, linSafe };
    }
    if (this.is64) {
      this.ddKlo = doubleWordOf(R.mul(P.c3lo, iB2Hi));
      this.ddKhi = doubleWordOf(R.mul(P.c3hi, iB2Lo));
      this.ddC2lo = doubleWordOf(c2lo);
      this.ddC2hi = doubleWordOf(c2hi);
      this.ddC3lo = doubleWordOf(P.c3lo);
      this.ddC3hi = doubleWordOf(P.c3hi);
      this.ddIB2Hi = doubleWordOf(iB2Hi);
      this.ddIB2Lo = doubleWordOf(iB2Lo);
      if (covered) {
        this.hot64 = hot64Bounds({
          flushBelow: this.flush ? this.N : 0,
          bLoLo: this.bLoLo,
          bHiHi: this.bHiHi,
          dStar: this.dStar,
          // lo = |d|^2 (1-u)^2 c3lo / (2 bHi), hi = |d|^2 (1+u)^2 c3hi / (2 bLo)
          kLo: doubleWordOf(R.mul(R.mul(c2lo, P.c3lo), iB2Hi)),
          kHi: doubleWordOf(R.mul(R.mul(c2hi, P.c3hi), iB2Lo)),
          c2lo: this.ddC2lo,
          c2hi: this.ddC2hi,
          hbHi: this.hbHi,
          hbLo: this.hbLo,
          linSafe: !this.halfBetaUnderflows && this.hbHi * this.c1m >= this.NHi,
        });
      }
    }
  }

  /**
   * The model's bounds on one element before the last step (for finite x, y): Status.Zero,
   * Status.Approx with the fields set, or Status.Exact.
   */
  bounds(x: number, y: number): Status {
    const s = x - y;
    if (s === 0 || this.betaAllInf) return Status.Zero; // s = RN(d) is 0 only for d = 0
    if (this.allExact) return Status.Exact;
    const bb = s - x;
    const err = x - (s - bb) + (-y - bb);
    const a = s < 0 ? -s : s;
    const ae = s < 0 ? -err : err;
    // an operand that may be flushed, or |d| below the working format's smallest normal:
    // the underflow allowance of fl(x - y) applies (the exact model's business)
    if (this.flush) {
      const wN = this.N;
      if ((x !== 0 && x < wN && x > -wN) || (y !== 0 && y < wN && y > -wN)) return Status.Exact;
    }
    if (a < this.N || (a === this.N && ae < 0)) return Status.Exact;
    if (this.is64) {
      if (a > LARGE64_LO && a <= LARGE64_HI) return this.bounds64Large(a, ae);
      if (a > RANGE_HI || a < RANGE64_LO) return Status.Exact;
      return this.bounds64(a, ae);
    }
    if (a > RANGE_HI || a < RANGE_LO) return Status.Exact;
    return this.bounds32(a);
  }

  /** binary64 evaluation (outputs of at most 32 bits); |d| = a(1 + delta), |delta| <= 2^-53. */
  private bounds32(a: number): Status {
    const dl = a * this.c1m;
    const dh = a * this.c1p;
    // lossAt(dlo, bHi) is quadratic iff dlo < bHi (= the quadratic branch is possible)
    let quadLo: boolean;
    if (dl < this.bHiLo) quadLo = true;
    else if (dl >= this.bHiHi) quadLo = false;
    else return Status.Exact;
    // lossAt(dhi, bLo) is quadratic iff dhi < bLo (= the linear branch is impossible)
    let quadHi: boolean;
    if (dh < this.bLoLo) quadHi = true;
    else if (dh >= this.bLoHi) quadHi = false;
    else return Status.Exact;
    const lmin = quadLo ? dl * dl * this.iB2Hi : dl - this.hbHi;
    const lmax = quadHi ? dh * dh * this.iB2Lo : dh - this.hbLo;
    let lo = Infinity;
    let hi = 0;
    let loErr = 0;
    let hiErr = 0;
    if (quadLo) {
      const p1 = dl * dl * this.kLo;
      const p2 = quadHi ? dh * dh * this.kHi : lmax * this.c3hi;
      if (dl >= this.dStar) {
        lo = p1;
        hi = p2;
        loErr = RHO * p1;
        hiErr = RHO * p2;
      } else {
        const eq = this.quadUnderflow(dl, dh);
        if (eq < 0) return Status.Exact;
        lo = p1 - eq;
        hi = p2 + eq;
        loErr = RHO * (p1 + eq);
        hiErr = RHO * hi;
      }
    }
    if (!quadHi) {
      // the linear branch: with 0.5 beta or t = lmin (1 - u) possibly subnormal the exact model decides
      if (this.halfBetaUnderflows) return Status.Exact;
      const t = lmin * this.c1m;
      if (!(t >= this.NHi)) return Status.Exact;
      const l = lmin * this.c2lo;
      const h = lmax * this.c2hi;
      if (l < lo) {
        lo = l;
        loErr = RHO * l;
      }
      if (h > hi) {
        hi = h;
        hiErr = RHO * h;
      }
    }
    // min/max of bracketed values: the error bound of the chosen one, or of the other when the order flipped
    if (lo - loErr < 0) {
      if (lo + loErr < 0) {
        lo = 0;
        loErr = 0;
      } else return Status.Exact;
    }
    this.lo = lo;
    this.loErr = loErr;
    this.hi = hi;
    this.hiErr = hiErr;
    return Status.Approx;
  }

  /**
   * The quadratic branch's underflow allowance eq (oracle/elementwise.ts quadUnderflow) for
   * dlo below dStar: which monomials can be small, decided with margins; -1 when one is
   * undecided (the exact model decides).
   */
  private quadUnderflow(dl: number, dh: number): number {
    const N = this.N;
    const c3 = this.c3lo;
    const iB = this.iB;
    const d2 = dl * dl;
    // lower bounds of the 8 monomials (relative error below 2^-50), each decided small or not
    const lows = this.lows;
    lows[0] = dl;
    lows[1] = dl * 0.5;
    lows[2] = dl * iB;
    lows[3] = dl * 0.5 * iB;
    lows[4] = d2;
    lows[5] = d2 * 0.5;
    lows[6] = d2 * iB;
    lows[7] = d2 * 0.5 * iB;
    const small = this.smalls;
    for (let k = 0; k < 8; k++) {
      const t = lows[k] * c3;
      if (t < N * (1 - RHO)) small[k] = 1;
      else if (t >= N * (1 + RHO)) small[k] = 0;
      else return -1;
    }
    // Dh = min(bHi, dhi); factors carry each intermediate's error to the result
    let Dh: number;
    if (this.bHiHi < dh) Dh = this.hbHi * 2;
    else if (this.bHiLo >= dh) Dh = dh;
    else return -1;
    const dOverB = Dh * this.invBq;
    let f1: number;
    if (dOverB < 1 - RHO) f1 = dOverB;
    else if (dOverB >= 1 + RHO) f1 = 1;
    else return -1;
    const factors = this.factors;
    factors[1] = f1;
    factors[2] = Dh * 0.5;
    factors[3] = Dh;
    factors[4] = this.invBq * 0.5;
    factors[5] = this.invBq;
    factors[6] = 0.5;
    factors[7] = 1;
    let sum = 0;
    for (let k = 0; k < 8; k++) {
      const subs = QUAD_SUBS[k];
      let any = false;
      for (let j = 0; j < subs.length; j++) if (small[subs[j]] === 1) any = true;
      if (any) sum += factors[k];
    }
    if (sum === 0) return 0;
    return this.eta * (sum * this.c3hi + 1);
  }
  private readonly lows = new Float64Array(8);
  private readonly smalls = new Uint8Array(8);
  private readonly factors = new Float64Array(8);

  /**
   * Double-word evaluation (float64 outputs); |d| = a + ae exactly. Covers the region where
   * no underflow allowance applies (eq = 0, t >= N, 0.5 beta normal); else Status.Exact.
   */
  private bounds64(a: number, ae: number): Status {
    const r = this.pa;
    const q = this.pb;
    // dlo = |d| (1 - u), dhi = |d| (1 + u) = |d| + |d| u (u = 2^-53: an exact scaling)
    ddMulD(a, ae, this.c1m, r);
    const dlH = r.hi;
    const dlL = r.lo;
    ddAdd(a, ae, a * 2 ** -53, ae * 2 ** -53, r);
    const dhH = r.hi;
    const dhL = r.lo;
    let quadLo: boolean;
    if (dlH < this.bHiLo) quadLo = true;
    else if (dlH >= this.bHiHi) quadLo = false;
    else return Status.Exact;
    let quadHi: boolean;
    if (dhH < this.bLoLo) quadHi = true;
    else if (dhH >= this.bLoHi) quadHi = false;
    else return Status.Exact;
    if (quadLo && !(dlH >= this.dStar)) return Status.Exact;
    let loH = Infinity;
    let loL = 0;
    let hiH = 0;
    let hiL = 0;
    // lmin, lmax as double-words
    let lminH: number, lminL: number, lmaxH: number, lmaxL: number;
    ddMul(dlH, dlL, dlH, dlL, r);
    const dl2H = r.hi;
    const dl2L = r.lo;
    ddMul(dhH, dhL, dhH, dhL, r);
    const dh2H = r.hi;
    const dh2L = r.lo;
    if (quadLo) {
      ddMul(dl2H, dl2L, this.ddIB2Hi[0], this.ddIB2Hi[1], r);
      lminH = r.hi;
      lminL = r.lo;
    } else {
      twoSum(dlH, -this.hbHi, r);
      twoSum(r.lo, dlL, q);
      // (dlH - hbHi) + dlL, renormalised: dlo >= bHi, so the result is >= dlo / 2
      const h0 = r.hi;
      const l0 = q.hi + q.lo;
      lminH = h0 + l0;
      lminL = l0 - (lminH - h0);
    }
    if (quadHi) {
      ddMul(dh2H, dh2L, this.ddIB2Lo[0], this.ddIB2Lo[1], r);
      lmaxH = r.hi;
      lmaxL = r.lo;
    } else {
      twoSum(dhH, -this.hbLo, r);
      twoSum(r.lo, dhL, q);
      const h0 = r.hi;
      const l0 = q.hi + q.lo;
      lmaxH = h0 + l0;
      lmaxL = l0 - (lmaxH - h0);
    }
    if (quadLo) {
      ddMul(dl2H, dl2L, this.ddKlo[0], this.ddKlo[1], r);
      loH = r.hi;
      loL = r.lo;
      if (quadHi) ddMul(dh2H, dh2L, this.ddKhi[0], this.ddKhi[1], r);
      else ddMul(lmaxH, lmaxL, this.ddC3hi[0], this.ddC3hi[1], r);
      hiH = r.hi;
      hiL = r.lo;
    }
    if (!quadHi) {
      if (this.halfBetaUnderflows) return Status.Exact;
      if (!(lminH * this.c1m >= this.NHi)) return Status.Exact;
      ddMul(lminH, lminL, this.ddC2lo[0], this.ddC2lo[1], r);
      if (r.hi < loH || (r.hi === loH && r.lo < loL)) {
        loH = r.hi;
        loL = r.lo;
      }
      ddMul(lmaxH, lmaxL, this.ddC2hi[0], this.ddC2hi[1], r);
      if (r.hi > hiH || (r.hi === hiH && r.lo > hiL)) {
        hiH = r.hi;
        hiL = r.lo;
      }
    }
    if (!(loH >= DD_MIN && hiH <= DD_MAX)) return Status.Exact;
    this.loH = loH;
    this.loL = loL;
    this.hiH = hiH;
    this.hiL = hiL;
    return Status.Approx;
  }

  /**
   * Double-word evaluation for |d| far above every covered beta (the linear branch only),
   * scaled by 2^-400 (exact), without Dekker products of the unscaled magnitudes (which
   * would overflow the splitting): lo = (dl - bHi/2)(1 - u)^2, hi = (dh - bLo/2)(1 + u)^2.
   * A dropped part of |d| (its error term scaled below the subnormal range) is below
   * 2^-1300 |d|, far inside the widening.
   */
  private bounds64Large(a: number, ae: number): Status {
    if (this.halfBetaUnderflows) return Status.Exact;
    const r = this.pa;
    const q = this.pb;
    const aS = a * SCALE_DOWN;
    const aeS = ae * SCALE_DOWN;
    const u = 2 ** -53;
    // dl = (aS + aeS)(1 - u), dh = (aS + aeS)(1 + u): aS * u is exact, TwoSum exact
    twoSum(aS, -aS * u, r);
    fastTwoSum(r.hi, r.lo + (aeS - aeS * u), r);
    twoSum(r.hi, -this.hbHi * SCALE_DOWN, q);
    fastTwoSum(q.hi, q.lo + r.lo, q);
    ddMul(q.hi, q.lo, this.ddC2lo[0], this.ddC2lo[1], r);
    const loH = r.hi * SCALE_UP;
    const loL = r.lo * SCALE_UP;
    twoSum(aS, aS * u, r);
    fastTwoSum(r.hi, r.lo + (aeS + aeS * u), r);
    twoSum(r.hi, -this.hbLo * SCALE_DOWN, q);
    fastTwoSum(q.hi, q.lo + r.lo, q);
    ddMul(q.hi, q.lo, this.ddC2hi[0], this.ddC2hi[1], r);
    const hiH = r.hi * SCALE_UP;
    const hiL = r.lo * SCALE_UP;
    if (!(hiH <= DD_MAX)) return Status.Exact;
    this.loH = loH;
    this.loL = loL;
    this.hiH = hiH;
    this.hiL = hiL;
    return Status.Approx;
  }

  /**
   * The final interval of a 'none' element from Status.Approx bounds, or false when a
   * decision is undecided. e: the element's expected value.
   */
  private finalApprox(e: number, res: { lo: number; hi: number }): boolean {
    let l: number;
    let h: number;
    if (this.is64) {
      // float64 output = working format: RD64(lo), RU64(hi) of the double-words
      const eL = RHO64 * this.loH;
      const lH = this.loH;
      const lL = this.loL;
      if (lL - eL >= 0) l = lH;
      else if (lL + eL < 0) l = lH > 0 ? nextDown64(lH) : 0;
      else return false;
      const eH = RHO64 * this.hiH;
      const hH = this.hiH;
      const hL = this.hiL;
      if (hL + eH <= 0) h = hH;
      else if (hL - eH > 0) h = nextUp64(hH);
      else return false;
      if (!Number.isFinite(h)) h = Infinity;
      finishInterval(e, l, h, this.out, res);
      return true;
    }
    const og = this.outGrid!;
    let a = this.lo - this.loErr;
    if (a < 0) a = 0;
    const b = this.lo + this.loErr;
    const c = this.hi - this.hiErr;
    const d = this.hi + this.hiErr;
    if (!this.conversion) {
      l = og.rd(a);
      if (l !== og.rd(b)) return false;
      h = og.ru(c < 0 ? 0 : c);
      if (h !== og.ru(d)) return false;
    } else {
      const wg = this.wGrid!;
      const la = wg.rd(a);
      if (la !== wg.rd(b)) return false;
      const ha = wg.ru(c < 0 ? 0 : c);
      if (ha !== wg.ru(d)) return false;
      l = og.rn(la);
      h = og.rn(ha);
      if (this.flush) {
        if (l < this.out.minNormal) l = 0;
        if (h > 0 && h < this.out.minNormal) h = this.out.minNormal;
      }
    }
    finishInterval(e, l, h, this.out, res);
    return true;
  }

  /** The accepted interval of one 'none' element (exact model where the fast path cannot decide). */
  elementInterval(x: number, y: number, e: number, res: { lo: number; hi: number }): void {
    if (e !== e || !Number.isFinite(x) || !Number.isFinite(y)) {
      finishInterval(e, e, e, this.out, res); // NaN, or an exact infinity: exactly that value
      return;
    }
    const st = this.bounds(x, y);
    if (st === Status.Zero) {
      finishInterval(e, 0, 0, this.out, res);
      return;
    }
    if (st === Status.Approx && this.finalApprox(e, res)) return;
    this.exactElements++;
    exactElementInterval(this.P, exactRational, x, y, e, this.out, res);
  }

  // ------------------------------------------------------------------ reductions

  /** The reduction's sums of the terms' lower and upper bounds (the hot loop adds to them directly), their error bounds, the small terms. */
  readonly sumLo = new SuperAccumulator();
  readonly sumHi = new SuperAccumulator();
  errLo = 0;
  errHi = 0;
  small = 0;
  /** The exact model's terms that are not doubles (elements the fast path left to it), summed exactly. */
  private ratLo: Rational = { n: 0n, d: 1n };
  private ratHi: Rational = { n: 0n, d: 1n };
  /** A non-finite input: the reduction's interval is exactly its expected value. */
  special = false;

  /** Add one element's term to the reduction's sums. */
  addTerm(x: number, y: number): void {
    if (!Number.isFinite(x) || !Number.isFinite(y)) {
      this.special = true;
      return;
    }
    if (this.special) return;
    const st = this.bounds(x, y);
    if (st === Status.Zero) return; // a zero term: nothing to add, never small
    if (st === Status.Approx && this.addApproxTerm()) return;
    this.addExactTerm(x, y);
  }

  /** From Status.Approx bounds; false when a decision is undecided. */
  private addApproxTerm(): boolean {
    const roundEach = this.lv.elementRoundedToOutputBeforeReduction;
    const accN = this.accN;
    let l: number, lErr: number, h: number, hErr: number;
    if (this.is64) {
      // the float64 path works on double-words; terms are exact doubles when rounded, else double-words with error
      if (roundEach) {
        const eL = RHO64 * this.loH;
        if (this.loL - eL >= 0) l = this.loH;
        else if (this.loL + eL < 0) l = nextDown64(this.loH);
        else return false;
        const eH = RHO64 * this.hiH;
        if (this.hiL + eH <= 0) h = this.hiH;
        else if (this.hiL - eH > 0) h = nextUp64(this.hiH);
        else return false;
        if (h === Infinity) return false;
        if (l < accN && h > 0) this.small++;
        this.sumLo.add(l);
        this.sumHi.add(h);
        return true;
      }
      // strict: the double-word bounds themselves, bracketed
      if (this.loH < accN * (1 + RHO)) return false; // a possibly small term: exact
      this.sumLo.add(this.loH);
      this.sumLo.add(this.loL);
      this.errLo += RHO64 * this.loH;
      this.sumHi.add(this.hiH);
      this.sumHi.add(this.hiL);
      this.errHi += RHO64 * this.hiH;
      return true;
    }
    const og = this.outGrid!;
    if (roundEach) {
      // RD_out(lo) unless lo exceeds maxFinite; RU_out(hi) unless that overflows
      const a = this.lo - this.loErr < 0 ? 0 : this.lo - this.loErr;
      const b = this.lo + this.loErr;
      if (b <= this.out.maxFinite) {
        l = og.rd(a);
        if (l !== og.rd(b)) return false;
        lErr = 0;
      } else return false;
      const c = this.hi - this.hiErr;
      const d = this.hi + this.hiErr;
      const hc = og.ru(c < 0 ? 0 : c);
      if (hc !== og.ru(d) || hc === Infinity) return false;
      h = hc;
      hErr = 0;
    } else {
      l = this.lo;
      lErr = this.loErr;
      h = this.hi;
      hErr = this.hiErr;
    }
    // small: nonzero and below the accumulator's smallest normal (h > 0 holds: Approx bounds are positive)
    if (l + lErr < accN) this.small++;
    else if (!(l - lErr >= accN)) return false;
    this.sumLo.add(l);
    this.sumHi.add(h);
    this.errLo += lErr;
    this.errHi += hErr;
    return true;
  }


  /** The exact model's term for one element: a double added to the superaccumulators where it is one, else kept as a rational. */
  private addExactTerm(x: number, y: number): void {
    this.exactElements++;
    const A = exactRational;
    const P = this.P;
    const d = exactAbsDiff(x, y);
    const b = { lo: P.zero, hi: P.zero };
    elementBounds(A, P, d, d, subnormalInput(P, x, y), b);
    const t = reductionTerm(A, P, this.lv, this.out, this.accFmt, b.lo, b.hi);
    if (t.small) this.small++;
    const l = exactDouble(t.l);
    if (l !== null) this.sumLo.add(l);
    else this.ratLo = R.add(this.ratLo, t.l);
    const h = exactDouble(t.h);
    if (h !== null) this.sumHi.add(h);
    else this.ratHi = R.add(this.ratHi, t.h);
  }

  /** The reduction's accepted interval from the accumulated terms (e: the expected value); n elements. */
  reductionInterval(e: number, n: number, res: { lo: number; hi: number }, recompute: () => void): void {
    const reduction = this.setup.reduction as Exclude<Reduction, 'none'>;
    if (e !== e || n === 0 || this.setup.beta.kind === 'nan' || this.special) {
      finishInterval(e, e, e, this.out, res);
      return;
    }
    const A = exactRational;
    const lo = this.sumLo.value();
    const hi = this.sumHi.value();
    // the error sums were accumulated in binary64 (n positive terms): widen for their rounding
    const widen = 1 + 2 ** -20;
    const eLo = R.fromNumber(this.errLo * widen);
    const eHi = R.fromNumber(this.errHi * widen);
    const sLo = R.add(R.fromDyadic(lo), this.ratLo);
    const sHi = R.add(R.fromDyadic(hi), this.ratHi);
    const P = this.P;
    const at = (l: Rational, h: Rational) => reductionBounds(A, P, this.lv, this.out, reduction, n, l, h, this.small);
    if (this.errLo === 0 && this.errHi === 0) {
      const r = at(sLo, sHi);
      finishInterval(e, r.l, r.h, this.out, res);
      return;
    }
    // bl is nondecreasing in sLo and nonincreasing in sHi, bh the reverse
    const down = at(A.sub(sLo, eLo, -1), A.add(sHi, eHi, 1));
    const up = at(A.add(sLo, eLo, 1), A.sub(sHi, eHi, -1));
    if (down.l === up.l && down.h === up.h) {
      finishInterval(e, down.l, down.h, this.out, res);
      return;
    }
    this.exactReductions++;
    recompute();
  }

  /** Merge exponent buckets of exact doubles (each bucket's sum exact) into the sums, and clear them. */
  mergeBuckets(bucketLo: Float64Array, bucketHi: Float64Array): void {
    for (let E = 0; E < bucketLo.length; E++) {
      if (bucketLo[E] !== 0) {
        this.sumLo.add(bucketLo[E]);
        bucketLo[E] = 0;
      }
      if (bucketHi[E] !== 0) {
        this.sumHi.add(bucketHi[E]);
        bucketHi[E] = 0;
      }
    }
  }

  /** Reset the reduction sums (before an exact recomputation). */
  resetReduction(): void {
    this.sumLo.reset();
    this.sumHi.reset();
    this.errLo = this.errHi = 0;
    this.small = 0;
    this.ratLo = { n: 0n, d: 1n };
    this.ratHi = { n: 0n, d: 1n };
    this.special = false;
  }

  /** Add one element's exact term (the exact recomputation of a reduction). */
  addTermExact(x: number, y: number): void {
    if (!Number.isFinite(x) || !Number.isFinite(y)) {
      this.special = true;
      return;
    }
    if (this.special) return;
    if (x - y === 0 || this.betaAllInf) return;
    const A = exactRational;
    const P = this.P;
    const d = exactAbsDiff(x, y);
    const b = { lo: P.zero, hi: P.zero };
    elementBounds(A, P, d, d, subnormalInput(P, x, y), b);
    const t = reductionTerm(A, P, this.lv, this.out, this.accFmt, b.lo, b.hi);
    if (t.small) this.small++;
    this.exactLo = A.add(this.exactLo, t.l, -1);
    this.exactHi = A.add(this.exactHi, t.h, 1);
  }
  private exactLo: Rational = { n: 0n, d: 1n };
  private exactHi: Rational = { n: 0n, d: 1n };

  /** The reduction's interval from addTermExact's exact sums. */
  exactReductionInterval(e: number, n: number, res: { lo: number; hi: number }): void {
    if (e !== e || n === 0 || this.setup.beta.kind === 'nan' || this.special) {
      finishInterval(e, e, e, this.out, res);
      return;
    }
    const r = reductionBounds(exactRational, this.P, this.lv, this.out, this.setup.reduction as Exclude<Reduction, 'none'>, n, this.exactLo, this.exactHi, this.small);
    finishInterval(e, r.l, r.h, this.out, res);
  }

  // ------------------------------------------------------------------ whole arrays

  /** Every element's interval into acc (acc.expected holds the expected values). */
  intervals(src: { logits: TensorSource; labels: TensorSource; reduction: Reduction }, acc: { expected: Float64Array; lo: Float64Array; hi: Float64Array }): void {
    const x = new ElementReader(src.logits, 'logits');
    const y = new ElementReader(src.labels, 'labels');
    const n = x.n;
    const xs = new Float64Array(CHUNK);
    const ys = new Float64Array(CHUNK);
    const res = { lo: 0, hi: 0 };
    if (src.reduction === 'none') {
      for (let start = 0; start < n; start += CHUNK) {
        const c = Math.min(CHUNK, n - start);
        x.read(start, c, xs);
        y.read(start, c, ys);
        for (let i = 0; i < c; i++) {
          this.elementInterval(xs[i], ys[i], acc.expected[start + i], res);
          acc.lo[start + i] = res.lo;
          acc.hi[start + i] = res.hi;
        }
      }
      return;
    }
    const e = acc.expected[0];
    const pass = (add: (a: number, b: number) => void) => {
      for (let start = 0; start < n; start += CHUNK) {
        const c = Math.min(CHUNK, n - start);
        x.read(start, c, xs);
        y.read(start, c, ys);
        for (let i = 0; i < c; i++) add(xs[i], ys[i]);
      }
    };
    if (e === e) pass((a, b) => this.addTerm(a, b));
    this.reductionInterval(e, n, res, () => {
      this.resetReduction();
      pass((a, b) => this.addTermExact(a, b));
      this.exactReductionInterval(e, n, res);
    });
    acc.lo[0] = res.lo;
    acc.hi[0] = res.hi;
  }
}
