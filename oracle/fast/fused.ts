/**
 * The value check fused with the reference and the acceptance interval, chunk by chunk:
 * nothing is stored per element (no expected values, no interval arrays, no float64
 * copies of the tensors); only the failures to report, their count and the largest ulp
 * error are kept. Each step decodes one chunk of logits, labels and the implementation's
 * output into small scratch arrays and judges it; a caller can stop between steps (the
 * checking engine yields to the event loop, so a run can be interrupted mid-case).
 *
 * The verdict is the one checkValues(acceptance(computeReference(...))) gives, by
 * construction and by test (test/oracle/fused.test.ts): per element,
 * - the implementation's value v passes when it lies in the element's accepted interval.
 *   v is a value of the output format, and the interval's ends are the model's bounds
 *   pushed outward (or converted) to that format, so v >= lo_model and v <= hi_model
 *   (and v <= maxFinite) already prove it is inside: on the fast path that is decided by
 *   two comparisons with the widened binary64 bounds, without rounding them to the output;
 * - the expected value is confirmed equal to v when the exact loss provably lies inside
 *   v's rounding cell (approximation within 5 * 2^-53, widened to 2^-48): then the ulp
 *   error is 0 without computing the expected value exactly;
 * - everything else (a value near or outside its interval, a value that is not the
 *   correctly rounded one, special values, elements outside the fast path's region)
 *   takes the full road: the exact expected value and the exact final interval
 *   (FastBounds.elementInterval, itself exact by proof with the exact model behind it).
 * Reductions accumulate the exact sum and the interval terms in one pass and judge the
 * single output value at the end.
 *
 * Discrete alternatives (oracle/level.ts configurations: beta readings, flush regimes):
 * everything above is the primary configuration's, a correct implementation's. An element
 * that fails it is re-judged under every other configuration (the exact model where the
 * fast path cannot decide) and passes when one of them accepts it; a reduction whose value
 * fails the primary interval gets one more pass over the terms per other configuration,
 * until one accepts it. Failures report the union ("accepted [a, b] or [c, d]").
 */
import { floatFormat, type FloatFormat } from '../../common/float-format.js';
import type { Tensor } from '../../common/types.js';
import type { ValueCheck, ValueFailure } from '../check.js';
import { ulpError } from '../check.js';
import { CHUNK, ElementReader } from '../inputs.js';
import { configurations, dazMatters, workingFormat, type Config, type LevelSpec } from '../level.js';
import { mergeInto } from '../union.js';
import { moreIntervals } from '../check.js';
import type { ReferenceSetup } from '../reference.js';
import { FastBounds, Status } from './bounds.js';
import { ReductionTerms } from './terms.js';
import { gridOf, type Grid } from './grid.js';
import { cells16, isPow2, NO_HOT, rawHex, type CellTables } from './cells.js';
import { ReductionCheck } from './fused-reduction.js';
import { checkNone64, hot64Constants, type Hot64 } from './hot64.js';
import { LossKernel } from './loss.js';

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);

/** Margin of the cell test (the approximation's proven error is at most 5 * 2^-53 relative). */
const CELL = 2 ** -48;
const CELL_LO = 1 - CELL;
const CELL_HI = 1 + CELL;
/** Widening of the binary64 bounds for the pass test (their proven error is at most 2^-48). */
const RHO_LO = 1 + 2 ** -44;
const RHO_HI = 1 - 2 ** -44;
/** 1.5 * 2^52: adding and subtracting it rounds |m| < 2^51 to an integer, ties to even. */
const RN_MAGIC = 6755399441055744;
/** The hot loop's single widening (the bounds there are within 2^-48 of the model's). */
const RHO_LO2 = 1 + 2 ** -43;
const RHO_HI2 = 1 - 2 ** -43;

export interface FusedStats {
  /** Elements whose expected value the exact BigInt path computed. */
  exactExpected: number;
  /** Elements whose interval the exact model computed. */
  exactIntervals: number;
  /** Reductions evaluated exactly because the sums' brackets straddled an output value. */
  exactReductions: number;
  /** Elements that took the full road (not decided by the two comparisons and the cell test). */
  slowElements: number;
}

