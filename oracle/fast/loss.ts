/**
 * The expected values by the fast path: the exact loss correctly rounded to the output
 * format, computed in binary64 with error-free transformations, exact by proof. Where a
 * result is not decided (a proven error bound straddles a rounding boundary, or a value
 * is outside the ranges the proofs assume), the element goes to the exact BigInt path of
 * oracle/exact-loss.ts; those elements are counted (`exactElements`).
 *
 * Per element, with d = x - y known exactly as s + err (TwoSum) and a = |s|, ae the error
 * with a's sign (|d| = a + ae exactly):
 * - the branch |d| < beta is decided exactly from (a, ae) and beta (a double);
 * - linear: L = a + ae - beta/2. With ae = 0, TwoSum(a, -beta/2) is L exactly as a pair
 *   (h, l) with h = RN64(L), and rounding such a pair to a narrower grid is exact
 *   (Grid.rnPair); for a float64 output RN64(L) = h directly. With ae != 0 the three
 *   terms are renormalised and the result is decided unless it is within a bound of a tie.
 * - quadratic: L = (a + ae)^2 / (2 beta). a^2 = p + q exactly (Dekker). For a power-of-two
 *   beta, L is (p + q) times a power of two: exact, rounded as a pair. Otherwise the
 *   quotient has a proven relative error (below 2^-51 in binary64, 2^-100 as a double-word
 *   for float64 outputs) and Ziv's test decides: the rounding is taken when both ends of
 *   the error interval round the same way.
 * - reductions: sum(L) = (sum of a^2 over quadratic elements) / (2 beta) + (sum of a over
 *   linear elements) - n_lin * beta/2. The two sums are accumulated exactly in
 *   superaccumulators (each a^2 as its two exact parts), undecidable elements in BigInt,
 *   and the total is formed and rounded once in BigInt (oracle/exact-loss.ts exactTotal).
 */
import { floatFormat } from '../../common/float-format.js';
import type { FloatDType, Reduction } from '../../common/types.js';
import type { Beta } from '../beta.js';
import { betaDenominator, DyadicSum, elementLoss, exactTotal, Kind, type ElementOut, type Grids } from '../exact-loss.js';
import { roundScaled } from '../exact.js';
import { ddDivD, fastTwoSum, twoProd, twoSquare, twoSum, type Pair } from './eft.js';
import { exponentField, gridOf, type Grid } from './grid.js';
import { SuperAccumulator } from './superacc.js';

/** Ziv margin in binary64: 32 times the proven relative error bound of the quotient (2.01 * 2^-53). */
const Z = 2 ** -48;
const Z_LO = 1 - Z;
const Z_HI = 1 + Z;
/** Relative error bound used for double-word quotients (proven: 3.5 * 2^-106 plus the numerator's 2^-105). */
const Z_DD = 2 ** -100;
/** |a| range in which a^2, its Dekker error term and the quotient's parts are normal doubles. */
const SQ_MIN = 2 ** -450;
const SQ_MAX = 2 ** 450;
/** Smallest double-word quotient whose low part is still a normal double. */
const DD_MIN = 2 ** -960;

/** ULP64[E]: the binary64 quantum of the binade with biased exponent field E. */
const ULP64 = new Float64Array(2048);
for (let E = 0; E < 2048; E++) ULP64[E] = 2 ** (Math.max(E, 1) - 1075);
/** POW2_64[E] = 2^(E - 1023): the power of two at the bottom of binade E. */
const POW2_64 = new Float64Array(2048);
for (let E = 0; E < 2048; E++) POW2_64[E] = 2 ** (E - 1023);

/** Half the gap from h to its neighbour on the side of `side` (a sign), in binary64. */
function halfGap64(h: number, side: number): number {
  const E = exponentField(h);
  const q = ULP64[E];
  // just below a power of two (above the subnormal range) the binade below has half the quantum
  if (side < 0 && E > 1 && h === POW2_64[E]) return q / 4;
  return q / 2;
}

/**
 * Per-case constants and the per-element fast loss for one output format and one beta.
 * One class serves every output format (a flag selects the float64 path), so the loops
 * that call it stay monomorphic.
 */
