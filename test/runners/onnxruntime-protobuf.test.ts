/**
 * The in-repo protobuf writer and ModelProto encoder, checked against the wire format as
 * the protobuf encoding guide specifies it (worked examples: 150 -> 96 01, 300 -> ac 02,
 * int64 -1 -> ten bytes), and by decoding the model bytes with an independent reader.
 */
import { describe, expect, it } from 'vitest';
import { ProtoWriter } from '../../runners/onnxruntime/protobuf.js';
import { buildSmoothL1Model, IR_VERSION, OPSET_VERSION } from '../../runners/onnxruntime/graph.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** A minimal independent protobuf reader: field number -> list of raw values. */
type Field = { wire: number; value: bigint | Uint8Array };
function readVarint(b: Uint8Array, pos: { p: number }): bigint {
  let x = 0n;
  let shift = 0n;
  for (;;) {
    const byte = b[pos.p++];
    if (byte === undefined) throw new Error('truncated varint');
    x |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return x;
    shift += 7n;
  }
}
function decode(b: Uint8Array): Map<number, Field[]> {
  const out = new Map<number, Field[]>();
  const pos = { p: 0 };
  while (pos.p < b.length) {
    const tag = Number(readVarint(b, pos));
    const field = tag >>> 3;
    const wire = tag & 7;
    let value: bigint | Uint8Array;
    if (wire === 0) value = readVarint(b, pos);
    else if (wire === 2) {
      const len = Number(readVarint(b, pos));
      value = b.subarray(pos.p, pos.p + len);
      pos.p += len;
    } else if (wire === 5) {
      value = b.subarray(pos.p, pos.p + 4);
      pos.p += 4;
    } else if (wire === 1) {
      value = b.subarray(pos.p, pos.p + 8);
      pos.p += 8;
    } else throw new Error(`wire type ${wire}`);
    if (pos.p > b.length) throw new Error('truncated field');
    out.set(field, [...(out.get(field) ?? []), { wire, value }]);
  }
  return out;
}
const str = (f: Field | undefined) => new TextDecoder().decode(f!.value as Uint8Array);

describe('protobuf writer', () => {
  it('encodes varints as the protobuf guide shows', () => {
    expect(hex(new ProtoWriter().varint(0).finish())).toBe('00');
    expect(hex(new ProtoWriter().varint(1).finish())).toBe('01');
    expect(hex(new ProtoWriter().varint(150).finish())).toBe('9601');
    expect(hex(new ProtoWriter().varint(300).finish())).toBe('ac02');
    expect(hex(new ProtoWriter().varint(-1n).finish())).toBe('ffffffffffffffffff01');
    expect(hex(new ProtoWriter().varint(2n ** 63n).finish())).toBe('80808080808080808001');
    expect(() => new ProtoWriter().varint(2 ** 60)).toThrow(/safe integer/);
    expect(() => new ProtoWriter().varint(2n ** 64n)).toThrow(/64 bits/);
  });

  it('encodes tagged fields (the guide: field 1 = 150 -> 08 96 01; field 2 = "testing")', () => {
    expect(hex(new ProtoWriter().int(1, 150).finish())).toBe('089601');
    expect(hex(new ProtoWriter().string(2, 'testing').finish())).toBe('120774657374696e67');
    expect(hex(new ProtoWriter().message(3, (w) => w.int(1, 150)).finish())).toBe('1a03089601');
    expect(hex(new ProtoWriter().float32(1, 1).finish())).toBe('0d0000803f');
    expect(hex(new ProtoWriter().float64(1, 1).finish())).toBe('09000000000000f03f');
  });

  it('grows its buffer past the initial size', () => {
    const big = new Uint8Array(1000).fill(7);
    const out = new ProtoWriter().lenBytes(1, big).finish();
    expect(out.length).toBe(1 + 2 + 1000);
    expect(out[3]).toBe(7);
    expect(out[1002]).toBe(7);
  });
});

