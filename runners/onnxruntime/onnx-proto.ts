/**
 * The few ONNX protobuf messages the SmoothL1 model needs (onnx/onnx.proto, IR version 8),
 * written with the in-repo protobuf writer. Field numbers are those of onnx.proto; only the
 * fields used here are listed.
 */
import { ProtoWriter } from './protobuf.js';

/** TensorProto.DataType values (onnx.proto). */
export const OnnxType = {
  FLOAT: 1,
  INT64: 7,
  BOOL: 9,
  FLOAT16: 10,
  DOUBLE: 11,
  BFLOAT16: 16,
} as const;
export type OnnxElemType = (typeof OnnxType)[keyof typeof OnnxType];

/** AttributeProto.AttributeType values used here. */
const ATTR_INT = 2;

export interface OnnxAttribute {
  name: string;
  /** Only integer attributes are needed (Cast.to, Reduce*.keepdims). */
  i: number;
}

export interface OnnxNode {
  opType: string;
  inputs: string[];
  outputs: string[];
  name: string;
  attributes?: OnnxAttribute[];
}

export interface OnnxInitializer {
  name: string;
  elemType: OnnxElemType;
  dims: number[];
  /** Little-endian element bytes (TensorProto.raw_data). */
  raw: Uint8Array;
}

export interface OnnxValueInfo {
  name: string;
  elemType: OnnxElemType;
  /** Absent = no shape field at all, so the value may have any rank. */
  shape?: number[];
}

export interface OnnxModel {
  irVersion: number;
  opsetVersion: number;
  producerName: string;
  producerVersion: string;
  docString: string;
  graphName: string;
  nodes: OnnxNode[];
  initializers: OnnxInitializer[];
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  metadata: Record<string, string>;
}

function writeValueInfo(w: ProtoWriter, v: OnnxValueInfo): void {
  w.string(1, v.name); // ValueInfoProto.name
  w.message(2, (type) => {
    // TypeProto.tensor_type
    type.message(1, (t) => {
      t.int(1, v.elemType); // TypeProto.Tensor.elem_type
      if (v.shape) {
        const shape = v.shape;
        t.message(2, (s) => {
          for (const d of shape) s.message(1, (dim) => dim.int(1, d)); // Dimension.dim_value
        });
      }
    });
  });
}

function writeNode(w: ProtoWriter, n: OnnxNode): void {
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  w.string(3, n.name);
  w.string(4, n.opType);
  for (const a of n.attributes ?? []) {
    w.message(5, (attr) => {
      attr.string(1, a.name);
      attr.int(3, a.i); // AttributeProto.i
      attr.int(20, ATTR_INT); // AttributeProto.type
    });
  }
}

function writeInitializer(w: ProtoWriter, t: OnnxInitializer): void {
  for (const d of t.dims) w.int(1, d); // TensorProto.dims (unpacked is valid for repeated int64)
  w.int(2, t.elemType); // TensorProto.data_type
  w.string(8, t.name); // TensorProto.name
  w.lenBytes(9, t.raw); // TensorProto.raw_data
}

/** Serialise a model to ModelProto bytes. Same model -> same bytes. */
export function encodeModel(m: OnnxModel): Uint8Array {
  const w = new ProtoWriter();
  w.int(1, m.irVersion); // ModelProto.ir_version
  w.string(2, m.producerName);
  w.string(3, m.producerVersion);
  w.int(5, 1); // model_version
  w.string(6, m.docString);
  w.message(7, (g) => {
    for (const n of m.nodes) g.message(1, (x) => writeNode(x, n));
    g.string(2, m.graphName);
    for (const t of m.initializers) g.message(5, (x) => writeInitializer(x, t));
    for (const v of m.inputs) g.message(11, (x) => writeValueInfo(x, v));
    for (const v of m.outputs) g.message(12, (x) => writeValueInfo(x, v));
  });
  w.message(8, (o) => {
    o.string(1, ''); // the default (ai.onnx) domain
    o.int(2, m.opsetVersion);
  });
  for (const key of Object.keys(m.metadata).sort()) {
    w.message(14, (e) => {
      e.string(1, key);
      e.string(2, m.metadata[key]);
    });
  }
  return w.finish();
}
