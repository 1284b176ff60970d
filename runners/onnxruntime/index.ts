/**
 * The `onnxruntime` runner: SmoothL1Loss as an ONNX graph (graph.ts) run by
 * onnxruntime-node's CPU execution provider. ONNX Runtime knows nothing of the operator's
 * argument rules (beta range, reduction names, dtypes), so calls go through the shared
 * front end runners/validation.ts first; what passes is converted to the compute dtype and
 * executed. See docs/onnxruntime.md for the graph, dtype handling and deviations.
 *
 * Like every kernel under runners/, this never imports oracle/ or harness/.
 */
import { createRequire } from 'node:module';
import type { CallArgs, RunContext, Runner, RunnerResult } from '../../common/types.js';
import { errorResult, validateCall } from '../validation.js';
import { fromModelOutput, toModelInput } from './convert.js';
import { loadOrt, ortVersion, SessionCache } from './session.js';

export { buildSmoothL1Model, IR_VERSION, OPSET_VERSION, INPUT_NAMES, OUTPUT_NAME, ioTensorType } from './graph.js';
export type { SmoothL1ModelSpec, HalfArithmetic, IoTensorType } from './graph.js';
export { createSmoothL1Session, loadOrt, SessionCache } from './session.js';
export type { SmoothL1Session, IoArray, RawOutput } from './session.js';

export interface OnnxRuntimeRunnerOptions {
  /** ORT intra-op threads (default: ORT's choice). */
  intraOpNumThreads?: number;
  [k: string]: unknown;
}

/** The installed package's version, read without loading the native library. */
function installedVersion(): string {
  try {
    return (createRequire(import.meta.url)('onnxruntime-node/package.json') as { version: string }).version;
  } catch (e) {
    return `(not installed: ${(e as Error).message.split('\n')[0]})`;
  }
}

class OnnxRuntimeRunner implements Runner {
  readonly name = 'onnxruntime';
  readonly nativeProfile = 'cpu' as const;
  readonly version: string;
  private cache: SessionCache | undefined;

  constructor(private readonly options: OnnxRuntimeRunnerOptions) {
    this.version = `onnxruntime-node ${installedVersion()}`;
  }

  async init(): Promise<void> {
    const ort = await loadOrt();
    const loaded = ortVersion(ort);
    if (!this.version.endsWith(loaded)) throw new Error(`onnxruntime-node: package.json says ${this.version}, the loaded module says ${loaded}`);
    const threads = this.options.intraOpNumThreads;
    this.cache = new SessionCache(typeof threads === 'number' ? { intraOpNumThreads: threads } : {});
  }

  async run(args: CallArgs, ctx: RunContext): Promise<RunnerResult> {
    const v = validateCall(args, ctx.profile);
    if (!v.ok) return errorResult(v.error);
    if (this.cache === undefined) await this.init();
    const { logits, labels, computeDtype, beta, reduction } = v.call;
    const session = await this.cache!.get(computeDtype, reduction, beta);
    const out = await session.run(toModelInput(logits, computeDtype), toModelInput(labels, computeDtype), logits.shape);
    return { kind: 'output', tensor: fromModelOutput(out.data, out.dims, computeDtype) };
  }

  async close(): Promise<void> {
    await this.cache?.releaseAll();
  }
}

export function createRunner(options: OnnxRuntimeRunnerOptions = {}): Runner {
  return new OnnxRuntimeRunner(options);
}