describe('SmoothL1 ModelProto bytes', () => {
  it('declares IR 8 and opset 18 of the default domain, and names the producer', () => {
    const m = decode(buildSmoothL1Model({ dtype: 'float32', reduction: 'mean', beta: 1 }));
    expect(m.get(1)![0].value).toBe(8n);
    expect(IR_VERSION).toBe(8);
    expect(OPSET_VERSION).toBe(18);
    expect(str(m.get(2)![0])).toBe('smoothl1-conformance');
    expect(str(m.get(3)![0])).toMatch(/opset 18/);
    const opset = decode(m.get(8)![0].value as Uint8Array);
    expect(str(opset.get(1)![0])).toBe('');
    expect(opset.get(2)![0].value).toBe(18n);
  });

  it('has inputs logits/labels with no shape (any rank) and only standard ops', () => {
    const m = decode(buildSmoothL1Model({ dtype: 'float64', reduction: 'none', beta: 0.5 }));
    const graph = decode(m.get(7)![0].value as Uint8Array);
    const inputs = graph.get(11)!.map((f) => decode(f.value as Uint8Array));
    expect(inputs.map((i) => str(i.get(1)![0]))).toEqual(['logits', 'labels']);
    for (const i of inputs) {
      const tensorType = decode(decode(i.get(2)![0].value as Uint8Array).get(1)![0].value as Uint8Array);
      expect(tensorType.get(1)![0].value).toBe(11n); // DOUBLE
      expect(tensorType.has(2)).toBe(false); // no shape
    }
    const ops = new Set(graph.get(1)!.map((f) => str(decode(f.value as Uint8Array).get(4)![0])));
    // IsInf, Or, Not, And: elements whose x - y overflows are computed from halves
    expect([...ops].sort()).toEqual(['Abs', 'And', 'Div', 'Identity', 'IsInf', 'Less', 'Mul', 'Not', 'Or', 'Sub', 'Where']);
    // beta as a 0-d DOUBLE initializer holding 0.5
    const inits = graph.get(5)!.map((f) => decode(f.value as Uint8Array));
    const beta = inits.find((t) => str(t.get(8)![0]) === 'beta')!;
    expect(beta.has(1)).toBe(false);
    expect(beta.get(2)![0].value).toBe(11n);
    expect(new DataView((beta.get(9)![0].value as Uint8Array).slice().buffer).getFloat64(0, true)).toBe(0.5);
  });

  it('is deterministic and differs per (dtype, reduction, beta)', () => {
    const a = buildSmoothL1Model({ dtype: 'float16', reduction: 'sum', beta: 2 });
    expect(hex(buildSmoothL1Model({ dtype: 'float16', reduction: 'sum', beta: 2 }))).toBe(hex(a));
    expect(hex(buildSmoothL1Model({ dtype: 'float16', reduction: 'sum', beta: 3 }))).not.toBe(hex(a));
    expect(hex(buildSmoothL1Model({ dtype: 'float16', reduction: 'mean', beta: 2 }))).not.toBe(hex(a));
  });

  it('rejects a bad spec with a message naming the field', () => {
    expect(() => buildSmoothL1Model({ dtype: 'int32' as never, reduction: 'sum', beta: 1 })).toThrow(/dtype must be one of .*got 'int32'/);
    expect(() => buildSmoothL1Model({ dtype: 'float32', reduction: 'max' as never, beta: 1 })).toThrow(/reduction must be one of .*got 'max'/);
    expect(() => buildSmoothL1Model({ dtype: 'float32', reduction: 'sum', beta: 0.1 })).toThrow(/beta must be a float32 value/);
    expect(() => buildSmoothL1Model({ dtype: 'float32', reduction: 'sum', beta: NaN })).toThrow(/beta/);
    expect(() => buildSmoothL1Model({ dtype: 'float32', reduction: 'sum', beta: 1, halfArithmetic: 'native' })).toThrow(/float16 only/);
  });
});
