/**
 * The WGSL compute kernel of the WebGPU runner (docs/webgpu.md).
 *
 * Why it looks the way it does:
 * - SwiftShader (the CPU Vulkan driver behind Chromium's fallback adapter) offers no
 *   `shader-f16`, and WGSL has no f64. So every value travels as a u32 bit pattern:
 *   float32 one per word, float16/bfloat16 two per word (element 2k in the low half).
 *   The arithmetic is f32; 16-bit formats are decoded and encoded with integer bit
 *   manipulation, not unpack2x16float/pack2x16float: pack2x16float was seen to return
 *   0xffff (a NaN) on overflow instead of inf, and its rounding mode is not pinned down.
 *   The integer encoders round to nearest even, overflow to inf, keep NaN (quiet) and
 *   produce subnormals.
 * - WGSL lets an implementation assume there are no NaNs or infinities, and SwiftShader
 *   may flush f32 subnormals to zero. So the special cases (NaN, |d| = inf, beta = inf)
 *   and the branch test `|d| < beta` are decided on bit patterns (for non-negative floats
 *   the integer order is the numeric order, subnormals included, whatever the FPU's
 *   flush mode), and only finite values reach the f32 formula.
 * - The quadratic branch is ordered `(|d| / beta) * |d| * 0.5`: |d| / beta < 1, so no
 *   intermediate overflows where the result does not (d*d overflows f32 for |d| > 2^64).
 *   When beta is subnormal (then |d| is too), flushing would make that 0 / 0 = NaN, so
 *   the ratio is taken of the integer significands instead (exact: both share the
 *   exponent of the smallest subnormal).
 *
 * One invocation writes one output word: one float32 element, or two 16-bit elements.
 * Dispatches are 2-D (x at most 65535 workgroups) so large tensors fit the limits.
 */

/** Element kinds, shared by the page's driver and the shader's `Params`. */
export const KIND = { float32: 0, float16: 1, bfloat16: 2 } as const;
export type Kind = (typeof KIND)[keyof typeof KIND];

export const WORKGROUP_SIZE = 256;
export const MAX_GROUPS_X = 65535;

export const SHADER = /* wgsl */ `
struct Params {
  n: u32,        // elements
  words: u32,    // output words
  betaBits: u32, // beta's float32 bit pattern (>= 0 or +inf; never NaN after validation)
  kindA: u32,    // 0 float32, 1 float16 (packed), 2 bfloat16 (packed)
  kindB: u32,
  outKind: u32,  // 0 float32 word per element; 1 float16 / 2 bfloat16 packed pairs
  groupsX: u32,  // workgroups along x of the 2-D dispatch
  pad: u32,
}

@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> A: array<u32>;
@group(0) @binding(2) var<storage, read> B: array<u32>;
@group(0) @binding(3) var<storage, read_write> OUT: array<u32>;

const F32_INF: u32 = 0x7f800000u;
const F32_QNAN: u32 = 0x7fc00000u;

// float16 bits -> f32, exactly (subnormals become normal f32 values).
fn f16ToF32(h: u32) -> f32 {
  let s = (h & 0x8000u) << 16u;
  let e = (h >> 10u) & 0x1fu;
  let m = h & 0x3ffu;
  if (e == 0u) {
    // m * 2^-24: an integer below 2^10 times a power of two, exact and normal in f32.
    return bitcast<f32>(bitcast<u32>(f32(m) * 5.9604644775390625e-8) | s);
  }
  if (e == 31u) {
    return bitcast<f32>(s | F32_INF | (m << 13u));
  }
  return bitcast<f32>(s | ((e + 112u) << 23u) | (m << 13u));
}

// f32 bits -> float16 bits, round to nearest even, overflow to inf, NaN kept (quiet), gradual underflow.
fn f32ToF16(x: u32) -> u32 {
  let s = (x >> 16u) & 0x8000u;
  let a = x & 0x7fffffffu;
  if (a > F32_INF) { return s | 0x7e00u; }
  if (a >= 0x477ff000u) { return s | 0x7c00u; }          // >= 65520 rounds to inf
  if (a >= 0x38800000u) {                                 // normal float16 range
    return s | ((a - 0x38000000u + 0xfffu + ((a >> 13u) & 1u)) >> 13u);
  }
  let e = a >> 23u;
  if (e < 102u) { return s; }                             // below 2^-25: rounds to 0
  let m = (a & 0x7fffffu) | 0x800000u;
  let sh = 126u - e;                                      // 14..24
  let q = m >> sh;
  let r = m & ((1u << sh) - 1u);
  let half = 1u << (sh - 1u);
  let up = select(0u, 1u, r > half || (r == half && (q & 1u) == 1u));
  return s | (q + up);                                    // a carry gives the smallest normal
}

// f32 bits -> bfloat16 bits, round to nearest even (overflow gives inf), NaN kept (quiet).
fn f32ToBf16(x: u32) -> u32 {
  if ((x & 0x7fffffffu) > F32_INF) { return ((x >> 16u) | 0x40u) & 0xffffu; }
  return (x + 0x7fffu + ((x >> 16u) & 1u)) >> 16u;
}

fn decode(bits: u32, kind: u32) -> f32 {
  if (kind == 1u) { return f16ToF32(bits); }
  return bitcast<f32>(bits << 16u);
}

fn loadA(i: u32) -> f32 {
  if (P.kindA == 0u) { return bitcast<f32>(A[i]); }
  return decode((A[i >> 1u] >> ((i & 1u) * 16u)) & 0xffffu, P.kindA);
}

fn loadB(i: u32) -> f32 {
  if (P.kindB == 0u) { return bitcast<f32>(B[i]); }
  return decode((B[i >> 1u] >> ((i & 1u) * 16u)) & 0xffffu, P.kindB);
}

// The loss of one element as f32 bits.
fn lossBits(x: f32, y: f32) -> u32 {
  let adBits = bitcast<u32>(x - y) & 0x7fffffffu;
  let betaBits = P.betaBits;
  if (adBits > F32_INF) { return F32_QNAN; }              // NaN input, or inf - inf
  if (adBits == F32_INF) {                                // linear branch: inf - beta/2
    return select(F32_INF, F32_QNAN, betaBits == F32_INF);
  }
  if (adBits < betaBits) {                                // quadratic branch (never for beta = 0)
    if (betaBits == F32_INF) { return 0u; }               // d^2 / (2 inf) = +0
    let ad = bitcast<f32>(adBits);
    var q: f32;
    if (betaBits < 0x00800000u) {
      q = f32(adBits) / f32(betaBits);                    // both subnormal: ratio of significands
    } else {
      q = ad / bitcast<f32>(betaBits);
    }
    return bitcast<u32>(q * ad * 0.5);
  }
  return bitcast<u32>(bitcast<f32>(adBits) - 0.5 * bitcast<f32>(betaBits));
}

fn encode(bits: u32) -> u32 {
  if (P.outKind == 1u) { return f32ToF16(bits); }
  return f32ToBf16(bits);
}

@compute @workgroup_size(${WORKGROUP_SIZE})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let w = (wid.y * P.groupsX + wid.x) * ${WORKGROUP_SIZE}u + lid;
  if (w >= P.words) { return; }
  if (P.outKind == 0u) {
    OUT[w] = lossBits(loadA(w), loadB(w));
    return;
  }
  let i = w * 2u;
  let lo = encode(lossBits(loadA(i), loadB(i)));
  var hi = 0u;
  if (i + 1u < P.n) { hi = encode(lossBits(loadA(i + 1u), loadB(i + 1u))); }
  OUT[w] = lo | (hi << 16u);
}
`;
