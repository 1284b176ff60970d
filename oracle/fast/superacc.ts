/**
 * An exact accumulator of doubles (a "small superaccumulator" after Radford Neal, "Fast
 * exact summation using small and large superaccumulators", arXiv:1505.05571, and his xsum
 * library), written for JavaScript, where the only fast numbers are doubles: the chunks
 * are doubles holding integers exactly (below 2^53) instead of 64-bit integers.
 *
 * Chunk k holds a signed integer count of units 2^(32k - 1074), so the whole accumulator
 * is the exact integer sum(chunk[k] * 2^(32k)) times 2^-1074, covering every double from
 * the smallest subnormal up. A finite double v = M * 2^(P - 1074) (M < 2^53, P >= 0) is
 * added as the base-2^32 digits of t = M * 2^(P mod 32) < 2^84: three integers below 2^32
 * into chunks P div 32 .. +2. Each chunk can take 2^21 such additions before it could
 * reach 2^53, so carries are propagated every 2^20 additions (and at the end). No add
 * loses a bit; the result is read out once as a BigInt.
 *
 * Infinities and NaNs are not accumulated (the callers handle them as flags).
 */

const CHUNKS = 72; // (2046 + 32 * 2 + bits of 2^30 terms) / 32, rounded up, with room for carries
const TWO32 = 4294967296;
const INV32 = 1 / TWO32;
const CARRY_EVERY = 1 << 20;

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);

/** SCALE[k] = 2^(1074 - 32k) for k >= 2 (k = 0, 1 are scaled in two steps: 2^1074 is beyond binary64). */
const SCALE = new Float64Array(CHUNKS);
for (let k = 2; k < CHUNKS; k++) SCALE[k] = 2 ** (1074 - 32 * k);
const TWO537 = 2 ** 537;

/**
 * Add a finite double exactly to a superaccumulator's chunks. The caller counts: at most
 * SuperAccumulator.ADDS_BEFORE_CARRY adds between two carry propagations (`noteAdds`).
 * A free function so that hot loops inline it (a call that is not inlined would box its
 * double argument).
 */
export function addToChunks(c: Float64Array, v: number): void {
  if (v === 0) return;
  F64[0] = v;
  const E = (U32[1] >>> 20) & 0x7ff;
  const P = E === 0 ? 0 : E - 1;
  const k = P >>> 5;
  // t = M * 2^(P mod 32): an integer below 2^84 in magnitude (an exact power-of-two scaling)
  const t = k >= 2 ? v * SCALE[k] : v * TWO537 * 2 ** (537 - 32 * k);
  const f1 = Math.floor(t * INV32);
  const d0 = t - f1 * TWO32;
  const d2 = Math.floor(f1 * INV32);
  const d1 = f1 - d2 * TWO32;
  c[k] += d0;
  c[k + 1] += d1;
  c[k + 2] += d2;
}

export class SuperAccumulator {
  /** Adds allowed between carry propagations (each chunk stays below 2^53 in magnitude). */
  static readonly ADDS_BEFORE_CARRY = CARRY_EVERY;
  readonly chunk = new Float64Array(CHUNKS);
  private addsLeft = CARRY_EVERY;

  /** Add a finite double exactly. */
  add(v: number): void {
    addToChunks(this.chunk, v);
    if (--this.addsLeft === 0) this.carry();
  }

  /** Account for k adds made directly with addToChunks (k <= ADDS_BEFORE_CARRY; propagates carries when due). */
  noteAdds(k: number): void {
    this.addsLeft -= k;
    if (this.addsLeft <= 0) this.carry();
  }

  /** Merge another accumulator into this one. */
  addAccumulator(o: SuperAccumulator): void {
    this.carry();
    o.carry();
    for (let k = 0; k < CHUNKS; k++) this.chunk[k] += o.chunk[k];
    this.carry();
  }

  /** Normalise: every chunk but the top one into [0, 2^32), the sign in the top non-zero chunk. */
  carry(): void {
    const c = this.chunk;
    for (let k = 0; k < CHUNKS - 1; k++) {
      const v = c[k];
      if (v >= 0 && v < TWO32) continue;
      const hi = Math.floor(v * INV32);
      c[k] = v - hi * TWO32;
      c[k + 1] += hi;
    }
    this.addsLeft = CARRY_EVERY;
  }

  /** The exact sum as m * 2^e (m a BigInt, e = -1074). */
  value(): { m: bigint; e: number } {
    this.carry();
    let m = 0n;
    for (let k = CHUNKS - 1; k >= 0; k--) m = (m << 32n) + BigInt(this.chunk[k]);
    return { m, e: -1074 };
  }

  /** True when nothing nonzero was added (or everything cancelled). */
  isZero(): boolean {
    this.carry();
    return this.chunk.every((v) => v === 0);
  }

  reset(): void {
    this.chunk.fill(0);
    this.addsLeft = CARRY_EVERY;
  }
}
