/**
 * Running the SmoothL1 graph in onnxruntime-node: lazy loading of the native module, one
 * InferenceSession per (dtype, reduction, beta) kept for the run, and execution on raw
 * typed arrays (what the bench times: ORT itself, without conversions).
 */
import type * as OrtModule from 'onnxruntime-node';
import type { FloatDType, Reduction } from '../../common/types.js';
import { importOptional } from '../../common/optional-packages.js';
import { numel } from '../../common/tensor.js';
import { buildSmoothL1Model, INPUT_NAMES, ioTensorType, OUTPUT_NAME } from './graph.js';
import type { IoTensorType, SmoothL1ModelSpec } from './graph.js';

export type Ort = typeof OrtModule;

let ortPromise: Promise<Ort> | undefined;
/** Import onnxruntime-node once, on first use (it loads a native library). */
export function loadOrt(): Promise<Ort> {
  ortPromise ??= importOptional('onnxruntime-node', "runner 'onnxruntime'", () => import('onnxruntime-node'));
  return ortPromise;
}

/** The version string of the loaded onnxruntime-node package. */
export function ortVersion(ort: Ort): string {
  return ort.env.versions.node ?? ort.env.versions.common ?? 'unknown';
}

/** The typed array a model input/output uses for a dtype (ioTensorType in graph.ts). */
export type IoArray = Uint16Array | Float32Array | Float64Array;

export interface RawOutput {
  /** float16: bit patterns; bfloat16 and float32: Float32Array; float64: Float64Array. */
  data: IoArray;
  dims: number[];
}

/** A loaded model for one (dtype, reduction, beta), runnable on raw typed arrays. */
export interface SmoothL1Session {
  readonly spec: SmoothL1ModelSpec;
  readonly ioType: IoTensorType;
  /** Runs the graph; logits and labels must be of the ioType storage and hold numel(dims) elements. */
  run(logits: IoArray, labels: IoArray, dims: readonly number[]): Promise<RawOutput>;
  release(): Promise<void>;
}

function expectedArray(io: IoTensorType): string {
  return io === 'float16' ? 'Uint16Array' : io === 'float32' ? 'Float32Array' : 'Float64Array';
}

function isIoArray(io: IoTensorType, a: unknown): boolean {
  return io === 'float16' ? a instanceof Uint16Array : io === 'float32' ? a instanceof Float32Array : a instanceof Float64Array;
}

/** Create a session for one model. Session options default to the CPU provider. */
export async function createSmoothL1Session(spec: SmoothL1ModelSpec, sessionOptions: OrtModule.InferenceSession.SessionOptions = {}): Promise<SmoothL1Session> {
  const ort = await loadOrt();
  const model = buildSmoothL1Model(spec);
  const session = await ort.InferenceSession.create(model, { executionProviders: ['cpu'], ...sessionOptions });
  const io = ioTensorType(spec.dtype);
  return {
    spec,
    ioType: io,
    async run(logits, labels, dims) {
      const n = numel(dims);
      for (const [name, a] of [[INPUT_NAMES[0], logits], [INPUT_NAMES[1], labels]] as const) {
        if (!isIoArray(io, a)) throw new TypeError(`onnxruntime SmoothL1 session (${spec.dtype}): ${name} must be a ${expectedArray(io)}`);
        if (a.length !== n) throw new RangeError(`onnxruntime SmoothL1 session: ${name} has ${a.length} elements, shape [${dims.join(', ')}] needs ${n}`);
      }
      const feeds = {
        [INPUT_NAMES[0]]: new ort.Tensor(io, logits, dims),
        [INPUT_NAMES[1]]: new ort.Tensor(io, labels, dims),
      };
      const out = (await session.run(feeds))[OUTPUT_NAME];
      if (out === undefined) throw new Error(`onnxruntime returned no '${OUTPUT_NAME}' output`);
      const data = out.data;
      if (!isIoArray(io, data)) throw new Error(`onnxruntime returned a ${out.type} output (${Object.prototype.toString.call(data)}), expected ${io}`);
      const result: RawOutput = { data: data as IoArray, dims: [...out.dims] };
      out.dispose();
      return result;
    },
    release: () => session.release(),
  };
}

/** Sessions cached per model for the life of a run (models are built once per key). */
export class SessionCache {
  private readonly sessions = new Map<string, Promise<SmoothL1Session>>();
  constructor(private readonly sessionOptions: OrtModule.InferenceSession.SessionOptions = {}) {}

  static key(dtype: FloatDType, reduction: Reduction, beta: number): string {
    // beta by its float32 bits, so -0 and +0 get different models (Less(a, -0) is still false).
    const bits = new Uint32Array(new Float32Array([beta]).buffer)[0];
    return `${dtype}|${reduction}|${bits.toString(16).padStart(8, '0')}`;
  }

  get(dtype: FloatDType, reduction: Reduction, beta: number): Promise<SmoothL1Session> {
    const key = SessionCache.key(dtype, reduction, beta);
    let s = this.sessions.get(key);
    if (s === undefined) {
      s = createSmoothL1Session({ dtype, reduction, beta }, this.sessionOptions);
      // A failed creation is not cached, so the next call retries and reports its own error.
      s.catch(() => this.sessions.delete(key));
      this.sessions.set(key, s);
    }
    return s;
  }

  get size(): number {
    return this.sessions.size;
  }

  async releaseAll(): Promise<void> {
    const all = [...this.sessions.values()];
    this.sessions.clear();
    for (const p of all) {
      try {
        await (await p).release();
      } catch {
        // A session that failed to load has nothing to release.
      }
    }
  }
}
