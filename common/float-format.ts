/**
 * One trait per binary float format, derived from spec/dtypes.json (exponentBits,
 * fractionBits): constants, bit-pattern codecs, round-to-nearest-even from a double,
 * directed rounding, neighbours and ulps. Nothing here is written per dtype: the only
 * per-format choices are speed paths selected by the format's shape (a 16-bit format
 * decodes through a 65536-entry table; the 32- and 64-bit formats use typed-array
 * reinterpretation because the platform's own conversions are RN-even for them).
 *
 * Conventions: a "value" is a JS double exactly equal to a value of the format (every
 * format here fits in binary64); "bits" is the pattern as an unsigned integer (a number
 * for formats up to 32 bits, a bigint for 64 bits). NaN encodes to the canonical quiet
 * NaN (sign 0, exponent all ones, top fraction bit set).
 */
import { dtypesSpec } from './spec-data.js';
import type { FloatDType } from './types.js';

export type Bits = number | bigint;

export interface FloatFormat {
  readonly name: FloatDType;
  readonly bits: number;
  readonly exponentBits: number;
  readonly fractionBits: number;
  /** p = fractionBits + 1 (the implicit bit counts). */
  readonly precision: number;
  readonly bias: number;
  readonly emin: number;
  readonly emax: number;
  readonly maxFinite: number;
  readonly minNormal: number;
  readonly minSubnormal: number;
  /** Exact value of a bit pattern (NaN for any NaN pattern). */
  decode(bits: Bits): number;
  /** Bits of RN-even(x) in this format (overflow to ±inf, gradual underflow, -0 kept). */
  encode(x: number): Bits;
  /** RN-even(x) in this format, as a double. */
  round(x: number): number;
  /** Directed rounding of a double: dir < 0 toward -inf, dir > 0 toward +inf. */
  roundDirected(x: number, dir: -1 | 1): number;
  toHex(bits: Bits): string;
  fromHex(hex: string): Bits;
  isNaN(bits: Bits): boolean;
  /** Smallest format value > x (x a format value; +inf stays +inf, NaN stays NaN). */
  nextUp(x: number): number;
  /** Largest format value < x. */
  nextDown(x: number): number;
  /** The quantum 2^(max(e, emin) - p + 1) of the binade holding |x| (maxFinite's for |x| beyond range). */
  ulp(x: number): number;
  /** Decode many patterns at once (the fast path for 16-bit storage). */
  decodeMany(bits: ArrayLike<number>, out: Float64Array): void;
}

// Scratch views for reinterpreting doubles and floats. The bit tricks below assume a
// little-endian host; checked once at load so a big-endian host fails loudly instead of
// silently producing wrong patterns.
const f64 = new Float64Array(1);
const u32of64 = new Uint32Array(f64.buffer);
const u64of64 = new BigUint64Array(f64.buffer);
const f32 = new Float32Array(1);
const u32of32 = new Uint32Array(f32.buffer);
f64[0] = 1;
if (u32of64[1] !== 0x3ff00000) throw new Error('common/float-format: a little-endian host is required');

/** floor(log2 |x|) for finite nonzero x; -1023 - k style values are not produced: double subnormals report -1023. */
export function binaryExponent(x: number): number {
  f64[0] = x;
  return ((u32of64[1] >>> 20) & 0x7ff) - 1023;
}

// Exact powers of two for every exponent a double can hold (2 ** k is exact in V8, the
// table only saves the call).
const POW2_OFFSET = 1074;
const pow2table = new Float64Array(1074 + 1024);
for (let k = -1074; k <= 1023; k++) pow2table[k + POW2_OFFSET] = 2 ** k;
export function pow2(k: number): number {
  if (k < -1074) return 0;
  if (k > 1023) return Infinity;
  return pow2table[k + POW2_OFFSET];
}

class BinaryFormat implements FloatFormat {
  readonly precision: number;
  readonly bias: number;
  readonly emin: number;
  readonly emax: number;
  readonly maxFinite: number;
  readonly minNormal: number;
  readonly minSubnormal: number;
  private readonly hexDigits: number;
  private readonly expMask: number; // biased exponent all ones
  private readonly table: Float64Array | undefined; // decode table for 16-bit formats
  private readonly hexRe: RegExp;
  private readonly isBinary32: boolean;
  private readonly hiddenBit: number; // 2^fractionBits
  private readonly infBits: number; // pattern of +inf (formats up to 32 bits)
  private readonly signMask: number; // 2^(bits-1)