export class FusedValueCheck {
  readonly n: number;
  position = 0;
  private readonly out: FloatFormat;
  private readonly is64: boolean;
  private readonly loss: LossKernel;
  private readonly fb: FastBounds;
  private readonly terms: ReductionTerms;
  /** The reduction side (phases 1 and 2). */
  private readonly red: ReductionCheck;
  private readonly xs = new Float64Array(CHUNK);
  private readonly ys = new Float64Array(CHUNK);
  private readonly vs = new Float64Array(CHUNK);
  private readonly up = new Float64Array(CHUNK);
  private readonly down = new Float64Array(CHUNK);
  /** 1 where the output's bit pattern is even (16-bit formats: ties to even). */
  private readonly even = new Uint8Array(CHUNK);
  private readonly res = { lo: 0, hi: 0 };
  private readonly failures: ValueFailure[] = [];
  private failedCount = 0;
  private maxUlp = 0;
  private slow = 0;
  private readonly reduced: boolean;
  /**
   * Reductions: 1 = the exact sum, 2 = the interval's terms (only when the output is not the
   * correctly rounded sum), 3 = another configuration's terms (only when the output fails
   * the intervals so far).
   */
  private phase: 1 | 2 | 3 = 1;
  private expectedSum = NaN;
  private readonly cells: CellTables | undefined;
  private readonly actualData: Uint16Array | Float32Array | Float64Array;
  /** The output is float32: cells are tested with Math.fround. */
  private readonly f32: boolean;
  private finished = false;
  private readonly outGrid: Grid | undefined;
  /** Elements of a chunk the hot loops leave to the careful road. */
  private readonly todo = new Int32Array(CHUNK);
  /** The float64 hot loops' constants, or null. */
  private readonly hot64: Hot64 | null;
  /** The level's configurations, the primary one first (its bounds are `fb`). */
  private readonly configs: Config[];
  /** The other configurations' bounds, built on first use. */
  private altBounds: FastBounds[] | null = null;
  /** Reductions, phase 3: the configuration whose terms are being summed, its reduction side, and the union so far. */
  private alt = 0;
  private altRed: ReductionCheck | null = null;
  private readonly union = { lo: 0, hi: 0, list: null as number[] | null };
  private readonly lv: LevelSpec;
  private readonly w: FloatFormat;

  constructor(
    private readonly setup: ReferenceSetup,
    lv: LevelSpec,
    private readonly actual: Tensor,
    private readonly maxReported: number,
  ) {
    this.n = setup.x.n;
    this.out = floatFormat(setup.dtype);
    this.is64 = this.out.bits > 32;
    this.loss = new LossKernel(setup.dtype, setup.beta, setup.grids);
    this.lv = lv;
    this.w = workingFormat(lv, setup.dtype);
    this.configs = configurations(setup.dtype, lv, setup);
    this.fb = new FastBounds(setup, lv, this.configs[0]);
    this.terms = new ReductionTerms(this.fb);
    this.reduced = setup.reduction !== 'none';
    if (actual.dtype !== setup.dtype) throw new Error(`value check: the output is ${actual.dtype}, the expectation ${setup.dtype} (the engine checks dtypes first)`);
    const want = this.reduced ? 1 : this.n;
    const reader = new ElementReader(actual, 'output');
    if (reader.n !== want) throw new Error(`value check: the output has ${reader.n} elements, the expectation ${want} (the engine checks shapes first)`);
    this.actualData = reader.tensorData!;
    if (this.out.bits === 16) this.cells = cells16(this.out);
    this.f32 = this.out.name === 'float32';
    this.outGrid = this.is64 ? undefined : gridOf(this.out);
    this.hot64 = this.is64 ? hot64Constants(this.fb, this.loss) : null;
    this.red = new ReductionCheck(this.loss, this.fb, this.terms, this.hot64, lv.elementRoundedToOutputBeforeReduction, floatFormat(lv.accumulation[setup.dtype]).minNormal, this.out);
  }

  get total(): number {
    return this.n;
  }

