/**
 * Encoding of call arguments and results on the exec protocol's wire
 * (spec/exec-protocol.md "Values"): tensors as base64 of little-endian element bytes,
 * floats as exact decimal strings. Element sizes and storage come from
 * spec/dtypes.json, never from a table here.
 */
import { endianness } from 'node:os';
import { dtypesSpec, isKnownDType } from '../../common/spec-data.js';
import type { ArgValue, CallArgs, DType, Tensor, TensorData } from '../../common/types.js';

export interface WireTensor { type: 'tensor'; dtype: DType; shape: number[]; data: string }
export type WireValue =
  | WireTensor
  | { type: 'float'; value: string }
  | { type: 'int'; value: string }
  | { type: 'bool'; value: boolean }
  | { type: 'str'; value: string }
  | { type: 'none' }
  | { type: 'list'; value: unknown[] };
export type WireArgs = { logits: WireValue; labels: WireValue; beta?: WireValue; reduction?: WireValue };

// Typed arrays use the host's byte order; the wire is little-endian. Every platform
// Node 20 ships for is little-endian, so refuse loudly rather than carry a swap path
// nobody can test.
if (endianness() !== 'LE') throw new Error('runners/exec: the exec protocol needs a little-endian host');

function storageOf(dtype: DType): { bytes: number; storage: string } {
  const spec = dtypesSpec();
  const info = (spec.float as Record<string, { bits: number; storage: string }>)[dtype] ??
    (spec.other as Record<string, { bits: number; storage: string }>)[dtype];
  if (!info) throw new Error(`unknown dtype '${dtype}' (spec/dtypes.json lists the known ones)`);
  return { bytes: info.bits / 8, storage: info.storage };
}

function numel(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** A binary64 as the protocol's exact decimal string (shortest round-trip form). */
export function floatToWire(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (Object.is(x, -0)) return '-0.0';
  return String(x);
}

export function tensorToWire(t: Tensor): WireTensor {
  const d = t.data;
  const bytes = Buffer.from(d.buffer, d.byteOffset, d.byteLength);
  return { type: 'tensor', dtype: t.dtype, shape: [...t.shape], data: bytes.toString('base64') };
}

export function valueToWire(v: ArgValue): WireValue {
  switch (v.type) {
    case 'tensor': return tensorToWire(v.tensor);
    case 'float': return { type: 'float', value: floatToWire(v.value) };
    case 'int': return { type: 'int', value: v.value.toString() };
    case 'bool': return { type: 'bool', value: v.value };
    case 'str': return { type: 'str', value: v.value };
    case 'none': return { type: 'none' };
    case 'list': return { type: 'list', value: v.value };
  }
}

/** Only the keys the case gives: a missing beta/reduction must reach the implementation as missing. */
export function argsToWire(args: CallArgs): WireArgs {
  const w: WireArgs = { logits: valueToWire(args.logits), labels: valueToWire(args.labels) };
  if (args.beta !== undefined) w.beta = valueToWire(args.beta);
  if (args.reduction !== undefined) w.reduction = valueToWire(args.reduction);
  return w;
}

/** Decodes a schema-valid wire tensor; throws a message naming what is inconsistent. */
export function tensorFromWire(w: WireTensor): Tensor {
  if (!isKnownDType(w.dtype)) throw new Error(`output dtype '${w.dtype}' is not a known dtype`);
  const { bytes, storage } = storageOf(w.dtype);
  const n = numel(w.shape);
  const raw = Buffer.from(w.data, 'base64');
  if (raw.length !== n * bytes) {
    throw new Error(`output data has ${raw.length} bytes but dtype ${w.dtype} shape [${w.shape.join(', ')}] needs ${n} x ${bytes} = ${n * bytes}`);
  }
  // Copy into a fresh, aligned ArrayBuffer (Buffer pool slices may be misaligned).
  const ab = new ArrayBuffer(raw.length);
  new Uint8Array(ab).set(raw);
  let data: TensorData;
  switch (storage) {
    case 'uint16': data = new Uint16Array(ab); break;
    case 'float32': data = new Float32Array(ab); break;
    case 'float64': data = new Float64Array(ab); break;
    case 'int32': data = new Int32Array(ab); break;
    case 'bigint64': data = new BigInt64Array(ab); break;
    case 'uint8': data = new Uint8Array(ab); break;
    default: throw new Error(`spec/dtypes.json: unknown storage '${storage}' for ${w.dtype}`);
  }
  return { dtype: w.dtype, shape: [...w.shape], data };
}