  constructor(
    readonly name: FloatDType,
    readonly bits: number,
    readonly exponentBits: number,
    readonly fractionBits: number,
  ) {
    if (bits !== 1 + exponentBits + fractionBits) throw new Error(`spec/dtypes.json: float.${name}: bits (${bits}) != 1 + exponentBits + fractionBits`);
    if (bits % 4 !== 0 || fractionBits > 52 || exponentBits > 11) throw new Error(`spec/dtypes.json: float.${name}: format does not fit in binary64`);
    this.precision = fractionBits + 1;
    this.bias = 2 ** (exponentBits - 1) - 1;
    this.emin = 1 - this.bias;
    this.emax = this.bias;
    this.expMask = 2 ** exponentBits - 1;
    this.minNormal = pow2(this.emin);
    this.minSubnormal = pow2(this.emin - fractionBits);
    // (2 - 2^-fractionBits) * 2^emax, written so that it does not overflow for binary64.
    this.maxFinite = (2 - pow2(-fractionBits)) * pow2(this.emax - 1) * 2;
    this.hexDigits = bits / 4;
    this.hexRe = new RegExp(`^[0-9a-f]{${this.hexDigits}}$`);
    // The platform converts to binary32 with RN-even (Math.fround, Float32Array), so a
    // format shaped like binary32 uses it directly.
    this.isBinary32 = exponentBits === 8 && fractionBits === 23;
    this.hiddenBit = 2 ** fractionBits;
    this.infBits = this.expMask * 2 ** fractionBits;
    this.signMask = 2 ** (bits - 1);
    if (bits === 16) {
      const t = new Float64Array(65536);
      for (let b = 0; b < 65536; b++) t[b] = this.decodeGeneric(b);
      this.table = t;
    }
  }

  private decodeGeneric(b: number): number {
    const fb = this.fractionBits;
    const frac = b % 2 ** fb;
    const rest = (b - frac) / 2 ** fb;
    const biased = rest % 2 ** this.exponentBits;
    const neg = rest >= 2 ** this.exponentBits;
    let v: number;
    if (biased === this.expMask) v = frac === 0 ? Infinity : NaN;
    else if (biased === 0) v = frac * this.minSubnormal;
    else v = (2 ** fb + frac) * pow2(biased - this.bias - fb);
    return neg ? -v : v;
  }

  decode(bits: Bits): number {
    // Fast paths first: an in-range integer pattern of a 16- or 32-bit format.
    const t = this.table;
    if (t !== undefined && typeof bits === 'number' && (bits & 0xffff) === bits) return t[bits];
    if (this.isBinary32 && typeof bits === 'number' && bits >>> 0 === bits) {
      u32of32[0] = bits;
      return f32[0];
    }
    if (this.bits === 64) {
      const b = typeof bits === 'bigint' ? bits : BigInt(bits);
      if (b < 0n || b >= 1n << 64n) throw new RangeError(`${this.name}: bit pattern ${bits} out of range for 64 bits`);
      u64of64[0] = b;
      return f64[0];
    }
    const b = typeof bits === 'bigint' ? Number(bits) : bits;
    if (!(b >= 0 && b < 2 ** this.bits && Number.isInteger(b))) throw new RangeError(`${this.name}: bit pattern ${bits} out of range for ${this.bits} bits`);
    return t !== undefined ? t[b] : this.decodeGeneric(b);
  }

  decodeMany(bits: ArrayLike<number>, out: Float64Array): void {
    const t = this.table;
    if (t !== undefined && bits instanceof Uint16Array) {
      for (let i = 0; i < bits.length; i++) out[i] = t[bits[i]];
      return;
    }
    for (let i = 0; i < bits.length; i++) out[i] = this.decode(bits[i]);
  }

  round(x: number): number {
    if (this.bits === 64) return x;
    if (this.isBinary32) return Math.fround(x);
    return this.roundGeneric(x, 0);
  }

  roundDirected(x: number, dir: -1 | 1): number {
    if (this.bits === 64) return x;
    return this.roundGeneric(x, dir);
  }

  /**
   * Round a double to this format: mode 0 = nearest-even, -1 = toward -inf, +1 = toward
   * +inf. Every step is exact in binary64: scaling by a power of two, floor of a number
   * below 2^53 and the final product.
   */
  private roundGeneric(x: number, mode: -1 | 0 | 1): number {
    if (x !== x || x === 0 || x === Infinity || x === -Infinity) return x;
    const neg = x < 0;
    const a = neg ? -x : x;
    let e = binaryExponent(a);
    if (e < this.emin) e = this.emin;
    const q = pow2(e - this.fractionBits);
    const m = a / q;
    let r = Math.floor(m);
    const f = m - r;
    if (mode === 0) {
      if (f > 0.5 || (f === 0.5 && r % 2 === 1)) r += 1;
    } else if (f !== 0) {
      // Magnitude rounding: away from zero when the direction points away from zero.
      if ((mode > 0) !== neg) r += 1;
    }
    let v = r * q;
    if (v > this.maxFinite) {
      // RN overflows to inf; directed rounding toward zero stops at maxFinite.
      v = mode === 0 || (mode > 0) !== neg ? Infinity : this.maxFinite;
    }
    return neg ? -v : v;
  }

  encode(x: number): Bits {
    if (this.bits === 64) {
      if (x !== x) return this.canonicalNaN();
      f64[0] = x;
      return u64of64[0];
    }
    if (this.isBinary32) {
      if (x !== x) return this.canonicalNaN() as number;
      f32[0] = x;
      return u32of32[0];
    }
    return this.encodeSmall(x);
  }