export class LossKernel {
  /** Elements the fast path left to the exact path (for the bench and the tests). */
  exactElements = 0;

  private readonly is64: boolean;
  private readonly grid: Grid | undefined;
  /** beta classes: NaN, +inf, or a double (possibly 0 or negative in pure-math use). */
  private readonly betaNaN: boolean;
  private readonly betaPosInf: boolean;
  /** The beta as a double for the fast comparisons (-inf acts as 0, see exact-loss.ts). */
  private readonly b: number;
  /** beta/2 and 2 beta, exact doubles. */
  private readonly hb: number;
  private readonly twoB: number;
  /** 1 / (2 beta) when beta is a power of two (then exact), else 0. */
  private readonly pow2Scale: number;
  /** RN64(1 / (2 beta)). */
  private readonly i2b: number;
  /** Every element must take the exact path (a beta the proofs do not cover). */
  private readonly allExact: boolean;
  private readonly pair: Pair = { hi: 0, lo: 0 };
  private readonly scratch: ElementOut = { quadratic: false, num: 0n, exp: 0 };

  // reduction state (the value check's hot loop adds to quad, lin and nLin directly)
  readonly quad = new SuperAccumulator();
  readonly lin = new SuperAccumulator();
  nLin = 0;
  private readonly quadBig = new DyadicSum();
  private readonly linBig = new DyadicSum();
  nan = false;
  inf = false;

  constructor(
    readonly out: FloatDType,
    readonly beta: Beta,
    private readonly grids: Grids,
  ) {
    const fmt = floatFormat(out);
    this.is64 = fmt.bits > 32;
    this.grid = this.is64 ? undefined : gridOf(fmt);
    this.betaNaN = beta.kind === 'nan';
    this.betaPosInf = beta.kind === 'inf' && !beta.neg;
    let b = 0;
    let exactOnly = false;
    if (beta.kind === 'finite') {
      if (beta.value === null) exactOnly = true;
      else b = beta.value;
    }
    this.b = b;
    this.hb = b / 2;
    this.twoB = 2 * b;
    // beta/2 and 2 beta must be exact, and 2 beta finite; the quotient needs a beta the range guards cover
    // (a negative beta, pure-math use only, and a beta the range guards do not cover take the exact path)
    if (this.hb * 2 !== b || !Number.isFinite(this.twoB) || b < 0 || (b > 0 && (b < SQ_MIN || b > 2 ** 1000))) exactOnly = true;
    this.allExact = exactOnly;
    const m = beta.kind === 'finite' ? beta.dy.m : 0n;
    this.pow2Scale = m === 1n && !exactOnly ? 1 / this.twoB : 0;
    this.i2b = 1 / this.twoB;
  }

  /** The beta of the expected values as a finite positive double covered by `approx` (else NaN), beta/2 and RN64(1 / (2 beta)). */
  hotBeta(): { b: number; hb: number; i2b: number } {
    const ok = !this.allExact && !this.betaNaN && !this.betaPosInf && this.b > 0;
    return { b: ok ? this.b : NaN, hb: this.hb, i2b: this.i2b };
  }

  /**
   * The exact loss of finite (x, y) to within a relative error of 5 * 2^-53 (a binary64
   * evaluation: a^2 / (2 beta) or a - beta/2 with a = |RN64(x - y)|), or -1 where that is
   * not proven (|d| at beta, a beta the fast path does not cover). Used by the value check
   * to confirm cheaply that an implementation's value is the correctly rounded one.
   */
  approx(x: number, y: number): number {
    const s = x - y;
    if (s === 0) return 0;
    if (this.allExact || this.betaPosInf || this.betaNaN || !(s - s === 0)) return -1;
    const a = s < 0 ? -s : s;
    const b = this.b;
    // a double b above a = RN64(|d|) is also above |d| (and below: below), so the branch is exact
    if (a < b) return a * a * this.i2b;
    if (a > b) return a - this.hb;
    return -1;
  }

