/**
 * The oracle's view of an input tensor: its elements as exact doubles, read chunk by chunk
 * (every float format fits in binary64). The oracle never copies a whole tensor: its loops
 * decode one chunk of logits, labels and the implementation's output at a time into small
 * scratch arrays. A tensor may also be given by its generator (spec/smooth-l1-loss.md
 * section 11), which is then streamed: a 10^9-element case needs no tensor at all.
 */
import { decodeTable16, floatFormat } from '../common/float-format.js';
import { ElementStream } from '../common/prng.js';
import { dtypesSpec, isFloatDType } from '../common/spec-data.js';
import { numel } from '../common/tensor.js';
import type { FloatDType, GeneratorSpec, Tensor } from '../common/types.js';

/** Elements per chunk of the oracle's loops: small enough for the cache, large enough to amortise the loop set-up. */
export const CHUNK = 4096;

/** A tensor described by its generator instead of its elements. */
export interface GeneratedTensor {
  dtype: FloatDType;
  shape: number[];
  generate: GeneratorSpec;
}

export type TensorSource = Tensor | GeneratedTensor;

export function isGenerated(t: TensorSource): t is GeneratedTensor {
  return (t as GeneratedTensor).generate !== undefined && (t as Tensor).data === undefined;
}

/** Decodes a float tensor's elements into doubles, chunk by chunk. */
export class ElementReader {
  readonly dtype: FloatDType;
  readonly n: number;
  readonly shape: number[];
  private readonly data: Uint16Array | Float32Array | Float64Array | undefined;
  private readonly table: Float32Array | undefined;
  private stream: ElementStream | undefined;
  private streamBuf: Uint16Array | Float32Array | Float64Array | undefined;
  private readonly gen: GeneratorSpec | undefined;

  constructor(src: TensorSource, name: string) {
    if (!isFloatDType(src.dtype)) throw new Error(`${name}: expected a float tensor, got dtype ${src.dtype}`);
    this.dtype = src.dtype;
    this.shape = [...src.shape];
    this.n = numel(src.shape);
    const storage = dtypesSpec().float[this.dtype].storage;
    if (floatFormat(this.dtype).bits === 16) this.table = decodeTable16(this.dtype);
    if (isGenerated(src)) {
      this.gen = src.generate;
      return;
    }
    const d = src.data;
    const ok = storage === 'uint16' ? d instanceof Uint16Array : storage === 'float32' ? d instanceof Float32Array : d instanceof Float64Array;
    if (!ok) throw new Error(`${name}: a ${this.dtype} tensor stores its elements in ${storage}, got a ${d.constructor.name}`);
    if (d.length !== this.n) throw new Error(`${name}: shape [${src.shape.join(', ')}] has ${this.n} elements but the data holds ${d.length}`);
    this.data = d as Uint16Array | Float32Array | Float64Array;
  }

  /** Write elements [start, start + count) to out[0 .. count) as doubles. */
  read(start: number, count: number, out: Float64Array): void {
    let src = this.data;
    let off = start;
    if (src === undefined) {
      // A generated tensor is produced in order; reading from an earlier position restarts it.
      if (this.stream === undefined || this.stream.position > start) this.stream = new ElementStream(this.gen!, this.dtype);
      const s = this.stream;
      if (this.streamBuf === undefined || this.streamBuf.length < CHUNK) this.streamBuf = s.allocate(CHUNK);
      const buf = this.streamBuf;
      while (s.position < start) s.fill(buf, 0, Math.min(CHUNK, start - s.position));
      if (count > buf.length) this.streamBuf = s.allocate(count);
      s.fill(this.streamBuf, 0, count);
      src = this.streamBuf;
      off = 0;
    }
    const t = this.table;
    if (t !== undefined) {
      const bits = src as Uint16Array;
      for (let i = 0; i < count; i++) out[i] = t[bits[off + i]];
    } else if (src instanceof Float32Array) {
      for (let i = 0; i < count; i++) out[i] = src[off + i];
    } else {
      const f = src as Float64Array;
      for (let i = 0; i < count; i++) out[i] = f[off + i];
    }
  }

  /** The bit pattern storage of a tensor (for reports), or undefined for a generated one. */
  get tensorData(): Uint16Array | Float32Array | Float64Array | undefined {
    return this.data;
  }
}
