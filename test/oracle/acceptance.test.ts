/**
 * The acceptance model: intervals contain the correctly rounded value, stay within the
 * model's bound, agree between exact and outward-double arithmetic, and - the point of
 * the model - accept careful implementations while rejecting known-wrong ones. The
 * "implementations" below are small plain-JS kernels written here (float32 via
 * Math.fround, float16 via f16round), not the oracle.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { f16round } from '@petamoriken/float16';
import { acceptance, betaNumber, checkValues, computeReference, type Acceptance } from '../../oracle/index.js';
import { floatFormat } from '../../common/float-format.js';
import { tensorFromNumbers, tensorToNumbers } from '../../common/tensor.js';
import type { CallArgs, FloatDType, Reduction, ToleranceLevel } from '../../common/types.js';

function args(dtype: FloatDType, x: number[], y: number[], beta: number, reduction: Reduction): CallArgs {
  return {
    logits: { type: 'tensor', tensor: tensorFromNumbers(dtype, [x.length], x) },
    labels: { type: 'tensor', tensor: tensorFromNumbers(dtype, [y.length], y) },
    beta: { type: 'float', value: beta },
    reduction: { type: 'str', value: reduction },
  };
}

/** Deterministic PRNG (mulberry32) for inputs. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
function randomValues(dtype: FloatDType, n: number, seed: number, scale = 8): number[] {
  const r = rng(seed);
  const f = floatFormat(dtype);
  return Array.from({ length: n }, () => f.round((r() - 0.5) * scale));
}

// ---------------------------------------------------------------------------------
// Implementations under test (plain JS). Each returns output values in the dtype.
// ---------------------------------------------------------------------------------
type Impl = (x: number[], y: number[], beta: number, dtype: FloatDType, red: Reduction) => number[];
const roundTo = (dtype: FloatDType) => (v: number) => floatFormat(dtype).round(v);
/** Per-element rounding of the working precision a kernel uses for a dtype. */
const f32 = Math.fround;
const f16 = (v: number) => f16round(v);

function reduce(vals: number[], red: Reduction, add: (a: number, b: number) => number, div: (a: number, n: number) => number): number[] {
  if (red === 'none') return vals;
  let s = 0;
  for (const v of vals) s = add(s, v);
  return [red === 'sum' ? s : div(s, vals.length)];
}

/** Careful: half types computed in float32, others in their own precision, float64 accumulation. */
const careful: Impl = (x, y, beta, dtype, red) => {
  const w = dtype === 'float64' ? (v: number) => v : f32;
  const b = w(beta);
  const el = x.map((xi, i) => {
    const d = w(xi - y[i]);
    const a = Math.abs(d);
    return a < b ? w(w(w(0.5 * d) * d) / b) : w(a - w(0.5 * b));
  });
  const out = roundTo(dtype);
  if (red === 'none') return el.map(out);
  return reduce(el, red, (s, v) => s + v, (s, n) => s / n).map(out);
};

/** Float16 all the way: beta rounded to half, every op in half, accumulation in float32. */
const halfAllTheWay: Impl = (x, y, beta, _dtype, red) => {
  const b = f16(beta);
  const el = x.map((xi, i) => {
    const d = f16(xi - y[i]);
    const a = Math.abs(d);
    return a < b ? f16(f16(f16(0.5 * d) * d) / b) : f16(a - f16(0.5 * b));
  });
  if (red === 'none') return el;
  return reduce(el, red, (s, v) => f32(s + v), (s, n) => f32(s / n)).map(f16);
};

function variant(loss: (d: number, b: number, w: (v: number) => number) => number, opts: { meanDivisor?: (n: number) => number; acc?: (v: number) => number } = {}): Impl {
  return (x, y, beta, dtype, red) => {
    const w = dtype === 'float64' ? (v: number) => v : f32;
    const b = w(beta);
    const el = x.map((xi, i) => loss(w(xi - y[i]), b, w));
    const out = roundTo(dtype);
    if (red === 'none') return el.map(out);
    const acc = opts.acc ?? ((v: number) => v);
    const div = opts.meanDivisor ?? ((n: number) => n);
    return reduce(el.map(acc), red, (s, v) => acc(s + v), (s, n) => acc(s / div(n))).map(out);
  };
}
const smoothL1 = (d: number, b: number, w: (v: number) => number) => (Math.abs(d) < b ? w(w(0.5 * d * d) / b) : w(Math.abs(d) - w(0.5 * b)));
const noDivByBeta = variant((d, b, w) => (Math.abs(d) < b ? w(0.5 * d * d) : w(Math.abs(d) - w(0.5 * b))));
const huber = variant((d, b, w) => (Math.abs(d) < b ? w(0.5 * d * d) : w(b * w(Math.abs(d) - w(0.5 * b)))));
const lessOrEqual = variant((d, b, w) => (Math.abs(d) <= b ? w(w(0.5 * d * d) / b) : w(Math.abs(d) - w(0.5 * b))));
const meanOverNMinus1 = variant(smoothL1, { meanDivisor: (n) => n - 1 });
const halfAccumulation = variant(smoothL1, { acc: f16 });
/** Ascend-style: multiply by a reciprocal of beta computed in the working precision. */
const reciprocal = variant((d, b, w) => {
  const r = w(1 / b);
  return Math.abs(d) < b ? w(w(w(0.5 * d) * d) * r) : w(Math.abs(d) - w(0.5 * b));
});
/** One Ascend kernel: |beta| < 1e-6 means "reciprocal 0". */
const reciprocalTinyZero = variant((d, b, w) => {
  const r = Math.abs(b) < 1e-6 ? 0 : w(1 / b);
  return Math.abs(d) < b ? w(w(w(0.5 * d) * d) * r) : w(Math.abs(d) - w(0.5 * b));
});

function verdict(impl: Impl, dtype: FloatDType, x: number[], y: number[], beta: number, red: Reduction, level: ToleranceLevel) {
  const a = args(dtype, x, y, beta, red);
  const ref = computeReference(a, dtype);
  const acc = acceptance(ref, level);
  const xs = [...tensorToNumbers((a.logits as { tensor: never }).tensor)];
  const ys = [...tensorToNumbers((a.labels as { tensor: never }).tensor)];
  const got = impl(xs, ys, betaNumber(ref.beta), dtype, red);
  return checkValues(acc, tensorFromNumbers(dtype, ref.shape, got));
}

