/**
 * The oracle on 1M float32 elements (the corpus's large case size) gives a verdict that
 * accepts the correctly rounded result for every reduction. How long it takes is measured
 * by `npm run bench` (benchmark oracle-1m), not here: timings on a shared machine are noise.
 */
import { describe, expect, it } from 'vitest';
import { acceptance, checkValues, computeReference } from '../../oracle/index.js';
import { tensorFromNumbers } from '../../common/tensor.js';
import type { CallArgs, Reduction } from '../../common/types.js';

describe('oracle on 1M elements', () => {
  it('accepts the correctly rounded result and rejects a one-ulp shift of a sum', () => {
    const n = 1_000_000;
    let s = 12345;
    const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32 - 0.5) * 8;
    const x = tensorFromNumbers('float32', [n], Float64Array.from({ length: n }, rnd));
    const y = tensorFromNumbers('float32', [n], Float64Array.from({ length: n }, rnd));
    for (const red of ['none', 'sum', 'mean'] as Reduction[]) {
      const args: CallArgs = { logits: { type: 'tensor', tensor: x }, labels: { type: 'tensor', tensor: y }, reduction: { type: 'str', value: red } };
      const ref = computeReference(args, 'float32');
      const acc = acceptance(ref, 'standard');
      expect(checkValues(acc, tensorFromNumbers('float32', ref.shape, ref.expected)).ok).toBe(true);
      if (red !== 'none') {
        // 10% off is far outside the standard float32 bound for 10^6 positive terms (gamma_8857, about 0.05%).
        expect(checkValues(acc, tensorFromNumbers('float32', ref.shape, Float64Array.from(ref.expected, (v) => v * 1.1))).ok).toBe(false);
      }
    }
  });
});
