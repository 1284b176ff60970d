/** Mixed dtypes, large generated tensors and seeded random small cases. */
import type { CaseSpec } from '../build-case.js';
import { FLOAT_DTYPES, floats, generated, pyFloat, pyInt, pyStr } from '../tensors.js';
import { floatFormat } from '../../../common/float-format.js';
import { Xoshiro128ss } from '../../../common/prng.js';
import type { FloatDType, ValueJson } from '../../../common/types.js';

export function promotionCases(): CaseSpec[] {
  const out: CaseSpec[] = [];
  const pairs: [FloatDType, FloatDType][] = [
    ['float16', 'float32'], ['float32', 'float16'], ['float32', 'float64'], ['float64', 'float32'], ['float16', 'float64'],
    ['bfloat16', 'float16'], ['float16', 'bfloat16'], ['bfloat16', 'float32'], ['float32', 'bfloat16'], ['bfloat16', 'float64'],
  ];
  const vals = [0.1, 1 / 3, 2.5, -7.3];
  const ys = [0.1, 1 / 3, 0.5, 1e-3];
  for (const [a, b] of pairs) {
    for (const r of ['none', 'sum']) {
      out.push({
        id: `promotion/${a}-${b}-${r}`,
        title: `${a} logits with ${b} labels, reduction '${r}'`,
        description: `Different dtypes: cpu and ascend convert both to the promoted dtype (spec/dtypes.json) and compute there, an error if that dtype is unsupported; gpu requires equal dtypes (any error). The values are 0.1 and 1/3 rounded to each dtype, so d is the tiny rounding difference that computing in the narrower dtype (e.g. casting labels to the logits' dtype) loses.`,
        tags: ['area:promotion'],
        inputs: { logits: floats(a, [4], vals, true), labels: floats(b, [4], ys, true), reduction: pyStr(r) },
      });
    }
  }
  return out;
}

