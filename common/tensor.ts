/**
 * Tensor helpers shared by every layer: element counts, allocation in the storage that
 * spec/dtypes.json names for each dtype, and the bit-exact hex codec of the case format.
 * Float elements are moved as bit patterns (through integer views of the same buffer) so
 * NaN payloads and -0 survive a round trip unchanged.
 */
import { floatFormat, type Bits } from './float-format.js';
import { dtypesSpec, isFloatDType, isKnownDType } from './spec-data.js';
import type { DType, FloatDType, Tensor, TensorData } from './types.js';

/** Number of elements of a row-major shape ([] is a scalar: 1). */
export function numel(shape: readonly number[]): number {
  let n = 1;
  for (let i = 0; i < shape.length; i++) {
    const s = shape[i];
    if (!Number.isSafeInteger(s) || s < 0) throw new Error(`shape [${shape.join(', ')}]: dimension ${i} is ${s}, expected a non-negative integer`);
    n *= s;
  }
  if (!Number.isSafeInteger(n)) throw new Error(`shape [${shape.join(', ')}]: too many elements`);
  return n;
}

interface StorageInfo {
  bits: number; // bits per element (complex64: 64)
  storage: 'uint16' | 'float32' | 'float64' | 'int32' | 'bigint64' | 'uint8';
  lanes: number; // storage slots per element (complex64: 2)
}

const STORAGE_BITS: Record<StorageInfo['storage'], number> = { uint16: 16, float32: 32, float64: 64, int32: 32, bigint64: 64, uint8: 8 };

function storageOf(dtype: DType): StorageInfo {
  if (!isKnownDType(dtype)) throw new Error(`unknown dtype '${dtype}': expected one listed in spec/dtypes.json`);
  const spec = dtypesSpec();
  const info = isFloatDType(dtype) ? spec.float[dtype] : spec.other[dtype as Exclude<DType, FloatDType>];
  const slotBits = STORAGE_BITS[info.storage];
  // bool is stored in a byte although it holds one bit; otherwise an element fills whole slots.
  const lanes = Math.max(1, Math.floor(info.bits / slotBits));
  return { bits: info.bits, storage: info.storage, lanes };
}

function allocData(s: StorageInfo, n: number): TensorData {
  const len = n * s.lanes;
  switch (s.storage) {
    case 'uint16': return new Uint16Array(len);
    case 'float32': return new Float32Array(len);
    case 'float64': return new Float64Array(len);
    case 'int32': return new Int32Array(len);
    case 'bigint64': return new BigInt64Array(len);
    case 'uint8': return new Uint8Array(len);
  }
}

/** A zero-filled tensor of the dtype's storage (spec/dtypes.json "storage"). */
export function allocTensor(dtype: DType, shape: readonly number[]): Tensor {
  const s = storageOf(dtype);
  return { dtype, shape: [...shape], data: allocData(s, numel(shape)) };
}

/** Integer view of the storage, so patterns are read and written bit-exactly. */
function bitView(data: TensorData): Uint16Array | Uint32Array | BigUint64Array | Uint8Array {
  if (data instanceof Uint16Array || data instanceof Uint8Array) return data;
  if (data instanceof Float32Array || data instanceof Int32Array) return new Uint32Array(data.buffer, data.byteOffset, data.length);
  return new BigUint64Array(data.buffer, data.byteOffset, data.length);
}

function checkStorage(t: Tensor, s: StorageInfo): void {
  const expected = numel(t.shape) * s.lanes;
  const ok =
    (s.storage === 'uint16' && t.data instanceof Uint16Array) ||
    (s.storage === 'float32' && t.data instanceof Float32Array) ||
    (s.storage === 'float64' && t.data instanceof Float64Array) ||
    (s.storage === 'int32' && t.data instanceof Int32Array) ||
    (s.storage === 'bigint64' && t.data instanceof BigInt64Array) ||
    (s.storage === 'uint8' && t.data instanceof Uint8Array);
  if (!ok) throw new Error(`tensor of dtype ${t.dtype}: data is a ${t.data.constructor.name}, expected ${s.storage} storage`);
  if (t.data.length !== expected) throw new Error(`tensor of dtype ${t.dtype}, shape [${t.shape.join(', ')}]: data has ${t.data.length} slots, expected ${expected}`);
}

/** Build a tensor from one hex bit pattern per element (width = dtype bits / 4, lowercase). */
export function tensorFromHex(dtype: DType, shape: readonly number[], hex: readonly string[]): Tensor {
  const s = storageOf(dtype);
  const n = numel(shape);
  if (hex.length !== n) throw new Error(`tensor ${dtype}[${shape.join(', ')}]: ${hex.length} bit patterns given, expected ${n} (numel)`);
  const t = allocTensor(dtype, shape);
  const view = bitView(t.data);
  const digits = s.bits / 4;
  const laneDigits = digits / s.lanes;
  const re = new RegExp(`^[0-9a-f]{${digits}}$`);
  for (let i = 0; i < n; i++) {
    const h = hex[i];
    if (typeof h !== 'string' || !re.test(h)) throw new Error(`tensor ${dtype}: element ${i}: bad hex ${JSON.stringify(h)}, expected exactly ${digits} lowercase hex digits`);
    for (let l = 0; l < s.lanes; l++) {
      const part = h.slice(l * laneDigits, (l + 1) * laneDigits);
      if (view instanceof BigUint64Array) view[i * s.lanes + l] = BigInt('0x' + part);
      else view[i * s.lanes + l] = parseInt(part, 16);
    }
    if (dtype === 'bool' && view[i] > 1) throw new Error(`tensor bool: element ${i}: ${h} is not a bool (expected 00 or 01)`);
  }
  return t;
}

