/**
 * The `webgpu` runner: an in-repo WGSL compute kernel (./shader.ts, with binary64
 * emulated in integers by ./f64.ts) run by WebGPU in a real headless Chromium
 * (./browser.ts). On a machine without a GPU the adapter is SwiftShader, Chromium's CPU
 * Vulkan driver. Native profile: gpu (float16, float32, float64; beta > 0; equal dtypes).
 * The kernel also computes what the other profiles let through (bfloat16, mixed dtypes,
 * beta = 0), so it can be checked under every profile.
 *
 * Split of the work: runners/validation.ts decides errors and the compute dtype (as for
 * every in-repo kernel); the GPU computes everything else: every element's loss, the
 * rounding to the output dtype, the sums (a tree in workgroup memory, pass after pass)
 * and the mean's division. The host moves bytes: the inputs' bit patterns go to the page,
 * the output tensor (or the one reduced value) comes back. An empty input with reduction
 * 'none' has nothing to compute and never reaches the GPU; an empty sum or mean does
 * (one workgroup adds no terms: 0, and 0 / 0 = NaN).
 *
 * Faults: anything that goes wrong on the GPU side (a lost device, a shader that does not
 * compile, a WebGPU validation or out-of-memory error, a browser that died) rejects run()
 * with the adapter's message (a crash of that case); the browser is then closed and the
 * next call opens a fresh one. A timeout (ctx.signal) does the same.
 *
 * Like every kernel under runners/, this never imports oracle/ or harness/.
 */
import { createRequire } from 'node:module';
import { ImplementationTimeout } from '../../common/runner-errors.js';
import { dtypesSpec, readSpecJson } from '../../common/spec-data.js';
import { numel } from '../../common/tensor.js';
import type { CallArgs, FloatDType, RunContext, Runner, RunnerResult, Tensor } from '../../common/types.js';
import { errorResult, validateCall } from '../validation.js';
import type { NormalisedCall } from '../validation.js';
import { GpuBrowser } from './browser.js';
import type { GpuInfo } from './browser.js';
import type { PageAnswer } from './page.js';
import { KIND, KIND_BYTES, REDUCE_SPAN, WORKGROUP_SIZE } from './shader.js';
import type { HalfViews, Kind } from './shader.js';

export { CHROMIUM_ARGS, chromiumCandidates, findChromium, GpuBrowser, NoWebGpuError, u32Words } from './browser.js';
export type { GpuInfo } from './browser.js';

export interface WebGpuRunnerOptions {
  /** Chromium to launch (default: $CHROMIUM_PATH, then /usr/bin/chromium, ...). */
  executablePath?: string;
  /**
   * Smaller limits than the adapter's, so that tests reach the paths of very large calls
   * with small data: elements per chunk (rounded down to a multiple of 2048, a reduction workgroup's span)
   * and workgroups along x of a 2-D dispatch. Read at every call.
   */
  limits?: { chunkElements?: number; groupsX?: number };
  /**
   * How float16 inputs are read: 'auto' (the default) through f16 views where the adapter
   * offers `shader-f16`, else as packed u32 words; 'packed' or 'shader-f16' force one (the
   * latter is a crash of every call on an adapter without the feature); 'u32-views' is the
   * f16 path's wiring with u32-typed views, for tests on adapters without the feature.
   * Same results. Read at every call.
   */
  halfStorage?: 'auto' | 'packed' | 'shader-f16' | 'u32-views';
  /** Fault injection for tests: WGSL appended to the kernel's source (e.g. something that does not compile). */
  shaderSuffix?: string;
  [k: string]: unknown;
}

/** A tensor's elements as the bytes the shader reads (padded to whole words). */
function inputBytes(name: string, t: Tensor & { dtype: FloatDType }, n: number): Uint8Array {
  const storage = dtypesSpec().float[t.dtype].storage;
  const expected = storage === 'uint16' ? Uint16Array : storage === 'float32' ? Float32Array : Float64Array;
  if (!(t.data instanceof expected)) throw new TypeError(`webgpu kernel: '${name}' (${t.dtype}) must hold its data in a ${expected.name}, got ${t.data.constructor.name}`);
  if (t.data.length !== n) throw new RangeError(`webgpu kernel: '${name}' has shape [${t.shape.join(', ')}] (${n} elements) but ${t.data.length} data elements`);
  const src = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  if (src.length % 4 === 0) return src;
  const padded = new Uint8Array(Math.ceil(src.length / 4) * 4);
  padded.set(src);
  return padded;
}

