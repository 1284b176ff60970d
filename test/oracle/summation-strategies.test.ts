/**
 * The summation bound of `standard` (spec/fp-primer.md "Summation trees"): summation trees
 * of height at most H(n) = min(n - 1, 1024 + ceil(n/128) + ceil(log2 n)). Every strategy
 * correct kernels use (./summation-strategies.ts, written from their descriptions) passes on
 * inputs adversarial for it, for sum and mean, float32 and half outputs; a plain sequential
 * float32 accumulator over the whole tensor, which stagnates on a large partial sum followed
 * by many small terms, is rejected, though the old any-order bound (gamma_{n-1}) admitted it;
 * float64 sums keep any order (MindSpore's kernels accumulate float64 one term at a time).
 * The verdicts are the checking engine's (harness Checker); the losses are computed here in
 * float32 (Math.fround), the half conversions by common/float-format.ts (shared low-level code).
 */
import { describe, expect, it } from 'vitest';
import { floatFormat } from '../../common/float-format.js';
import { tensorFromNumbers } from '../../common/tensor.js';
import type { CallArgs, FloatDType, LoadedCase, ProfileName, Reduction } from '../../common/types.js';
import { Checker } from '../../harness/check.js';
import { ADMITTED, sequential } from './summation-strategies.js';

const f32 = Math.fround;
const BETA = 8;
const rerunPrefix = 'summation-strategies.test.ts';

/** The admitted tree height at standard, from the spec's formula (not the oracle's code). */
const height = (n: number) => Math.min(n - 1, 1024 + Math.ceil(n / 128) + Math.ceil(Math.log2(n)));
/** gamma_k = k u / (1 - k u) for float32 (u = 2^-24). */
const gamma32 = (k: number) => (k * 2 ** -24) / (1 - k * 2 ** -24);

interface Input {
  name: string;
  dtype: FloatDType;
  n: number;
  /** Logits (labels are 0): values exact in the dtype. */
  x: (i: number, r: () => number) => number;
}

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

/** A logit of loss 2^k on the quadratic branch (beta 8: 0.5 d^2 / 8 = 2^k for d = 2^((k+4)/2), k even). */
const quadLoss = (k: number) => 2 ** ((k + 4) / 2);
/** A random value of exponent in [lo, hi] with either sign. */
const mixed = (lo: number, hi: number) => (_: number, r: () => number) => (r() < 0.5 ? -1 : 1) * (1 + r()) * 2 ** Math.floor(lo + r() * (hi - lo + 1));

const INPUTS: Input[] = [
  // one loss of 2^25 (|d| - 4 with |d| = 2^25 + 4), then losses of 1: the corpus's stagnation case
  { name: 'large partial first, then losses of 1', dtype: 'float32', n: 1 << 17, x: (i) => (i === 0 ? 2 ** 25 + 4 : quadLoss(0)) },
  // the size where a sequential leaf run (Eigen's 1024 additions per lane) is longest against H(n)
  { name: 'large partial first, then losses of 1', dtype: 'float32', n: 8192, x: (i) => (i === 0 ? 2 ** 25 + 4 : quadLoss(0)) },
  // every grid-stride chain and every early block starts large: 65536 losses of 2^20, then 2^-4
  { name: 'large terms first (65536 of 2^20), then losses of 2^-4', dtype: 'float32', n: (1 << 17) + 3, x: (i) => (i < 65536 ? 2 ** 20 + 4 : quadLoss(-4)) },
  { name: 'mixed magnitudes (2^-12 .. 2^20)', dtype: 'float32', n: 1_000_003, x: mixed(-12, 20) },
  { name: 'all equal (logits 0.1)', dtype: 'float32', n: (1 << 18) + 5, x: () => 0.1 },
  // float16: one loss of 16380, then losses of 2^-12 (below half an ulp of the float32 partial
  // sum); 2^19 of them lose 128 = 8 float16 ulps, more than the per-element slack of float16
  // arithmetic that standard admits (about 3 float16 roundings of the 16380)
  { name: 'large partial first, then losses of 2^-12', dtype: 'float16', n: 1 << 19, x: (i) => (i === 0 ? 16384 : quadLoss(-12)) },
  { name: 'mixed magnitudes (2^-14 .. 2^1)', dtype: 'float16', n: (1 << 17) + 3, x: mixed(-14, 1) },
  { name: 'large partial first, then losses of 1', dtype: 'bfloat16', n: 1 << 17, x: (i) => (i === 0 ? 2 ** 25 : quadLoss(0)) },
  { name: 'mixed magnitudes (2^-20 .. 2^20)', dtype: 'bfloat16', n: (1 << 17) + 3, x: mixed(-20, 20) },
];