const dtypes: FloatDType[] = ['float16', 'bfloat16', 'float32', 'float64'];
const reductions: Reduction[] = ['none', 'sum', 'mean'];
const betas = [0.5, 1, 2.3, 6.7];

describe('careful implementations pass', () => {
  it('careful (float32 math for half types, float64 accumulation) passes at strict and standard', () => {
    let seed = 1;
    for (const dt of dtypes) for (const red of reductions) for (const b of betas) for (const level of ['strict', 'standard'] as const) {
      const x = randomValues(dt, 64, seed++);
      const y = randomValues(dt, 64, seed++);
      const v = verdict(careful, dt, x, y, b, red, level);
      if (!v.ok) expect({ dt, red, b, level, failures: v.failures.slice(0, 2) }).toBeNull();
    }
  });
  it('float16 all the way (beta and math in half, float32 accumulation) passes at standard, not at strict', () => {
    let seed = 100;
    let strictFailures = 0;
    for (const red of reductions) for (const b of betas) {
      const x = randomValues('float16', 256, seed++);
      const y = randomValues('float16', 256, seed++);
      const v = verdict(halfAllTheWay, 'float16', x, y, b, red, 'standard');
      if (!v.ok) expect({ red, b, failures: v.failures.slice(0, 2) }).toBeNull();
      if (!verdict(halfAllTheWay, 'float16', x, y, b, red, 'strict').ok) strictFailures++;
    }
    // half-precision arithmetic is outside strict (working precision float32 for half types)
    expect(strictFailures).toBeGreaterThan(0);
  });
  it('multiplying by a reciprocal 1/beta passes at strict and standard: 0.5*d, *d, *fl(1/beta) is three roundings, as many as the model allows the quadratic branch', () => {
    let seed = 200;
    for (const dt of dtypes) for (const red of reductions) for (const b of [...betas, 0.1, 1000]) for (const level of ['strict', 'standard'] as const) {
      const v = verdict(reciprocal, dt, randomValues(dt, 64, seed++, 16), randomValues(dt, 64, seed++, 16), b, red, level);
      if (!v.ok) expect({ dt, red, b, level, failures: v.failures.slice(0, 2) }).toBeNull();
    }
  });
  it("'<=' instead of '<' passes everywhere: L is continuous at |d| = beta (both branches give beta/2)", () => {
    for (const dt of dtypes) for (const level of ['strict', 'standard'] as const) {
      // |d| = beta exactly, where the two comparisons choose different branches
      const x = [2, -2, 0.5, 3.5];
      const y = [0, 0, -1.5, 1.5];
      expect(verdict(lessOrEqual, dt, x, y, 2, 'none', level).ok).toBe(true);
      expect(verdict(careful, dt, x, y, 2, 'none', level).ok).toBe(true);
    }
  });
});

/** Extreme finite values of a dtype: raw bit patterns (subnormals, huge) and scaled ones. */
function extremeValues(dtype: FloatDType, n: number, seed: number): number[] {
  const r = rng(seed);
  const f = floatFormat(dtype);
  const out: number[] = [];
  while (out.length < n) {
    let v: number;
    if (r() < 0.4) {
      const b = dtype === 'float64' ? (BigInt(Math.floor(r() * 2 ** 32)) << 32n) | BigInt(Math.floor(r() * 2 ** 32)) : Math.floor(r() * 2 ** f.bits);
      v = f.decode(b);
    } else v = f.round((r() * 2 - 1) * 2 ** Math.floor((r() * 2 - 1) * f.emax));
    if (Number.isFinite(v)) out.push(v);
  }
  return out;
}

describe('summation quality separates the levels', () => {
  // float32, n = 2^16: strict allows gamma_16 (pairwise), standard gamma_1552 (bounded height:
  // 1024 + 2^16/128 + 16); the serial sum of these random terms errs far less than that
  const n = 1 << 16;
  const x = randomValues('float32', n, 600, 8);
  const y = randomValues('float32', n, 601, 8);
  const elems = careful(x, y, 1, 'float32', 'none');
  const pairwise = (v: number[], lo: number, hi: number): number => (hi - lo === 1 ? v[lo] : f32(pairwise(v, lo, (lo + hi) >> 1) + pairwise(v, (lo + hi) >> 1, hi)));
  const serial: Impl = () => [elems.reduce((s, v) => f32(s + v), 0)];
  const tree: Impl = () => [pairwise(elems, 0, n)];
  it('pairwise float32 summation passes strict; serial float32 summation fails strict and passes standard', () => {
    expect(verdict(tree, 'float32', x, y, 1, 'sum', 'strict').ok).toBe(true);
    expect(verdict(serial, 'float32', x, y, 1, 'sum', 'strict').ok).toBe(false);
    expect(verdict(serial, 'float32', x, y, 1, 'sum', 'standard').ok).toBe(true);
  });
});

describe('careful implementations pass on extreme values', () => {
  it('subnormal and huge inputs, tiny and huge beta: careful passes at both levels', () => {
    let seed = 5000;
    for (const dt of dtypes) for (let k = 0; k < 60; k++) {
      const red = reductions[k % 3];
      const x = extremeValues(dt, 6, seed++);
      // labels near the logits half of the time, so d is small and results underflow
      const y = extremeValues(dt, 6, seed++).map((v, i) => (k % 2 ? floatFormat(dt).round(x[i] * (1 + 2 ** -6)) : v));
      const beta = Math.fround(2 ** (((seed * 7919) % 61) - 30));
      for (const level of ['strict', 'standard'] as const) {
        const v = verdict(careful, dt, x, y, beta, red, level);
        if (!v.ok) expect({ dt, red, beta, level, x, y, failure: v.failures[0] }).toBeNull();
      }
    }
  });
  it('float64 underflow: the quadratic numerator\'s absolute error 2^-1075 is divided by beta (regression)', () => {
    // d ~ 2e-164: 0.5*d*d is subnormal in float64, then /beta magnifies its rounding error
    const v = verdict(careful, 'float64', [9.527060068821482e-162], [9.548127179266589e-162], 0.000003018274355781614, 'none', 'strict');
    expect(v.ok).toBe(true);
  });
});