/** The output tensor from the bytes the page returned (a copy, so typed arrays are aligned). */
function outputTensor(dtype: FloatDType, shape: number[], bytes: Buffer, n: number): Tensor {
  const need = n * KIND_BYTES[KIND[dtype]];
  if (bytes.length < need) throw new Error(`webgpu kernel: the page returned ${bytes.length} bytes for ${n} ${dtype} elements`);
  const copy = Uint8Array.from(bytes.subarray(0, need)).buffer;
  const data = dtype === 'float32' ? new Float32Array(copy) : dtype === 'float64' ? new Float64Array(copy) : new Uint16Array(copy);
  return { dtype, shape: [...shape], data };
}

/** The versions of what ran: playwright-core from its package.json, the browser once launched. */
function playwrightVersion(): string {
  try {
    return (createRequire(import.meta.url)('playwright-core/package.json') as { version: string }).version;
  } catch {
    return 'not installed';
  }
}

class WebGpuKernelRunner implements Runner {
  readonly name = 'webgpu';
  readonly nativeProfile = 'gpu' as const;
  private browser = new GpuBrowser();
  private opened: Promise<GpuInfo> | undefined;
  /** The adapter of the last browser that opened (kept after a fault closes it). */
  private lastInfo: GpuInfo | undefined;

  constructor(private readonly options: WebGpuRunnerOptions) {}

  get version(): string {
    const base = `webgpu kernel ${readSpecJson<{ version: string }>('package.json').version} (playwright-core ${playwrightVersion()}`;
    const i = this.lastInfo;
    if (i === undefined) return `${base})`;
    const flush = i.flushesSubnormals.results || i.flushesSubnormals.inputs ? 'f32 flushes subnormals' : 'f32 keeps subnormals';
    const half = { none: 'float16 packed in u32', f16: 'float16 via shader-f16', u32: 'float16 via u32 views' }[this.halfViews()];
    return `${base}; Chromium ${i.browserVersion}; adapter ${i.adapter.vendor}/${i.adapter.architecture}${i.adapter.isFallbackAdapter ? ', fallback' : ''}; ${flush}; ${half})`;
  }

  /** The adapter and browser, once init() has run. */
  get info(): GpuInfo | undefined {
    return this.lastInfo;
  }

  async init(): Promise<void> {
    this.opened ??= this.browser.open(typeof this.options.executablePath === 'string' ? this.options.executablePath : undefined);
    try {
      this.lastInfo = await this.opened;
    } catch (e) {
      this.opened = undefined;
      throw e;
    }
  }

  async run(args: CallArgs, ctx: RunContext): Promise<RunnerResult> {
    const v = validateCall(args, ctx.profile);
    if (!v.ok) return errorResult(v.error);
    const n = numel(v.call.logits.shape);
    if (n === 0 && v.call.reduction === 'none') return { kind: 'output', tensor: outputTensor(v.call.computeDtype, v.call.logits.shape, Buffer.alloc(0), 0) };
    // Element counts travel as u32 (Params); no tensor the harness can hold is that large.
    if (n >= 2 ** 32) throw new RangeError(`webgpu kernel: ${n} elements do not fit the kernel's 32-bit element count`);
    // Malformed tensors are rejected here, before the GPU (no restart for them).
    const a = inputBytes('logits', v.call.logits, n);
    const b = inputBytes('labels', v.call.labels, n);
    return { kind: 'output', tensor: await this.guarded(ctx.signal, () => this.compute(v.call, n, a, b)) };
  }

