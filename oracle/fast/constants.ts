/**
 * The constants of the fast path for one case and level, derived once from the exact
 * model's parameters (oracle/level.ts makeParams): the binary64 values the element bounds
 * use (exact where noted, else within 2^-53 of the exact rational), the double-word ones
 * for float64 outputs (within 2^-104), the brackets of the model's decisions, and the hot
 * loops' constants for the regions where an element's bounds are a single formula.
 *
 * The widenings (RHO, RHO64) and the ranges the error analysis covers are defined here,
 * once; oracle/fast/bounds.ts states the analysis.
 */
import { floatFormat, type FloatFormat } from '../../common/float-format.js';
import type { FloatDType, Reduction } from '../../common/types.js';
import { exactRational } from '../arith.js';
import type { Beta, BetaReadings, BetaSource } from '../beta.js';
import { R, type Rational } from '../exact.js';
import { isConversion, makeParams, type Config, type LevelSpec, type Params } from '../level.js';
import { accumulationFormat } from '../reduction.js';
import { doubleWordOf, exactDouble, nearestDouble } from './consts.js';
import { gridOf, type Grid } from './grid.js';
import { hot64Bounds, type Hot64Bounds } from './hot64.js';

/** Widening of a binary64 bound (relative); the proven error is at most 2^-48. */
export const RHO = 2 ** -44;
/** Widening of a double-word bound (relative); the proven error is at most 2^-100. */
export const RHO64 = 2 ** -96;
/** The range of beta and |d| the binary64 analysis covers (no intermediate under- or overflows). */
export const RANGE_LO = 2 ** -300;
export const RANGE_HI = 2 ** 300;
/** Double-word path: |d| down to this (squares and their low parts stay normal); results below 2^-900 go exact. */
export const RANGE64_LO = 2 ** -450;
/** Double-word path, |d| far above every covered beta (clearly linear): evaluated scaled by 2^-400. */
export const LARGE64_LO = 2 ** 302;
export const LARGE64_HI = 2 ** 1000;
/** Double-word bounds outside [2^-900, 2^1000] go exact (their low parts would not be normal, or may overflow). */
export const DD_MIN = 2 ** -900;
export const DD_MAX = 2 ** 1000;

/** What `FastBounds.bounds` found for an element. */
export const Status = {
  /** The bounds are exactly [0, 0] (x = y, or beta +inf in every reading). */
  Zero: 0,
  /** Approximate bounds with absolute error bounds (binary64), or double-words (float64 outputs). */
  Approx: 1,
  /** Outside the covered region or undecided: the exact model must compute this element. */
  Exact: 2,
} as const;
export type Status = (typeof Status)[keyof typeof Status];

/** What the fast path needs of a reference computation. */
export interface BoundsSetup {
  dtype: FloatDType;
  reduction: Reduction;
  betaSource: BetaSource;
  betas: BetaReadings;
  beta: Beta;
}

