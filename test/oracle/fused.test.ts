/**
 * The fused, chunked value check (oracle/judge.ts) gives exactly the verdict of
 * checkValues(acceptance(computeReference(...))) with the intervals evaluated in exact
 * rationals: the same pass/fail, failure count, largest ulp error and reported failures.
 * Outputs are chosen at and next to the interval ends, at the expected value, and as
 * special values, on hunted inputs and on large uniform tensors (the hot loops).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { acceptance, checkOutput, checkValues, computeReference } from '../../oracle/index.js';
import { generateElements } from '../../common/prng.js';
import { tensorFromNumbers } from '../../common/tensor.js';
import type { CallArgs, FloatDType, Reduction, Tensor, ToleranceLevel } from '../../common/types.js';
import { outputsNear } from './equality.js';
import { huntArgs, huntCases } from './hunt.js';

function compare(args: CallArgs, dtype: FloatDType, level: ToleranceLevel, actual: Tensor): void {
  const ref = computeReference(args, dtype);
  const want = checkValues(acceptance(ref, level, { arithmetic: 'exact' }), actual, 5);
  const got = checkOutput(args, dtype, level, actual, { maxReported: 5 });
  expect({ ok: got.ok, failedCount: got.failedCount, maxUlpError: got.maxUlpError, failures: got.failures }).toEqual(want);
}

describe('the fused value check = checkValues on the exact intervals', () => {
  for (const out of ['float16', 'bfloat16', 'float32', 'float64'] as FloatDType[]) {
    it(`${out}: hunted inputs, outputs at and next to the interval ends`, () => {
      fc.assert(
        fc.property(huntCases(out, 16), fc.constantFrom<ToleranceLevel>('strict', 'standard'), fc.integer(), (c, level, seed) => {
          const args = huntArgs(c);
          const ref = computeReference(args, out);
          if (ref.beta.kind === 'nan') return;
          const acc = acceptance(ref, level, { arithmetic: 'exact' });
          const actual = tensorFromNumbers(out, ref.shape, outputsNear(out, acc, seed));
          compare(args, out, level, actual);
        }),
        { numRuns: 150, seed: 4242 },
      );
    });
  }

  for (const out of ['float16', 'bfloat16', 'float32', 'float64'] as FloatDType[]) {
    for (const reduction of ['none', 'sum', 'mean'] as Reduction[]) {
      it(`${out} ${reduction}: uniform elements through the hot loops, a correct and a perturbed output`, () => {
        const n = Number(process.env.SMOOTHL1_FUSED_ELEMENTS ?? 4000);
        const gen = (seed: number) => ({ dtype: out, shape: [n], data: generateElements({ prng: 'xoshiro128**', seed, distribution: 'uniform', a: -4, b: 4 }, out, n) });
        const args: CallArgs = { logits: { type: 'tensor', tensor: gen(11) }, labels: { type: 'tensor', tensor: gen(12) }, beta: { type: 'float', value: 0.7 }, reduction: { type: 'str', value: reduction } };
        for (const level of ['strict', 'standard'] as ToleranceLevel[]) {
          const ref = computeReference(args, out);
          const acc = acceptance(ref, level, { arithmetic: 'exact' });
          compare(args, out, level, tensorFromNumbers(out, ref.shape, ref.expected));
          compare(args, out, level, tensorFromNumbers(out, ref.shape, outputsNear(out, acc, 99)));
        }
      });
    }
  }
});
