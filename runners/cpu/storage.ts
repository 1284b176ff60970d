/**
 * Moving tensors in and out of the kernel's two working storages (Float32Array and
 * Float64Array). 16-bit float formats are decoded through a 65536-entry table built once
 * from common/float-format.ts (every pattern decodes exactly to a float32), and encoded
 * back with the same trait's round-to-nearest-even; no format constants are coded here.
 */
import { decodeTable16, floatFormat } from '../../common/float-format.js';
import { dtypesSpec } from '../../common/spec-data.js';
import type { FloatDType, Tensor } from '../../common/types.js';

export type Working = 'float32' | 'float64';

/** How spec/dtypes.json stores a float dtype's elements: 'uint16' (bit patterns), 'float32' or 'float64'. */
function storageOf(dtype: FloatDType): 'uint16' | 'float32' | 'float64' {
  return dtypesSpec().float[dtype].storage;
}
function isSixteenBit(dtype: FloatDType): boolean {
  return storageOf(dtype) === 'uint16';
}

function expectData<T>(t: Tensor, ctor: new (...a: never[]) => T, what: string): T {
  if (!(t.data instanceof ctor)) throw new TypeError(`cpu kernel: a ${t.dtype} tensor must hold its data in a ${what}, got ${t.data.constructor.name}`);
  return t.data as T;
}

/** The elements of a float tensor as float32 storage (float64 tensors are never given here). */
export function asFloat32(t: Tensor & { dtype: FloatDType }): Float32Array {
  if (isSixteenBit(t.dtype)) {
    const bits = expectData(t, Uint16Array, 'Uint16Array');
    const table = decodeTable16(t.dtype);
    const out = new Float32Array(bits.length);
    for (let i = 0; i < bits.length; i++) out[i] = table[bits[i]];
    return out;
  }
  if (storageOf(t.dtype) === 'float32') return expectData(t, Float32Array, 'Float32Array');
  throw new Error(`cpu kernel: ${t.dtype} cannot be computed in float32 storage`);
}

/** The elements of a float tensor as float64 storage (exact for every float dtype). */
export function asFloat64(t: Tensor & { dtype: FloatDType }): Float64Array {
  if (storageOf(t.dtype) === 'float64') return expectData(t, Float64Array, 'Float64Array');
  const f32 = asFloat32(t);
  const out = new Float64Array(f32.length);
  for (let i = 0; i < f32.length; i++) out[i] = f32[i];
  return out;
}

/** float32 working values as a tensor of a 16-bit float dtype (round to nearest even). */
export function encodeSixteen(dtype: FloatDType, values: Float32Array, shape: number[]): Tensor {
  const fmt = floatFormat(dtype);
  const bits = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) bits[i] = Number(fmt.encode(values[i]));
  return { dtype, shape, data: bits };
}

/** A 0-d tensor of dtype holding x rounded once (to nearest even) from a double. */
export function scalarTensor(dtype: FloatDType, x: number): Tensor {
  if (isSixteenBit(dtype)) return { dtype, shape: [], data: Uint16Array.of(Number(floatFormat(dtype).encode(x))) };
  if (storageOf(dtype) === 'float32') return { dtype, shape: [], data: Float32Array.of(x) };
  return { dtype, shape: [], data: Float64Array.of(x) };
}
