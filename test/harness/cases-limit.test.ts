/**
 * The element limit of a case (spec/smooth-l1-loss.md section 10): 2^30 elements per
 * tensor are accepted (10^9 and up: the oracle stores nothing per element), more are
 * refused with the file, the pointer and the number named.
 */
import { describe, expect, it } from 'vitest';
import { caseProblems, MAX_CASE_ELEMENTS } from '../../harness/cases/index.js';

function generated(shape: number[]) {
  const t = (seed: number) => ({ type: 'tensor', tensor: { dtype: 'float32', shape, generate: { prng: 'xoshiro128**', seed, distribution: 'uniform', a: -4, b: 4 } } });
  return { title: 'a large generated case', tags: ['area:large'], profiles: ['cpu'], inputs: { logits: t(1), labels: t(2), reduction: { type: 'str', value: 'sum' } }, expected: { cpu: { output: { dtype: 'float32', shape: [] } } } };
}

describe('the element limit', () => {
  it('is 2^30, at least 10^9', () => {
    expect(MAX_CASE_ELEMENTS).toBe(2 ** 30);
    expect(MAX_CASE_ELEMENTS).toBeGreaterThanOrEqual(1e9);
  });
  it('accepts 10^9 and 2^30 elements, refuses one more with a clear message', () => {
    expect(caseProblems('big.json', generated([1000, 1000, 1000]))).toEqual([]);
    expect(caseProblems('big.json', generated([1 << 15, 1 << 15]))).toEqual([]);
    const p = caseProblems('big.json', generated([(1 << 15) + 1, 1 << 15]));
    expect(p.map((x) => x.pointer)).toEqual(['/inputs/logits/tensor/shape', '/inputs/labels/tensor/shape']);
    expect(p[0].message).toBe('shape [32769,32768] has 1073774592 elements; a tensor may have at most 2^30 = 1073741824 (spec/smooth-l1-loss.md section 10)');
  });
});
