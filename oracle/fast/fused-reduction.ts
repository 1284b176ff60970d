/**
 * The reduction side of the fused value check (oracle/fast/fused.ts): phase 1, the exact sum
 * of the losses; phase 2 (only when the output is not the correctly rounded sum), the
 * interval's terms, by hot loops where an element's bounds are a single formula
 * (HotConstants; oracle/fast/hot64.ts for float64 outputs) and by ReductionTerms otherwise.
 */
import type { FloatFormat } from '../../common/float-format.js';
import { CHUNK, type ElementReader } from '../inputs.js';
import type { FastBounds, HotConstants } from './bounds.js';
import { terms64, type Hot64, type Hot64Sums } from './hot64.js';
import type { LossKernel } from './loss.js';
import { addToChunks } from './superacc.js';
import type { ReductionTerms } from './terms.js';

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
/** The error bound of the hot loop's binary64 bounds (relative; the proven error is at most 2^-48). */
const RHO_SUM = 2 ** -44;
/** The hot loop's single widening (the bounds there are within 2^-48 of the model's). */
const RHO_LO2 = 1 + 2 ** -43;
const RHO_HI2 = 1 - 2 ** -43;

export class ReductionCheck {
  /** Exponent buckets of exact terms (each bucket's sum exact). */
  private readonly bucketLo = new Float64Array(2048);
  private readonly bucketHi = new Float64Array(2048);
  /** Elements of a chunk the hot loops leave to ReductionTerms. */
  private readonly todo = new Int32Array(CHUNK);

  constructor(
    private readonly loss: LossKernel,
    private readonly fb: FastBounds,
    private readonly terms: ReductionTerms,
    private readonly hot64: Hot64 | null,
    private readonly roundEach: boolean,
    private readonly accN: number,
    private readonly out: FloatFormat,
  ) {}

  /**
   * Phase 1 of a reduction: the exact sum of the losses (oracle/fast/loss.ts), inline for the
   * elements whose |d| is exact in binary64 and in the range where Dekker's product is exact
   * (a^2 as two exact parts for the quadratic branch, a for the linear one), by the loss
   * kernel otherwise.
   */
  expectedChunk(xs: Float64Array, ys: Float64Array, count: number): void {
    const loss = this.loss;
    const hb = loss.hotBeta();
    if (!(hb.b > 0) || loss.nan) {
      for (let i = 0; i < count; i++) if (!loss.accumulate(xs[i], ys[i])) return;
      return;
    }
    const b = hb.b;
    const qc = loss.quad.chunk;
    const lc = loss.lin.chunk;
    let nLin = 0;
    let adds = 0;
    for (let i = 0; i < count; i++) {
      const x = xs[i];
      const y = ys[i];
      const s = x - y;
      const a = Math.abs(s);
      if (a >= 2 ** -450 && a <= 2 ** 300) {
        const bb = s - x;
        if (x - (s - bb) + (-y - bb) === 0) {
          if (a < b) {
            const p = a * a;
            const c = 134217729 * a;
            const ah = c - (c - a);
            const al = a - ah;
            addToChunks(qc, p);
            addToChunks(qc, ah * ah - p + 2 * ah * al + al * al);
          } else if (a > b) {
            addToChunks(lc, a);
            nLin++;
          } else if (!loss.accumulate(x, y)) break;
          adds++;
          continue;
        }
      } else if (s === 0) continue;
      if (!loss.accumulate(x, y)) break;
    }
    loss.nLin += nLin;
    loss.quad.noteAdds(2 * adds);
    loss.lin.noteAdds(adds);
  }

  /** Phase 2 of a reduction: the interval's terms (hot loops where they apply, FastBounds.addTerm otherwise). */
  termsChunk(xs: Float64Array, ys: Float64Array, count: number): void {
    const h = this.fb.hot;
    if (h !== null) this.termsChunk32(xs, ys, count, h);
    else if (this.hot64 !== null) this.termsChunk64(xs, ys, count, this.hot64);
    else for (let i = 0; i < count; i++) this.terms.addTerm(xs[i], ys[i]);
  }

  /** Phase 2, float64 outputs: the hot loop (oracle/fast/hot64.ts), then FastBounds.addTerm for what it leaves. */
  private termsChunk64(xs: Float64Array, ys: Float64Array, count: number, h: Hot64): void {
    const { terms, todo } = this;
    const sums: Hot64Sums = { small: 0, eLo: 0, eHi: 0, sumErr: 0 };
    const k = terms64(h, xs, ys, count, this.roundEach, this.accN, terms.sumLo.chunk, terms.sumHi.chunk, sums, todo);
    terms.sumLo.noteAdds(2);
    terms.sumHi.noteAdds(2);
    terms.small += sums.small;
    // each term's proven error is below 2^-100 of it (widened, also for the rounding of these error sums)
    terms.errLo += sums.eLo * 2 ** -96 + sums.sumErr;
    terms.errHi += sums.eHi * 2 ** -96 + sums.sumErr;
    for (let j = 0; j < k; j++) {
      const i = todo[j];
      terms.addTerm(xs[i], ys[i]);
    }
  }

