/**
 * The WGSL compute kernel of the WebGPU runner (docs/webgpu.md).
 *
 * Every value travels as u32 words holding bit patterns: float32 one word per element,
 * float64 two (low word first, the little-endian layout of a Float64Array), float16 and
 * bfloat16 two elements per word (element 2k in the low half; the host pads to a whole
 * word). SwiftShader offers neither `shader-f16` nor f64, and WGSL has no f64 at all.
 *
 * All arithmetic is binary64, emulated with integers (./f64.ts): inputs are widened to
 * binary64 exactly, the loss is computed with correctly rounded binary64 operations, sums
 * are accumulated in binary64, and the result is rounded once (to nearest even, by integer
 * code) to the output dtype. So no f32 instruction is executed and nothing depends on the
 * adapter's f32 behaviour (flushing subnormals, fast math on NaN and inf, WGSL's 2.5-ulp
 * division): the same bits come out on every adapter. For float32 and the half types that
 * is more accurate than the strict level asks (float32 arithmetic); for float64 it is
 * exactly IEEE binary64 arithmetic in the evaluation order below.
 *
 * The loss: d = x - y; |d| < beta ? ((|d| * r) * |d|) * 0.5 : |d| - h, with r = 1 / beta
 * and h = 0.5 * beta computed once per call by the `constants` pass (r correctly rounded;
 * beta is a float32 value, so r lies in [2^-128, 2^149], a normal binary64 number, or is
 * 0 for beta = inf). That is one of the evaluation orders spec/fp-primer.md admits
 * ("products with a rounded 1/beta where that reciprocal is normal"), and it saves a
 * division per element. |d| * r is below 1, so nothing overflows where the result does
 * not, and no intermediate underflows where the result does not (squaring first underflows
 * for |d| < 2^-538 even when beta is tiny). NaN and infinities follow IEEE through the
 * formula (a NaN |d| fails the comparison and takes the linear branch; inf - inf is NaN;
 * d^2 * 0 is 0 for beta = inf, also where the float64 difference of two finite values
 * overflows); beta = 0 (ascend) never takes the quadratic branch.
 *
 * Entry points (one bind group: 0 params, 1 A, 2 B, 3 OUT, 4 C = the constants):
 * - `constants`: one invocation writes beta, r and h (binary64) to OUT, which the other
 *   passes read as C.
 * - `elementwise`: reduction 'none'; one invocation per output word (two elements for the
 *   16-bit formats, one otherwise).
 * - `reduceElements`: each invocation of a workgroup of 64 computes 32 consecutive losses
 *   (0 beyond the end) and adds them pairwise as they come; the 64 such sums go to
 *   workgroup memory and are added as a binary tree (stride 32, 16, ..., 1): one binary64
 *   partial sum per 2048 elements.
 * - `reducePartials`: the same over partial sums (B unused).
 * Pass after pass the partials shrink 2048-fold; the pass that has one workgroup left
 * (`last`) divides by the element count for 'mean' and writes the rounded result. Since a
 * workgroup spans a power of two and partials stay in index order, the passes together
 * form one complete binary tree over the elements padded with zeros, in which an element
 * goes through at most ceil(log2 n) roundings (adding 0 is exact, and the real elements
 * are a prefix): the strict level's pairwise bound. (32 terms per invocation in registers
 * instead of one in workgroup memory cut the barriers and the shared-memory traffic, which
 * a software rasteriser pays dearly for: sums ran about 5x faster on SwiftShader.)
 *
 * Dispatches are 2-D (x at most `groupsX` workgroups), so large calls fit the limits.
 */
import { F64_WGSL } from './f64.js';

/** Element kinds, shared by the page's driver and the shader's `Params`. */
export const KIND = { float32: 0, float16: 1, bfloat16: 2, float64: 3 } as const;
export type Kind = (typeof KIND)[keyof typeof KIND];

/** Bytes per element of each kind (index = kind). */
export const KIND_BYTES: readonly number[] = [4, 2, 2, 8];