/**
 * The constants of the value check's hot loops (oracle/fast/fused.ts) for outputs of at
 * most 32 bits: the two regions where an element's bounds are a single formula each, with
 * no underflow allowance, exactly as `bounds32` computes them there:
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

type DW = [number, number];

export interface ModelConstants {
  out: FloatFormat;
  w: FloatFormat;
  P: Params<Rational>;
  is64: boolean;
  /** The beta box or the working format is not covered: every element takes the exact model. */
  allExact: boolean;
  /** beta is +inf in every admitted reading: every finite element's bounds are [0, 0]. */
  betaAllInf: boolean;
  outGrid: Grid | undefined;
  wGrid: Grid | undefined;
  /** The 'none' last step converts from w to the output (round to nearest). */
  conversion: boolean;
  /** An operand below N may be read differently (DAZ) or its difference flushed (FTZ): such elements take the exact model. */
  flush: boolean;
  /** Subnormal results may be flushed (FTZ): the last conversion's flush allowance. */
  ftz: boolean;
  halfBetaUnderflows: boolean;
  /** The accumulation format of reductions and its smallest normal. */
  accFmt: FloatFormat;
  accN: number;
  /** w's smallest normal (exact) and its bracket. */
  N: number;
  NLo: number;
  NHi: number;
  /** 1 - u and 1 + u (exact for u >= 2^-52). */
  c1m: number;
  c1p: number;
  /** The beta box's ends times (1 -+ RHO): the brackets of the branch decisions. */
  bHiLo: number;
  bHiHi: number;
  bLoLo: number;
  bLoHi: number;
  /** bHi / 2, bLo / 2 (exact). */
  hbHi: number;
  hbLo: number;
  /** 1 / (2 bHi), 1 / (2 bLo); c3lo / (2 bHi), c3hi / (2 bLo); (1 -+ u)^3; (1 -+ u)^2. */
  iB2Hi: number;
  iB2Lo: number;
  kLo: number;
  kHi: number;
  c3lo: number;
  c3hi: number;
  c2lo: number;
  c2hi: number;
  /** dlo at or above this: no intermediate of the quadratic branch can be subnormal (eq = 0). */
  dStar: number;
  /** The quadratic underflow test: 1 / bHi, 1 / max(bLo, smallest positive), eta. */
  iB: number;
  invBq: number;
  eta: number;
  /** Double-word constants (float64 outputs). */
  dd: { kLo: DW; kHi: DW; c2lo: DW; c2hi: DW; c3hi: DW; iB2Hi: DW; iB2Lo: DW };
  /** The hot loops' constants (a covered beta box), or null. */
  hot: HotConstants | null;
  hot64: Hot64Bounds | null;
}

function toDouble(r: Rational | null): number | null {
  return r === null ? null : exactDouble(r);
}

