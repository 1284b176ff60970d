/**
 * A reduction's interval terms by the fast path (the model of oracle/reduction.ts): each
 * element's term (its bounds, or the bounds rounded to the output where the level admits
 * that) is accumulated exactly in superaccumulators, with an absolute error bound where the
 * term is a bracketed approximation, and the exact model's terms (elements FastBounds
 * leaves to it) as rationals; the model's tail is then evaluated in exact rationals at the
 * brackets' ends, and when the two ends give different output values the whole reduction
 * is evaluated exactly (`addTermExact`, `exactReductionInterval`).
 */
import type { Reduction } from '../../common/types.js';
import { exactRational } from '../arith.js';
import { configAbsDiff, elementBounds } from '../elementwise.js';
import { R, type Rational } from '../exact.js';
import { finishInterval } from '../level.js';
import { reductionBounds, reductionTerm } from '../reduction.js';
import { FastBounds, Status } from './bounds.js';
import { exactDouble, nextDown64, nextUp64 } from './consts.js';
import { RHO, RHO64 } from './constants.js';
import { SuperAccumulator } from './superacc.js';

export class ReductionTerms {
  /** Reductions evaluated exactly because the sums' brackets straddled an output value. */
  exactReductions = 0;

  constructor(readonly fb: FastBounds) {}


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
    const st = this.fb.bounds(x, y);
    if (st === Status.Zero) return; // a zero term: nothing to add, never small
    if (st === Status.Approx && this.addApproxTerm()) return;
    this.addExactTerm(x, y);
  }

  /** From Status.Approx bounds; false when a decision is undecided. */
  private addApproxTerm(): boolean {
    const fb = this.fb;
    const roundEach = this.fb.lv.elementRoundedToOutputBeforeReduction;
    const accN = this.fb.c.accN;
    let l: number, lErr: number, h: number, hErr: number;
    if (this.fb.c.is64) {
      // the float64 path works on double-words; terms are exact doubles when rounded, else double-words with error
      if (roundEach) {
        const eL = RHO64 * fb.loH;
        if (fb.loL - eL >= 0) l = fb.loH;
        else if (fb.loL + eL < 0) l = nextDown64(fb.loH);
        else return false;
        const eH = RHO64 * fb.hiH;
        if (fb.hiL + eH <= 0) h = fb.hiH;
        else if (fb.hiL - eH > 0) h = nextUp64(fb.hiH);
        else return false;
        if (h === Infinity) return false;
        if (l < accN && h > 0) this.small++;
        this.sumLo.add(l);
        this.sumHi.add(h);
        return true;
      }
      // strict: the double-word bounds themselves, bracketed
      if (fb.loH < accN * (1 + RHO)) return false; // a possibly small term: exact
      this.sumLo.add(fb.loH);
      this.sumLo.add(fb.loL);
      this.errLo += RHO64 * fb.loH;
      this.sumHi.add(fb.hiH);
      this.sumHi.add(fb.hiL);
      this.errHi += RHO64 * fb.hiH;
      return true;
    }
    const og = this.fb.c.outGrid!;
    if (roundEach) {
      // RD_out(lo) unless lo exceeds maxFinite; RU_out(hi) unless that overflows
      const a = fb.lo - fb.loErr < 0 ? 0 : fb.lo - fb.loErr;
      const b = fb.lo + fb.loErr;
      if (b <= this.fb.out.maxFinite) {
        l = og.rd(a);
        if (l !== og.rd(b)) return false;
        lErr = 0;
      } else return false;
      const c = fb.hi - fb.hiErr;
      const d = fb.hi + fb.hiErr;
      const hc = og.ru(c < 0 ? 0 : c);
      if (hc !== og.ru(d) || hc === Infinity) return false;
      h = hc;
      hErr = 0;
    } else {
      l = fb.lo;
      lErr = fb.loErr;
      h = fb.hi;
      hErr = fb.hiErr;
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
    this.fb.exactElements++;
    const A = exactRational;
    const P = this.fb.P;
    const d = configAbsDiff(P, x, y);
    const b = { lo: P.zero, hi: P.zero };
    elementBounds(A, P, d, d, b);
    const t = reductionTerm(A, P, this.fb.lv, this.fb.out, this.fb.c.accFmt, b.lo, b.hi);
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
    const reduction = this.fb.setup.reduction as Exclude<Reduction, 'none'>;
    if (e !== e || n === 0 || this.fb.setup.beta.kind === 'nan' || this.special) {
      finishInterval(e, e, e, this.fb.out, res);
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
    const P = this.fb.P;
    const at = (l: Rational, h: Rational) => reductionBounds(A, P, this.fb.lv, this.fb.out, reduction, n, l, h, this.small);
    if (this.errLo === 0 && this.errHi === 0) {
      const r = at(sLo, sHi);
      finishInterval(e, r.l, r.h, this.fb.out, res);
      return;
    }
    // bl is nondecreasing in sLo and nonincreasing in sHi, bh the reverse
    const down = at(A.sub(sLo, eLo, -1), A.add(sHi, eHi, 1));
    const up = at(A.add(sLo, eLo, 1), A.sub(sHi, eHi, -1));
    if (down.l === up.l && down.h === up.h) {
      finishInterval(e, down.l, down.h, this.fb.out, res);
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
    if (x - y === 0 || this.fb.c.betaAllInf) return;
    const A = exactRational;
    const P = this.fb.P;
    const d = configAbsDiff(P, x, y);
    const b = { lo: P.zero, hi: P.zero };
    elementBounds(A, P, d, d, b);
    const t = reductionTerm(A, P, this.fb.lv, this.fb.out, this.fb.c.accFmt, b.lo, b.hi);
    if (t.small) this.small++;
    this.exactLo = A.add(this.exactLo, t.l, -1);
    this.exactHi = A.add(this.exactHi, t.h, 1);
  }
  private exactLo: Rational = { n: 0n, d: 1n };
  private exactHi: Rational = { n: 0n, d: 1n };

  /** The reduction's interval from addTermExact's exact sums. */
  exactReductionInterval(e: number, n: number, res: { lo: number; hi: number }): void {
    if (e !== e || n === 0 || this.fb.setup.beta.kind === 'nan' || this.special) {
      finishInterval(e, e, e, this.fb.out, res);
      return;
    }
    const r = reductionBounds(exactRational, this.fb.P, this.fb.lv, this.fb.out, this.fb.setup.reduction as Exclude<Reduction, 'none'>, n, this.exactLo, this.exactHi, this.small);
    finishInterval(e, r.l, r.h, this.fb.out, res);
  }
}