  /** The exact loss of (x, y) correctly rounded to the output format. */
  expected(x: number, y: number): number {
    if (x !== x || y !== y || this.betaNaN) return NaN;
    if (x === Infinity || x === -Infinity || y === Infinity || y === -Infinity) {
      // inf - inf is NaN; an infinite |d| takes the linear branch: inf - beta/2 (NaN for beta = +inf)
      if (x === y) return NaN;
      return this.betaPosInf ? NaN : Infinity;
    }
    const s = x - y;
    if (s === Infinity || s === -Infinity || this.allExact) return this.exact(x, y);
    if (s === 0 || this.betaPosInf) return 0;
    const bb = s - x;
    const err = x - (s - bb) + (-y - bb);
    const a = s < 0 ? -s : s;
    const ae = s < 0 ? -err : err;
    const b = this.b;
    const r = this.pair;
    if (a < b || (a === b && ae < 0)) {
      // quadratic: L = (a + ae)^2 / (2 beta)
      if (a < SQ_MIN || a > SQ_MAX) return this.exact(x, y);
      twoSquare(a, r);
      let p = r.hi;
      let q = r.lo;
      const exactN = ae === 0;
      if (!exactN) {
        // (a + ae)^2 = a^2 + (2 a ae + ae^2): the tail is below 2^-51 a^2, its roundings below 2^-104 a^2
        fastTwoSum(p, q + (2 * a * ae + ae * ae), r);
        p = r.hi;
        q = r.lo;
      }
      if (this.is64) {
        if (this.pow2Scale !== 0 && exactN) {
          // (p + q) * 2^k exactly, still a normalised pair: RN64 is its high part
          const h = p * this.pow2Scale;
          if (h >= DD_MIN) return h;
          return this.exact(x, y);
        }
        ddDivD(p, q, this.twoB, r);
        const h = r.hi;
        if (!(h >= DD_MIN)) return this.exact(x, y);
        const l = r.lo;
        if (Math.abs(l) + Z_DD * h < halfGap64(h, l)) return h;
        return this.exact(x, y);
      }
      const g = this.grid!;
      if (exactN && this.pow2Scale !== 0) {
        const h = p * this.pow2Scale;
        if (h >= DD_MIN) return g.rnPair(h, q * this.pow2Scale);
        return this.exact(x, y);
      }
      // one rounding of the sum and one of the quotient: relative error below 2.01 * 2^-53
      const h = (p + q) / this.twoB;
      if (!(h >= DD_MIN)) return this.exact(x, y);
      const lo = g.rn(h * Z_LO);
      if (lo === g.rn(h * Z_HI)) return lo;
      return this.exact(x, y);
    }
    // linear: L = a + ae - beta/2, exactly h + l (TwoSum) when ae = 0
    twoSum(a, -this.hb, r);
    if (ae === 0) return this.is64 ? r.hi : this.grid!.rnPair(r.hi, r.lo);
    // L = h + l + ae: renormalise to h3 + l3 + rest, h3 = RN64(h + l2), |rest| <= quantum(l2)/2,
    // and l3 is a multiple of quantum(l2): so RN64(L) = h3 unless h + l2 was a tie (|l3| = gap)
    const h = r.hi;
    twoSum(r.lo, ae, r);
    const rest = r.lo;
    fastTwoSum(h, r.hi, r);
    const h3 = r.hi;
    const l3 = r.lo;
    if (this.is64) {
      const gap = halfGap64(h3, l3);
      if (Math.abs(l3) < gap || rest === 0) return h3;
      return rest > 0 === l3 > 0 ? h3 + 2 * l3 : h3;
    }
    // a narrower grid: V = h3 + (l3 + rest) lies on h3's side of every midpoint of the grid
    // other than h3 itself, and the sign of l3 + rest (RN keeps signs) is that of V - h3
    return this.grid!.rnPair(h3, l3 + rest);
  }

  /** The exact path for one element (BigInt), counted. */
  private exact(x: number, y: number): number {
    this.exactElements++;
    const sc = this.scratch;
    const k = elementLoss(x, y, this.beta, sc, this.grids);
    if (k === Kind.NaN) return NaN;
    if (k === Kind.Inf) return Infinity;
    return roundScaled(false, sc.num, sc.quadratic ? betaDenominator(this.beta) : 1n, sc.exp, floatFormat(this.out), 0);
  }

