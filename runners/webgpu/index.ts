/**
 * The `webgpu` runner: an in-repo WGSL compute kernel (./shader.ts) run by WebGPU in a
 * real headless Chromium (./browser.ts). On a machine without a GPU the adapter is
 * SwiftShader, Chromium's CPU Vulkan driver. Native profile: ascend, whose dtypes
 * (float16, float32, bfloat16) WGSL can express; float64 is answered with a RuntimeError
 * because WGSL has no f64 (docs/webgpu.md).
 *
 * Split of the work: runners/validation.ts decides errors and the compute dtype (as for
 * every in-repo kernel); the GPU computes every element's loss (and, for reduction
 * 'none', rounds it to the output dtype); 'sum' and 'mean' add the GPU's float32 losses
 * on the host in float64 and round once to the output dtype. Empty tensors never reach
 * the GPU (a zero-size dispatch is not allowed): 'none' gives an empty tensor, 'sum' 0,
 * 'mean' 0/0 = NaN.
 *
 * Like every kernel under runners/, this never imports oracle/ or harness/.
 */
import { createRequire } from 'node:module';
import { floatFormat } from '../../common/float-format.js';
import { dtypesSpec, readSpecJson } from '../../common/spec-data.js';
import type { CallArgs, FloatDType, RunContext, Runner, RunnerResult, Tensor } from '../../common/types.js';
import { errorResult, validateCall } from '../validation.js';
import type { NormalisedCall } from '../validation.js';
import { GpuBrowser } from './browser.js';
import type { GpuInfo } from './browser.js';
import { KIND } from './shader.js';
import type { Kind } from './shader.js';

export { CHROMIUM_ARGS, chromiumCandidates, findChromium, GpuBrowser, NoWebGpuError } from './browser.js';
export type { GpuInfo } from './browser.js';

/** The answer for float64: WGSL has no f64, and the kernel does not emulate it. */
export const FLOAT64_ERROR = { errorType: 'RuntimeError', message: 'float64 is not supported by WGSL' } as const;

export interface WebGpuRunnerOptions {
  /** Chromium to launch (default: $CHROMIUM_PATH, then /usr/bin/chromium, ...). */
  executablePath?: string;
  [k: string]: unknown;
}