export function largeCases(): CaseSpec[] {
  const u = (seed: number, a: number, b: number) => ({ prng: 'xoshiro128**' as const, seed, distribution: 'uniform' as const, a, b });
  return [
    {
      id: 'large/float32-1m-mean',
      title: '1,000,000 float32 elements, reduction mean',
      description: 'Uniform values in [-4, 4): a long float32 reduction. At strict (pairwise-quality summation) the accepted mean is within about 1.6e-6 relative of the exact value, which a naive running float32 sum over 1e6 terms can exceed; at standard (summation trees of height at most 1024 + n/128 + ceil(log2 n) = 8857, a worst-case bound) within about 0.05 %, which catches a wrong formula, dropped elements, a sum instead of a mean, an overflow, or an accumulator that stagnates, though not the rounding noise of a running float32 sum over these random terms.',
      tags: ['area:large', 'area:reductions'],
      inputs: { logits: generated('float32', [1000, 1000], u(1, -4, 4)), labels: generated('float32', [1000, 1000], u(2, -4, 4)), reduction: pyStr('mean') },
    },
    {
      id: 'large/float32-65536-none',
      title: '65,536 float32 elements, reduction none',
      description: 'Uniform values in [-4, 4) as a 256 x 256 tensor: every element checked against its own interval.',
      tags: ['area:large'],
      inputs: { logits: generated('float32', [256, 256], u(3, -4, 4)), labels: generated('float32', [256, 256], u(4, -4, 4)), reduction: pyStr('none') },
    },
    {
      id: 'large/float16-65536-sum',
      title: '65,536 float16 elements, beta 0.5, reduction sum',
      description: 'Uniform values in [-8, 8) rounded to float16: the exact sum (about 3.3e5) is beyond float16 range, so the correctly rounded result is inf (the largest finite float16 is accepted too, as the error bound straddles the overflow threshold). NaN, or a small finite value from an accumulator that wrapped or stagnated, fails.',
      tags: ['area:large', 'area:reductions', 'overflow'],
      inputs: { logits: generated('float16', [65536], u(5, -8, 8)), labels: generated('float16', [65536], u(6, -8, 8)), beta: pyFloat('0.5'), reduction: pyStr('sum') },
    },
    {
      id: 'large/float16-65536-mean',
      title: '65,536 float16 elements, reduction mean',
      description: 'Uniform values in [-2, 2) in float16: the mean is well within range though the sum is not exact in float16.',
      tags: ['area:large', 'area:reductions'],
      inputs: { logits: generated('float16', [65536], u(7, -2, 2)), labels: generated('float16', [65536], u(8, -2, 2)), reduction: pyStr('mean') },
    },
    {
      id: 'large/bfloat16-all-bits-none',
      title: 'Random bfloat16 bit patterns (NaN, inf, subnormals included), reduction none',
      description: 'Every class of bfloat16 value against every other: NaN propagation, infinities, subnormals and overflowing differences, element by element.',
      tags: ['area:large', 'area:special-values'],
      inputs: { logits: generated('bfloat16', [4096], { prng: 'xoshiro128**', seed: 9, distribution: 'bits' }), labels: generated('bfloat16', [4096], { prng: 'xoshiro128**', seed: 10, distribution: 'bits' }), reduction: pyStr('none') },
    },
    {
      id: 'large/float16-all-bits-none',
      title: 'Random float16 bit patterns (NaN, inf, subnormals included), reduction none',
      description: 'Every class of float16 value against every other, element by element, including differences that overflow float16.',
      tags: ['area:large', 'area:special-values'],
      inputs: { logits: generated('float16', [4096], { prng: 'xoshiro128**', seed: 11, distribution: 'bits' }), labels: generated('float16', [4096], { prng: 'xoshiro128**', seed: 12, distribution: 'bits' }), reduction: pyStr('none') },
    },
    {
      id: 'large/float64-finite-bits-none',
      title: 'Random finite float64 bit patterns, beta 2 (int), reduction none',
      description: 'Finite doubles of every magnitude: differences overflow, underflow or cancel; the float64 path must keep float64 precision (MindSpore GPU uses fabsf).',
      tags: ['area:large', 'area:special-values', 'beta:int'],
      inputs: { logits: generated('float64', [8192], { prng: 'xoshiro128**', seed: 13, distribution: 'finite-bits' }), labels: generated('float64', [8192], { prng: 'xoshiro128**', seed: 14, distribution: 'finite-bits' }), beta: pyInt(2), reduction: pyStr('none') },
    },
  ];
}

/** Small random cases: every dtype x reduction x a few betas, values drawn with the suite's PRNG and stored as bits. */
export function randomCases(): CaseSpec[] {
  const out: CaseSpec[] = [];
  const betas: [string, ValueJson | undefined][] = [['default', undefined], ['half', pyFloat('0.5')], ['int-3', pyInt(3)], ['tenth', pyFloat('0.1')]];
  let seed = 1000;
  for (const d of FLOAT_DTYPES) {
    const f = floatFormat(d);
    for (const r of ['none', 'mean', 'sum']) {
      for (const [bn, beta] of betas) {
        const g = new Xoshiro128ss(seed++);
        const n = 6 + (g.next() % 11);
        // Values in [-4, 4) with varied magnitudes: some pairs are close, so both branches occur.
        const xs: number[] = [];
        const ys: number[] = [];
        for (let i = 0; i < n; i++) {
          const x = f.round(-4 + (8 * g.next()) / 2 ** 32);
          const scale = 2 ** -(g.next() % 8);
          ys.push(f.round(x + scale * (-2 + (4 * g.next()) / 2 ** 32)));
          xs.push(x);
        }
        out.push({
          id: `random/${d}-${r}-beta-${bn}`,
          title: `Random ${d} values, reduction '${r}', beta ${beta ? (beta as { value: string }).value : 'absent'}`,
          description: `${n} seeded random pairs (PRNG seed ${seed - 1}) with differences from tiny to 2: both branches, rounding of every step.`,
          tags: ['area:random'],
          inputs: { logits: floats(d, [n], xs), labels: floats(d, [n], ys), ...(beta ? { beta } : {}), reduction: pyStr(r) },
        });
      }
    }
  }
  return out;
}
