/** common/result-shape.ts: an answer's element count comes from common/tensor.ts numel, and a count past 2^53 is a reason, not a throw. */
import { describe, expect, it } from 'vitest';
import { readRunnerResult } from '../../common/result-shape.js';

describe('readRunnerResult', () => {
  it('counts elements with numel: complex64 holds two values per element; an impossible count is a reason', () => {
    expect(readRunnerResult({ kind: 'output', tensor: { dtype: 'complex64', shape: [2, 1], data: new Float32Array(4) } })).toMatchObject({ ok: true });
    expect(readRunnerResult({ kind: 'output', tensor: { dtype: 'complex64', shape: [2], data: new Float32Array(2) } })).toEqual({ ok: false, reason: 'a complex64 tensor of shape [2] needs 4 stored values, got 2' });
    const huge = readRunnerResult({ kind: 'output', tensor: { dtype: 'float32', shape: [2 ** 30, 2 ** 30, 2 ** 30], data: new Float32Array(1) } });
    expect(huge).toEqual({ ok: false, reason: 'shape [1073741824, 1073741824, 1073741824]: too many elements' });
  });
});