  /**
   * Phase 2, outputs of at most 32 bits: the two single-formula regions of HotConstants
   * inline (the terms rounded to the output where the level admits it, exactly, into
   * exponent buckets; at strict the bounds themselves with their error bounds), everything
   * else by FastBounds.addTerm.
   */
  private termsChunk32(xs: Float64Array, ys: Float64Array, count: number, h: HotConstants): void {
    const terms = this.terms;
    const { N, flushBelow, aMax, c1m, c1p, bLoLo, bHiHi, dStar, kLo, kHi, hbHi, hbLo, c2lo, c2hi, linSafe } = h;
    const roundEach = this.roundEach;
    const g = this.fb.c.outGrid!;
    const quantum = g.quantum;
    const inverse = g.inverse;
    const maxFinite = this.out.maxFinite;
    const accN = this.accN;
    const bLo = this.bucketLo;
    const bHi = this.bucketHi;
    const sLo = terms.sumLo.chunk;
    const sHi = terms.sumHi.chunk;
    let small = 0;
    let eLo = 0;
    let eHi = 0;
    let adds = 0;
    for (let i = 0; i < count; i++) {
      const x = xs[i];
      const y = ys[i];
      const a = Math.abs(x - y);
      let done = false;
      if (a > N && a <= aMax && !(flushBelow > 0 && ((Math.abs(x) < flushBelow && x !== 0) || (Math.abs(y) < flushBelow && y !== 0)))) {
        // a = |RN64(x - y)| is within 2^-53 of |d|: the bounds' error analysis covers it
        const dl = a * c1m;
        const dh = a * c1p;
        let lo = -1;
        let hi = 0;
        if (dh < bLoLo && dl >= dStar) {
          lo = dl * dl * kLo;
          hi = dh * dh * kHi;
        } else if (dl >= bHiHi && linSafe) {
          lo = (dl - hbHi) * c2lo;
          hi = (dh - hbLo) * c2hi;
        }
        if (lo >= 0) {
          if (roundEach) {
            // RD_out(lo): RD of the bracket's upper end, decided when the lower end is not below it
            // (every value in [rl, l1] rounds down to rl); RU_out(hi) likewise from the lower end
            const l1 = lo * RHO_LO2;
            F64[0] = l1;
            const El = (U32[1] >>> 20) & 0x7ff;
            const rl = Math.floor(l1 * inverse[El]) * quantum[El];
            const h0 = hi * RHO_HI2;
            F64[0] = h0;
            const Eh = (U32[1] >>> 20) & 0x7ff;
            const rh = Math.ceil(h0 * inverse[Eh]) * quantum[Eh];
            if (lo * RHO_HI2 >= rl && hi * RHO_LO2 <= rh && rh <= maxFinite) {
              bLo[El] += rl;
              bHi[Eh] += rh;
              if (rl < accN) small++;
              done = true;
            }
          } else if (lo * RHO_HI2 >= accN || lo * RHO_LO2 < accN) {
            if (lo * RHO_LO2 < accN) small++;
            addToChunks(sLo, lo);
            addToChunks(sHi, hi);
            eLo += lo;
            eHi += hi;
            adds++;
            done = true;
          }
        }
      }
      if (!done) terms.addTerm(x, y);
    }
    terms.sumLo.noteAdds(adds);
    terms.sumHi.noteAdds(adds);
    terms.small += small;
    terms.errLo += eLo * RHO_SUM;
    terms.errHi += eHi * RHO_SUM;
    terms.mergeBuckets(bLo, bHi);
  }

  /** The interval of a reduction of n elements with expected value e (the terms summed), into res; x, y for an exact recomputation. */
  interval(e: number, n: number, x: ElementReader, y: ElementReader, res: { lo: number; hi: number }): void {
    const xs = new Float64Array(CHUNK);
    const ys = new Float64Array(CHUNK);
    const terms = this.terms;
    terms.reductionInterval(e, n, res, () => {
      terms.resetReduction();
      for (let start = 0; start < n; start += CHUNK) {
        const c = Math.min(CHUNK, n - start);
        x.read(start, c, xs);
        y.read(start, c, ys);
        for (let i = 0; i < c; i++) terms.addTermExact(xs[i], ys[i]);
      }
      terms.exactReductionInterval(e, n, res);
    });
  }
}
