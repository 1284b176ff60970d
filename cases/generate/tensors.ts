/**
 * Building blocks for case inputs: tensors written as bit patterns (with readable
 * decimals beside them), generated tensors and Python scalars.
 */
import { floatFormat, type Bits } from '../../common/float-format.js';
import { dtypesSpec } from '../../common/spec-data.js';
import { numel } from '../../common/tensor.js';
import { formatDecimal } from '../../common/number-format.js';
import type { DType, FloatDType, GeneratorSpec, OtherDType, TensorJson, ValueJson } from '../../common/types.js';

/** Tensors with more elements than this are stored without the informative decimals. */
export const MAX_DECIMALS = 64;

export const FLOAT_DTYPES = Object.keys(dtypesSpec().float) as FloatDType[];

/** The shortest decimal that reads back to the same value in the dtype. */
export function decimalOf(dtype: FloatDType, bits: Bits): string {
  return formatDecimal(dtype, floatFormat(dtype).decode(bits));
}

/** A float tensor from values; each must be exactly representable in the dtype (pass round=true to round them). */
export function floats(dtype: FloatDType, shape: number[], xs: number[], round = false): ValueJson {
  const f = floatFormat(dtype);
  if (xs.length !== numel(shape)) throw new Error(`floats(${dtype}, [${shape}]): ${xs.length} values for ${numel(shape)} elements`);
  const bits = xs.map((x) => {
    const b = f.encode(x);
    if (!round && !Number.isNaN(x) && !Object.is(f.decode(b), x)) throw new Error(`floats(${dtype}): ${x} is not representable (pass round=true to round it)`);
    return b;
  });
  return fromBits(dtype, shape, bits);
}

/** A float tensor from bit patterns. */
export function fromBits(dtype: FloatDType, shape: number[], bits: Bits[]): ValueJson {
  const f = floatFormat(dtype);
  const tensor: TensorJson = { dtype, shape, bits: bits.map((b) => f.toHex(b)) };
  // Readable decimals help on small tensors; on long ones they only double the file size.
  if (bits.length <= MAX_DECIMALS) tensor.decimal = bits.map((b) => decimalOf(dtype, b));
  return { type: 'tensor', tensor };
}

/** Same values in every element. */
export function filled(dtype: FloatDType, shape: number[], x: number): ValueJson {
  return floats(dtype, shape, new Array(numel(shape)).fill(x));
}

export function generated(dtype: FloatDType, shape: number[], generate: GeneratorSpec): ValueJson {
  const tensor: TensorJson = { dtype, shape, generate };
  return { type: 'tensor', tensor };
}

/** A non-float tensor (unsupported dtypes) from small integers (complex64: real parts, imaginary 0). */
export function nonFloat(dtype: OtherDType, shape: number[], xs: number[]): ValueJson {
  const w = dtypesSpec().other[dtype].bits / 4;
  const f32 = floatFormat('float32');
  const bits = xs.map((x) => {
    if (dtype === 'complex64') return f32.toHex(f32.encode(x)) + '00000000';
    if (dtype === 'bool') return x ? '01' : '00';
    const v = BigInt(x) & ((1n << BigInt(4 * w)) - 1n); // two's complement
    return v.toString(16).padStart(w, '0');
  });
  const decimal = xs.map((x) => (dtype === 'bool' ? (x ? 'true' : 'false') : dtype === 'complex64' ? `${x}+0j` : String(x)));
  return { type: 'tensor', tensor: { dtype: dtype as DType, shape, bits, decimal } };
}

export const pyFloat = (value: string): ValueJson => ({ type: 'float', value });
export const pyInt = (value: string | number | bigint): ValueJson => ({ type: 'int', value: String(value) });
export const pyBool = (value: boolean): ValueJson => ({ type: 'bool', value });
export const pyStr = (value: string): ValueJson => ({ type: 'str', value });
export const pyNone = (): ValueJson => ({ type: 'none' });
export const pyList = (value: unknown[]): ValueJson => ({ type: 'list', value });

/**
 * Deterministic filler values, multiples of 1/8 below 3 in magnitude (exact in every float
 * dtype). Logits use kind 'x', labels kind 'y': the two sequences have different periods,
 * so the differences mix both branches of the loss.
 */
export function ramp(n: number, salt: number, kind: 'x' | 'y'): number[] {
  return Array.from({ length: n }, (_, i) => (kind === 'x' ? (((i * 7 + salt) % 12) - 5) / 4 : (((i * 5 + salt) % 11) - 5) / 8));
}
