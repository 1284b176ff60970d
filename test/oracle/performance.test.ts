/**
 * The corpus has a 1,000,000-element float32 case and the harness computes acceptance at
 * run time: reference + acceptance + check must stay well within seconds. The target is
 * 3 s on an idle machine; the assertion leaves headroom for a loaded 2-core machine.
 */
import { describe, expect, it } from 'vitest';
import { acceptance, checkValues, computeReference } from '../../oracle/index.js';
import { tensorFromNumbers } from '../../common/tensor.js';
import type { CallArgs, Reduction } from '../../common/types.js';

describe('oracle throughput', () => {
  it('1M float32 elements: computeReference + acceptance + checkValues', () => {
    const n = 1_000_000;
    let s = 12345;
    const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32 - 0.5) * 8;
    const x = tensorFromNumbers('float32', [n], Float64Array.from({ length: n }, rnd));
    const y = tensorFromNumbers('float32', [n], Float64Array.from({ length: n }, rnd));
    const times: Record<string, number> = {};
    for (const red of ['none', 'sum', 'mean'] as Reduction[]) {
      const args: CallArgs = { logits: { type: 'tensor', tensor: x }, labels: { type: 'tensor', tensor: y }, reduction: { type: 'str', value: red } };
      const t0 = performance.now();
      const ref = computeReference(args, 'float32');
      const acc = acceptance(ref, 'standard');
      const chk = checkValues(acc, tensorFromNumbers('float32', ref.shape, ref.expected));
      times[red] = performance.now() - t0;
      expect(chk.ok).toBe(true);
    }
    console.log(`oracle 1M float32 (ms): ${JSON.stringify(Object.fromEntries(Object.entries(times).map(([k, v]) => [k, Math.round(v)])))}`);
    expect(times.none).toBeLessThan(6000);
    expect(times.sum).toBeLessThan(times.none * 1.5);
  });
});