/** The input's logits (rounded to the dtype) and the losses a kernel computes from them in float32. */
function build(input: Input): { x: Float64Array; losses: Float32Array } {
  const fmt = floatFormat(input.dtype);
  const r = rng(input.n);
  const x = Float64Array.from({ length: input.n }, (_, i) => fmt.round(input.x(i, r)));
  const losses = new Float32Array(input.n);
  for (let i = 0; i < input.n; i++) {
    const ad = Math.abs(f32(x[i])); // labels are 0: d = x, exact in float32
    losses[i] = ad < BETA ? f32(f32(f32(0.5 * ad) * ad) / BETA) : f32(ad - 0.5 * BETA);
  }
  return { x, losses };
}

function callArgs(dtype: FloatDType, x: Float64Array, reduction: Reduction): CallArgs {
  return {
    logits: { type: 'tensor', tensor: tensorFromNumbers(dtype, [x.length], x) },
    labels: { type: 'tensor', tensor: tensorFromNumbers(dtype, [x.length], new Float64Array(x.length)) },
    beta: { type: 'float', value: BETA },
    reduction: { type: 'str', value: reduction },
  };
}

const profileOf = (dtype: FloatDType): ProfileName => (dtype === 'bfloat16' ? 'ascend' : 'cpu');

/** A synthetic case for the Checker: its id keys the kept acceptance interval. */
function caseOf(id: string, dtype: FloatDType): LoadedCase {
  return { id, file: `${id}.json`, title: id, tags: [], profiles: [profileOf(dtype)], inputs: {} as LoadedCase['inputs'], expected: { [profileOf(dtype)]: { output: { dtype, shape: [] } } } };
}

/** The output a kernel returns from its float32 sum: the sum or the mean (divided in float32), converted with round-to-nearest-even. */
function output(dtype: FloatDType, sum: number, n: number, reduction: Reduction): number {
  const v = reduction === 'sum' ? sum : f32(sum / n);
  return floatFormat(dtype).round(v);
}

// cacheElements 1: a reduction's interval is computed once per input and reduction, then every strategy is judged against it
const checkers = new Map<ProfileName, Checker>();
const keptChecker = (p: ProfileName) => checkers.get(p) ?? checkers.set(p, new Checker({ profile: p, tolerance: 'standard', rerunPrefix, cacheElements: 1 })).get(p)!;
// the engine's default: the fused value check of the whole call
const fusedChecker = (p: ProfileName) => new Checker({ profile: p, tolerance: 'standard', rerunPrefix });

async function verdict(checker: Checker, input: Input, x: Float64Array, reduction: Reduction, value: number) {
  const id = `${input.dtype}/${input.name}/${input.n}/${reduction}`;
  const result = { kind: 'output' as const, tensor: tensorFromNumbers(input.dtype, [], [value]) };
  return await checker.check(caseOf(id, input.dtype), callArgs(input.dtype, x, reduction), result);
}

describe('standard admits the summation strategies of correct kernels', () => {
  for (const input of INPUTS) {
    it(`${input.dtype}, n = ${input.n}, ${input.name}: every strategy passes, sum and mean`, async () => {
      const { x, losses } = build(input);
      const checker = keptChecker(profileOf(input.dtype));
      for (const s of ADMITTED) {
        const sum = s.sum(losses);
        for (const reduction of ['sum', 'mean'] as const) {
          const v = await verdict(checker, input, x, reduction, output(input.dtype, sum, input.n, reduction));
          expect(v.status, `${s.name}, ${reduction}: ${v.reason}`).toBe('pass');
        }
      }
    });
  }
});

