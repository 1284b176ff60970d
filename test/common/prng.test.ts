/**
 * The PRNG is normative (spec/smooth-l1-loss.md "Generators"): the expected values here
 * come from an independent BigInt transcription of the reference C code of xoshiro128**
 * and SplitMix32 seeding, not from common/prng.ts, and the published test vectors are
 * pinned literally so a change to either side is caught.
 */
import { describe, expect, it } from 'vitest';
import { getFloat16 } from '@petamoriken/float16';
import { ElementStream, firstOutputs, generateElements, generatorProblems, seedState } from '../../common/prng.js';

const M32 = (1n << 32n) - 1n;
function refSeed(seed: bigint): bigint[] {
  let st = seed;
  const s: bigint[] = [];
  for (let k = 0; k < 4; k++) {
    st = (st + 0x9e3779b9n) & M32;
    let z = st;
    z = ((z ^ (z >> 16n)) * 0x85ebca6bn) & M32;
    z = ((z ^ (z >> 13n)) * 0xc2b2ae35n) & M32;
    s.push(z ^ (z >> 16n));
  }
  return s;
}
const rotl = (x: bigint, k: bigint) => ((x << k) | (x >> (32n - k))) & M32;
function refOutputs(seed: number, n: number, state?: bigint[]): number[] {
  const s = state ?? refSeed(BigInt(seed));
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    out.push(Number((rotl((s[1] * 5n) & M32, 7n) * 9n) & M32));
    const t = (s[1] << 9n) & M32;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11n);
  }
  return out;
}

// Published in spec/smooth-l1-loss.md; derived from the BigInt reference above.
const VECTORS: Record<number, { state: number[]; outputs: number[] }> = {
  0: { state: [0x92ca2f0e, 0x3cd6e3f3, 0x1b147dcc, 0x4c081dbf], outputs: [0xe308dc58, 0x4392d0e4, 0x03318f97, 0xac593a63] },
  1: { state: [0x96a0f96b, 0x12bc8390, 0x971e9964, 0x79adc7e7], outputs: [0x9190299e, 0xc1017b27, 0xe3af522f, 0x7d71fb05] },
  42: { state: [0x3805ea2c, 0xeb5cd984, 0x1327aacb, 0xc5ba443d], outputs: [0xa91e1cac, 0x207b36e9, 0x1c987ffa, 0xd09fde9e] },
};

it('the BigInt reference itself matches the xoshiro128** paper value (state 1,2,3,4 -> 11520)', () => {
  // rotl(2 * 5, 7) * 9 = 11520 is the first output of the reference C code for s = {1, 2, 3, 4}.
  expect(refOutputs(0, 1, [1n, 2n, 3n, 4n])).toEqual([11520]);
});

describe('xoshiro128** seeded by SplitMix32', () => {
  it('matches an independent BigInt reference for many seeds and 1000 outputs', () => {
    for (const seed of [0, 1, 2, 42, 0x7fffffff, 0x80000000, 0xffffffff, 123456789]) {
      expect(Array.from(seedState(seed))).toEqual(refSeed(BigInt(seed)).map(Number));
      expect(firstOutputs(seed, 1000)).toEqual(refOutputs(seed, 1000));
    }
  });

  it('reproduces the test vectors published in the spec', () => {
    for (const [seed, v] of Object.entries(VECTORS)) {
      expect(Array.from(seedState(Number(seed)))).toEqual(v.state);
      expect(firstOutputs(Number(seed), 4)).toEqual(v.outputs);
    }
  });

  it('rejects seeds outside uint32', () => {
    expect(() => seedState(-1)).toThrow(/seed/);
    expect(() => seedState(2 ** 32)).toThrow(/seed/);
    expect(() => seedState(1.5)).toThrow(/seed/);
  });
});