export const WORKGROUP_SIZE = 256;
/** Invocations of a reduction workgroup. */
export const REDUCE_WORKGROUP_SIZE = 64;
/** Terms each invocation of a reduction adds first (pairwise; leafAdd below is written for 32). */
export const REDUCE_LEAF = 32;
/** Terms one reduction workgroup covers: its partial sum is a complete binary tree over them. */
export const REDUCE_SPAN = REDUCE_WORKGROUP_SIZE * REDUCE_LEAF;

/** The `Params` uniform, as the driver writes it: u32 words in this order. */
export const PARAM_FIELDS = ['n', 'total', 'betaBits', 'kindA', 'kindB', 'outKind', 'groupsX', 'outBase', 'last', 'mean', 'scale', 'pad'] as const;

/**
 * How float16 inputs are read: 'none' as packed u32 words; 'f16' (an adapter that offers
 * `shader-f16`) through `array<vec2<f16>>` views of the same buffers (bindings 5 and 6),
 * taking each pair's bits with a bitcast: the same bits as the packed path, so the same
 * results, by construction (all arithmetic stays binary64 in integers; computing in f16
 * would not meet the strict level); 'u32' the same views typed `array<u32>`, which needs
 * no feature: the f16 path's wiring (bindings, bind groups, indexing) checked on any
 * adapter. Outputs are u32 words always (a writable f16 view of OUT would alias it).
 */
export type HalfViews = 'none' | 'f16' | 'u32';

export function shaderSource(options: { halfViews: HalfViews }): string {
  const views = options.halfViews;
  const halfWord = (buf: 'A' | 'B') => (views === 'none' ? `${buf}[i >> 1u]` : `bitcast<u32>(${buf}16[i >> 1u])`);
  const type = views === 'f16' ? 'vec2<f16>' : 'u32';
  const bindings = views === 'none' ? '' : `@group(0) @binding(5) var<storage, read> A16: array<${type}>;\n@group(0) @binding(6) var<storage, read> B16: array<${type}>;`;
  return (views === 'f16' ? 'enable f16;\n' : '') + SHADER_BODY.replace(/@@HALF_A@@/g, halfWord('A')).replace(/@@HALF_B@@/g, halfWord('B')).replace('@@F16_BINDINGS@@', bindings);
}