  /**
   * RN-even straight to the pattern (formats below 32 bits). With r the rounded count of
   * quanta 2^(e - fractionBits), the magnitude's pattern is r for a subnormal and
   * (e + bias) * 2^fractionBits + r - 2^fractionBits otherwise; the formula stays right
   * when rounding carries into the next binade (r = 2^(fractionBits+1)), into the
   * smallest normal, or into the infinity pattern.
   */
  private encodeSmall(x: number): number {
    if (x !== x) return this.canonicalNaN() as number;
    f64[0] = x;
    const hi = u32of64[1];
    const signBit = hi >>> 31 === 1 ? this.signMask : 0; // -0 included
    const a = x < 0 ? -x : x;
    if (a === 0) return signBit;
    let e = ((hi >>> 20) & 0x7ff) - 1023;
    if (e > this.emax) return signBit + this.infBits;
    if (e < this.emin) e = this.emin;
    const m = a / pow2table[e - this.fractionBits + POW2_OFFSET];
    let r = Math.floor(m);
    const f = m - r;
    if (f > 0.5 || (f === 0.5 && (r & 1) === 1)) r += 1;
    const mag = r < this.hiddenBit ? r : (e + this.bias) * this.hiddenBit + r - this.hiddenBit;
    return signBit + (mag >= this.infBits ? this.infBits : mag);
  }

  private canonicalNaN(): Bits {
    if (this.bits === 64) return 0x7ff8000000000000n;
    return this.expMask * 2 ** this.fractionBits + 2 ** (this.fractionBits - 1);
  }

  toHex(bits: Bits): string {
    if (typeof bits === 'number' && !(bits >= 0 && bits < 2 ** this.bits && Number.isInteger(bits))) throw new RangeError(`${this.name}: bit pattern ${bits} out of range for ${this.bits} bits`);
    if (typeof bits === 'bigint' && (bits < 0n || bits >= 1n << BigInt(this.bits))) throw new RangeError(`${this.name}: bit pattern ${bits} out of range for ${this.bits} bits`);
    return bits.toString(16).padStart(this.hexDigits, '0');
  }

  fromHex(hex: string): Bits {
    if (typeof hex !== 'string' || !this.hexRe.test(hex)) throw new Error(`${this.name}: bad hex bit pattern ${JSON.stringify(hex)}: expected exactly ${this.hexDigits} lowercase hex digits`);
    return this.bits === 64 ? BigInt('0x' + hex) : parseInt(hex, 16);
  }

  isNaN(bits: Bits): boolean {
    return Number.isNaN(this.decode(bits));
  }

  ulp(x: number): number {
    const a = Math.abs(x);
    if (!(a <= this.maxFinite)) return pow2(this.emax - this.fractionBits); // inf, NaN, beyond range
    let e = a === 0 ? this.emin : binaryExponent(a);
    if (e < this.emin) e = this.emin;
    return pow2(e - this.fractionBits);
  }

  nextUp(x: number): number {
    if (x !== x || x === Infinity) return x;
    if (x === -Infinity) return -this.maxFinite;
    if (x === 0) return this.minSubnormal;
    if (x < 0) return -this.nextDown(-x);
    if (x >= this.maxFinite) return Infinity;
    return x + this.ulp(x);
  }

  nextDown(x: number): number {
    if (x !== x || x === -Infinity) return x;
    if (x === Infinity) return this.maxFinite;
    if (x === 0) return -this.minSubnormal;
    if (x < 0) return -this.nextUp(-x);
    const u = this.ulp(x);
    // At a power of two above the subnormal range the binade below has half the quantum.
    const e = binaryExponent(x);
    if (e > this.emin && x === pow2(e)) return x - u / 2;
    return x - u;
  }
}

const formats = new Map<FloatDType, FloatFormat>();

/** The format trait of a float dtype, built from spec/dtypes.json once. */
export function floatFormat(dtype: FloatDType): FloatFormat {
  let f = formats.get(dtype);
  if (f === undefined) {
    const info = dtypesSpec().float[dtype];
    if (info === undefined) throw new Error(`floatFormat: '${dtype}' is not a float dtype of spec/dtypes.json (expected one of ${Object.keys(dtypesSpec().float).join(', ')})`);
    f = new BinaryFormat(dtype, info.bits, info.exponentBits, info.fractionBits);
    formats.set(dtype, f);
  }
  return f;
}

const decodeTables = new Map<FloatDType, Float32Array>();

/**
 * The value of every bit pattern of a 16-bit float dtype, indexed by pattern: kernels decode
 * float16/bfloat16 tensors with one table lookup per element. Every 16-bit pattern of these
 * formats is exactly a float32 (NaN patterns decode to NaN), so Float32Array loses nothing.
 * Built once per dtype from the trait's decode().
 */
export function decodeTable16(dtype: FloatDType): Float32Array {
  let t = decodeTables.get(dtype);
  if (t === undefined) {
    const fmt = floatFormat(dtype);
    if (fmt.bits !== 16) throw new Error(`decodeTable16: '${dtype}' is a ${fmt.bits}-bit format, not 16-bit`);
    t = new Float32Array(65536);
    for (let bits = 0; bits < 65536; bits++) t[bits] = fmt.decode(bits);
    decodeTables.set(dtype, t);
  }
  return t;
}