  /**
   * Runs a GPU call; on any failure, or when the harness aborts it, the browser is closed
   * (a fresh one opens for the next call) and the call rejects: a crash, or a timeout.
   */
  private async guarded<T>(signal: AbortSignal, call: () => Promise<T>): Promise<T> {
    if (signal.aborted) throw new ImplementationTimeout('webgpu runner: the call was aborted before it started', 0);
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(new ImplementationTimeout('webgpu runner: the harness aborted the call (time limit); the browser is restarted for the next call', 0));
      signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      return await Promise.race([this.init().then(call), aborted]);
    } catch (e) {
      await this.restart();
      throw e;
    } finally {
      if (onAbort !== undefined) signal.removeEventListener('abort', onAbort);
    }
  }

  /** Closes the browser after a fault; the next call's init() opens a new one. */
  private async restart(): Promise<void> {
    const old = this.browser;
    this.browser = new GpuBrowser();
    this.opened = undefined;
    await old.close().catch(() => undefined);
  }

  /** How float16 inputs are read (halfStorage, and the adapter's features). */
  halfViews(): HalfViews {
    switch (this.options.halfStorage ?? 'auto') {
      case 'auto':
        return this.lastInfo?.features.includes('shader-f16') ? 'f16' : 'none';
      case 'packed':
        return 'none';
      case 'shader-f16':
        return 'f16';
      case 'u32-views':
        return 'u32';
    }
  }

  /** Elements per chunk and workgroups along x, from the adapter's limits (or the options' smaller ones). */
  private geometry(call: NormalisedCall): { chunkElements: number; groupsX: number } {
    // A workgroup covers 256 elements of reduction 'none' (512 for 16-bit outputs, two per
    // invocation) and 2048 of a reduction: that many times groupsX^2 fit one dispatch.
    const packed = KIND_BYTES[KIND[call.computeDtype]] === 2;
    const perGroup = call.reduction !== 'none' ? REDUCE_SPAN : packed ? 2 * WORKGROUP_SIZE : WORKGROUP_SIZE;
    const lim = this.lastInfo?.limits;
    if (lim === undefined) throw new Error('webgpu runner: no adapter limits (init() has not run)');
    const widest = Math.max(KIND_BYTES[KIND[call.logits.dtype]], KIND_BYTES[KIND[call.labels.dtype]], KIND_BYTES[KIND[call.computeDtype]]);
    const groupsX = Math.min(lim.maxComputeWorkgroupsPerDimension, this.options.limits?.groupsX ?? Infinity);
    // A chunk's buffers must fit one binding and one buffer, and its workgroups one 2-D dispatch.
    // (A multiple of a reduction workgroup's span, so each chunk's partials start a new one.)
    let chunk = Math.min(Math.floor(Math.min(lim.maxStorageBufferBindingSize, lim.maxBufferSize) / widest), groupsX * groupsX * perGroup);
    chunk = Math.min(chunk, this.options.limits?.chunkElements ?? Infinity);
    chunk -= chunk % REDUCE_SPAN;
    if (chunk < REDUCE_SPAN) throw new Error(`webgpu runner: a chunk must hold at least ${REDUCE_SPAN} elements (limits give ${chunk})`);
    return { chunkElements: chunk, groupsX };
  }

  /** One call on the GPU: the inputs' bytes (./page.ts PageRequest) and the output tensor back. */
  private async compute(call: NormalisedCall, n: number, a: Uint8Array, b: Uint8Array): Promise<Tensor> {
    const { logits, labels, computeDtype: dtype, beta, reduction } = call;
    // beta >= 0 after validation (-0 on profiles admitting 0 is the same value): pass its bits.
    const betaBits = new Uint32Array(Float32Array.of(beta === 0 ? 0 : beta).buffer)[0];
    const kind = (d: FloatDType): Kind => KIND[d];
    const out = await this.browser.kernel(a, b, {
      n,
      betaBits,
      kindA: kind(logits.dtype),
      kindB: kind(labels.dtype),
      outKind: kind(dtype),
      reduction,
      ...this.geometry(call),
      shaderSuffix: typeof this.options.shaderSuffix === 'string' ? this.options.shaderSuffix : '',
      halfViews: this.halfViews(),
    });
    if (reduction === 'none') return outputTensor(dtype, logits.shape, out, n);
    return outputTensor(dtype, [], out, 1);
  }

  /** Runs a compute shader in the open browser (tests of ./f64.ts use it). */
  async runWgsl(code: string, entryPoint: string, input: Uint8Array, outBytes: number, workgroups: number): Promise<Buffer> {
    await this.init();
    return this.browser.runWgsl(code, entryPoint, input, outBytes, workgroups);
  }

  /** Where the last kernel call's time went in the page (milliseconds). */
  get lastTimings(): PageAnswer | undefined {
    return this.browser.lastTimings;
  }

  /** Destroys the current GPUDevice, as a device loss would (tests of the fault path). */
  async loseDevice(): Promise<void> {
    await this.init();
    await this.browser.loseDevice();
  }

  async close(): Promise<void> {
    this.opened = undefined;
    await this.browser.close();
  }
}

export type WebGpuRunner = Runner & {
  init(): Promise<void>;
  halfViews(): HalfViews;
  close(): Promise<void>;
  readonly info: GpuInfo | undefined;
  readonly lastTimings: PageAnswer | undefined;
  runWgsl(code: string, entryPoint: string, input: Uint8Array, outBytes: number, workgroups: number): Promise<Buffer>;
  loseDevice(): Promise<void>;
};

export function createRunner(options: WebGpuRunnerOptions = {}): WebGpuRunner {
  return new WebGpuKernelRunner(options);
}
