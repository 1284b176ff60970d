/**
 * A minimal protocol-buffers writer: just enough wire format to serialise an ONNX
 * ModelProto without a dependency. Fields are written in the order the caller emits
 * them; the wire format does not require field order, and emitting them in a fixed
 * order keeps the bytes deterministic.
 *
 * Wire types used: 0 (varint), 1 (fixed64), 2 (length-delimited), 5 (fixed32).
 */

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LEN = 2;
const WIRE_FIXED32 = 5;

/** Growable byte buffer with the protobuf primitives. */
export class ProtoWriter {
  private buf = new Uint8Array(64);
  private len = 0;

  private ensure(extra: number): void {
    if (this.len + extra <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + extra) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  /** Raw bytes, appended as they are. */
  bytes(b: Uint8Array): this {
    this.ensure(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
    return this;
  }

  /**
   * An unsigned varint. Accepts a non-negative safe integer or a bigint; negative int64
   * values are written as their two's-complement 64-bit pattern (10 bytes), as protobuf
   * does for int64 fields.
   */
  varint(v: number | bigint): this {
    let x: bigint;
    if (typeof v === 'number') {
      if (!Number.isSafeInteger(v)) throw new RangeError(`protobuf varint: ${v} is not a safe integer`);
      x = BigInt(v);
    } else x = v;
    if (x < 0n) x = BigInt.asUintN(64, x);
    if (x >= 1n << 64n) throw new RangeError(`protobuf varint: ${v} does not fit in 64 bits`);
    this.ensure(10);
    while (x >= 0x80n) {
      this.buf[this.len++] = Number(x & 0x7fn) | 0x80;
      x >>= 7n;
    }
    this.buf[this.len++] = Number(x);
    return this;
  }

  private tag(field: number, wire: number): this {
    if (!Number.isInteger(field) || field < 1 || field > 0x1fffffff) throw new RangeError(`protobuf: bad field number ${field}`);
    return this.varint(field * 8 + wire);
  }

  /** Field of a varint type (int32, int64, uint64, enum, bool). */
  int(field: number, v: number | bigint): this {
    return this.tag(field, WIRE_VARINT).varint(v);
  }

  /** Length-delimited field holding raw bytes (bytes, or an embedded message's encoding). */
  lenBytes(field: number, b: Uint8Array): this {
    return this.tag(field, WIRE_LEN).varint(b.length).bytes(b);
  }

  /** String field, UTF-8 encoded. */
  string(field: number, s: string): this {
    return this.lenBytes(field, new TextEncoder().encode(s));
  }

  /** Embedded message field, built by `build` into a fresh writer. */
  message(field: number, build: (w: ProtoWriter) => void): this {
    const inner = new ProtoWriter();
    build(inner);
    return this.lenBytes(field, inner.finish());
  }

  /** A float (fixed32, little-endian IEEE binary32). */
  float32(field: number, v: number): this {
    this.tag(field, WIRE_FIXED32);
    this.ensure(4);
    new DataView(this.buf.buffer, this.buf.byteOffset).setFloat32(this.len, v, true);
    this.len += 4;
    return this;
  }

  /** A double (fixed64, little-endian IEEE binary64). */
  float64(field: number, v: number): this {
    this.tag(field, WIRE_FIXED64);
    this.ensure(8);
    new DataView(this.buf.buffer, this.buf.byteOffset).setFloat64(this.len, v, true);
    this.len += 8;
    return this;
  }

  /** The encoded bytes (a copy sized to the content). */
  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}