function numel(shape: number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

function kindOf(dtype: FloatDType): Kind {
  if (dtype === 'float32' || dtype === 'float16' || dtype === 'bfloat16') return KIND[dtype];
  throw new Error(`webgpu kernel: ${dtype} has no WGSL representation`);
}

/** A tensor's elements as the bytes the shader reads: float32 words, or 16-bit patterns two per word. */
function inputBytes(name: string, t: Tensor & { dtype: FloatDType }, n: number): Uint8Array {
  const storage = dtypesSpec().float[t.dtype].storage;
  const ok = storage === 'uint16' ? t.data instanceof Uint16Array : storage === 'float32' ? t.data instanceof Float32Array : false;
  if (!ok) throw new TypeError(`webgpu kernel: '${name}' (${t.dtype}) must hold its data in ${storage === 'uint16' ? 'a Uint16Array' : 'a Float32Array'}, got ${t.data.constructor.name}`);
  if (t.data.length !== n) throw new RangeError(`webgpu kernel: '${name}' has shape [${t.shape.join(', ')}] (${n} elements) but ${t.data.length} data elements`);
  const src = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  const padded = new Uint8Array(Math.ceil(src.length / 4) * 4);
  padded.set(src);
  return padded;
}

/** A double rounded once (to nearest even) to a 0-d tensor of the output dtype. */
function scalar(dtype: FloatDType, x: number): Tensor {
  if (dtype === 'float32') return { dtype, shape: [], data: Float32Array.of(x) };
  return { dtype, shape: [], data: Uint16Array.of(Number(floatFormat(dtype).encode(x))) };
}

function emptyTensor(dtype: FloatDType, shape: number[]): Tensor {
  return { dtype, shape: [...shape], data: dtype === 'float32' ? new Float32Array(0) : new Uint16Array(0) };
}

/** The versions of what ran: playwright-core from its package.json, the browser once launched. */
function playwrightVersion(): string {
  try {
    return (createRequire(import.meta.url)('playwright-core/package.json') as { version: string }).version;
  } catch {
    return 'not installed';
  }
}

class WebGpuRunner implements Runner {
  readonly name = 'webgpu';
  readonly nativeProfile = 'ascend' as const;
  private readonly browser = new GpuBrowser();
  private opened: Promise<GpuInfo> | undefined;

  constructor(private readonly options: WebGpuRunnerOptions) {}

  get version(): string {
    const base = `webgpu kernel ${readSpecJson<{ version: string }>('package.json').version} (playwright-core ${playwrightVersion()}`;
    const i = this.browser.info;
    if (i === undefined) return `${base})`;
    return `${base}; Chromium ${i.browserVersion}; adapter ${i.adapter.vendor}/${i.adapter.architecture}${i.adapter.isFallbackAdapter ? ', fallback' : ''})`;
  }

  /** The adapter and browser, once init() has run. */
  get info(): GpuInfo | undefined {
    return this.browser.info;
  }

  async init(): Promise<void> {
    this.opened ??= this.browser.open(typeof this.options.executablePath === 'string' ? this.options.executablePath : undefined);
    await this.opened;
  }

  async run(args: CallArgs, ctx: RunContext): Promise<RunnerResult> {
    const v = validateCall(args, ctx.profile);
    if (!v.ok) return errorResult(v.error);
    if (v.call.computeDtype === 'float64') return { kind: 'error', ...FLOAT64_ERROR };
    if (this.opened === undefined) await this.init();
    return { kind: 'output', tensor: await this.compute(v.call) };
  }

  private async compute(call: NormalisedCall): Promise<Tensor> {
    const { logits, labels, computeDtype: dtype, beta, reduction } = call;
    const n = numel(logits.shape);
    const a = inputBytes('logits', logits, n);
    const b = inputBytes('labels', labels, n);
    if (n === 0) {
      // No zero-size dispatch: the empty cases by definition (sum of no terms, 0/0).
      if (reduction === 'none') return emptyTensor(dtype, logits.shape);
      return scalar(dtype, reduction === 'sum' ? 0 : NaN);
    }
    // beta >= 0 after validation (-0 on profiles admitting 0 is the same value): pass its bits.
    const betaBits = new Uint32Array(Float32Array.of(beta === 0 ? 0 : beta).buffer)[0];
    // Reductions read back every element's float32 loss; 'none' gets the output format.
    const outKind: Kind = reduction === 'none' ? kindOf(dtype) : KIND.float32;
    const words = outKind === KIND.float32 ? n : Math.ceil(n / 2);
    const out = await this.browser.dispatch(a, b, { n, words, betaBits, kindA: kindOf(logits.dtype), kindB: kindOf(labels.dtype), outKind });
    if (out.length !== words * 4) throw new Error(`webgpu kernel: the page returned ${out.length} bytes for ${words} words`);
    const copy = new Uint8Array(out).buffer;
    if (reduction === 'none') {
      const data = outKind === KIND.float32 ? new Float32Array(copy, 0, n) : new Uint16Array(copy, 0, n);
      return { dtype, shape: [...logits.shape], data };
    }
    // Non-negative terms (or NaN / +inf): a float64 sum of n float32 values is within
    // n * 2^-53 relative of the exact sum, and holds sums beyond float32's range.
    const losses = new Float32Array(copy);
    let s = 0;
    for (let i = 0; i < n; i++) s += losses[i];
    return scalar(dtype, reduction === 'sum' ? s : s / n);
  }

  async close(): Promise<void> {
    this.opened = undefined;
    await this.browser.close();
  }
}

export function createRunner(options: WebGpuRunnerOptions = {}): Runner & { readonly info: GpuInfo | undefined } {
  return new WebGpuRunner(options);
}
