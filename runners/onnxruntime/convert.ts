/**
 * Tensors in and out of the model's storage. Inputs are converted to the compute dtype on
 * the JS side; every conversion here is a widening (float16/bfloat16 -> float32/float64,
 * float32 -> float64), so it is exact and NaN payloads and signed zeros survive where the
 * target format can hold them.
 */
import { tensorToNumbers } from '../../common/tensor.js';
import type { FloatDType, Tensor } from '../../common/types.js';
import { ioTensorType } from './graph.js';
import type { IoArray } from './session.js';

/** bfloat16 is the top half of a float32 (spec/dtypes.json): widening is a 16-bit shift. */
function bfloat16ToFloat32(bits: Uint16Array): Float32Array {
  const u = new Uint32Array(bits.length);
  for (let i = 0; i < bits.length; i++) u[i] = bits[i] << 16;
  return new Float32Array(u.buffer);
}

/** The exact value of every element, as doubles (16-bit formats decoded by common/tensor.ts). */
function toNumbers(t: Tensor & { dtype: FloatDType }): ArrayLike<number> {
  if (t.dtype === 'float32' || t.dtype === 'float64') return t.data as Float32Array | Float64Array;
  return tensorToNumbers(t);
}

/**
 * The input tensor's elements in the storage the model for `compute` takes
 * (ioTensorType: float16 -> Uint16Array bits, bfloat16 and float32 -> Float32Array,
 * float64 -> Float64Array). Throws for a narrowing conversion, which validation.ts's
 * promotion never asks for.
 */
export function toModelInput(t: Tensor & { dtype: FloatDType }, compute: FloatDType): IoArray {
  const from = t.dtype;
  if (from === compute) {
    if (from === 'bfloat16') return bfloat16ToFloat32(t.data as Uint16Array);
    return t.data as IoArray;
  }
  const io = ioTensorType(compute);
  if (io === 'float64') return Float64Array.from(toNumbers(t));
  if (io === 'float32' && compute === 'float32' && from !== 'float64') {
    return from === 'bfloat16' ? bfloat16ToFloat32(t.data as Uint16Array) : Float32Array.from(toNumbers(t));
  }
  throw new Error(`onnxruntime runner: no exact conversion of a ${from} input to ${compute}`);
}

/** The model's output as a suite tensor of `dtype` (16-bit floats as bit patterns). */
export function fromModelOutput(data: IoArray, dims: number[], dtype: FloatDType): Tensor {
  const io = ioTensorType(dtype);
  if (dtype === 'bfloat16') {
    // The graph rounded the result to bfloat16 (Cast), so the low 16 bits are zero.
    const u = new Uint32Array((data as Float32Array).slice().buffer);
    const bits = new Uint16Array(u.length);
    for (let i = 0; i < u.length; i++) {
      if ((u[i] & 0xffff) !== 0) throw new Error(`onnxruntime runner: bfloat16 output element ${i} (0x${u[i].toString(16)}) was not rounded to bfloat16 by the graph`);
      bits[i] = u[i] >>> 16;
    }
    return { dtype, shape: dims, data: bits };
  }
  // Copy: the runner must not hand out memory ORT may reuse.
  const copy = io === 'float16' ? Uint16Array.from(data as Uint16Array) : io === 'float32' ? Float32Array.from(data as Float32Array) : Float64Array.from(data as Float64Array);
  return { dtype, shape: dims, data: copy };
}