  get shape(): number[] {
    return [...this.setup.shape];
  }

  get done(): boolean {
    return this.finished;
  }

  /** Judge up to `budget` more elements; returns true when the check is complete. */
  step(budget: number): boolean {
    if (this.finished) return true;
    const end = Math.min(this.n, this.position + Math.max(1, budget));
    while (this.position < end) {
      const c = Math.min(CHUNK, end - this.position);
      this.setup.x.read(this.position, c, this.xs);
      this.setup.y.read(this.position, c, this.ys);
      if (this.reduced) {
        if (this.phase === 1) this.red.expectedChunk(this.xs, this.ys, c);
        else if (this.phase === 2) this.red.termsChunk(this.xs, this.ys, c);
        else this.altRed!.termsChunk(this.xs, this.ys, c);
      } else {
        this.decodeActual(this.position, c);
        if (this.is64) this.checkChunk64(c);
        else this.checkChunk32(c);
      }
      this.position += c;
    }
    if (this.position >= this.n) {
      if (!this.reduced) this.finished = true;
      else if (this.phase === 1) {
        // The correctly rounded value is always inside its interval: an output equal to it
        // (or NaN where NaN is expected) passes without the interval's terms; else a second pass.
        this.expectedSum = this.loss.total(this.n, this.setup.reduction as 'sum' | 'mean');
        this.decodeActual(0, 1);
        const e = this.expectedSum;
        const v = this.vs[0];
        if (e !== e || v === e) {
          this.judgeReduction(e, { lo: NaN, hi: NaN }, v);
          this.finished = true;
        } else {
          this.phase = 2;
          this.position = 0;
        }
      } else {
        const red = this.phase === 2 ? this.red : this.altRed!;
        red.interval(this.expectedSum, this.n, this.setup.x, this.setup.y, this.res);
        this.decodeActual(0, 1);
        const e = this.expectedSum;
        const v = this.vs[0];
        const u = this.union;
        if (this.phase === 2) {
          u.lo = this.res.lo;
          u.hi = this.res.hi;
          u.list = null;
        } else mergeInto(u, this.res.lo, this.res.hi);
        const inside = this.res.lo <= v && v <= this.res.hi;
        if (!inside && this.alt + 1 < this.configs.length) {
          // another configuration's terms, in a pass of their own
          this.alt++;
          const fb = new FastBounds(this.setup, this.lv, this.configs[this.alt]);
          const hot64 = this.is64 ? hot64Constants(fb, this.loss) : null;
          this.altRed = new ReductionCheck(this.loss, fb, new ReductionTerms(fb), hot64, this.lv.elementRoundedToOutputBeforeReduction, floatFormat(this.lv.accumulation[this.setup.dtype]).minNormal, this.out);
          this.phase = 3;
          this.position = 0;
        } else {
          if (inside) this.judgeReduction(e, this.res, v);
          else this.judgeReduction(e, { lo: u.lo, hi: u.hi }, v, u.list);
          this.finished = true;
        }
      }
    }
    return this.finished;
  }

  /** The implementation's values of elements [start, start + count) with their cells' half-gaps. */
  private decodeActual(start: number, count: number): void {
    const vs = this.vs;
    const up = this.up;
    const down = this.down;
    const d = this.actualData;
    const t = this.cells;
    if (t !== undefined) {
      const bits = d as Uint16Array;
      const even = this.even;
      const { value, upByExp, downByExp, fractionBits, expMask, fracMask } = t;
      for (let i = 0; i < count; i++) {
        const b = bits[start + i];
        const E = (b >> fractionBits) & expMask;
        vs[i] = value[b];
        up[i] = upByExp[E];
        down[i] = (b & fracMask) === 0 ? downByExp[E] : upByExp[E];
        even[i] = (b & 1) ^ 1;
      }
    } else if (d instanceof Float32Array) {
      // float32 cells are tested with Math.fround (RN-even): no half-gaps needed
      for (let i = 0; i < count; i++) vs[i] = d[start + i];
    } else {
      const f = d as Float64Array;
      for (let i = 0; i < count; i++) vs[i] = f[start + i];
    }
  }

