/**
 * The page the browser loads: a small driver that owns the GPUDevice (the kernel's
 * passes are in ./passes.ts). The host talks to
 * it through `window.smoothl1Gpu` with page.evaluate:
 * - `init()` picks the adapter, creates the device and probes whether its f32 arithmetic
 *   flushes subnormals;
 * - `run(req)` is one kernel call: it fetches the two inputs' bytes from the host's
 *   server, runs the passes of ./shader.ts (split into chunks that fit the binding limits),
 *   reads back the output (reduction 'none') or the single reduced value, and POSTs it;
 * - `runWgsl(req)` runs any compute shader over one input buffer into one output buffer
 *   (the flush probe and the binary64 emulation's tests use it);
 * - `loseDevice()` destroys the device, the way a real device loss ends it (for tests).
 *
 * Shaders are compiled on first use and cached; a compilation error, a WebGPU validation
 * or out-of-memory error, or a lost device rejects the call with the adapter's message,
 * never silent zeros. The driver is plain browser JavaScript kept in a string (it is
 * served, not compiled by tsc).
 */
import { KERNEL_PASSES } from './passes.js';
import type { HalfViews } from './shader.js';

/** What the page sends back from init(). */
export interface PageInit {
  ok: boolean;
  /** Why there is no device (ok = false). */
  reason?: string;
  adapter?: { vendor: string; architecture: string; description: string; isFallbackAdapter: boolean | null; forcedFallback: boolean };
  features?: string[];
  limits?: { maxStorageBufferBindingSize: number; maxBufferSize: number; maxComputeWorkgroupsPerDimension: number };
}

/** One kernel call: where the inputs' bytes are (lengths multiples of 4) and the output goes. */
export interface PageRequest {
  aUrl: string;
  bUrl: string;
  outUrl: string;
  n: number;
  betaBits: number;
  kindA: number;
  kindB: number;
  outKind: number;
  reduction: 'none' | 'sum' | 'mean';
  /** Elements per chunk (a multiple of a reduction workgroup's span): each chunk's buffers fit the binding limits. */
  chunkElements: number;
  /** Workgroups along x of a 2-D dispatch (the adapter's maxComputeWorkgroupsPerDimension, or less for tests). */
  groupsX: number;
  /** WGSL appended to the kernel's source: fault injection for tests (an empty string normally). */
  shaderSuffix: string;
  /** How float16 inputs are read (./shader.ts HalfViews): packed words, f16 views (the adapter must offer shader-f16), or u32 views. */
  halfViews: HalfViews;
}

/** What the page answers: the bytes it posted, and for kernel calls where the time went (milliseconds). */
export interface PageAnswer {
  posted: number;
  fetchMs?: number;
  gpuMs?: number;
  postMs?: number;
}

/** Any compute shader over one input buffer (binding 0, read) into one output buffer (binding 1). */
export interface WgslRequest {
  code: string;
  entryPoint: string;
  inUrl: string;
  outUrl: string;
  outBytes: number;
  workgroups: number;
}