describe('distributions', () => {
  it("'uniform' float32 is RN_float32(a + (b-a) r / 2^32) of the reference outputs", () => {
    const r = refOutputs(7, 5000);
    const got = generateElements({ prng: 'xoshiro128**', seed: 7, distribution: 'uniform', a: -3, b: 5 }, 'float32', 5000) as Float32Array;
    for (let i = 0; i < r.length; i++) expect(got[i]).toBe(Math.fround(-3 + (8 * r[i]) / 2 ** 32));
    expect(Math.min(...got)).toBeGreaterThanOrEqual(-3);
    expect(Math.max(...got)).toBeLessThanOrEqual(5);
  });

  it("'uniform' float64 is exact: equals the BigInt rational (a*2^32 + (b-a) r) / 2^32", () => {
    const a = -(2 ** 20), b = 0;
    const r = refOutputs(9, 2000);
    const got = generateElements({ prng: 'xoshiro128**', seed: 9, distribution: 'uniform', a, b }, 'float64', 2000) as Float64Array;
    for (let i = 0; i < r.length; i++) {
      const num = BigInt(a) * 2n ** 32n + BigInt(b - a) * BigInt(r[i]);
      expect(BigInt(got[i] * 2 ** 32)).toBe(num);
    }
  });

  it("'uniform' float16 rounds to nearest even (checked with @petamoriken/float16)", () => {
    const r = refOutputs(3, 3000);
    const got = generateElements({ prng: 'xoshiro128**', seed: 3, distribution: 'uniform', a: -70000 >> 0, b: 70000 }, 'float16', 3000) as Uint16Array;
    const dv = new DataView(new ArrayBuffer(2));
    for (let i = 0; i < r.length; i++) {
      dv.setUint16(0, got[i]);
      const x = -70000 + (140000 * r[i]) / 2 ** 32;
      const v = getFloat16(dv, 0);
      // RN to float16: v is the nearest float16 (ties to even), or +-inf beyond 65520.
      if (Math.abs(x) >= 65520) expect(v).toBe(x > 0 ? Infinity : -Infinity);
      else expect(Math.abs(v - x)).toBeLessThanOrEqual(ulp16(x) / 2);
    }
  });

  it("'bits' takes the high 16 bits for 16-bit dtypes, one output for float32, two (high word first) for float64", () => {
    const r = refOutputs(11, 8);
    const h = generateElements({ prng: 'xoshiro128**', seed: 11, distribution: 'bits' }, 'bfloat16', 8) as Uint16Array;
    expect(Array.from(h)).toEqual(r.map((x) => x >>> 16));
    const f = generateElements({ prng: 'xoshiro128**', seed: 11, distribution: 'bits' }, 'float32', 8) as Float32Array;
    const fw = new DataView(f.buffer);
    expect(r.map((_, i) => fw.getUint32(4 * i, true))).toEqual(r);
    const d = generateElements({ prng: 'xoshiro128**', seed: 11, distribution: 'bits' }, 'float64', 4) as Float64Array;
    const dw = new DataView(d.buffer);
    for (let i = 0; i < 4; i++) {
      expect(dw.getUint32(8 * i + 4, true)).toBe(r[2 * i]);
      expect(dw.getUint32(8 * i, true)).toBe(r[2 * i + 1]);
    }
  });

  it("'finite-bits' skips non-finite patterns and otherwise keeps the 'bits' sequence", () => {
    const n = 20000;
    const all = generateElements({ prng: 'xoshiro128**', seed: 5, distribution: 'bits' }, 'float16', 3 * n) as Uint16Array;
    const fin = generateElements({ prng: 'xoshiro128**', seed: 5, distribution: 'finite-bits' }, 'float16', n) as Uint16Array;
    const expected = Array.from(all).filter((p) => (p & 0x7c00) !== 0x7c00).slice(0, n);
    expect(Array.from(fin)).toEqual(expected);
    const f64 = generateElements({ prng: 'xoshiro128**', seed: 5, distribution: 'finite-bits' }, 'float64', 5000) as Float64Array;
    expect(f64.every(Number.isFinite)).toBe(true);
    const f32 = generateElements({ prng: 'xoshiro128**', seed: 5, distribution: 'bits' }, 'float32', 5000) as Float32Array;
    expect(f32.some((x) => !Number.isFinite(x))).toBe(true); // raw bits do include inf/NaN
  });

  it('is deterministic and rejects bad parameters with a reason', () => {
    const g = { prng: 'xoshiro128**' as const, seed: 1, distribution: 'uniform' as const, a: 0, b: 1 };
    expect(Array.from(generateElements(g, 'float32', 100))).toEqual(Array.from(generateElements(g, 'float32', 100)));
    expect(generatorProblems({ ...g, a: 2, b: 1 })[0]).toMatch(/a < b/);
    expect(generatorProblems({ ...g, a: -(2 ** 20), b: 2 ** 20 })[0]).toMatch(/b - a <= 2\^20/);
    expect(generatorProblems({ prng: 'xoshiro128**', seed: 1, distribution: 'bits', a: 1 })[0]).toMatch(/no bounds/);
    expect(() => generateElements({ ...g, a: 3, b: 3 }, 'float32', 1)).toThrow(/bad generator/);
  });
});

/** Spacing of float16 values around x (normal range; 2^-24 for subnormals). */
function ulp16(x: number): number {
  const ax = Math.abs(x);
  if (ax < 2 ** -14) return 2 ** -24;
  return 2 ** (Math.floor(Math.log2(ax)) - 10);
}

describe('streaming', () => {
  it('an ElementStream filled in chunks of any size gives the elements generateElements gives at once', () => {
    const gens = [
      { prng: 'xoshiro128**' as const, seed: 21, distribution: 'uniform' as const, a: -4, b: 4 },
      { prng: 'xoshiro128**' as const, seed: 22, distribution: 'bits' as const },
      { prng: 'xoshiro128**' as const, seed: 23, distribution: 'finite-bits' as const },
    ];
    const n = 10_000;
    for (const g of gens)
      for (const dtype of ['float16', 'bfloat16', 'float32', 'float64'] as const) {
        const whole = generateElements(g, dtype, n);
        const s = new ElementStream(g, dtype);
        const parts = s.allocate(n);
        let at = 0;
        for (const size of [1, 7, 4096, 3, 1000]) {
          const c = Math.min(size, n - at);
          s.fill(parts, at, c);
          at += c;
        }
        s.fill(parts, at, n - at);
        expect(s.position).toBe(n);
        const bytes = (a: Uint16Array | Float32Array | Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
        expect(bytes(parts).equals(bytes(whole)), `${g.distribution} ${dtype}`).toBe(true);
      }
  });
});
