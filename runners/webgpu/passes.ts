/**
 * The kernel's passes, as page JavaScript (./page.ts serves it with the generic driver:
 * device, pipelines, error scopes, dispatch, readback). One call: the per-call constants
 * (beta, 1/beta, beta/2 in binary64), then reduction 'none' chunk by chunk, each chunk read
 * back into its place in the output, or a reduction: chunks of elements into partial sums,
 * passes over the partials until one workgroup writes the result, of which only 8 bytes
 * are read back. Kept as a string: it runs in the browser, not in Node.
 */
import { KIND_BYTES, PARAM_FIELDS, REDUCE_SPAN, SHADER, shaderSource, WORKGROUP_SIZE } from './shader.js';

export const KERNEL_PASSES = String.raw`
const SHADER = ${JSON.stringify(SHADER)};
const SHADER_F16 = ${JSON.stringify(shaderSource({ halfViews: 'f16' }))};
const SHADER_U32_VIEWS = ${JSON.stringify(shaderSource({ halfViews: 'u32' }))};
const WG = ${WORKGROUP_SIZE};
const SPAN = ${REDUCE_SPAN};
const KIND_BYTES = ${JSON.stringify(KIND_BYTES)};
const PARAM_WORDS = ${PARAM_FIELDS.length};

function params(req, fields) {
  const w = new Uint32Array(PARAM_WORDS);
  w[1] = req.n; w[2] = req.betaBits >>> 0; w[3] = req.kindA; w[4] = req.kindB; w[5] = req.outKind;
  w[9] = req.reduction === 'mean' ? 1 : 0;
  for (const [i, v] of fields) w[i] = v;
  return w;
}
function source(req) {
  if (req.halfViews === 'f16' && !device.features.has('shader-f16')) throw new Error('f16 storage was asked for, but this adapter does not offer shader-f16');
  return (req.halfViews === 'f16' ? SHADER_F16 : req.halfViews === 'u32' ? SHADER_U32_VIEWS : SHADER) + req.shaderSuffix;
}
// Bindings 1 and 2 (and their f16 views 5 and 6) for the passes that read the inputs.
function inputEntries(req, bufA, bufB) {
  const e = [{ binding: 1, resource: { buffer: bufA } }, { binding: 2, resource: { buffer: bufB } }];
  if (req.halfViews !== 'none') e.push({ binding: 5, resource: { buffer: bufA } }, { binding: 6, resource: { buffer: bufB } });
  return e;
}
function kinds(req) {
  return { KIND_A: req.kindA, KIND_B: req.kindB, OUT_KIND: req.outKind };
}
function slice(bytes, kind, start, count) {
  return bytes.subarray(start * KIND_BYTES[kind], Math.min(bytes.length, (start + count) * KIND_BYTES[kind]));
}
function outBytesOf(kind, count) {
  return count * KIND_BYTES[kind];
}

// The per-call constants (beta, 1 / beta, beta / 2 in binary64), computed on the GPU once.
async function constants(req, release) {
  const pipe = await pipeline(source(req), 'constants', kinds(req));
  const buf = outputBuffer(24);
  release.push(buf);
  const enc = device.createCommandEncoder();
  release.push(dispatch(enc, pipe, [{ binding: 3, resource: { buffer: buf } }], 1, req.groupsX, params(req, [])));
  device.queue.submit([enc.finish()]);
  return { binding: 4, resource: { buffer: buf } };
}

// Reduction 'none': chunk by chunk, each read back into its place in the output.
async function runNone(req, a, b, release) {
  const pipe = await pipeline(source(req), 'elementwise', kinds(req));
  const consts = await constants(req, release);
  const packed = req.outKind === 1 || req.outKind === 2;
  const out = new Uint8Array(Math.ceil(outBytesOf(req.outKind, req.n) / 4) * 4);
  for (let start = 0; start < req.n; start += req.chunkElements) {
    const count = Math.min(req.chunkElements, req.n - start);
    const bufA = storage(slice(a, req.kindA, start, count));
    const bufB = storage(slice(b, req.kindB, start, count));
    const bytes = outBytesOf(req.outKind, count);
    const bufOut = outputBuffer(bytes);
    release.push(bufA, bufB, bufOut);
    const enc = device.createCommandEncoder();
    const invocations = packed ? Math.ceil(count / 2) : count;
    const uni = dispatch(enc, pipe, [...inputEntries(req, bufA, bufB), { binding: 3, resource: { buffer: bufOut } }, consts], Math.ceil(invocations / WG), req.groupsX, params(req, [[0, count]]));
    release.push(uni);
    device.queue.submit([enc.finish()]);
    out.set(await readBack(bufOut, bytes), outBytesOf(req.outKind, start));
    for (const buf of [bufA, bufB, bufOut, uni]) buf.destroy();
  }
  return out;
}

// Reductions: chunks of elements into partials, then passes over the partials until one
// workgroup writes the result; only that value (8 bytes) is read back. A float64 mean whose
// sum overflowed (+inf, although the mean of finite terms is finite) is computed again with
// every term scaled by 2^-k, k = ceil(log2 n) + 1, and the mean scaled back: an infinite
// term still gives inf, and a sum that large loses nothing to the scaling.
async function runReduce(req, a, b, release) {
  const out = await reduceOnce(req, a, b, release, 0);
  const infinite = out[0] === 0 && out[1] === 0 && out[2] === 0 && out[3] === 0 && out[4] === 0 && out[5] === 0 && out[6] === 0xf0 && out[7] === 0x7f;
  if (req.reduction !== 'mean' || req.outKind !== 3 || !infinite) return out;
  return reduceOnce(req, a, b, release, Math.ceil(Math.log2(Math.max(req.n, 2))) + 1);
}

async function reduceOnce(req, a, b, release, scale) {
  const pipeE = await pipeline(source(req), 'reduceElements', kinds(req));
  const pipeP = await pipeline(source(req), 'reducePartials', kinds(req));
  const consts = await constants(req, release);
  const result = outputBuffer(8);
  release.push(result);
  let count = Math.max(1, Math.ceil(req.n / SPAN));
  let partials = count === 1 ? result : outputBuffer(count * 8);
  release.push(partials);
  for (let start = 0; start === 0 || start < req.n; start += req.chunkElements) {
    const n = Math.min(req.chunkElements, req.n - start);
    const bufA = storage(slice(a, req.kindA, start, n));
    const bufB = storage(slice(b, req.kindB, start, n));
    release.push(bufA, bufB);
    const enc = device.createCommandEncoder();
    const uni = dispatch(enc, pipeE, [...inputEntries(req, bufA, bufB), { binding: 3, resource: { buffer: partials } }, consts],
      Math.ceil(n / SPAN), req.groupsX, params(req, [[0, n], [7, start / SPAN], [8, count === 1 ? 1 : 0], [10, scale]]));
    release.push(uni);
    device.queue.submit([enc.finish()]);
    // Destroyed once the submitted work is done; the next chunk's inputs take their place.
    for (const buf of [bufA, bufB, uni]) buf.destroy();
  }
  while (count > 1) {
    const next = Math.ceil(count / SPAN);
    const dst = next === 1 ? result : outputBuffer(next * 8);
    release.push(dst);
    const enc = device.createCommandEncoder();
    release.push(dispatch(enc, pipeP, [{ binding: 1, resource: { buffer: partials } }, { binding: 3, resource: { buffer: dst } }],
      Math.ceil(count / SPAN), req.groupsX, params(req, [[0, count], [7, 0], [8, next === 1 ? 1 : 0], [10, scale]])));
    device.queue.submit([enc.finish()]);
    count = next;
    partials = dst;
  }
  return readBack(result, 8);
}
`;