const DRIVER = String.raw`
let device = null;
let lost = null;
const modules = new Map();

function checkDevice() {
  if (lost) throw new Error(lost);
  if (!device) throw new Error('init() has not created a device');
}
async function fetchBytes(url) {
  const res = await fetch(url, { cache: 'no-store' });
  if (!res.ok) throw new Error('GET ' + url + ': HTTP ' + res.status);
  return new Uint8Array(await res.arrayBuffer());
}
async function post(url, bytes) {
  const res = await fetch(url, { method: 'POST', body: bytes });
  if (!res.ok) throw new Error('POST ' + url + ': HTTP ' + res.status);
  return bytes.length;
}
// A storage buffer holding bytes (WebGPU wants a size > 0 and a multiple of 4).
function storage(bytes, extraUsage = 0) {
  const size = Math.max(4, Math.ceil(bytes.length / 4) * 4);
  const buf = device.createBuffer({ size, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | extraUsage });
  if (bytes.length > 0) {
    const padded = bytes.length % 4 === 0 ? bytes : (() => { const p = new Uint8Array(size); p.set(bytes); return p; })();
    device.queue.writeBuffer(buf, 0, padded);
  }
  return buf;
}
function outputBuffer(bytes) {
  return device.createBuffer({ size: Math.max(4, Math.ceil(bytes / 4) * 4), usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
}
function uniform(words) {
  const buf = device.createBuffer({ size: words.byteLength, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  device.queue.writeBuffer(buf, 0, words);
  return buf;
}
// Compiled once per source text, pipelines once per entry point and override constants;
// compilation errors reject with the compiler's messages.
async function pipeline(code, entryPoint, constants) {
  let entry = modules.get(code);
  if (!entry) {
    device.pushErrorScope('validation');
    const module = device.createShaderModule({ code });
    const invalid = await device.popErrorScope();
    const errors = (await module.getCompilationInfo()).messages.filter((m) => m.type === 'error');
    if (errors.length > 0) throw new Error('WGSL compilation failed: ' + errors.map((m) => m.lineNum + ':' + m.linePos + ' ' + m.message).join('; '));
    if (invalid) throw new Error('WGSL compilation failed: ' + invalid.message);
    entry = { module, pipelines: new Map() };
    modules.set(code, entry);
  }
  const key = entryPoint + JSON.stringify(constants || {});
  let p = entry.pipelines.get(key);
  if (!p) {
    device.pushErrorScope('validation');
    p = await device.createComputePipelineAsync({ layout: 'auto', compute: { module: entry.module, entryPoint, ...(constants ? { constants } : {}) } });
    const err = await device.popErrorScope();
    if (err) throw new Error('pipeline creation failed: ' + err.message);
    entry.pipelines.set(key, p);
  }
  return p;
}
// Runs fn with validation, out-of-memory and internal error scopes; any error rejects.
async function scoped(fn) {
  device.pushErrorScope('validation');
  device.pushErrorScope('out-of-memory');
  device.pushErrorScope('internal');
  let result, failure;
  try {
    result = await fn();
  } catch (e) {
    failure = e;
  }
  const internal = await device.popErrorScope();
  const oom = await device.popErrorScope();
  const invalid = await device.popErrorScope();
  if (lost) throw new Error(lost);
  if (oom) throw new Error('GPU out of memory: ' + oom.message);
  if (invalid) throw new Error('WebGPU validation error: ' + invalid.message);
  if (internal) throw new Error('WebGPU internal error: ' + internal.message);
  if (failure) throw failure;
  return result;
}
// Encodes one dispatch of 'groups' workgroups (at least 1) as a 2-D grid.
function dispatch(enc, pipe, entries, groupCount, groupsX, params) {
  const groups = Math.max(1, groupCount);
  const gx = Math.min(groups, groupsX);
  const gy = Math.ceil(groups / gx);
  if (gy > groupsX) throw new Error('dispatch of ' + groups + ' workgroups exceeds ' + groupsX + ' x ' + groupsX);
  params[6] = gx;
  const uni = uniform(params);
  const bind = device.createBindGroup({
    layout: pipe.getBindGroupLayout(0),
    entries: [{ binding: 0, resource: { buffer: uni } }, ...entries],
  });
  const pass = enc.beginComputePass();
  pass.setPipeline(pipe);
  pass.setBindGroup(0, bind);
  pass.dispatchWorkgroups(gx, gy);
  pass.end();
  return uni;
}
async function readBack(buf, bytes) {
  const read = device.createBuffer({ size: buf.size, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const enc = device.createCommandEncoder();
  enc.copyBufferToBuffer(buf, 0, read, 0, buf.size);
  device.queue.submit([enc.finish()]);
  try {
    await read.mapAsync(GPUMapMode.READ);
    return new Uint8Array(read.getMappedRange(0, buf.size).slice(0, bytes));
  } finally {
    read.destroy();
  }
}
${KERNEL_PASSES}

window.smoothl1Gpu = {
  async init() {
    if (!navigator.gpu) return { ok: false, reason: 'navigator.gpu is missing (WebGPU is not enabled in this browser)' };
    let forcedFallback = false;
    let adapter = await navigator.gpu.requestAdapter();
    if (!adapter) {
      adapter = await navigator.gpu.requestAdapter({ forceFallbackAdapter: true });
      forcedFallback = true;
    }
    if (!adapter) return { ok: false, reason: 'navigator.gpu.requestAdapter() returned null (also with forceFallbackAdapter: true)' };
    const lim = adapter.limits;
    device = await adapter.requestDevice({
      requiredFeatures: adapter.features.has('shader-f16') ? ['shader-f16'] : [],
      requiredLimits: { maxStorageBufferBindingSize: lim.maxStorageBufferBindingSize, maxBufferSize: lim.maxBufferSize },
    });
    lost = null;
    modules.clear();
    device.lost.then((info) => { lost = 'GPU device lost (' + info.reason + '): ' + info.message; });
    const info = adapter.info || {};
    return {
      ok: true,
      adapter: { vendor: info.vendor || '', architecture: info.architecture || '', description: info.description || '', isFallbackAdapter: info.isFallbackAdapter ?? null, forcedFallback },
      features: [...adapter.features].sort(),
      limits: { maxStorageBufferBindingSize: lim.maxStorageBufferBindingSize, maxBufferSize: lim.maxBufferSize, maxComputeWorkgroupsPerDimension: lim.maxComputeWorkgroupsPerDimension },
    };
  },

  async run(req) {
    checkDevice();
    const t0 = performance.now();
    const [a, b] = await Promise.all([fetchBytes(req.aUrl), fetchBytes(req.bUrl)]);
    const t1 = performance.now();
    const release = [];
    try {
      const out = await scoped(() => (req.reduction === 'none' ? runNone(req, a, b, release) : runReduce(req, a, b, release)));
      const t2 = performance.now();
      const posted = await post(req.outUrl, out);
      // Where the time goes (docs/webgpu.md, bench/webgpu.ts).
      return { posted, fetchMs: t1 - t0, gpuMs: t2 - t1, postMs: performance.now() - t2 };
    } finally {
      for (const buf of release) buf.destroy();
    }
  },

  async runWgsl(req) {
    checkDevice();
    const input = await fetchBytes(req.inUrl);
    const release = [];
    try {
      const out = await scoped(async () => {
        const pipe = await pipeline(req.code, req.entryPoint);
        const bufIn = storage(input);
        const bufOut = outputBuffer(req.outBytes);
        release.push(bufIn, bufOut);
        const bind = device.createBindGroup({ layout: pipe.getBindGroupLayout(0), entries: [{ binding: 0, resource: { buffer: bufIn } }, { binding: 1, resource: { buffer: bufOut } }] });
        const enc = device.createCommandEncoder();
        const pass = enc.beginComputePass();
        pass.setPipeline(pipe);
        pass.setBindGroup(0, bind);
        pass.dispatchWorkgroups(req.workgroups);
        pass.end();
        device.queue.submit([enc.finish()]);
        return readBack(bufOut, req.outBytes);
      });
      return { posted: await post(req.outUrl, out) };
    } finally {
      for (const buf of release) buf.destroy();
    }
  },

  loseDevice() {
    if (device) device.destroy();
  },
};
`;

/** The whole page, served on 127.0.0.1 (WebGPU needs a secure context: localhost counts). */
export function pageHtml(): string {
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>smoothl1 webgpu kernel</title></head>
<body><script>${DRIVER}</script></body></html>
`;
}