  /** 'none', outputs of at most 32 bits. */
  private checkChunk32(count: number): void {
    const { xs, ys, vs, up, down, even } = this;
    const hb = this.loss.hotBeta();
    const b = hb.b;
    const i2b = hb.i2b;
    const hbRef = hb.hb;
    // 1/(2 beta) is exact (a power of two): then L = a^2 / (2 beta) is exact whenever a^2 is
    const i2bExact = isPow2(i2b) && i2b * 2 * b === 1;
    const f32 = this.f32;
    const g = this.outGrid!;
    const quantum = g.quantum;
    const inverse = g.inverse;
    const maxFinite = this.out.maxFinite;
    // the hot regions' bounds (oracle/fast/bounds.ts HotConstants); unusable ones never match
    const h = this.fb.hot;
    const N = h === null ? Infinity : h.N;
    const { flushBelow, aMax, c1m, c1p, bLoLo, bHiHi, dStar, kLo, kHi, hbHi, hbLo, c2lo, c2hi, linSafe } = h ?? NO_HOT;
    let maxUlp = this.maxUlp;
    for (let i = 0; i < count; i++) {
      const x = xs[i];
      const y = ys[i];
      const v = vs[i];
      const s = x - y;
      const a = Math.abs(s);
      // The correctly rounded value always lies in its interval (the model bounds every
      // admitted computation, the exact one with the expected values' beta among them), so an
      // output proven equal to it passes without its interval: the loss within 5 * 2^-53 (the
      // branch exact: a double b is above a = RN64(|d|) only if above |d|), and both ends of
      // that error interval rounding to v (float32: Math.fround is RN-even; else strictly
      // inside v's cell). With b not a covered double, L is never taken (NaN comparisons).
      let L = -1;
      let quad = false;
      if (a < b) {
        L = a * a * i2b;
        quad = true;
      } else if (a > b) L = a - hbRef;
      let e = NaN; // the expected value, where decided below
      if (L >= 0) {
        if (f32 ? Math.fround(L * CELL_LO) === v && Math.fround(L * CELL_HI) === v : L * CELL_HI < v + up[i] && L * CELL_LO > v - down[i]) continue;
        // Is the double L the exact loss (x - y exact, and a - beta/2 exact, or a^2 exact with
        // 1/(2 beta) a power of two)? Then its rounding is decided exactly (ties to even).
        const bb = s - x;
        let exact = x - (s - bb) + (-y - bb) === 0;
        if (exact) {
          if (quad) {
            const p = a * a;
            const c = 134217729 * a;
            const ah = c - (c - a);
            const al = a - ah;
            exact = i2bExact && ah * ah - p + 2 * ah * al + al * al === 0;
          } else {
            const bl = L - a;
            exact = a - (L - bl) + (-hbRef - bl) === 0;
          }
        }
        if (exact) {
          if (f32 ? Math.fround(L) === v : (L < v + up[i] && L > v - down[i]) || ((L === v + up[i] || L === v - down[i]) && even[i] === 1)) continue;
          if (f32) e = Math.fround(L);
          else {
            // RN of the exact double L on the grid (the quantum of L's binade, 1.5 * 2^52 rounds ties to even)
            F64[0] = L;
            const E = (U32[1] >>> 20) & 0x7ff;
            e = (L * inverse[E] + RN_MAGIC - RN_MAGIC) * quantum[E];
            if (e > maxFinite) e = Infinity;
          }
        } else if (f32) {
          const e1 = Math.fround(L * CELL_LO);
          if (e1 === Math.fround(L * CELL_HI)) e = e1;
        } else {
          // both ends of L's error interval rounded to the grid (as above); equal: that is e
          const l0 = L * CELL_LO;
          const l1 = L * CELL_HI;
          F64[0] = l0;
          const E0 = (U32[1] >>> 20) & 0x7ff;
          F64[0] = l1;
          const E1 = (U32[1] >>> 20) & 0x7ff;
          const e0 = (l0 * inverse[E0] + RN_MAGIC - RN_MAGIC) * quantum[E0];
          if (e0 === (l1 * inverse[E1] + RN_MAGIC - RN_MAGIC) * quantum[E1]) e = e0 > maxFinite ? Infinity : e0;
        }
      }
      // v is not the correctly rounded value (or that is not proven): inside its interval?
      if (a > N && a <= aMax && !(flushBelow > 0 && ((Math.abs(x) < flushBelow && x !== 0) || (Math.abs(y) < flushBelow && y !== 0)))) {
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
        if (lo >= 0 && v >= lo * RHO_LO2 && v <= hi * RHO_HI2 && v <= maxFinite) {
          // inside: only its ulp error against the expected value is due
          if (e <= maxFinite) {
            F64[0] = e;
            const ue = Math.abs((v - e) / quantum[(U32[1] >>> 20) & 0x7ff]);
            if (ue > maxUlp) maxUlp = ue;
          } else {
            this.maxUlp = maxUlp;
            this.noteUlp(x, y, v);
            maxUlp = this.maxUlp;
          }
          continue;
        }
      }
      this.maxUlp = maxUlp;
      this.careful32(i, x, y, v);
      maxUlp = this.maxUlp;
    }
    this.maxUlp = maxUlp;
  }

