/**
 * The parameters of the error model for one case at one tolerance level (spec/fp-primer.md
 * "The acceptance model"; every parameter is read from spec/tolerances.json): the working
 * format's unit roundoff and underflow error, the admitted readings of beta (each a
 * configuration of its own), and the last step from the format a value was computed in to
 * the output.
 *
 * The discrete alternatives of an implementation are kept here, in one function,
 * `configurations`: which reading of beta it computes with (`admittedBetas`) and whether it
 * flushes subnormals (inputs read as 0, DAZ; subnormal results flushed, FTZ). One
 * configuration is one Params (a single beta, one flush regime); the accepted set is the
 * union of the configurations' intervals, never their hull (spec/fp-primer.md "Discrete
 * alternatives"): an implementation uses one beta and one flush regime for a whole
 * element, and for a whole reduction.
 */
import { floatFormat, type FloatFormat } from '../common/float-format.js';
import { toleranceSpec, type ToleranceSpec } from '../common/spec-data.js';
import type { FloatDType, ToleranceLevel } from '../common/types.js';
import type { Arith } from './arith.js';
import { betaOfNumber, betaSign, type Beta, type BetaReadings, type BetaSource } from './beta.js';
import { roundDyadic } from './exact.js';

/** A level of spec/tolerances.json (validated against spec/tolerances.schema.json when read). */
export type LevelSpec = ToleranceSpec;

export function levelSpec(level: ToleranceLevel): LevelSpec {
  return toleranceSpec(level);
}

/** The beta readings a computation refers to: the one the expected values used, and both. */
export interface BetaContext {
  betaSource: BetaSource;
  betas: BetaReadings;
}

/**
 * Unit roundoff and underflow error of a working format at a level, as exponents of two
 * (eta of float64 is 2^-1075, below the smallest double); minPos: the smallest positive
 * value the format keeps (minNormal where subnormals may be flushed).
 */
export function unitOf(fmt: FloatFormat, flush: boolean): { uExp: number; etaExp: number; minPos: number } {
  const subExp = fmt.emin - fmt.fractionBits;
  return { uExp: -fmt.precision, etaExp: flush ? fmt.emin : subExp - 1, minPos: flush ? fmt.minNormal : fmt.minSubnormal };
}

/**
 * The readings of beta an implementation may compute with: the level's betaValues and the
 * one the reference used, each also rounded to the working format where the level allows
 * it and that rounding is finite (beta = 70000 rounded to float16 is inf, an overflowing
 * intermediate, which is a defect at every level: it would make every quadratic element
 * 0; an infinite reading is admitted as itself). A negative reading (the given value of a
 * beta that float32 rounds to -0) is out of range on every profile, so it is never an
 * admitted beta of an output; NaN readings have no output to bound. Never empty: the
 * reading the reference used stands in when nothing else is left.
 */
export function admittedBetas(w: FloatFormat, lv: LevelSpec, ctx: BetaContext): Beta[] {
  const used = ctx.betas[ctx.betaSource];
  const sources = new Set<BetaSource>([...lv.betaValues, ctx.betaSource]);
  const reads: Beta[] = [];
  for (const s of sources) {
    const b = ctx.betas[s];
    if (b.kind === 'nan' || (betaSign(b) < 0 && !(betaSign(used) < 0))) continue;
    reads.push(b);
    if (lv.betaRoundedToWorking && b.kind === 'finite') {
      const r = roundDyadic(b.dy, w, 0);
      if (Number.isFinite(r)) reads.push(betaOfNumber(r));
    }
  }
  if (reads.length === 0) reads.push(used);
  return reads;
}

/**
 * One configuration of an implementation: the beta reading it computes with, whether it
 * reads subnormal inputs (of the working format) as 0 (daz) and whether subnormal results
 * of its operations may be flushed (ftz: an absolute error up to minNormal where a result
 * can be subnormal, and a subnormal output of a conversion may become 0 or minNormal).
 */
export interface Config {
  beta: Beta;
  daz: boolean;
  ftz: boolean;
}

function sameBeta(a: Beta, b: Beta): boolean {
  if (a.kind === 'nan' || b.kind === 'nan') return a.kind === b.kind;
  if (a.kind === 'inf' || b.kind === 'inf') return a.kind === b.kind && a.neg === b.neg;
  return a.neg === b.neg && a.dy.m === b.dy.m && a.dy.e === b.dy.e;
}

