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
 * The constants come from oracle/fast/constants.ts, the double-word bounds from
 * oracle/fast/bounds64.ts, a reduction's terms are summed by oracle/fast/terms.ts.
 */
import type { FloatFormat } from '../../common/float-format.js';
import { exactRational } from '../arith.js';
import { exactElementInterval, QUAD_SUBS } from '../elementwise.js';
import type { Rational } from '../exact.js';
import { finishInterval, type Config, type LevelSpec, type Params } from '../level.js';
import { bounds64, bounds64Large } from './bounds64.js';
import { nextDown64, nextUp64 } from './consts.js';
import { LARGE64_HI, LARGE64_LO, modelConstants, RANGE64_LO, RANGE_HI, RANGE_LO, RHO, RHO64, Status, type BoundsSetup, type HotConstants, type ModelConstants } from './constants.js';
import type { Pair } from './eft.js';
import type { Hot64Bounds } from './hot64.js';

export { Status, type BoundsSetup, type HotConstants };

export class FastBounds {
  /** Elements whose interval (or term) the exact model computed. */
  exactElements = 0;
  readonly c: ModelConstants;

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
    /** The configuration the bounds are for (oracle/level.ts configurations); default the primary one. */
    readonly config?: Config,
  ) {
    this.c = modelConstants(setup, lv, config);
  }

  get out(): FloatFormat {
    return this.c.out;
  }
  get P(): Params<Rational> {
    return this.c.P;
  }
  /** The hot loops' constants (a covered beta box), or null. */
  get hot(): HotConstants | null {
    return this.c.hot;
  }
  get hot64(): Hot64Bounds | null {
    return this.c.hot64;
  }

  /**
   * The model's bounds on one element before the last step (for finite x, y): Status.Zero,
   * Status.Approx with the fields set, or Status.Exact.
   */
  bounds(x: number, y: number): Status {
    const s = x - y;
    if (s === 0 || this.c.betaAllInf) return Status.Zero; // s = RN(d) is 0 only for d = 0
    if (this.c.allExact) return Status.Exact;
    const bb = s - x;
    const err = x - (s - bb) + (-y - bb);
    const a = s < 0 ? -s : s;
    const ae = s < 0 ? -err : err;
    // an operand that may be flushed, or |d| below the working format's smallest normal:
    // the underflow allowance of fl(x - y) applies (the exact model's business)
    if (this.c.flush) {
      const wN = this.c.N;
      if ((x !== 0 && x < wN && x > -wN) || (y !== 0 && y < wN && y > -wN)) return Status.Exact;
    }
    if (a < this.c.N || (a === this.c.N && ae < 0)) return Status.Exact;
    if (this.c.is64) {
      if (a > LARGE64_LO && a <= LARGE64_HI) return bounds64Large(this.c, a, ae, this, this.pa, this.pb);
      if (a > RANGE_HI || a < RANGE64_LO) return Status.Exact;
      return bounds64(this.c, a, ae, this, this.pa, this.pb);
    }
    if (a > RANGE_HI || a < RANGE_LO) return Status.Exact;
    return this.bounds32(a);
  }

  /** binary64 evaluation (outputs of at most 32 bits); |d| = a(1 + delta), |delta| <= 2^-53. */
  private bounds32(a: number): Status {
    const dl = a * this.c.c1m;
    const dh = a * this.c.c1p;
    // lossAt(dlo, bHi) is quadratic iff dlo < bHi (= the quadratic branch is possible)
    let quadLo: boolean;
    if (dl < this.c.bHiLo) quadLo = true;
    else if (dl >= this.c.bHiHi) quadLo = false;
    else return Status.Exact;
    // lossAt(dhi, bLo) is quadratic iff dhi < bLo (= the linear branch is impossible)
    let quadHi: boolean;
    if (dh < this.c.bLoLo) quadHi = true;
    else if (dh >= this.c.bLoHi) quadHi = false;
    else return Status.Exact;
    const lmin = quadLo ? dl * dl * this.c.iB2Hi : dl - this.c.hbHi;
    const lmax = quadHi ? dh * dh * this.c.iB2Lo : dh - this.c.hbLo;
    let lo = Infinity;
    let hi = 0;
    let loErr = 0;
    let hiErr = 0;
    if (quadLo) {
      const p1 = dl * dl * this.c.kLo;
      const p2 = quadHi ? dh * dh * this.c.kHi : lmax * this.c.c3hi;
      if (dl >= this.c.dStar) {
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
      if (this.c.halfBetaUnderflows) return Status.Exact;
      const t = lmin * this.c.c1m;
      if (!(t >= this.c.NHi)) return Status.Exact;
      const l = lmin * this.c.c2lo;
      const h = lmax * this.c.c2hi;
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
    const N = this.c.N;
    const c3 = this.c.c3lo;
    const iB = this.c.iB;
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
    if (this.c.bHiHi < dh) Dh = this.c.hbHi * 2;
    else if (this.c.bHiLo >= dh) Dh = dh;
    else return -1;
    const dOverB = Dh * this.c.invBq;
    let f1: number;
    if (dOverB < 1 - RHO) f1 = dOverB;
    else if (dOverB >= 1 + RHO) f1 = 1;
    else return -1;
    const factors = this.factors;
    factors[1] = f1;
    factors[2] = Dh * 0.5;
    factors[3] = Dh;
    factors[4] = this.c.invBq * 0.5;
    factors[5] = this.c.invBq;
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
    return this.c.eta * (sum * this.c.c3hi + 1);
  }
  private readonly lows = new Float64Array(8);
  private readonly smalls = new Uint8Array(8);
  private readonly factors = new Float64Array(8);


  /**
   * The final interval of a 'none' element from Status.Approx bounds, or false when a
   * decision is undecided. e: the element's expected value.
   */
  private finalApprox(e: number, res: { lo: number; hi: number }): boolean {
    let l: number;
    let h: number;
    if (this.c.is64) {
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
      // near the top of the range the overflow threshold (not a double) decides: exact model
      if (!Number.isFinite(h) || hH >= 2 ** 1023) return false;
      finishInterval(e, l, h, this.c.out, res);
      return true;
    }
    const og = this.c.outGrid!;
    let a = this.lo - this.loErr;
    if (a < 0) a = 0;
    const b = this.lo + this.loErr;
    const c = this.hi - this.hiErr;
    const d = this.hi + this.hiErr;
    if (!this.c.conversion) {
      l = og.rd(a);
      if (l !== og.rd(b)) return false;
      h = og.ru(c < 0 ? 0 : c);
      if (h !== og.ru(d)) return false;
      // above maxFinite: whether |d| reaches the overflow threshold decides (oracle/level.ts lastStep): exact model
      if (h === Infinity) return false;
    } else {
      const wg = this.c.wGrid!;
      const la = wg.rd(a);
      if (la !== wg.rd(b)) return false;
      const ha = wg.ru(c < 0 ? 0 : c);
      if (ha !== wg.ru(d)) return false;
      l = og.rn(la);
      h = og.rn(ha);
      if (this.c.ftz) {
        if (l < this.out.minNormal) l = 0;
        if (h > 0 && h < this.out.minNormal) h = this.out.minNormal;
      }
    }
    finishInterval(e, l, h, this.c.out, res);
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
}
