/**
 * Encoding of call arguments and results on the exec protocol's wire
 * (spec/exec-protocol.md "Values"): floats as exact decimal strings and other scalars as
 * case files write them (common/scalar-json.ts); tensors as base64 of
 * little-endian element bytes inside the JSON line (protocol 1), or as a byte count in the
 * JSON line with the raw bytes following it (protocol 2). Element sizes and storage come
 * from spec/dtypes.json, never from a table here. Both sides use this module: the suite
 * (runners/exec/index.ts) and the JavaScript implementation side (runners/exec/serve.ts).
 */
import { endianness } from 'node:os';
import { formatFloatLiteral } from '../../common/number-format.js';
import { scalarFromJson, scalarToJson, type ScalarJson } from '../../common/scalar-json.js';
import { ARG_NAMES } from '../../common/operator.js';
import { tensorBytes, tensorFromBytes } from '../../common/tensor.js';
import type { ArgValue, CallArgs, DType, Tensor } from '../../common/types.js';

/** A tensor in protocol 1 (base64 in the line) or protocol 2 (`bytes` raw bytes after the line). */
export type WireTensor = { type: 'tensor'; dtype: DType; shape: number[]; data: string } | { type: 'tensor'; dtype: DType; shape: number[]; bytes: number };
/** A tensor, or any other argument in the JSON form case files and packs use too (common/scalar-json.ts). */
export type WireValue = WireTensor | ScalarJson;
export type WireArgs = { logits: WireValue; labels: WireValue; beta?: WireValue; reduction?: WireValue };
export type ProtocolVersion = 1 | 2;
/** The argument names in wire order (the operator's call order): protocol 2 payloads follow the line in this order. */
export const ARG_ORDER = ARG_NAMES;

// Typed arrays use the host's byte order; the wire is little-endian. Every platform
// Node 20 ships for is little-endian, so refuse loudly rather than carry a swap path
// nobody can test.
if (endianness() !== 'LE') throw new Error('runners/exec: the exec protocol needs a little-endian host');

/** A binary64 as the protocol's exact decimal string: the float literal of common/number-format.ts, as in case files and packs. */
export const floatToWire = formatFloatLiteral;

/** The tensor's element bytes (common/tensor.ts), as a Buffer over the same memory. */
function wireBytes(t: Tensor): Buffer {
  const b = tensorBytes(t);
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

/** Protocol 1 form: base64 in the line. */
export function tensorToWire(t: Tensor): WireTensor {
  return { type: 'tensor', dtype: t.dtype, shape: [...t.shape], data: wireBytes(t).toString('base64') };
}

/**
 * The value in a given protocol's form; for protocol 2 tensors, their bytes are appended
 * to `payloads` (they follow the line in argument order).
 */
export function valueToWire(v: ArgValue, protocol: ProtocolVersion = 1, payloads: Buffer[] = []): WireValue {
  switch (v.type) {
    case 'tensor': {
      if (protocol === 1) return tensorToWire(v.tensor);
      const bytes = wireBytes(v.tensor);
      payloads.push(bytes);
      return { type: 'tensor', dtype: v.tensor.dtype, shape: [...v.tensor.shape], bytes: bytes.length };
    }
    default:
      return scalarToJson(v);
  }
}

/** Only the keys the case gives: a missing beta/reduction must reach the implementation as missing. */
export function argsToWire(args: CallArgs, protocol: ProtocolVersion = 1, payloads: Buffer[] = []): WireArgs {
  const w: WireArgs = { logits: valueToWire(args.logits, protocol, payloads), labels: valueToWire(args.labels, protocol, payloads) };
  if (args.beta !== undefined) w.beta = valueToWire(args.beta, protocol, payloads);
  if (args.reduction !== undefined) w.reduction = valueToWire(args.reduction, protocol, payloads);
  return w;
}

/** Characters of a protocol 1 JSON line for these arguments' tensors (base64 grows bytes by 4/3). */
export function base64Chars(args: CallArgs): number {
  let n = 0;
  for (const k of ARG_ORDER) {
    const v = args[k];
    if (v?.type === 'tensor') n += Math.ceil(v.tensor.data.byteLength / 3) * 4;
  }
  return n;
}

/** common/tensor.ts tensorFromBytes, its messages naming the output. */
function outputFromBytes(dtype: DType, shape: number[], raw: Uint8Array): Tensor {
  try {
    return tensorFromBytes(dtype, shape, raw);
  } catch (e) {
    throw new Error(`output ${(e as Error).message}`);
  }
}

/**
 * Decodes a schema-valid wire tensor: base64 `data`, or (protocol 2) the raw bytes that
 * followed its line, passed as `payload`.
 */
export function tensorFromWire(w: WireTensor, payload?: Uint8Array): Tensor {
  if ('data' in w) {
    // Copy into a fresh, aligned ArrayBuffer (Buffer pool slices may be misaligned).
    const raw = Buffer.from(w.data, 'base64');
    const own = new Uint8Array(new ArrayBuffer(raw.length));
    own.set(raw);
    return outputFromBytes(w.dtype, w.shape, own);
  }
  if (!payload) throw new Error('a protocol 2 tensor without its bytes');
  return outputFromBytes(w.dtype, w.shape, payload);
}

/** Reads a wire value back (the implementation side); tensor payloads are taken in order from `payloads`. */
export function valueFromWire(v: WireValue, payloads: Uint8Array[] = []): ArgValue {
  switch (v.type) {
    case 'tensor': return { type: 'tensor', tensor: tensorFromWire(v, 'bytes' in v ? payloads.shift() : undefined) };
    default: return scalarFromJson(v);
  }
}

export function argsFromWire(w: WireArgs, payloads: Uint8Array[] = []): CallArgs {
  const args: CallArgs = { logits: valueFromWire(w.logits, payloads), labels: valueFromWire(w.labels, payloads) };
  if (w.beta !== undefined) args.beta = valueFromWire(w.beta, payloads);
  if (w.reduction !== undefined) args.reduction = valueFromWire(w.reduction, payloads);
  return args;
}

/** Byte counts of the protocol 2 payloads that follow a request line, in order. */
export function payloadSizes(w: WireArgs): number[] {
  const out: number[] = [];
  for (const k of ARG_ORDER) {
    const v = w[k];
    if (v?.type === 'tensor' && 'bytes' in v) out.push(v.bytes);
  }
  return out;
}