  /** One element by `bounds` (every region the fast path covers), then the full road where needed. */
  private careful32(i: number, x: number, y: number, v: number): void {
    const fb = this.fb;
    if (x - y - (x - y) === 0 && fb.bounds(x, y) === Status.Approx) {
      const lo = fb.lo + fb.loErr;
      const hi = fb.hi - fb.hiErr;
      if (v >= lo * RHO_LO && v <= hi * RHO_HI && v <= this.out.maxFinite) {
        // inside the interval; is v the correctly rounded value? (cheaply when the loss is not near a tie)
        const L = this.loss.approx(x, y);
        if (L >= 0 && (this.f32 ? Math.fround(L * CELL_LO) === v && Math.fround(L * CELL_HI) === v : L * CELL_HI < v + this.up[i] && L * CELL_LO > v - this.down[i])) return;
        this.noteUlp(x, y, v);
        return;
      }
    }
    this.slowElement(i, x, y, v);
  }

  /** 'none', float64 outputs: the hot loop (oracle/fast/hot64.ts), then the careful road for what it leaves. */
  private checkChunk64(count: number): void {
    const { xs, ys, vs } = this;
    const h = this.hot64;
    if (h === null) {
      for (let i = 0; i < count; i++) this.careful64(i, xs[i], ys[i], vs[i]);
      return;
    }
    const todo = this.todo;
    const ulp = { max: this.maxUlp };
    const k = checkNone64(h, xs, ys, vs, count, todo, ulp);
    this.maxUlp = ulp.max;
    for (let j = 0; j < k; j++) {
      const t = todo[j];
      if (t < 0) this.noteUlp(xs[~t], ys[~t], vs[~t]);
      else this.careful64(t, xs[t], ys[t], vs[t]);
    }
  }

  /** An element proven inside its interval: only its ulp error against the expected value is due. */
  private noteUlp(x: number, y: number, v: number): void {
    const e = this.loss.expected(x, y);
    if (e === v) return;
    const ue = ulpError(this.setup.dtype, e, v);
    if (Math.abs(ue) > this.maxUlp || ue !== ue) this.maxUlp = Math.abs(ue);
  }

  /** One float64 element by `bounds` and the loss kernel, then the full road where needed. */
  private careful64(i: number, x: number, y: number, v: number): void {
    const fb = this.fb;
    if (x - y - (x - y) === 0 && fb.bounds(x, y) === Status.Approx) {
      // v >= lo: v > loH is enough (lo < loH + ulp, v a double), or v = loH with loL + err <= 0
      const eL = 2 ** -96 * fb.loH;
      const eH = 2 ** -96 * fb.hiH;
      const okLo = v > fb.loH || (v === fb.loH && fb.loL + eL <= 0);
      const okHi = v < fb.hiH || (v === fb.hiH && fb.hiL - eH >= 0);
      if (okLo && okHi && v <= Number.MAX_VALUE) {
        this.noteUlp(x, y, v);
        return;
      }
    }
    this.slowElement(i, x, y, v);
  }