describe('wrong implementations are rejected', () => {
  it('float16 all the way overflows 0.5*d*d for d = 400, beta = 1000 (exact 80): rejected at every level', () => {
    for (const level of ['strict', 'standard'] as const) {
      const v = verdict(halfAllTheWay, 'float16', [400], [0], 1000, 'none', level);
      expect(v.ok).toBe(false);
      expect(v.failures[0]).toMatchObject({ expected: 80, actual: Infinity });
      expect(v.failures[0].hi).toBeLessThan(Infinity);
    }
  });
  it('no division by beta: rejected (beta = 2, d = 0.5)', () => {
    for (const dt of dtypes) for (const level of ['strict', 'standard'] as const) expect(verdict(noDivByBeta, dt, [0.5], [0], 2, 'none', level).ok).toBe(false);
  });
  it("Huber's beta*(|d| - beta/2): rejected in the linear branch (beta = 2, d = 5)", () => {
    for (const dt of dtypes) for (const level of ['strict', 'standard'] as const) expect(verdict(huber, dt, [5], [0], 2, 'none', level).ok).toBe(false);
  });
  it('mean over n-1: rejected', () => {
    for (const dt of dtypes) for (const level of ['strict', 'standard'] as const) {
      expect(verdict(meanOverNMinus1, dt, randomValues(dt, 16, 300), randomValues(dt, 16, 301), 1, 'mean', level).ok).toBe(false);
    }
  });
  it('float16 accumulation in float16 over 4096 elements: rejected at standard (accumulation must be at least float32)', () => {
    const x = randomValues('float16', 4096, 400, 4);
    const y = randomValues('float16', 4096, 401, 4);
    for (const red of ['sum', 'mean'] as const) {
      expect(verdict(halfAccumulation, 'float16', x, y, 1, red, 'standard').ok).toBe(false);
      expect(verdict(careful, 'float16', x, y, 1, red, 'standard').ok).toBe(true);
    }
  });
  it('a reciprocal forced to 0 for |beta| < 1e-6 (one Ascend kernel) is rejected: the quadratic branch vanishes', () => {
    // beta = 1e-7 (float32), d = 5e-8: L = 0.5 * d^2 / beta = 1.25e-8
    for (const level of ['strict', 'standard'] as const) {
      expect(verdict(reciprocalTinyZero, 'float32', [5e-8], [0], 1e-7, 'none', level).ok).toBe(false);
      expect(verdict(reciprocal, 'float32', [5e-8], [0], 1e-7, 'none', level).ok).toBe(true);
    }
  });
});

