/**
 * The page the browser loads: the WGSL kernel (./shader.ts) and a small driver that owns
 * the GPUDevice. The host talks to it through `window.smoothl1Gpu` with page.evaluate:
 * `init()` picks the adapter and compiles the pipeline once; `run(req)` uploads two
 * base64 byte strings, dispatches, and returns the output words as base64.
 *
 * The driver is plain browser JavaScript kept in a string (it is served, not compiled by
 * tsc); it checks WebGPU's validation errors with error scopes so a bad dispatch rejects
 * instead of silently returning zeros.
 */
import { MAX_GROUPS_X, SHADER, WORKGROUP_SIZE } from './shader.js';

/** What the page sends back from init(). */
export interface PageInit {
  ok: boolean;
  /** Why there is no device (ok = false). */
  reason?: string;
  adapter?: { vendor: string; architecture: string; description: string; isFallbackAdapter: boolean | null; forcedFallback: boolean };
  maxStorageBufferBindingSize?: number;
}

/** One dispatch: where the inputs' bytes are (lengths multiples of 4) and the output goes, and the Params words. */
export interface PageRequest {
  aUrl: string;
  bUrl: string;
  outUrl: string;
  n: number;
  words: number;
  betaBits: number;
  kindA: number;
  kindB: number;
  outKind: number;
}

const DRIVER = String.raw`
const SHADER = ${JSON.stringify(SHADER)};
const WG = ${WORKGROUP_SIZE};
const MAX_X = ${MAX_GROUPS_X};
let device = null;
let pipeline = null;
let lost = null;

async function fetchBytes(url) {
  const res = await fetch(url, { cache: 'no-store' });
  if (!res.ok) throw new Error('GET ' + url + ': HTTP ' + res.status);
  return new Uint8Array(await res.arrayBuffer());
}
function storage(bytes) {
  // WebGPU buffers: size > 0 and a multiple of 4 (the host pads).
  const buf = device.createBuffer({ size: Math.max(4, bytes.length), usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
  if (bytes.length > 0) device.queue.writeBuffer(buf, 0, bytes);
  return buf;
}

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
    device = await adapter.requestDevice({ requiredLimits: { maxStorageBufferBindingSize: lim.maxStorageBufferBindingSize, maxBufferSize: lim.maxBufferSize } });
    device.lost.then((info) => { lost = 'GPU device lost: ' + info.reason + ' ' + info.message; });
    const module = device.createShaderModule({ code: SHADER });
    const errors = (await module.getCompilationInfo()).messages.filter((m) => m.type === 'error');
    if (errors.length > 0) throw new Error('WGSL compilation failed: ' + errors.map((m) => m.lineNum + ':' + m.linePos + ' ' + m.message).join('; '));
    device.pushErrorScope('validation');
    pipeline = device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' } });
    const err = await device.popErrorScope();
    if (err) throw new Error('pipeline creation failed: ' + err.message);
    const info = adapter.info || {};
    return {
      ok: true,
      adapter: { vendor: info.vendor || '', architecture: info.architecture || '', description: info.description || '', isFallbackAdapter: info.isFallbackAdapter ?? null, forcedFallback },
      maxStorageBufferBindingSize: lim.maxStorageBufferBindingSize,
    };
  },

  async run(req) {
    if (lost) throw new Error(lost);
    if (!device) throw new Error('init() has not created a device');
    const groups = Math.ceil(req.words / WG);
    const gx = Math.min(groups, MAX_X);
    const gy = Math.ceil(groups / gx);
    const t0 = performance.now();
    const aBytes = await fetchBytes(req.aUrl);
    const bBytes = await fetchBytes(req.bUrl);
    const params = new Uint32Array([req.n, req.words, req.betaBits >>> 0, req.kindA, req.kindB, req.outKind, gx, 0]);
    device.pushErrorScope('validation');
    device.pushErrorScope('out-of-memory');
    const uni = device.createBuffer({ size: params.byteLength, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
    device.queue.writeBuffer(uni, 0, params);
    const a = storage(aBytes);
    const b = storage(bBytes);
    const outBytes = req.words * 4;
    const out = device.createBuffer({ size: outBytes, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
    const read = device.createBuffer({ size: outBytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    const bind = device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: [{ binding: 0, resource: { buffer: uni } }, { binding: 1, resource: { buffer: a } }, { binding: 2, resource: { buffer: b } }, { binding: 3, resource: { buffer: out } }],
    });
    const enc = device.createCommandEncoder();
    const pass = enc.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bind);
    pass.dispatchWorkgroups(gx, gy);
    pass.end();
    enc.copyBufferToBuffer(out, 0, read, 0, outBytes);
    const t1 = performance.now();
    device.queue.submit([enc.finish()]);
    const oom = await device.popErrorScope();
    const invalid = await device.popErrorScope();
    try {
      if (oom) throw new Error('GPU out of memory: ' + oom.message);
      if (invalid) throw new Error('WebGPU validation error: ' + invalid.message);
      await read.mapAsync(GPUMapMode.READ);
      const bytes = new Uint8Array(read.getMappedRange().slice(0));
      read.unmap();
      const t2 = performance.now();
      const res = await fetch(req.outUrl, { method: 'POST', body: bytes });
      if (!res.ok) throw new Error('POST ' + req.outUrl + ': HTTP ' + res.status);
      // Where the time goes, for docs/webgpu.md (read with page.evaluate).
      window.smoothl1GpuTimings = { fetchMs: t1 - t0, gpuMs: t2 - t1, postMs: performance.now() - t2 };
      return bytes.length;
    } finally {
      for (const buf of [uni, a, b, out, read]) buf.destroy();
    }
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