/**
 * The configurations a level admits for a case, the primary one first: the beta reading the
 * expected values use, subnormals kept (gradual underflow) - a correct implementation's, so
 * the value check judges every element by it first and re-checks only what fails. Then
 * every other admitted beta reading (distinct values only) with every flush regime the
 * level allows: where `flushSubnormals`, FTZ alone, DAZ alone and both (x86 keeps them in
 * two MXCSR bits, set apart or together; CUDA's .ftz and ARM's FZ flush both; when in
 * doubt, admit).
 */
export function configurations(out: FloatDType, lv: LevelSpec, ctx: BetaContext): Config[] {
  const w = workingFormat(lv, out);
  const betas: Beta[] = [ctx.betas[ctx.betaSource]];
  for (const b of admittedBetas(w, lv, ctx)) if (!betas.some((a) => sameBeta(a, b))) betas.push(b);
  const regimes = lv.flushSubnormals
    ? [
        { daz: false, ftz: false },
        { daz: false, ftz: true },
        { daz: true, ftz: false },
        { daz: true, ftz: true },
      ]
    : [{ daz: false, ftz: false }];
  const all: Config[] = [];
  for (const beta of betas) for (const r of regimes) all.push({ beta, ...r });
  return all;
}

/**
 * Whether a DAZ configuration can differ from its non-DAZ twin on inputs x, y: only where an
 * input is subnormal in the working format (elsewhere both read the same inputs).
 */
export function dazMatters(w: FloatFormat, x: number, y: number): boolean {
  const N = w.minNormal;
  return (x !== 0 && x < N && x > -N) || (y !== 0 && y < N && y > -N);
}

/** The primary configuration (the expected values' beta, subnormals kept). */
export function primaryConfig(ctx: BetaContext): Config {
  return { beta: ctx.betas[ctx.betaSource], daz: false, ftz: false };
}

/**
 * The beta box [lo, hi] (null = +inf) of readings: L is nonincreasing in beta, so the box's
 * ends bound L over it. A configuration has one reading (makeParams), so its box is that
 * reading's value (outward where the arithmetic cannot hold it exactly); the readings are
 * never spanned together (their union is taken instead: `configurations`).
 */