/** The fast path's constants for one configuration (oracle/level.ts configurations; default: the primary one). */
export function modelConstants(setup: BoundsSetup, lv: LevelSpec, config?: Config): ModelConstants {
  const out = floatFormat(setup.dtype);
  const P = makeParams(exactRational, setup.dtype, lv, setup, config);
  const w = P.w;
  const is64 = out.bits > 32;
  const accFmt = accumulationFormat(lv, setup.dtype);
  const betaAllInf = P.bLo === null;
  const bLo = toDouble(P.bLo);
  const bHi = toDouble(P.bHi);
  const u = 2 ** -w.precision;
  const N = w.minNormal;
  const NHi = w.minNormal * (1 + RHO);
  const c1m = 1 - u;
  const c1p = 1 + u;
  // The analysis covers finite positive beta boxes of doubles in a moderate range, and a
  // working format that is the output or float32 (within binary64's reach for the widening)
  const covered = bLo !== null && bHi !== null && bLo >= RANGE_LO && bHi <= RANGE_HI && (is64 ? w.bits === 64 : w.bits <= 32);
  const bl = bLo ?? 1;
  const bh = bHi ?? 1;
  const one = R.of(1n);
  const two = R.of(2n);
  // (constants of a box the analysis does not cover are never used: stand-ins keep them finite)
  const rbl = P.bLo !== null && P.bLo.n > 0n ? P.bLo : one;
  const rbh = P.bHi !== null && P.bHi.n > 0n ? P.bHi : one;
  const iB2Hi = R.div(one, R.mul(two, rbh));
  const iB2Lo = R.div(one, R.mul(two, rbl));
  const c2lo = R.mul(P.oneMinusU, P.oneMinusU);
  const c2hi = R.mul(P.onePlusU, P.onePlusU);
  // eq = 0 iff min(D, D^2) * 0.5 * min(1, 1/bHi) * c3lo >= N (the smallest monomial is not small):
  // with T = N / (c3lo * 0.5 * min(1, 1/bHi)), iff D >= T when T >= 1, else iff D >= sqrt(T).
  const iBr = R.div(one, rbh);
  const H = R.mul(R.mul(P.c3lo, R.of(1n, 2n)), R.cmp(iBr, one) < 0 ? iBr : one);
  const Tup = R.round(R.div(P.minNormal, H), floatFormat('float64'), 1);
  const dStar = (Tup >= 1 ? Tup : Math.sqrt(Tup) * (1 + 2 ** -50)) * (1 + RHO);
  const c: ModelConstants = {
    out,
    w,
    P,
    is64,
    allExact: !covered && !betaAllInf,
    betaAllInf,
    outGrid: out.bits <= 32 ? gridOf(out) : undefined,
    wGrid: w.bits <= 32 ? gridOf(w) : undefined,
    conversion: isConversion(w, out),
    flush: P.flush || P.daz,
    ftz: P.flush,
    halfBetaUnderflows: P.halfBetaUnderflows,
    accFmt,
    accN: accFmt.minNormal,
    N,
    NLo: w.minNormal * (1 - RHO),
    NHi,
    c1m,
    c1p,
    bHiLo: bh * (1 - RHO),
    bHiHi: bh * (1 + RHO),
    bLoLo: bl * (1 - RHO),
    bLoHi: bl * (1 + RHO),
    hbHi: bh / 2,
    hbLo: bl / 2,
    iB2Hi: nearestDouble(iB2Hi),
    iB2Lo: nearestDouble(iB2Lo),
    kLo: nearestDouble(R.mul(P.c3lo, iB2Hi)),
    kHi: nearestDouble(R.mul(P.c3hi, iB2Lo)),
    c3lo: nearestDouble(P.c3lo),
    c3hi: nearestDouble(P.c3hi),
    c2lo: nearestDouble(c2lo),
    c2hi: nearestDouble(c2hi),
    dStar,
    iB: nearestDouble(iBr),
    invBq: nearestDouble(P.invBq),
    eta: nearestDouble(P.eta),
    dd: { kLo: [0, 0], kHi: [0, 0], c2lo: [0, 0], c2hi: [0, 0], c3hi: [0, 0], iB2Hi: [0, 0], iB2Lo: [0, 0] },
    hot: null,
    hot64: null,
  };
  // t = lmin (1 - u) >= bHi/2 (1 - u) in the linear branch: no allowance when that is >= N
  const linSafe = !c.halfBetaUnderflows && c.hbHi * c1m >= NHi;
  if (!is64 && covered) {
    c.hot = { N, flushBelow: c.flush ? N : 0, aMax: RANGE_HI, c1m, c1p, bLoLo: c.bLoLo, bHiHi: c.bHiHi, dStar, kLo: c.kLo, kHi: c.kHi, hbHi: c.hbHi, hbLo: c.hbLo, c2lo: c.c2lo, c2hi: c.c2hi, linSafe };
  }
  if (is64) {
    c.dd = {
      kLo: doubleWordOf(R.mul(P.c3lo, iB2Hi)),
      kHi: doubleWordOf(R.mul(P.c3hi, iB2Lo)),
      c2lo: doubleWordOf(c2lo),
      c2hi: doubleWordOf(c2hi),
      c3hi: doubleWordOf(P.c3hi),
      iB2Hi: doubleWordOf(iB2Hi),
      iB2Lo: doubleWordOf(iB2Lo),
    };
    if (covered) {
      c.hot64 = hot64Bounds({
        flushBelow: c.flush ? N : 0,
        bLoLo: c.bLoLo,
        bHiHi: c.bHiHi,
        dStar,
        // lo = |d|^2 (1-u)^2 c3lo / (2 bHi), hi = |d|^2 (1+u)^2 c3hi / (2 bLo)
        kLo: doubleWordOf(R.mul(R.mul(c2lo, P.c3lo), iB2Hi)),
        kHi: doubleWordOf(R.mul(R.mul(c2hi, P.c3hi), iB2Lo)),
        c2lo: c.dd.c2lo,
        c2hi: c.dd.c2hi,
        hbHi: c.hbHi,
        hbLo: c.hbLo,
        linSafe,
      });
    }
  }
  return c;
}