describe('interval properties', () => {
  const levels: ToleranceLevel[] = ['strict', 'standard'];
  const finite32 = fc.float({ noNaN: true, noDefaultInfinity: true, min: Math.fround(-1e30), max: Math.fround(1e30) });
  const beta32 = fc.float({ noNaN: true, noDefaultInfinity: true, min: Math.fround(1e-30), max: Math.fround(1e30) });

  function containsExpected(acc: Acceptance): boolean {
    for (let i = 0; i < acc.expected.length; i++) {
      const e = acc.expected[i];
      if (acc.nanExpected[i]) {
        if (!Number.isNaN(e)) return false;
        continue;
      }
      if (!(acc.lo[i] <= e && e <= acc.hi[i])) return false;
    }
    return true;
  }

  it('always contains the correctly rounded value, for every dtype, level and reduction', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(finite32, finite32), { minLength: 0, maxLength: 8 }), beta32, fc.constantFrom(...dtypes), fc.constantFrom(...reductions), fc.constantFrom(...levels), (pairs, b, dt, red, level) => {
        const ref = computeReference(args(dt, pairs.map((p) => p[0]), pairs.map((p) => p[1]), b, red), dt);
        expect(containsExpected(acceptance(ref, level))).toBe(true);
      }),
      { numRuns: 400, seed: 7 },
    );
  });

  it('outward doubles (and outward BigFloats for float64) never give a narrower interval than exact rationals, and at most one output ulp wider', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(finite32, finite32), { minLength: 1, maxLength: 6 }), beta32, fc.constantFrom<FloatDType>('float16', 'bfloat16', 'float32', 'float64'), fc.constantFrom(...reductions), fc.constantFrom(...levels), (pairs, b, dt, red, level) => {
        const ref = computeReference(args(dt, pairs.map((p) => p[0]), pairs.map((p) => p[1]), b, red), dt);
        const fast = acceptance(ref, level);
        const exact = acceptance(ref, level, { arithmetic: 'exact' });
        const f = floatFormat(dt);
        for (let i = 0; i < ref.expected.length; i++) {
          if (exact.nanExpected[i]) {
            expect(fast.nanExpected[i]).toBe(1);
            continue;
          }
          expect(fast.lo[i]).toBeLessThanOrEqual(exact.lo[i]);
          expect(fast.hi[i]).toBeGreaterThanOrEqual(exact.hi[i]);
          expect(fast.lo[i]).toBeGreaterThanOrEqual(f.nextDown(exact.lo[i]));
          expect(fast.hi[i]).toBeLessThanOrEqual(f.nextUp(exact.hi[i]));
        }
      }),
      { numRuns: 300, seed: 8 },
    );
  });

  it("is within the model's bound: strict float32 'none' with normal results is at most 6 ulps either side", () => {
    // strict float32: |d^| has 1 rounding (2 in L = d^2), beta exact, 3 roundings in the
    // quadratic branch: (1+u)^5 - 1 < 5.1u relative, and u*L <= 1 ulp(L); plus the outward rounding.
    fc.assert(
      fc.property(fc.float({ min: Math.fround(-1e6), max: Math.fround(1e6), noNaN: true }), fc.float({ min: Math.fround(-1e6), max: Math.fround(1e6), noNaN: true }), fc.float({ min: Math.fround(1e-3), max: Math.fround(1e6), noNaN: true }), (x, y, b) => {
        const ref = computeReference(args('float32', [x], [y], b, 'none'), 'float32');
        const e = ref.expected[0];
        fc.pre(e > 1e-30);
        const acc = acceptance(ref, 'strict');
        const ulp = floatFormat('float32').ulp(e);
        expect((acc.hi[0] - e) / ulp).toBeLessThanOrEqual(6);
        expect((e - acc.lo[0]) / ulp).toBeLessThanOrEqual(6);
      }),
      { numRuns: 500, seed: 9 },
    );
  });

  it('special values: NaN accepts any NaN, an exact infinity only itself, a rounded overflow [RD(lo), inf], a finite result never inf', () => {
    const nan = acceptance(computeReference(args('float32', [NaN, Infinity], [0, Infinity], 1, 'none'), 'float32'), 'standard');
    expect([...nan.nanExpected]).toEqual([1, 1]);
    const v = checkValues(nan, tensorFromNumbers('float32', [2], [NaN, -NaN]));
    expect(v.ok).toBe(true);
    const inf = acceptance(computeReference(args('float32', [Infinity], [0], 1, 'none'), 'float32'), 'standard');
    expect([inf.lo[0], inf.hi[0]]).toEqual([Infinity, Infinity]);
    // float16: |d| = 65504 - (-65504) = 131008 (exact), L = 131007.5 rounds to inf
    const ov = acceptance(computeReference(args('float16', [65504], [-65504], 1, 'none'), 'float16'), 'standard');
    expect(ov.expected[0]).toBe(Infinity);
    expect(ov.hi[0]).toBe(Infinity);
    expect(ov.lo[0]).toBe(65504);
    // finite result near the top (L = 65503.5): at strict (float32, then RN) no admitted
    // computation reaches the overflow threshold 65520: hi is maxFinite
    const top = acceptance(computeReference(args('float16', [65504], [0], 1, 'none'), 'float16'), 'strict');
    expect(top.expected[0]).toBe(65504);
    expect(top.hi[0]).toBe(65504);
  });

  describe('overflow at the round-to-nearest threshold (inf admitted exactly where an admitted computation reaches it)', () => {
    // float16 65504 - (-16) = 65520 = maxFinite + ulp/2, the overflow threshold; beta = 1e-30
    // makes the exact loss 65520 - 5e-31, just below it: the correctly rounded value is 65504,
    // but d computed in float32 (65520 exactly) converts to inf (a tie, to even), and in float16
    // d itself rounds to inf.
    for (const level of ['strict', 'standard'] as const) {
      it(`${level}: the tie accepts 65504 and inf (float32 then RN, and float16 arithmetic, both give inf)`, () => {
        const acc = acceptance(computeReference(args('float16', [65504], [-16], 1e-30, 'none'), 'float16'), level);
        expect(acc.expected[0]).toBe(65504);
        expect(acc.hi[0]).toBe(Infinity);
        expect(acc.lo[0]).toBeLessThanOrEqual(65504);
        for (const impl of [careful, halfAllTheWay]) {
          const v = verdict(impl, 'float16', [65504], [-16], 1e-30, 'none', level);
          expect(impl([65504], [-16], Math.fround(1e-30), 'float16', 'none')[0]).toBe(Infinity); // the kernels do overflow here
          expect(v.ok).toBe(true);
        }
        // the exact model and the fast path agree
        const exact = acceptance(computeReference(args('float16', [65504], [-16], 1e-30, 'none'), 'float16'), level, { arithmetic: 'exact' });
        expect([exact.lo[0], exact.hi[0]]).toEqual([acc.lo[0], acc.hi[0]]);
      });
      it(`${level}: inf is still rejected where no admitted computation reaches the threshold (L = 60000, and float32 L = 3e38)`, () => {
        const acc = acceptance(computeReference(args('float16', [60000], [0], 1, 'none'), 'float16'), level);
        expect(acc.hi[0]).toBeLessThan(Infinity);
        const inf = checkValues(acc, tensorFromNumbers('float16', [1], [Infinity]));
        expect(inf.ok).toBe(false);
        expect(inf.failures[0]).toMatchObject({ expected: 60000, actual: Infinity });
        const big = acceptance(computeReference(args('float32', [3e38], [0], 1, 'none'), 'float32'), level);
        expect(checkValues(big, tensorFromNumbers('float32', [1], [Infinity])).ok).toBe(false);
        // the float32 tie: maxFinite + ulp/2 = 2^128 - 2^103 reached through d = x - y
        const m32 = floatFormat('float32').maxFinite;
        const t32 = acceptance(computeReference(args('float32', [m32], [-(2 ** 103)], 1e-30, 'none'), 'float32'), level);
        expect(t32.expected[0]).toBe(m32);
        expect(t32.hi[0]).toBe(Infinity);
      });
    }
    it('inf is rejected just below the threshold where no rounding to nearest overflows: float16 65504 - 0 (L = 65503.5), float64 max - 0', () => {
      for (const level of ['strict', 'standard'] as const) {
        for (const [dt, x] of [['float16', 65504], ['float64', Number.MAX_VALUE]] as const) {
          const acc = acceptance(computeReference(args(dt, [x], [0], 1, 'none'), dt), level);
          expect(acc.hi[0]).toBe(x);
          expect(checkValues(acc, tensorFromNumbers(dt, [1], [Infinity])).ok).toBe(false);
          const exact = acceptance(computeReference(args(dt, [x], [0], 1, 'none'), dt), level, { arithmetic: 'exact' });
          expect([exact.lo[0], exact.hi[0]]).toEqual([acc.lo[0], acc.hi[0]]);
        }
      }
    });
  });

  it('a mean whose element overflows the output dtype keeps a tight upper bound (the overflowing form is not admitted)', () => {
    // float16: one element L = 131007.5 (beyond 65504), 99 zeros; mean = 1310.075
    const x = [65504, ...Array(99).fill(0)];
    const y = [-65504, ...Array(99).fill(0)];
    const acc = acceptance(computeReference(args('float16', x, y, 1, 'mean'), 'float16'), 'standard');
    expect(acc.expected[0]).toBe(f16round(131007.5 / 100));
    expect(acc.hi[0]).toBeLessThan(1320);
    expect(acc.lo[0]).toBeGreaterThan(1300);
  });

  it('exact zero accepts both +0 and -0; checkValues reports hex, interval and ulp error', () => {
    const acc = acceptance(computeReference(args('float32', [1, 3], [1, 2], 1, 'none'), 'float32'), 'strict');
    expect(checkValues(acc, tensorFromNumbers('float32', [2], [-0, 0.5])).ok).toBe(true);
    const bad = checkValues(acc, tensorFromNumbers('float32', [2], [0, 0.5 + 10 * 2 ** -24]), 10); // 10 ulps above 0.5
    expect(bad).toMatchObject({ ok: false, failedCount: 1 });
    expect(bad.failures[0]).toMatchObject({ index: 1, expected: 0.5, expectedHex: '3f000000', actualHex: '3f00000a', ulpError: 10 });
    expect(bad.failures[0].hi).toBeLessThan(0.5 + 10 * 2 ** -24);
    expect(bad.maxUlpError).toBe(10);
  });
});