export function betaBox<T>(A: Arith<T>, reads: Beta[]): { lo: T | null; hi: T | null } {
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

/** The constants of the model for one (output dtype, level, beta readings). */
export interface Params<T> {
  /** The working format of the per-element arithmetic. */
  w: FloatFormat;
  u: T;
  eta: T;
  /** The working format's smallest normal: an operation whose exact result is at least this has no underflow error. */
  minNormal: T;
  /** The same as a double, for the inputs' subnormal test. */
  minNormalNum: number;
  /** Subnormal results may be flushed (FTZ): eta is minNormal, a conversion's subnormal result may become 0 or minNormal. */
  flush: boolean;
  /** Inputs below the working format's minNormal are read as 0 (DAZ). */
  daz: boolean;
  half: T;
  one: T;
  oneMinusU: T;
  onePlusU: T;
  /** (1-u)^3 rounded down, (1+u)^3 rounded up. */
  c3lo: T;
  c3hi: T;
  /** The configuration's beta as a box (both ends the reading, outward where inexact); null = +inf. */
  bLo: T | null;
  bHi: T | null;
  /** 1/max(bLo, smallest positive of w), rounded up: the largest factor 1/beta^ can be. */
  invBq: T;
  /** fl(0.5 beta^) can be below minNormal (0.5 bLo < minNormal). */
  halfBetaUnderflows: boolean;
  zero: T;
}

export function workingFormat(lv: LevelSpec, out: FloatDType): FloatFormat {
  return floatFormat(lv.elementwise[out]);
}

/** The model's constants for one configuration (default: the primary one). */
export function makeParams<T>(A: Arith<T>, out: FloatDType, lv: LevelSpec, ctx: BetaContext, config: Config = primaryConfig(ctx)): Params<T> {
  const w = workingFormat(lv, out);
  const { uExp, etaExp, minPos } = unitOf(w, config.ftz);
  const U = A.pow2(uExp);
  const one = A.num(1);
  const oneMinusU = A.sub(one, U, -1);
  const onePlusU = A.add(one, U, 1);
  const c3lo = A.mul(A.mul(oneMinusU, oneMinusU, -1), oneMinusU, -1);
  const c3hi = A.mul(A.mul(onePlusU, onePlusU, 1), onePlusU, 1);
  const box = betaBox(A, [config.beta]);
  const minPosT = A.num(minPos);
  const bq = box.lo === null || A.lt(box.lo, minPosT) ? minPosT : box.lo;
  const N = A.num(w.minNormal);
  const half = A.num(0.5);
  return {
    w,
    u: U,
    eta: A.pow2(etaExp),
    minNormal: N,
    minNormalNum: w.minNormal,
    flush: config.ftz,
    daz: config.daz,
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

/** c holds every value of out, more precisely: converting a c value to out is a rounding (RN). */
export function isConversion(c: FloatFormat, out: FloatFormat): boolean {
  return c.name !== out.name && c.precision >= out.precision && c.emax >= out.emax && c.emin <= out.emin;
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
 * Overflow: a rounding to nearest gives inf only from the threshold maxFinite + ulp/2 up
 * (a conversion: RN_out above does it). In the output format itself, an element's only
 * operation whose exact result can reach the threshold is d = x - y: the linear branch
 * subtracts 0.5 beta >= 0 from |d^| <= maxFinite, and the quadratic result is below |d|/2
 * (an intermediate d*d that overflows is a defect). So an element admits inf exactly where
 * |d| (passed as `reach`) is at or above the threshold; the model's relative bound hi
 * would exceed it for exact values within a few ulps below (float64 max - 0.5), where no
 * rounding to nearest overflows.
 * Returns output values as doubles.
 */
export function lastStep<T>(A: Arith<T>, lo: T, hi: T, c: FloatFormat, out: FloatFormat, flush: boolean, reach: T): { l: number; h: number } {
  if (!isConversion(c, out)) {
    // RU_out(hi) is inf for any hi above maxFinite, but a rounding to nearest gives inf only
    // where the exact value it rounds is at or above the overflow threshold: `reach` bounds
    // the largest such value (an element: |d|, the only one of its operations that can
    // reach it; a reduction: the sum's bound). Below it the largest result is maxFinite.
    let h = A.out(hi, out, 1);
    if (h === Infinity && A.lt(reach, overflowThreshold(A, out))) h = out.maxFinite;
    return { l: A.out(lo, out, -1), h };
  }
  let l = out.round(A.out(lo, c, -1));
  let h = out.round(A.out(hi, c, 1));
  if (flush) {
    if (l < out.minNormal) l = 0;
    if (h > 0 && h < out.minNormal) h = out.minNormal;
  }
  return { l, h };
}

/**
 * The round-to-nearest overflow threshold of a format, maxFinite + ulp(maxFinite)/2 =
 * 2^(emax+1) - 2^(emax-f-1): an exact value at or above it rounds to +inf (a tie there
 * rounds to even, which is inf). Exact in T (for float64 it is not a double).
 */
export function overflowThreshold<T>(A: Arith<T>, out: FloatFormat): T {
  return A.sub(A.pow2(out.emax + 1), A.pow2(out.emax - out.fractionBits - 1), 1);
}

/**
 * The accepted interval's final form for an expected value e and last-step bounds [l, h]:
 * NaN expected accepts NaN only (returned as NaN ends); bounds below 0 become 0 (L >= 0);
 * a correctly rounded overflow (e = inf) accepts up to inf. A finite e accepts inf exactly
 * where the last step says an admitted computation can reach the overflow threshold (h =
 * inf: a value at or above maxFinite + ulp/2 before the last rounding to nearest, e.g.
 * float16 65504 - (-16) = 65520 computed in float32 and converted); otherwise h <=
 * maxFinite, and an overflowing intermediate far below the threshold (float16 0.5*d*d for
 * d = 400, beta = 1000) stays a defect.
 */
export function finishInterval(e: number, l: number, h: number, _out: FloatFormat, res: { lo: number; hi: number }): void {
  if (e !== e) {
    res.lo = res.hi = NaN;
    return;
  }
  if (l < 0) l = 0;
  if (e === Infinity) h = Infinity;
  res.lo = l;
  res.hi = h;
}