  /**
   * Add one element's exact loss to the reduction. Returns false once the sum is NaN (the
   * caller may stop: nothing changes a NaN sum).
   */
  accumulate(x: number, y: number): boolean {
    if (x !== x || y !== y || this.betaNaN) {
      this.nan = true;
      return false;
    }
    if (x === Infinity || x === -Infinity || y === Infinity || y === -Infinity) {
      // inf - inf is NaN; an infinite |d| takes the linear branch: inf - beta/2, NaN for beta = +inf
      if (x === y || this.betaPosInf) {
        this.nan = true;
        return false;
      }
      this.inf = true;
      return true;
    }
    const s = x - y;
    if (s === Infinity || s === -Infinity || this.allExact) return this.exactAdd(x, y);
    if (s === 0 || this.betaPosInf) return true;
    const bb = s - x;
    const err = x - (s - bb) + (-y - bb);
    const a = s < 0 ? -s : s;
    const ae = s < 0 ? -err : err;
    const b = this.b;
    if (a < b || (a === b && ae < 0)) {
      if (a < SQ_MIN || a > SQ_MAX) return this.exactAdd(x, y);
      const r = this.pair;
      if (ae !== 0) {
        // (a + ae)^2 = a^2 + 2 a ae + ae^2, each part exact where no product underflows
        if ((ae < 0 ? -ae : ae) < SQ_MIN) return this.exactAdd(x, y);
        twoProd(2 * a, ae, r);
        this.quad.add(r.hi);
        this.quad.add(r.lo);
        twoSquare(ae, r);
        this.quad.add(r.hi);
        this.quad.add(r.lo);
      }
      twoSquare(a, r);
      this.quad.add(r.hi);
      this.quad.add(r.lo);
      return true;
    }
    this.lin.add(a);
    if (ae !== 0) this.lin.add(ae);
    this.nLin++;
    return true;
  }

  private exactAdd(x: number, y: number): boolean {
    this.exactElements++;
    const sc = this.scratch;
    const k = elementLoss(x, y, this.beta, sc, this.grids);
    if (k === Kind.NaN) {
      this.nan = true;
      return false;
    }
    if (k === Kind.Inf) this.inf = true;
    else if (sc.quadratic) this.quadBig.add(sc.num, sc.exp);
    else this.linBig.add(sc.num, sc.exp);
    return true;
  }

  /** The reduction of everything accumulated, correctly rounded (n elements in all). */
  total(n: number, reduction: Exclude<Reduction, 'none'>): number {
    if (this.nan || (reduction === 'mean' && n === 0)) return NaN; // the mean of nothing is 0/0
    if (this.inf) return Infinity; // every term is >= 0, so no inf - inf
    const beta = this.beta;
    const quad = new DyadicSum();
    const lin = new DyadicSum();
    const q = this.quad.value();
    const l = this.lin.value();
    if (beta.kind === 'finite') {
      // sum a^2 / (2 beta) = (sum a^2) * 2^(-eb-1) / mb
      quad.add(q.m, q.e - beta.dy.e - 1);
      // - n_lin * beta/2 = - n_lin * mb * 2^(eb-1)
      lin.add(-BigInt(this.nLin) * beta.dy.m, beta.dy.e - 1);
    }
    quad.add(this.quadBig.m, this.quadBig.e);
    lin.add(l.m, l.e);
    lin.add(this.linBig.m, this.linBig.e);
    const mb = betaDenominator(beta);
    const t = exactTotal({ m: quad.m, e: quad.e }, { m: lin.m, e: lin.e }, mb);
    const den = reduction === 'mean' ? t.den * BigInt(n) : t.den;
    if (t.num < 0n) throw new Error('oracle: a negative exact sum of losses (a negative beta reached a reduction)');
    return roundScaled(false, t.num, den, t.exp, floatFormat(this.out), 0);
  }
}