const SHADER_BODY = /* wgsl */ `
${F64_WGSL}

struct Params {
  n: u32,        // elements (elementwise, reduceElements) or partials (reducePartials) in this dispatch
  total: u32,    // elements of the whole call: the mean's divisor
  betaBits: u32, // beta's float32 bit pattern (>= 0 or +inf; never NaN after validation)
  kindA: u32,    // 0 float32, 1 float16 (packed), 2 bfloat16 (packed), 3 float64 (two words)
  kindB: u32,
  outKind: u32,
  groupsX: u32,  // workgroups along x of the 2-D dispatch
  outBase: u32,  // reductions: index of this dispatch's first partial in OUT
  last: u32,     // reductions: 1 = one workgroup, write the result instead of a partial
  mean: u32,     // reductions: 1 = divide by total
  scale: u32,    // reductions: k > 0 = add the terms times 2^-k, and scale the mean back by 2^k
  pad: u32,
}

// The element kinds (0 float32, 1 float16 packed, 2 bfloat16 packed, 3 float64), fixed
// when the pipeline is created: each combination gets its own specialised code, with the
// other kinds' conversions compiled out (a software rasteriser pays for untaken branches).
override KIND_A: u32;
override KIND_B: u32;
override OUT_KIND: u32;

@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> A: array<u32>;
@group(0) @binding(2) var<storage, read> B: array<u32>;
@group(0) @binding(3) var<storage, read_write> OUT: array<u32>;
@group(0) @binding(4) var<storage, read> C: array<u32>;
@@F16_BINDINGS@@

const HALF = F64(0u, 0x3fe00000u);

fn half16(w: u32, i: u32) -> u32 {
  return (w >> ((i & 1u) * 16u)) & 0xffffu;
}

fn loadA(i: u32) -> F64 {
  switch KIND_A {
    case 0u: { return f64_fromF32Bits(A[i]); }
    case 1u: { return f64_fromF16Bits(half16(@@HALF_A@@, i)); }
    case 2u: { return f64_fromBf16Bits(half16(A[i >> 1u], i)); }
    default: { return F64(A[2u * i], A[2u * i + 1u]); }
  }
}

fn loadB(i: u32) -> F64 {
  switch KIND_B {
    case 0u: { return f64_fromF32Bits(B[i]); }
    case 1u: { return f64_fromF16Bits(half16(@@HALF_B@@, i)); }
    case 2u: { return f64_fromBf16Bits(half16(B[i >> 1u], i)); }
    default: { return F64(B[2u * i], B[2u * i + 1u]); }
  }
}

@compute @workgroup_size(1)
fn constants() {
  let beta = f64_fromF32Bits(P.betaBits);
  let r = f64_div(F64(0u, 0x3ff00000u), beta);
  let h = f64_mul(HALF, beta);
  OUT[0] = beta.x;
  OUT[1] = beta.y;
  OUT[2] = r.x;
  OUT[3] = r.y;
  OUT[4] = h.x;
  OUT[5] = h.y;
}

fn f64_isFinite(a: F64) -> bool {
  return (a.y & 0x7ff00000u) != 0x7ff00000u;
}

fn lossOf(i: u32) -> F64 {
  let x = loadA(i);
  let y = loadB(i);
  let beta = F64(C[0], C[1]);
  let ad = f64_abs(f64_sub(x, y));
  var z: F64;
  if (f64_lt(ad, beta)) {
    z = f64_mul(f64_mul(f64_mul(ad, F64(C[2], C[3])), ad), HALF);
  } else {
    // |d| >= h >= 0: a subtraction of magnitudes; rounded to odd before a narrower output,
    // so that |d| - h just below a midpoint of the output (65520 - 2^-150 in float16) is not
    // rounded twice onto it (|d| is exact for those inputs).
    z = f64_subMags(ad, F64(C[4], C[5]), 0u, OUT_KIND != 3u);
  }
  // beta = inf: d^2 / (2 inf) = 0 for every finite d, also when x - y of two finite float64
  // values overflows binary64 (the formula would take the linear branch: inf - inf = NaN).
  // With finite beta an overflowing |d| is right on the linear branch: |d| - h rounds to inf.
  return select(z, F64(0u, 0u), f64_isInf(beta) && f64_isFinite(x) && f64_isFinite(y));
}

// A 16-bit output pattern (float16 or bfloat16).
fn narrow16(v: F64) -> u32 {
  if (OUT_KIND == 1u) { return f64_toF16Bits(v); }
  return f64_toBf16Bits(v);
}

// Writes one value in the output format at element index i (16-bit outputs: i even, the
// word's high half left 0).
fn store(i: u32, v: F64) {
  switch OUT_KIND {
    case 0u: { OUT[i] = f64_toF32Bits(v); }
    case 3u: {
      OUT[2u * i] = v.x;
      OUT[2u * i + 1u] = v.y;
    }
    default: { OUT[i >> 1u] = narrow16(v); }
  }
}

fn linearGroup(wid: vec3<u32>) -> u32 {
  return wid.y * P.groupsX + wid.x;
}

@compute @workgroup_size(${WORKGROUP_SIZE})
fn elementwise(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let w = linearGroup(wid) * ${WORKGROUP_SIZE}u + lid;
  if (OUT_KIND == 1u || OUT_KIND == 2u) {
    let i = w * 2u;
    if (i >= P.n) { return; }
    var hi = 0u;
    if (i + 1u < P.n) { hi = narrow16(lossOf(i + 1u)); }
    OUT[w] = narrow16(lossOf(i)) | (hi << 16u);
    return;
  }
  if (w >= P.n) { return; }
  store(w, lossOf(w));
}

var<workgroup> acc: array<F64, ${REDUCE_WORKGROUP_SIZE}>;

// Adds one invocation's ${REDUCE_LEAF} consecutive terms pairwise as they come, like a binary
// counter: term j completes a pair, then a 4, 8, 16, 32 when its low bits are all 1 (the
// complete binary tree ((0+1)+(2+3))+...). In registers: no private array, which a software
// rasteriser keeps in memory per lane. j is the same in every invocation: no divergence.
struct Leaf {
  t: F64,
  p1: F64,
  p2: F64,
  p3: F64,
  p4: F64,
  sum: F64,
}

fn leafAdd(acc: Leaf, j: u32, v: F64) -> Leaf {
  var r = acc;
  if ((j & 1u) == 0u) {
    r.t = v;
  } else {
    let x1 = f64_addMags(r.t, v, 0u, false);              // terms are >= 0 (or NaN)
    if ((j & 2u) == 0u) {
      r.p1 = x1;
    } else {
      let x2 = f64_addMags(r.p1, x1, 0u, false);
      if ((j & 4u) == 0u) {
        r.p2 = x2;
      } else {
        let x3 = f64_addMags(r.p2, x2, 0u, false);
        if ((j & 8u) == 0u) {
          r.p3 = x3;
        } else {
          let x4 = f64_addMags(r.p3, x3, 0u, false);
          if ((j & 16u) == 0u) { r.p4 = x4; } else { r.sum = f64_addMags(r.p4, x4, 0u, false); }
        }
      }
    }
  }
  return r;
}

// acc[0] = the binary tree sum of acc[0..${REDUCE_WORKGROUP_SIZE}); then thread 0 writes a partial or the result.
fn reduceAndWrite(group: u32, lid: u32) {
  workgroupBarrier();
  for (var stride = ${REDUCE_WORKGROUP_SIZE / 2}u; stride > 0u; stride = stride >> 1u) {
    if (lid < stride) {
      // The root of the last pass (a sum's last addition) rounds to odd before a narrower output.
      acc[lid] = f64_addMags(acc[lid], acc[lid + stride], 0u, OUT_KIND != 3u && P.last == 1u && P.mean == 0u && stride == 1u);
    }
    workgroupBarrier();
  }
  // Thread 0 writes; so do only the workgroups the count needs (a 2-D grid has spare ones
  // at its end, whose writes would land on another dispatch's partials).
  if (lid != 0u || group > (max(P.n, 1u) - 1u) / ${REDUCE_SPAN}u) { return; }
  var s = acc[0];
  if (P.last == 0u) {
    let at = P.outBase + group;
    OUT[2u * at] = s.x;
    OUT[2u * at + 1u] = s.y;
    return;
  }
  if (P.mean == 1u) {
    s = f64_divRound(s, f64_fromU32(P.total), OUT_KIND != 3u);   // 0 / 0 = NaN for an empty input; odd as above
    s = f64_mul(s, F64(0u, (1023u + P.scale) << 20u));     // 2^scale: exact (the mean is below the largest double)
  }
  store(0u, s);
}

@compute @workgroup_size(${REDUCE_WORKGROUP_SIZE})
fn reduceElements(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let group = linearGroup(wid);
  let base = (group * ${REDUCE_WORKGROUP_SIZE}u + lid) * ${REDUCE_LEAF}u;
  let zero = F64(0u, 0u);
  var leaf = Leaf(zero, zero, zero, zero, zero, zero);
  for (var j = 0u; j < ${REDUCE_LEAF}u; j = j + 1u) {
    var v = zero;
    if (base + j < P.n) { v = lossOf(base + j); }
    if (P.scale != 0u) { v = f64_mul(v, F64(0u, (1023u - P.scale) << 20u)); }   // times 2^-scale
    leaf = leafAdd(leaf, j, v);
  }
  acc[lid] = leaf.sum;
  reduceAndWrite(group, lid);
}

@compute @workgroup_size(${REDUCE_WORKGROUP_SIZE})
fn reducePartials(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let group = linearGroup(wid);
  let base = (group * ${REDUCE_WORKGROUP_SIZE}u + lid) * ${REDUCE_LEAF}u;
  let zero = F64(0u, 0u);
  var leaf = Leaf(zero, zero, zero, zero, zero, zero);
  for (var j = 0u; j < ${REDUCE_LEAF}u; j = j + 1u) {
    let i = base + j;
    var v = zero;
    if (i < P.n) { v = F64(A[2u * i], A[2u * i + 1u]); }
    leaf = leafAdd(leaf, j, v);
  }
  acc[lid] = leaf.sum;
  reduceAndWrite(group, lid);
}
`;

/** The kernel without f16 storage (./page.ts compiles the variant the adapter calls for). */
export const SHADER = shaderSource({ halfViews: 'none' });
