/**
 * The simulator's Cast ops: tensors into the float32 working buffer (Cast to float32, exact
 * for every dtype the ascend profile supports) and the float32 result back to the output
 * dtype (Cast with round to nearest even). The 16-bit formats are decoded through one
 * 65536-entry table per dtype built from common/float-format.ts, and encoded with the same
 * trait; no format constants are coded here.
 */
import { decodeTable16, floatFormat } from '../../common/float-format.js';
import { dtypesSpec } from '../../common/spec-data.js';
import type { FloatDType, Tensor } from '../../common/types.js';

function storageOf(dtype: FloatDType): 'uint16' | 'float32' | 'float64' {
  return dtypesSpec().float[dtype].storage;
}

/**
 * Cast(float32) of a tensor. Ascend has no float64 vector unit path for this operator: a
 * float64 tensor never reaches here through the ascend front end, so one that does is a
 * caller's bug (thrown, which the harness reports as a crash).
 */
export function castToFloat32(name: string, t: Tensor & { dtype: FloatDType }): Float32Array {
  const storage = storageOf(t.dtype);
  if (storage === 'uint16') {
    if (!(t.data instanceof Uint16Array)) throw new TypeError(`ascend-sim kernel: '${name}' (${t.dtype}) must hold bit patterns in a Uint16Array, got ${t.data.constructor.name}`);
    const table = decodeTable16(t.dtype);
    const out = new Float32Array(t.data.length);
    for (let i = 0; i < out.length; i++) out[i] = table[t.data[i]];
    return out;
  }
  if (storage === 'float32') {
    if (!(t.data instanceof Float32Array)) throw new TypeError(`ascend-sim kernel: '${name}' (float32) must hold a Float32Array, got ${t.data.constructor.name}`);
    return t.data;
  }
  throw new TypeError(`ascend-sim kernel: '${name}' is ${t.dtype}, which has no float32 Cast on Ascend (the ascend front end rejects it)`);
}

/** Cast of float32 working values to the output dtype (round to nearest even), as a tensor. */
export function castFromFloat32(dtype: FloatDType, values: Float32Array, shape: number[]): Tensor {
  const storage = storageOf(dtype);
  if (storage === 'float32') return { dtype, shape, data: values };
  if (storage === 'uint16') {
    const fmt = floatFormat(dtype);
    const bits = new Uint16Array(values.length);
    for (let i = 0; i < values.length; i++) bits[i] = Number(fmt.encode(values[i]));
    return { dtype, shape, data: bits };
  }
  throw new TypeError(`ascend-sim kernel: no Cast from float32 to ${dtype}`);
}
