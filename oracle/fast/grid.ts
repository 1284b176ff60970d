/**
 * Fast rounding of doubles to the value grid of a float format of at most 32 bits
 * (float16, bfloat16, float32): round to nearest even, toward -inf, toward +inf, and the
 * quantum and cell of a grid value. One `Grid` per format, built from the format trait
 * (common/float-format.ts), so one code path serves every format (the loops that call it
 * stay monomorphic) and nothing is written per dtype.
 *
 * The method: the quantum of the binade of v (2^(max(e, emin) - fractionBits), e the
 * exponent of v) comes from a table indexed by v's biased binary64 exponent; v / quantum
 * is then an exact scaling, and floor, ceil or the 1.5*2^52 trick round it to an integer
 * in binary64 exactly (|v / quantum| < 2^25). The results are checked against the format
 * trait's own rounding in test/oracle/fast.test.ts.
 */
import type { FloatFormat } from '../../common/float-format.js';

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);

/** The biased binary64 exponent field of v (0 for zeros and subnormals, 2047 for inf/NaN). */
export function exponentField(v: number): number {
  F64[0] = v;
  return (U32[1] >>> 20) & 0x7ff;
}

/** True when the finite nonzero double v is a power of two (its fraction field is zero). */
export function isPowerOfTwo(v: number): boolean {
  F64[0] = v;
  return (U32[1] & 0xfffff) === 0 && U32[0] === 0 && v !== 0;
}

/** 1.5 * 2^52: adding and subtracting it rounds |m| < 2^51 to an integer, ties to even. */
const RN_MAGIC = 6755399441055744;

export class Grid {
  readonly maxFinite: number;
  readonly minNormal: number;
  readonly minSubnormal: number;
  /** quantum[E]: the quantum of the format's binade holding doubles with biased exponent field E. */
  readonly quantum: Float64Array;
  /** 1 / quantum[E] (exact powers of two). */
  readonly inverse: Float64Array;
  /** The biased binary64 exponent field of minNormal. */
  readonly minNormalField: number;
  /** maxFinite + half its quantum: the exact values at or above it round to +inf. */
  readonly overflowThreshold: number;

  constructor(readonly fmt: FloatFormat) {
    if (fmt.bits > 32) throw new Error(`Grid: ${fmt.name} has ${fmt.bits} bits; the binary64 grid is the double itself`);
    this.maxFinite = fmt.maxFinite;
    this.minNormal = fmt.minNormal;
    this.minSubnormal = fmt.minSubnormal;
    this.quantum = new Float64Array(2048);
    this.inverse = new Float64Array(2048);
    for (let E = 0; E < 2048; E++) {
      const e = Math.max(E - 1023, fmt.emin);
      this.quantum[E] = 2 ** (e - fmt.fractionBits);
      this.inverse[E] = 2 ** (fmt.fractionBits - e);
    }
    this.minNormalField = fmt.emin + 1023;
    this.overflowThreshold = fmt.maxFinite + 2 ** (fmt.emax - fmt.fractionBits) / 2;
  }

  /** Round to nearest even (overflow to ±inf); v finite. */
  rn(v: number): number {
    F64[0] = v;
    const E = (U32[1] >>> 20) & 0x7ff;
    const m = v * this.inverse[E];
    const r = (m + RN_MAGIC - RN_MAGIC) * this.quantum[E];
    if (r > this.maxFinite) return Infinity;
    if (r < -this.maxFinite) return -Infinity;
    return r;
  }

  /** Round toward -inf (to -inf below -maxFinite); v finite. */
  rd(v: number): number {
    if (v >= this.maxFinite) return this.maxFinite;
    if (v < -this.maxFinite) return -Infinity;
    F64[0] = v;
    const E = (U32[1] >>> 20) & 0x7ff;
    return Math.floor(v * this.inverse[E]) * this.quantum[E];
  }

  /** Round toward +inf (to +inf above maxFinite); v finite. */
  ru(v: number): number {
    if (v > this.maxFinite) return Infinity;
    if (v <= -this.maxFinite) return -this.maxFinite;
    F64[0] = v;
    const E = (U32[1] >>> 20) & 0x7ff;
    return Math.ceil(v * this.inverse[E]) * this.quantum[E];
  }

  /** The quantum of the binade holding the finite double v (minSubnormal below minNormal). */
  quantumOf(v: number): number {
    F64[0] = v;
    return this.quantum[(U32[1] >>> 20) & 0x7ff];
  }

  /**
   * RN of the exact value h + l, given as a pair with h = RN64(h + l) (an exact double-word
   * or an EFT result). The grid's midpoints are doubles and RN64 is monotone, so h + l lies
   * on the same side of every midpoint as h, except when h is itself a midpoint: then the
   * sign of l decides (l = 0 is a tie, to even). The overflow threshold maxFinite + q/2 is
   * such a midpoint too.
   */
  rnPair(h: number, l: number): number {
    if (l === 0 || h !== h) return this.rn(h);
    if (h < 0) return -this.rnPair(-h, -l);
    const T = this.overflowThreshold;
    if (h > T) return Infinity;
    if (h === T) return l > 0 ? Infinity : this.maxFinite;
    const down = this.rd(h);
    const up = this.ru(h);
    if (down === up) return down;
    const mid = up === Infinity ? T : (down + up) / 2;
    if (h < mid) return down;
    if (h > mid) return up;
    return l > 0 ? up : down;
  }
}

const grids = new Map<string, Grid>();
/** The Grid of a format of at most 32 bits (built once per format). */
export function gridOf(fmt: FloatFormat): Grid {
  let g = grids.get(fmt.name);
  if (g === undefined) {
    g = new Grid(fmt);
    grids.set(fmt.name, g);
  }
  return g;
}