describe("beta's precision: its float32 value (MindSpore) or its value as given (a Python float's float64)", () => {
  /** float64 throughout with the double beta (PyTorch's reading), quotient order d*d*0.5/beta. */
  const doubleBeta = (x: number[], y: number[], beta: number): number[] =>
    x.map((xi, i) => {
      const d = Math.abs(xi - y[i]);
      return d < beta ? (d * d * 0.5) / beta : d - 0.5 * beta;
    });
  const floatArgs = (x: number[], y: number[], beta: number, red: Reduction): CallArgs => ({ ...args('float64', x, y, 0, red), beta: { type: 'float', value: beta } });
  function check(x: number[], y: number[], beta: number, level: ToleranceLevel, red: Reduction = 'none') {
    const ref = computeReference(floatArgs(x, y, beta, red), 'float64');
    const el = doubleBeta(x, y, beta);
    const got = red === 'none' ? el : [el.reduce((s, v) => s + v, 0)];
    return { ref, v: checkValues(acceptance(ref, level), tensorFromNumbers('float64', ref.shape, got)) };
  }
  const x = [0.05, 0.0999, 0.1, 0.10000000149, 0.3, -2, 1e-9];
  const y = x.map(() => 0);
  for (const beta of [0.1, 1e-7, 1e30]) {
    it(`float64, beta ${beta}: the double-beta kernel passes standard and fails strict; the expected value stays the float32-beta one`, () => {
      const xs = x.map((v) => v * (beta / 0.1));
      for (const red of ['none', 'sum'] as Reduction[]) {
        expect(check(xs, y, beta, 'standard', red).v.ok).toBe(true);
        const strict = check(xs, y, beta, 'strict', red);
        expect(strict.v.ok).toBe(false);
        expect(betaNumber(strict.ref.beta)).toBe(Math.fround(beta));
      }
    });
  }
  it('an int beta is exact as given: 10**40 (float32 +inf, L = 0) admits d^2 / (2 * 10**40) at standard only', () => {
    const a: CallArgs = { ...args('float32', [1e6], [0], 0, 'none'), beta: { type: 'int', value: 10n ** 40n } };
    const ref = computeReference(a, 'float32');
    expect(ref.expected[0]).toBe(0);
    expect(computeReference(a, 'float32', { beta: 'given' }).expected[0]).toBe(Math.fround(5e-29));
    const given = tensorFromNumbers('float32', [1], [Math.fround(5e-29)]);
    expect(checkValues(acceptance(ref, 'standard'), given).ok).toBe(true);
    expect(checkValues(acceptance(ref, 'strict'), given).ok).toBe(false);
  });
});