  /** The full road for one element: exact expected value and exact final interval. */
  private slowElement(i: number, x: number, y: number, v: number): void {
    this.slow++;
    this.judgeElement(i, x, y, v, this.loss.expected(x, y));
  }

  private judgeElement(i: number, x: number, y: number, v: number, e: number): void {
    const res = this.res;
    this.fb.elementInterval(x, y, e, res);
    let ok = e !== e ? v !== v : v >= res.lo && v <= res.hi;
    const ue = v === e ? 0 : ulpError(this.setup.dtype, e, v);
    if (Math.abs(ue) > this.maxUlp || ue !== ue) this.maxUlp = Math.abs(ue);
    if (ok) return;
    if (e !== e) {
      this.fail(this.position + i, e, res.lo, res.hi, v);
      return;
    }
    // outside the primary configuration's interval: the other configurations, one by one
    const u = this.union;
    u.lo = res.lo;
    u.hi = res.hi;
    u.list = null;
    const dazSame = !dazMatters(this.w, x, y);
    const alts = this.alternatives();
    for (let k = 0; k < alts.length; k++) {
      const fb = alts[k];
      if (dazSame && fb.config!.daz) continue; // reads the same inputs as its non-DAZ twin
      fb.elementInterval(x, y, e, res);
      if (v >= res.lo && v <= res.hi) {
        // an implementation keeps its configuration: try this one first for the next element
        if (k > 0) alts.unshift(...alts.splice(k, 1));
        ok = true;
        break;
      }
      mergeInto(u, res.lo, res.hi);
    }
    if (!ok) this.fail(this.position + i, e, u.lo, u.hi, v, u.list);
  }

  /** The other configurations' bounds (built on first use). */
  private alternatives(): FastBounds[] {
    if (this.altBounds === null) this.altBounds = this.configs.slice(1).map((c) => new FastBounds(this.setup, this.lv, c));
    return this.altBounds;
  }

  /** Record a failure; list: the whole union [lo, hi, ...] where it has more than one interval. */
  private fail(index: number, e: number, lo: number, hi: number, v: number, list: number[] | null = null): void {
    this.failedCount++;
    if (this.failures.length >= this.maxReported) return;
    const f = this.out;
    const hex = (x: number) => f.toHex(f.encode(x));
    const more = list !== null ? moreIntervals(list.slice(2), hex) : undefined;
    this.failures.push({ index, expected: e, lo, hi, actual: v, expectedHex: hex(e), loHex: hex(lo), hiHex: hex(hi), actualHex: rawHex(this.actual, index), ulpError: v === e ? 0 : ulpError(this.setup.dtype, e, v), ...(more ? { more } : {}) });
  }

  /** The verdict on a reduction's single output v (interval res, or the union list; NaN ends where e is NaN or v = e). */
  private judgeReduction(e: number, res: { lo: number; hi: number }, v: number, list: number[] | null = null): void {
    const ok = e !== e ? v !== v : v === e || (v >= res.lo && v <= res.hi);
    const ue = v === e ? 0 : ulpError(this.setup.dtype, e, v);
    this.maxUlp = Math.abs(ue);
    if (!ok) {
      // a NaN expectation's interval is NaN (any NaN accepted, nothing else)
      if (e !== e) this.fail(0, e, NaN, NaN, v);
      else this.fail(0, e, res.lo, res.hi, v, list);
    }
  }

  result(): ValueCheck & { stats: FusedStats } {
    if (!this.finished) throw new Error('value check: result() before the last step');
    return {
      ok: this.failedCount === 0,
      failedCount: this.failedCount,
      maxUlpError: this.maxUlp,
      failures: this.failures,
      stats: { exactExpected: this.loss.exactElements, exactIntervals: this.fb.exactElements + (this.altBounds ?? []).reduce((s, fb) => s + fb.exactElements, 0), exactReductions: this.terms.exactReductions, slowElements: this.slow },
    };
  }
}
