/**
 * The onnxruntime runner against the oracle directly (computeReference -> acceptance at
 * the strict level -> checkValues), for every dtype x reduction x a spread of betas, on
 * seeded random inputs of every float class (NaN, inf, subnormals, zeros of both signs)
 * for 'none' and finite ones for the reductions. Expected values come only from the
 * oracle; the runner never sees them.
 */
import { describe, expect, it } from 'vitest';
import { generateElements } from '../../common/prng.js';
import type { CallArgs, FloatDType, ProfileName, Reduction, Tensor } from '../../common/types.js';
import { acceptance, checkValues, computeReference } from '../../oracle/index.js';
import { createRunner, createSmoothL1Session } from '../../runners/onnxruntime/index.js';

const runner = createRunner();
const DTYPES: [FloatDType, ProfileName][] = [
  ['float16', 'cpu'],
  ['float32', 'cpu'],
  ['float64', 'cpu'],
  ['bfloat16', 'ascend'],
];
// float32 values of: the default, a non-dyadic, a large (float16 overflow region), a tiny one.
const BETAS = [1, Math.fround(0.1), 1000, Math.fround(3e-6)];

function tensor(dtype: FloatDType, n: number, seed: number, distribution: 'bits' | 'finite-bits' | 'uniform'): Tensor {
  const gen = distribution === 'uniform' ? { prng: 'xoshiro128**' as const, seed, distribution, a: -3, b: 3 } : { prng: 'xoshiro128**' as const, seed, distribution };
  return { dtype, shape: [n], data: generateElements(gen, dtype, n) };
}

describe('onnxruntime runner vs the oracle at strict tolerance', () => {
  let seed = 1000;
  for (const [dtype, profile] of DTYPES) {
    for (const reduction of ['none', 'sum', 'mean'] as Reduction[]) {
      it(`${dtype} ${reduction} (${profile}), betas ${BETAS.join(', ')}`, async () => {
        for (const beta of BETAS) {
          // 'none': raw bit patterns (all classes); reductions: finite patterns (a sum
          // with both infinities would just be NaN) and small uniform values near beta.
          for (const distribution of reduction === 'none' ? (['bits', 'uniform'] as const) : (['finite-bits', 'uniform'] as const)) {
            const n = dtype === 'float64' ? 32 : 96; // the oracle's float64 bounds are exact rationals: slower
            const args: CallArgs = {
              logits: { type: 'tensor', tensor: tensor(dtype, n, seed++, distribution) },
              labels: { type: 'tensor', tensor: tensor(dtype, n, seed++, distribution) },
              beta: { type: 'float', value: beta },
              reduction: { type: 'str', value: reduction },
            };
            const r = await runner.run(args, { profile, caseId: `${dtype}-${reduction}-${beta}-${distribution}`, signal: new AbortController().signal });
            if (r.kind !== 'output') throw new Error(`expected an output, got ${r.errorType}: ${r.message}`);
            const ref = computeReference(args, dtype);
            expect(r.tensor.dtype).toBe(ref.dtype);
            expect(r.tensor.shape).toEqual(ref.shape);
            const check = checkValues(acceptance(ref, 'strict'), r.tensor);
            expect(check.failures, `beta ${beta}, ${distribution}`).toEqual([]);
            expect(check.ok).toBe(true);
          }
        }
      });
    }
  }

  it('negative control: the float16-arithmetic graph fails strict when beta is not a float16 value (beta 70000 -> inf)', async () => {
    // The same check that passes the runner must reject a graph whose only defect is beta
    // rounded to float16: 70000 overflows float16, so Less(a, inf) always picks the
    // quadratic branch and (0.5a)*(a/inf) = 0, while the loss 0.5 d^2 / 70000 is a normal
    // float16 value for |d| up to 6. The standard level lets beta be rounded to the working
    // precision (float16 there), so it accepts the same output.
    const beta = 70000;
    const n = 256;
    const x = tensor('float16', n, 77, 'uniform');
    const y = tensor('float16', n, 78, 'uniform');
    const args: CallArgs = { logits: { type: 'tensor', tensor: x }, labels: { type: 'tensor', tensor: y }, beta: { type: 'float', value: beta } };
    const ref = computeReference(args, 'float16');
    const session = await createSmoothL1Session({ dtype: 'float16', reduction: 'none', beta, halfArithmetic: 'native' });
    const out = await session.run(x.data as Uint16Array, y.data as Uint16Array, [n]);
    await session.release();
    const native: Tensor = { dtype: 'float16', shape: [n], data: out.data };
    expect(checkValues(acceptance(ref, 'strict'), native).ok).toBe(false);
    expect(checkValues(acceptance(ref, 'standard'), native).ok).toBe(true);
    // ... and the runner's float32-arithmetic graph passes strict on the same inputs.
    const r = await runner.run(args, { profile: 'cpu', caseId: 'control', signal: new AbortController().signal });
    if (r.kind !== 'output') throw new Error(`expected an output, got ${r.errorType}`);
    expect(checkValues(acceptance(ref, 'strict'), r.tensor).ok).toBe(true);
  });
});