describe('the underflow allowance eta applies only to operations whose result can be subnormal', () => {
  it('float16 results near 1e-3 with nothing subnormal: a kernel 5% off is rejected at standard (it was accepted when every op could be off by 2^-14)', () => {
    const r = rng(77);
    // d in [0.03, 0.06], beta 1: L = d^2 / 2 in [4.5e-4, 1.8e-3]; every intermediate is far above 2^-14
    const x = Array.from({ length: 32 }, () => f16round(0.03 + 0.03 * r()));
    const y = x.map(() => 0);
    const off: Impl = (xs, ys, beta, dtype, red) => careful(xs, ys, beta, dtype, red).map((v) => f16round(v * 1.05));
    for (const level of ['strict', 'standard'] as const) {
      const bad = verdict(off, 'float16', x, y, 1, 'none', level);
      expect(bad.ok).toBe(false);
      expect(bad.failedCount).toBe(32);
      expect(verdict(careful, 'float16', x, y, 1, 'none', level).ok).toBe(true);
      expect(verdict(halfAllTheWay, 'float16', x, y, 1, 'none', 'standard').ok).toBe(true);
    }
    // the interval around 0.001125 (d = 1.5, beta = 1000) is a few float16 ulps, not +-11%
    const acc = acceptance(computeReference(args('float16', [1.5], [0], 1000, 'none'), 'float16'), 'standard');
    const ulp = floatFormat('float16').ulp(acc.expected[0]);
    expect((acc.hi[0] - acc.expected[0]) / ulp).toBeLessThanOrEqual(4);
    expect((acc.expected[0] - acc.lo[0]) / ulp).toBeLessThanOrEqual(4);
  });

  // Every evaluation order the model admits, in the working format with gradual underflow
  // or with every subnormal result flushed (to 0, or to minNormal) and every subnormal input
  // read as 0 (FTZ + DAZ, flush 1 and 2), or subnormal results flushed to 0 with inputs kept
  // (FTZ alone, flush 3). An input is itself or 0 (DAZ), never anything else.
  type Round = (v: number) => number;
  const orders: Record<string, (d: number, b: number, w: Round) => number> = {
    'd*d*0.5/b': (d, b, w) => w(w(w(d * d) * 0.5) / b),
    '0.5*d*d/b': (d, b, w) => w(w(w(0.5 * d) * d) / b),
    'd*d/b*0.5': (d, b, w) => w(w(w(d * d) / b) * 0.5),
    '(0.5|d|)*(|d|/b)': (d, b, w) => w(w(0.5 * Math.abs(d)) * w(Math.abs(d) / b)),
    '(d/b)*d*0.5': (d, b, w) => w(w(w(d / b) * d) * 0.5),
    '0.5*d*d*fl(1/b)': (d, b, w) => w(w(w(0.5 * d) * d) * w(1 / b)),
    'd*d*fl(0.5/b)': (d, b, w) => w(w(d * d) * w(0.5 / b)),
    '(d*fl(1/b))*d*0.5': (d, b, w) => w(w(w(d * w(1 / b)) * d) * 0.5),
  };
  /**
   * An intermediate overflowed (1/beta for a subnormal beta, d*d for a huge d): a defect the
   * model does not admit. Likewise a rounded reciprocal (1/beta, 0.5/beta) below the working
   * format's smallest normal: the orders with a reciprocal are admitted only where it is normal.
   */
  let overflowed = false;
  const reciprocalOf: Record<string, (b: number) => number> = { '0.5*d*d*fl(1/b)': (b) => 1 / b, 'd*d*fl(0.5/b)': (b) => 0.5 / b, '(d*fl(1/b))*d*0.5': (b) => 1 / b };
  const reciprocalUnderflows = (name: string, dtype: FloatDType, beta: number): boolean => {
    const f = floatFormat(dtype);
    const r = reciprocalOf[name];
    return r !== undefined && Math.abs(f.round(r(f.round(beta)))) < f.minNormal;
  };
  function kernel(order: (d: number, b: number, w: Round) => number, dtype: FloatDType, flush: 0 | 1 | 2 | 3): Impl {
    const f = floatFormat(dtype);
    const w: Round = (v) => {
      const r = f.round(v);
      if (!Number.isFinite(r) && Number.isFinite(v)) overflowed = true;
      if (flush && r !== 0 && Math.abs(r) < f.minNormal) return flush === 2 ? Math.sign(r) * f.minNormal : 0;
      return r;
    };
    const input: Round = (v) => {
      const r = f.round(v);
      return (flush === 1 || flush === 2) && r !== 0 && Math.abs(r) < f.minNormal ? 0 : r;
    };
    return (x, y, beta, _dt, red) => {
      // beta is rounded to the working format but not flushed: the model admits no beta
      // outside the box of its readings (a subnormal beta read as 0 is out of range).
      const b = f.round(beta);
      const el = x.map((xi, i) => {
        const d = w(input(xi) - input(y[i]));
        const a = Math.abs(d);
        return a < b ? order(d, b, w) : w(a - w(0.5 * b));
      });
      if (red === 'none') return el;
      let s = 0;
      for (const v of el) s = dtype === 'float64' ? s + v : f32(s + v);
      return [red === 'sum' ? f.round(s) : f.round(s / el.length)];
    };
  }
  it('every admitted evaluation order passes at standard, with gradual underflow and with flush-to-zero (results and inputs), on tiny and huge values', () => {
    let seed = 9000;
    let checked = 0;
    for (const dt of ['float16', 'bfloat16', 'float32', 'float64'] as FloatDType[]) {
      const f = floatFormat(dt);
      for (let k = 0; k < 24; k++) {
        const r = rng(seed++);
        // d spread over the whole exponent range, beta too (some subnormal, some near the top)
        const scale = () => 2 ** Math.floor((r() * 2 - 1) * (f.emax + f.fractionBits * 0.5));
        const x = Array.from({ length: 8 }, () => f.round((r() - 0.5) * scale()));
        const y = x.map((v) => (r() < 0.5 ? 0 : f.round(v * (1 - 2 ** -3 * r()))));
        const beta = f.round(Math.fround(r() * scale())) || f.minNormal;
        if (!Number.isFinite(beta) || beta <= 0) continue;
        for (const [name, order] of Object.entries(orders)) for (const flush of [0, 1, 2, 3] as const) for (const red of reductions) {
          if (reciprocalUnderflows(name, dt, beta)) continue;
          overflowed = false;
          const v = verdict(kernel(order, dt, flush), dt, x, y, beta, red, 'standard');
          if (overflowed) continue;
          checked++;
          if (!v.ok) expect({ dt, name, flush, red, beta, x, y, failure: v.failures[0] }).toBeNull();
        }
      }
    }
    expect(checked).toBeGreaterThan(2000);
  });
  it('d*d below the subnormal range (the precision/*-square-underflow inputs): float16 squaring in float16 is caught at strict only; squaring first in the dtype itself is admitted', () => {
    // float16: d = 1.5*2^-13, beta = 2^-12: L = 1.125*2^-14 (normal); 0.5*d*d = 1.125*2^-26 rounds to 0 in float16
    const x16 = [1.5 * 2 ** -13, 2 ** -13, 1.75 * 2 ** -13];
    const y16 = [0, 0, 0];
    expect(halfAllTheWay(x16, y16, 2 ** -12, 'float16', 'none')).toEqual([0, 0, 0]);
    expect(verdict(halfAllTheWay, 'float16', x16, y16, 2 ** -12, 'none', 'strict').failedCount).toBe(3);
    expect(verdict(halfAllTheWay, 'float16', x16, y16, 2 ** -12, 'none', 'standard').ok).toBe(true);
    expect(verdict(careful, 'float16', x16, y16, 2 ** -12, 'none', 'strict').ok).toBe(true);
    // float32 / bfloat16: d = 1.5*2^-76, beta = 2^-75: d*d*0.5/beta is 0 with gradual underflow, and admitted at both levels
    const x32 = [1.5 * 2 ** -76, 1.75 * 2 ** -76];
    for (const dt of ['float32', 'bfloat16'] as FloatDType[]) for (const level of ['strict', 'standard'] as const) {
      const squareFirst = kernel(orders['d*d*0.5/b'], dt, 0);
      expect(squareFirst(x32, [0, 0], 2 ** -75, dt, 'none')).toEqual([0, 0]);
      expect(verdict(squareFirst, dt, x32, [0, 0], 2 ** -75, 'none', level).ok, `${dt} ${level}`).toBe(true);
      expect(verdict(kernel(orders['(d/b)*d*0.5'], dt, 0), dt, x32, [0, 0], 2 ** -75, 'none', level).ok, `${dt} ${level}`).toBe(true);
    }
  });
  it('a rounded reciprocal that underflows, and a beta that overflows when rounded to float16, are rejected at every level (the division orders pass)', () => {
    // float16, beta = 60000: 1/beta = 1.67e-5 and 0.5/beta are below 2^-14. Flushed to 0 the
    // quadratic branch vanishes; raised to 2^-14 it is 3.7 times too large. d = 100: exact 0.0833.
    const x = [100, 1000, 30000];
    const y = [0, 0, 0];
    for (const name of ['0.5*d*d*fl(1/b)', 'd*d*fl(0.5/b)', '(d*fl(1/b))*d*0.5']) {
      expect(reciprocalUnderflows(name, 'float16', 60000), name).toBe(true);
      for (const flush of [1, 2] as const) for (const level of ['strict', 'standard'] as const) {
        const v = verdict(kernel(orders[name], 'float16', flush), 'float16', x, y, 60000, 'none', level);
        expect(v.ok, `${name} flush ${flush} ${level}`).toBe(false);
        expect(v.failedCount, `${name} flush ${flush} ${level}`).toBe(3);
      }
    }
    // (d = 1000 and 30000 overflow d*d in float16: only the orders without a square pass)
    for (const name of ['(0.5|d|)*(|d|/b)', '(d/b)*d*0.5']) for (const flush of [0, 1, 2, 3] as const) {
      expect(verdict(kernel(orders[name], 'float16', flush), 'float16', x, y, 60000, 'none', 'standard').ok, name).toBe(true);
    }
    // the standard interval of d = 100 is a few float16 ulps around 0.0833 (it was [0, 0.999])
    const acc = acceptance(computeReference(args('float16', [100], [0], 60000, 'none'), 'float16'), 'standard');
    const ulp = floatFormat('float16').ulp(acc.expected[0]);
    expect((acc.hi[0] - acc.expected[0]) / ulp).toBeLessThanOrEqual(4);
    expect((acc.expected[0] - acc.lo[0]) / ulp).toBeLessThanOrEqual(4);
    // beta = 70000 rounded to float16 is inf (an overflow): every finite d gives 0, rejected;
    // beta kept in float32 with float16 arithmetic in a safe order passes.
    const betaInf: Impl = (xs, ys) => xs.map((xi, i) => (f16(xi - ys[i]) === 0 ? 0 : 0 * f16(xi - ys[i])));
    const safeHalf: Impl = (xs, ys, beta) => xs.map((xi, i) => {
      const a = Math.abs(f16(xi - ys[i]));
      return a < beta ? f16(f16(0.5 * a) * f16(a / beta)) : f16(a - f16(0.5 * beta));
    });
    for (const level of ['strict', 'standard'] as const) expect(verdict(betaInf, 'float16', x, y, 70000, 'none', level).ok, level).toBe(false);
    expect(verdict(safeHalf, 'float16', x, y, 70000, 'none', 'standard').ok).toBe(true);
    const acc7 = acceptance(computeReference(args('float16', [100], [0], 70000, 'none'), 'float16'), 'standard');
    expect(acc7.lo[0]).toBeGreaterThan(0.07);
    expect(acc7.hi[0]).toBeLessThan(0.072);
  });
  it('each underflow allowance is needed: flush-to-zero kernels on float16 values at the edge of the normal range pass at standard', () => {
    const N = 2 ** -14;
    const q = 2 ** -24;
    const ftz = kernel(orders['d*d*0.5/b'], 'float16', 1);
    const ftzUp = kernel(orders['d*d*0.5/b'], 'float16', 2);
    const cases: [string, number, number, number][] = [
      // [what, x, y, beta]
      ['a subnormal input read as 0 (d = 3.5N, computed as 4N; L = 2N, computed as 2.5N)', 4 * N, 0.5 * N, 3 * N],
      ['d = x - y subnormal from normal inputs, flushed (linear: L = 2.5 q exactly)', N + 3 * q, N, q],
      ['the linear subtraction |d| - 0.5 beta subnormal (L = 0.75 N)', 1.5 * N, 0, 1.5 * N],
      ['0.5 * beta subnormal (beta = 1.5 N), read as 0: L = 2N instead of 1.25N', 2 * N, 0, 1.5 * N],
    ];
    // (in the linear branch L >= 0.5 beta, so the last two also need 0.5 beta below N)
    for (const [what, x, y, beta] of cases) {
      const got = ftz([x], [y], beta, 'float16', 'none')[0];
      const exact = computeReference(args('float16', [x], [y], beta, 'none'), 'float16').expected[0];
      expect(got, what).not.toBe(exact); // flushing changes the result ...
      for (const k of [ftz, ftzUp]) expect(verdict(k, 'float16', [x], [y], beta, 'none', 'standard').ok, what).toBe(true); // ... and standard admits it
      expect(verdict(ftz, 'float16', [x], [y], beta, 'none', 'strict').ok, what).toBe(false); // strict keeps gradual underflow
    }
  });
});

