/**
 * The suite's one pseudo-random generator, so a generated tensor is the same on every
 * machine and in every language: xoshiro128** 1.1 (Blackman & Vigna), seeded from a
 * uint32 by four SplitMix32 steps. The definition, the distributions and test vectors
 * are normative (spec/smooth-l1-loss.md, section "Generators"); another implementation
 * of the suite must reproduce them bit for bit.
 */
import { dtypesSpec } from './spec-data.js';
import { floatFormat, type FloatFormat } from './float-format.js';
import type { FloatDType, GeneratorSpec } from './types.js';

/** SplitMix32 increment (the 32-bit golden ratio) and the MurmurHash3 fmix32 multipliers. */
const GOLDEN = 0x9e3779b9;
const M1 = 0x85ebca6b;
const M2 = 0xc2b2ae35;

/**
 * Expands a uint32 seed into the four state words: s[k] = fmix32(seed + (k+1)*GOLDEN).
 * fmix32 is a bijection and the four arguments differ, so at most one word is zero and
 * the all-zero state (xoshiro's one forbidden state) cannot occur.
 */
export function seedState(seed: number): Uint32Array {
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new RangeError(`prng seed must be an integer in [0, 2^32-1], got ${seed}`);
  const s = new Uint32Array(4);
  let state = seed >>> 0;
  for (let k = 0; k < 4; k++) {
    state = (state + GOLDEN) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), M1) >>> 0;
    z = Math.imul(z ^ (z >>> 13), M2) >>> 0;
    s[k] = (z ^ (z >>> 16)) >>> 0;
  }
  return s;
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** xoshiro128** over a seeded state; next() returns the next uint32 (0 .. 2^32-1). */
export class Xoshiro128ss {
  /** The state words (ElementStream's bulk loops run the same steps on local copies). */
  readonly s: Uint32Array;
  constructor(seed: number) {
    this.s = seedState(seed);
  }
  /** An independent generator in the same state (the next outputs of both are equal). */
  clone(): Xoshiro128ss {
    const c = new Xoshiro128ss(0);
    c.s.set(this.s);
    return c;
  }
  /** The four state words (a copy). */
  state(): number[] {
    return Array.from(this.s);
  }
  next(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1] << 9) >>> 0;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }
}

/** The first `n` outputs for a seed (the published test vectors use n = 4). */
export function firstOutputs(seed: number, n: number): number[] {
  const g = new Xoshiro128ss(seed);
  return Array.from({ length: n }, () => g.next());
}

/** Checks a generator's parameters beyond what the case schema can say; returns problems (empty = fine). */
export function generatorProblems(gen: GeneratorSpec): string[] {
  const out: string[] = [];
  if (gen.prng !== 'xoshiro128**') out.push(`prng must be 'xoshiro128**', got ${JSON.stringify(gen.prng)}`);
  if (!Number.isInteger(gen.seed) || gen.seed < 0 || gen.seed > 0xffffffff) out.push(`seed must be an integer in [0, 4294967295], got ${gen.seed}`);
  if (gen.distribution === 'uniform') {
    const { a, b } = gen;
    if (a === undefined || b === undefined || !Number.isInteger(a) || !Number.isInteger(b)) out.push("'uniform' needs integer bounds a and b");
    // These bounds keep a*2^32 + (b-a)*r below 2^53 in magnitude, so a + (b-a)*r/2^32
    // is exact in float64 and the only rounding is the final one to the dtype.
    else if (Math.abs(a) > 2 ** 20 || Math.abs(b) > 2 ** 20 || !(a < b) || b - a > 2 ** 20) out.push(`'uniform' needs integers a < b with |a|, |b| <= 2^20 and b - a <= 2^20, got a=${a}, b=${b}`);
  } else if (gen.distribution === 'bits' || gen.distribution === 'finite-bits') {
    if (gen.a !== undefined || gen.b !== undefined) out.push(`'${gen.distribution}' takes no bounds a, b`);
  } else out.push(`unknown distribution ${JSON.stringify(gen.distribution)}`);
  return out;
}

/**
 * A generated tensor's elements produced in order, chunk by chunk (spec/smooth-l1-loss.md
 * section 11), so a consumer can stream a tensor of any size without holding it: each
 * `fill` continues where the previous one stopped. Elements are written in the dtype's
 * storage (spec/dtypes.json): Uint16Array of bit patterns for 16-bit formats,
 * Float32Array, Float64Array.
 *
 * - 'uniform': element = RN_dtype(a + (b - a) * r / 2^32), one output r per element.
 * - 'bits': a raw bit pattern: 16-bit dtypes take the high 16 bits of one output,
 *   float32 one output, float64 two outputs (the first is the high word).
 * - 'finite-bits': as 'bits', but a pattern with an all-ones exponent (inf or NaN) is
 *   discarded and the next one drawn.
 */