/** One lowercase hex bit pattern per element (complex64: real part first). */
export function tensorToHex(t: Tensor): string[] {
  const s = storageOf(t.dtype);
  checkStorage(t, s);
  const n = numel(t.shape);
  const view = bitView(t.data);
  const laneDigits = s.bits / 4 / s.lanes;
  const out = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    let h = '';
    for (let l = 0; l < s.lanes; l++) h += view[i * s.lanes + l].toString(16).padStart(laneDigits, '0');
    out[i] = h;
  }
  return out;
}

/**
 * The elements as bytes: little-endian (the host's order; float-format refuses a
 * big-endian host), row-major, no padding. The exec protocol's and the conformance
 * pack's encoding. A view of the tensor's storage, not a copy.
 */
export function tensorBytes(t: Tensor): Uint8Array {
  checkStorage(t, storageOf(t.dtype));
  return new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
}

type StorageCtor = { new (n: number): TensorData; new (b: ArrayBufferLike, offset: number, length: number): TensorData; readonly BYTES_PER_ELEMENT: number };

const STORAGE_CLASSES = {
  uint16: Uint16Array,
  float32: Float32Array,
  float64: Float64Array,
  int32: Int32Array,
  bigint64: BigInt64Array,
  uint8: Uint8Array,
} as unknown as Record<StorageInfo['storage'], StorageCtor>;

/** The typed array class that holds a dtype's elements (spec/dtypes.json "storage"). */
export function storageClass(dtype: DType): StorageCtor {
  return STORAGE_CLASSES[storageOf(dtype).storage];
}

/** Stored values per element: complex64 keeps (re, im) pairs. */
export function valuesPerElement(dtype: DType): number {
  return storageOf(dtype).lanes;
}

/** Bytes per element of a dtype (spec/dtypes.json "bits" / 8). */
export function elementBytes(dtype: DType): number {
  return storageOf(dtype).bits / 8;
}

/**
 * The tensor whose elements are `raw` (little-endian, row-major: the encoding of
 * tensorBytes, the exec protocol and conformance packs). A view of `raw` when its offset
 * suits the storage class, else a copy. Throws a message naming what is inconsistent.
 */
export function tensorFromBytes(dtype: string, shape: readonly number[], raw: Uint8Array): Tensor {
  if (!isKnownDType(dtype)) throw new Error(`dtype '${dtype}' is not a known dtype (spec/dtypes.json lists them)`);
  const size = elementBytes(dtype);
  const n = numel(shape);
  if (raw.length !== n * size) throw new Error(`data has ${raw.length} bytes but dtype ${dtype} shape [${shape.join(', ')}] needs ${n} x ${size} = ${n * size}`);
  const ctor = storageClass(dtype);
  const length = n * valuesPerElement(dtype);
  let data: TensorData;
  if (raw.byteOffset % ctor.BYTES_PER_ELEMENT === 0) data = new ctor(raw.buffer, raw.byteOffset, length);
  else {
    const copy = new Uint8Array(raw.length);
    copy.set(raw);
    data = new ctor(copy.buffer, 0, length);
  }
  return { dtype, shape: [...shape], data };
}

/** Bit pattern of float element i. */
export function elementBits(t: Tensor, i: number): Bits {
  if (!isFloatDType(t.dtype)) throw new Error(`elementBits: dtype ${t.dtype} is not a float dtype`);
  const view = bitView(t.data);
  return view[i];
}

/** Exact value of float element i as a double (floats only). */
export function elementToNumber(t: Tensor, i: number): number {
  const d = t.data;
  if (d instanceof Float32Array || d instanceof Float64Array) {
    if (t.dtype === 'complex64') throw new Error('elementToNumber: complex64 is not a real float dtype');
    return d[i];
  }
  if (!isFloatDType(t.dtype)) throw new Error(`elementToNumber: dtype ${t.dtype} is not a float dtype`);
  return floatFormat(t.dtype).decode((d as Uint16Array)[i]);
}

/** Build a float tensor from doubles, each rounded to nearest-even in the dtype. */
export function tensorFromNumbers(dtype: FloatDType, shape: readonly number[], values: ArrayLike<number>): Tensor {
  const n = numel(shape);
  if (values.length !== n) throw new Error(`tensor ${dtype}[${shape.join(', ')}]: ${values.length} values given, expected ${n} (numel)`);
  const t = allocTensor(dtype, shape);
  const d = t.data;
  if (d instanceof Uint16Array) {
    const f = floatFormat(dtype);
    for (let i = 0; i < n; i++) d[i] = f.encode(values[i]) as number;
  } else {
    for (let i = 0; i < n; i++) (d as Float32Array | Float64Array)[i] = values[i];
  }
  return t;
}

/** All element values of a float tensor as doubles. */
export function tensorToNumbers(t: Tensor): Float64Array {
  const n = numel(t.shape);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = elementToNumber(t, i);
  return out;
}