describe('the last conversion to a half output is round-to-nearest-even (strict half types; half sums accumulated in float32)', () => {
  // A kernel that computes in float32 (carefully) and converts to the half output by
  // truncation (round toward zero) instead of rounding to nearest: the classic bfloat16
  // bug of keeping the top 16 bits of the float32 pattern, and its float16 analogue.
  const f32bits = new Float32Array(1);
  const u32 = new Uint32Array(f32bits.buffer);
  const topHalf = (v: number): number => {
    f32bits[0] = v;
    u32[0] = u32[0] & 0xffff0000;
    return f32bits[0];
  };
  const truncate = (dtype: FloatDType) => (v: number): number => {
    const f32v = Math.fround(v);
    return dtype === 'bfloat16' ? topHalf(f32v) : floatFormat('float16').roundDirected(f32v, f32v < 0 ? 1 : -1);
  };
  /** careful's float32 arithmetic, with the final conversion truncated. */
  const truncating: Impl = (x, y, beta, dtype, red) => careful(x, y, beta, 'float32', red).map(truncate(dtype));
  // x = 3, y = 0: the linear branch L = 3 - beta/2 with a beta that is a float32 value but
  // not a half one, so L (exact in float32) is 0.8125 of a half ulp above a half value:
  //   bfloat16: beta = 1 + 3*2^-9,  L = 2.4970703125 = 159.8125 * 2^-6  -> RN 2.5, truncated 2.484375
  //   float16:  beta = 1 + 3*2^-12, L = 2.4996337890625 = 1279.8125 * 2^-9 -> RN 2.5, truncated 2.498046875
  // The sum of two such elements is 0.8125 ulp above a half value too; the mean equals L.
  const setups: [FloatDType, number, number][] = [
    ['bfloat16', 1 + 3 * 2 ** -9, 2.484375],
    ['float16', 1 + 3 * 2 ** -12, 2.498046875],
  ];
  for (const [dt, beta, truncated] of setups) {
    it(`${dt}: float32 arithmetic then truncation is rejected at strict for none, sum and mean; the careful kernel (RN) passes`, () => {
      const x = [3, 3];
      const y = [0, 0];
      expect(truncating(x, y, beta, dt, 'none')[0]).toBe(truncated);
      expect(careful(x, y, beta, dt, 'none')[0]).toBe(2.5);
      for (const red of reductions) {
        const bad = verdict(truncating, dt, x, y, beta, red, 'strict');
        expect(bad.ok, red).toBe(false);
        // the strict interval is the correctly rounded value alone: the float32 bounds lie
        // within a few float32 ulps of L, far from the half midpoint 0.3125 ulp away
        expect(bad.failures[0], red).toMatchObject({ expected: red === 'sum' ? 5 : 2.5, lo: red === 'sum' ? 5 : 2.5, hi: red === 'sum' ? 5 : 2.5 });
        expect(verdict(careful, dt, x, y, beta, red, 'strict').ok, red).toBe(true);
      }
      // standard does not catch it: it admits per-element arithmetic in the half type itself
      // (u = 2^-8 for bfloat16, 2^-11 for float16) and beta rounded to it, so the interval
      // spans a few half ulps around 2.5 and the truncated value (one ulp below) is inside.
      // (Its sums are converted from a float32 accumulator with RN too, but the terms'
      // half-precision errors keep that interval a few ulps wide as well.)
      for (const red of reductions) expect(verdict(truncating, dt, x, y, beta, red, 'standard').ok, red).toBe(true);
    });
    it(`${dt}: on random inputs truncation fails strict on many elements, rounding to nearest passes`, () => {
      const x = randomValues(dt, 256, 31);
      const y = randomValues(dt, 256, 32);
      for (const b of betas) {
        const bad = verdict(truncating, dt, x, y, b, 'none', 'strict');
        // elements whose loss is not a half value and whose float32 tail is above half a
        // half ulp (many losses here are exact half values: |d| - beta/2 with a short beta)
        expect(bad.failedCount, `beta ${b}`).toBeGreaterThan(10);
        expect(verdict(careful, dt, x, y, b, 'none', 'strict').ok).toBe(true);
      }
    });
  }
  it('a strict half interval is [RN(lo), RN(hi)] of the float32 bounds: an exact half result admits only itself', () => {
    // worked example of spec/smooth-l1-loss.md 9.1: L = 80 and 45 exactly (float16 values)
    const acc = acceptance(computeReference(args('float16', [400, 300], [0, 0], 1000, 'none'), 'float16'), 'strict');
    expect([...acc.lo]).toEqual([80, 45]);
    expect([...acc.hi]).toEqual([80, 45]);
  });
  it('a value beyond the half range converts to inf: a truncating conversion that saturates at maxFinite is rejected', () => {
    // float16 |d| = 131008, L = 131007.5: computed in float32 at strict, any value near it converts to inf
    const strictNone = acceptance(computeReference(args('float16', [65504], [-65504], 1, 'none'), 'float16'), 'strict');
    expect([strictNone.lo[0], strictNone.hi[0]]).toEqual([Infinity, Infinity]);
    expect(verdict(truncating, 'float16', [65504], [-65504], 1, 'none', 'strict').ok).toBe(false); // 65504
    // at standard the element may be computed in float16 and clamp (outward bounds keep 65504) ...
    const stdNone = acceptance(computeReference(args('float16', [65504], [-65504], 1, 'none'), 'float16'), 'standard');
    expect(stdNone.lo[0]).toBe(65504);
    // ... but a sum is accumulated in float32 (exact sum 2 * 40000 - 1 = 79999) and converted with RN: inf only
    const x = [40000, 40000];
    const y = [0, 0];
    const stdSum = acceptance(computeReference(args('float16', x, y, 1, 'sum'), 'float16'), 'standard');
    expect([stdSum.lo[0], stdSum.hi[0]]).toEqual([Infinity, Infinity]);
    expect(verdict(truncating, 'float16', x, y, 1, 'sum', 'standard').ok).toBe(false);
    expect(verdict(careful, 'float16', x, y, 1, 'sum', 'standard').ok).toBe(true);
  });
  it('double rounding through float32 (a float64 value cast to float32, then to the half type) stays accepted at strict', () => {
    // the in-repo CPU kernel's path: float64 arithmetic, stored as float32, then rounded to half
    const viaF32: Impl = (x, y, beta, dtype, red) => {
      const el = x.map((xi, i) => {
        const a = Math.abs(xi - y[i]);
        return a < beta ? (0.5 * a * a) / beta : a - 0.5 * beta;
      });
      const vals = red === 'none' ? el : [el.reduce((s, v) => s + v, 0) / (red === 'mean' ? el.length : 1)];
      return vals.map((v) => floatFormat(dtype).round(Math.fround(v)));
    };
    let seed = 700;
    for (const dt of ['float16', 'bfloat16'] as FloatDType[]) for (const red of reductions) for (const b of betas) {
      const v = verdict(viaF32, dt, randomValues(dt, 128, seed++), randomValues(dt, 128, seed++), b, red, 'strict');
      if (!v.ok) expect({ dt, red, b, failures: v.failures.slice(0, 2) }).toBeNull();
    }
  });
});
