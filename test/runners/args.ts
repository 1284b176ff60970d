/**
 * Builders for call arguments and result accessors shared by the in-repo kernel tests
 * (hand-written inputs; the expected values stay in each test).
 */
import type { ArgValue, DType, RunnerResult, Tensor } from '../../common/types.js';

export const t = (dtype: DType, shape: number[], data: Tensor['data']): ArgValue => ({ type: 'tensor', tensor: { dtype, shape, data } });
export const f32 = (values: number[], shape = [values.length]) => t('float32', shape, Float32Array.from(values));
export const f64 = (values: number[], shape = [values.length]) => t('float64', shape, Float64Array.from(values));
export const u16 = (dtype: 'float16' | 'bfloat16', bits: number[], shape = [bits.length]) => t(dtype, shape, Uint16Array.from(bits));
export const float = (value: number): ArgValue => ({ type: 'float', value });
export const str = (value: string): ArgValue => ({ type: 'str', value });

/** The output tensor of a result; an error result fails the test with its message. */
export function output(r: RunnerResult): Tensor {
  if (r.kind !== 'output') throw new Error(`expected an output, got ${r.errorType}: ${r.message}`);
  return r.tensor;
}