describe('standard rejects a sequential float32 accumulator that stagnates', () => {
  const [spike, , , , , half] = INPUTS;

  it('float32 sum of 2^17 terms (2^25 then 1s): the sequential sum stays 2^25; the engine rejects it with the interval', async () => {
    const { x, losses } = build(spike);
    const s = sequential(losses);
    expect(s).toBe(2 ** 25);
    const v = await verdict(fusedChecker('cpu'), spike, x, 'sum', s);
    expect(v.status).toBe('wrong-value');
    // exact 2^25 + 131071, correctly rounded to float32: 33685504
    expect(v.reason).toMatch(/^1 of 1 float32 elements outside the standard interval; first at \[0\]: expected 33685504 in \[\d+, \d+\], got 33554432 /);
    const el = v.details!.elements![0];
    expect(Number(el.lo)).toBeGreaterThan(2 ** 25 + 131071 - 5000);
    expect(Number(el.hi)).toBeLessThan(2 ** 25 + 131071 + 5000);
  });

  it('float32 mean of the same terms: rejected', async () => {
    const { x, losses } = build(spike);
    const v = await verdict(fusedChecker('cpu'), spike, x, 'mean', output('float32', sequential(losses), spike.n, 'mean'));
    expect(v.status).toBe('wrong-value');
    expect(v.reason).toMatch(/got 256 /);
  });

  it('float16 sum and mean accumulated sequentially in float32 and converted: rejected', async () => {
    const { x, losses } = build(half);
    const s = sequential(losses);
    expect(s).toBe(16380); // every 2^-12 is below half an ulp of 16380 in float32
    for (const reduction of ['sum', 'mean'] as const) {
      const v = await verdict(fusedChecker('cpu'), half, x, reduction, output('float16', s, half.n, reduction));
      expect(v.status, reduction).toBe('wrong-value');
    }
  });

  it('float64 sums may still be formed in any order: a sequential float64 accumulator (MindSpore CPU and GPU) passes the float64 stagnation input', async () => {
    // one loss of 2^54 (d = 2^54 + 4), then losses of 1: 2^54 + 1 rounds back to 2^54 in float64
    const n = 1 << 17;
    const input: Input = { name: 'large partial first, then losses of 1', dtype: 'float64', n, x: (i) => (i === 0 ? 2 ** 54 + 4 : quadLoss(0)) };
    const r = rng(n);
    const x = Float64Array.from({ length: n }, (_, i) => input.x(i, r));
    let s = 0;
    for (const v of x) s += v < BETA ? (0.5 * v * v) / BETA : v - 0.5 * BETA;
    expect(s).toBe(2 ** 54);
    for (const reduction of ['sum', 'mean'] as const) {
      const v = await verdict(fusedChecker('cpu'), input, x, reduction, reduction === 'sum' ? s : s / n);
      expect(v.status, `${reduction}: ${v.reason}`).toBe('pass');
    }
  });

  it('the old any-order bound gamma_{n-1} admitted the stagnated sum; gamma_H(n) is 30 times too small for it', () => {
    const { losses } = build(spike);
    const n = spike.n;
    let exact = 0; // integers below 2^53: exact in binary64
    for (const t of losses) exact += t;
    expect(exact).toBe(2 ** 25 + n - 1);
    const err = exact - sequential(losses);
    expect(err).toBe(n - 1);
    expect(height(n)).toBe(1024 + 1024 + 17);
    // old: |S^ - S| <= gamma_131071 S = 0.0078739 S (about 265,000): the sequential sum was inside
    expect(err).toBeLessThan(gamma32(n - 1) * exact);
    // new: gamma_2065 S (about 4,150)
    expect(err).toBeGreaterThan(30 * gamma32(height(n)) * exact);
  });
});