export class ElementStream {
  private readonly g: Xoshiro128ss;
  private readonly info: { bits: number; exponentBits: number; fractionBits: number; storage: 'uint16' | 'float32' | 'float64' };
  private readonly fmt: FloatFormat;
  /** Elements produced so far. */
  position = 0;

  constructor(
    readonly gen: GeneratorSpec,
    readonly dtype: FloatDType,
  ) {
    const problems = generatorProblems(gen);
    if (problems.length) throw new RangeError(`bad generator: ${problems.join('; ')}`);
    const info = dtypesSpec().float[dtype];
    if (!info) throw new RangeError(`generators produce float dtypes only, got ${dtype}`);
    this.info = info;
    this.fmt = floatFormat(dtype);
    this.g = new Xoshiro128ss(gen.seed);
  }

  /** Storage for n elements of this dtype. */
  allocate(n: number): Uint16Array | Float32Array | Float64Array {
    const st = this.info.storage;
    return st === 'uint16' ? new Uint16Array(n) : st === 'float32' ? new Float32Array(n) : new Float64Array(n);
  }

  /** Write the next `count` elements into data[offset .. offset + count) (data in the dtype's storage). */
  fill(data: Uint16Array | Float32Array | Float64Array, offset: number, count: number): void {
    const { gen, info, g } = this;
    const expected = info.storage === 'uint16' ? Uint16Array : info.storage === 'float32' ? Float32Array : Float64Array;
    if (!(data instanceof expected)) throw new TypeError(`ElementStream.fill: ${this.dtype} elements go into a ${expected.name}, got a ${data.constructor.name}`);
    if (offset < 0 || count < 0 || offset + count > data.length) throw new RangeError(`ElementStream.fill: [${offset}, ${offset + count}) is outside a buffer of ${data.length}`);
    // A view of the same storage as unsigned words, so bit patterns are written in the
    // platform's own byte order, the same one the float view reads.
    const words: Uint16Array | Uint32Array = info.storage === 'uint16' ? (data as Uint16Array) : new Uint32Array(data.buffer, data.byteOffset, data.byteLength / 4);
    const end = offset + count;
    this.position += count;
    if (gen.distribution === 'uniform') {
      const a = gen.a as number;
      const span = (gen.b as number) - a;
      if (info.storage === 'float64' || info.storage === 'float32') {
        // a + span * r / 2^32 is exact in float64 (generatorProblems' bounds); a float32 store rounds
        // it to float32 (RN-even). The xoshiro128** steps of Xoshiro128ss.next, on local words.
        const d = data as Float32Array | Float64Array;
        const st = g.s;
        let s0 = st[0] | 0;
        let s1 = st[1] | 0;
        let s2 = st[2] | 0;
        let s3 = st[3] | 0;
        for (let i = offset; i < end; i++) {
          const m = Math.imul(s1, 5);
          const r = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
          const t = s1 << 9;
          s2 ^= s0;
          s3 ^= s1;
          s1 ^= s2;
          s0 ^= s3;
          s2 ^= t;
          s3 = (s3 << 11) | (s3 >>> 21);
          d[i] = a + (span * r) / 4294967296;
        }
        st[0] = s0;
        st[1] = s1;
        st[2] = s2;
        st[3] = s3;
      } else {
        const fmt = this.fmt;
        for (let i = offset; i < end; i++) words[i] = Number(fmt.encode(a + (span * g.next()) / 4294967296));
      }
      return;
    }
    const finiteOnly = gen.distribution === 'finite-bits';
    const expMask = 2 ** info.exponentBits - 1;
    if (info.bits === 64) {
      // The exponent lives in the high word: bits 52..62 overall = bits 20..30 of the high word.
      const hiShift = info.fractionBits - 32;
      const little = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
      for (let i = offset; i < end; i++) {
        let hi: number, lo: number;
        do {
          hi = g.next();
          lo = g.next();
        } while (finiteOnly && ((hi >>> hiShift) & expMask) === expMask);
        words[2 * i + (little ? 1 : 0)] = hi;
        words[2 * i + (little ? 0 : 1)] = lo;
      }
    } else {
      const drop = 32 - info.bits;
      for (let i = offset; i < end; i++) {
        let p: number;
        do p = g.next() >>> drop;
        while (finiteOnly && ((p >>> info.fractionBits) & expMask) === expMask);
        words[i] = p;
      }
    }
  }
}

/**
 * The elements of a generated tensor, in the dtype's storage (spec/dtypes.json):
 * Uint16Array of bit patterns for 16-bit formats, Float32Array, Float64Array
 * (ElementStream's elements, all at once).
 */
export function generateElements(gen: GeneratorSpec, dtype: FloatDType, n: number): Uint16Array | Float32Array | Float64Array {
  const stream = new ElementStream(gen, dtype);
  const data = stream.allocate(n);
  stream.fill(data, 0, n);
  return data;
}
