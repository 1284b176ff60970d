/**
 * IEEE 754 binary64 emulated in WGSL with integer arithmetic (WGSL has no f64).
 *
 * A double is its bit pattern in a `vec2<u32>`: x = low word, y = high word (sign, 11
 * exponent bits, top 20 fraction bits), which is also the layout of a little-endian
 * Float64Array in a storage buffer. The operations follow Berkeley SoftFloat 3 (John
 * Hauser's `f64_add`/`f64_sub`/`f64_mul`, `softfloat_roundPackToF64`, `f64_to_f32`, ...)
 * for round-to-nearest-even, transcribed to 32-bit words; division is a plain restoring
 * division producing 55 quotient bits plus a sticky bit. Every result is correctly
 * rounded, with gradual underflow (subnormal inputs and results), signed zeros, infinities
 * and NaN (any NaN operand or invalid operation gives the quiet NaN 0x7ff8000000000000;
 * payloads are not propagated). No floating-point instruction is used anywhere, so the
 * results do not depend on the adapter's f32 arithmetic (flushing, fast math, division
 * accuracy): they are the same bits on every adapter.
 *
 * Written for SIMD software rasterisers as much as for GPUs: SwiftShader runs a group of
 * invocations in lock step and executes a branch whenever any of them takes it, and code
 * after a `return` inside a branch is executed under a mask rather than skipped. So the
 * common path is straight-line (shifts and selects, one `return` per function), special
 * operands (zero, inf, NaN) are patched in with `select` at the end, and only rare work
 * (normalising a subnormal operand, rounding a result that underflows) sits in an `if`.
 *
 * Names: `f64_*` work on doubles; `u64_*` (./u64.ts, included) on 64-bit unsigned
 * integers in the same `vec2<u32>` layout. Tested on its own, in the browser, against the oracle's exact
 * arithmetic (test/runners/webgpu-f64.test.ts).
 */
import { U64_WGSL } from './u64.js';

export const F64_WGSL = /* wgsl */ `
${U64_WGSL}
alias F64 = vec2<u32>;

const F64_NAN = F64(0u, 0x7ff80000u);

// ---- binary64 fields ----

fn f64_expField(a: F64) -> i32 {
  return i32((a.y >> 20u) & 0x7ffu);
}

fn f64_fracField(a: F64) -> U64 {
  return U64(a.x, a.y & 0xfffffu);
}

fn f64_isNaN(a: F64) -> bool {
  let h = a.y & 0x7fffffffu;
  return h > 0x7ff00000u || (h == 0x7ff00000u && a.x != 0u);
}

fn f64_inf(sign: u32) -> F64 {
  return F64(0u, (sign << 31u) | 0x7ff00000u);
}

fn f64_zero(sign: u32) -> F64 {
  return F64(0u, sign << 31u);
}

fn f64_abs(a: F64) -> F64 {
  return F64(a.x, a.y & 0x7fffffffu);
}

// (sign << 63) + (exp << 52) + sig: an addition, so a significand that carried into bit
// 52 raises the exponent (SoftFloat's packToF64UI).
fn f64_pack(sign: u32, exp: u32, sig: U64) -> F64 {
  return u64_add(U64(0u, (sign << 31u) + (exp << 20u)), sig);
}

// SoftFloat's softfloat_roundPackToF64: sig holds the significand with its leading 1 at bit
// 62 (or lower for a result that is subnormal) and 10 extra bits below the last kept one;
// the value is sig * 2^(exp - 0x3fe - 62). Rounds to nearest even with overflow to inf and
// gradual underflow; or, with odd, to odd (truncate, and set the last bit when anything
// was cut off; beyond the largest finite number: that number): rounding a round-to-odd
// binary64 value once more to a format with at most 51 significand bits gives the correctly
// rounded result, which rounding twice to nearest does not (the kernel's last operation
// before a float32/float16/bfloat16 output uses it).
fn f64_roundPack(sign: u32, expIn: i32, sigIn: U64, odd: bool) -> F64 {
  var exp = expIn;
  var sig = sigIn;
  if (exp < 0) {                                          // the result is subnormal (or 0)
    sig = u64_shrJam(sig, u32(-exp));
    exp = 0;
  }
  let overflow = exp > 0x7fd || (exp == 0x7fd && !odd && !u64_lt(u64_add(sig, U64(0x200u, 0u)), U64(0u, 0x80000000u)));
  let roundBits = sig.x & 0x3ffu;
  var q = u64_shr(u64_add(sig, U64(select(0x200u, 0u, odd), 0u)), 10u);
  q.x = q.x & select(0xffffffffu, 0xfffffffeu, roundBits == 0x200u && !odd);   // a tie: to even
  q.x = q.x | select(0u, 1u, odd && roundBits != 0u);                          // inexact: odd
  let z = f64_pack(sign, select(u32(exp), 0u, u64_isZero(q)), q);
  return select(z, select(f64_inf(sign), F64(0xffffffffu, (sign << 31u) | 0x7fefffffu), odd), overflow);
}

// |x| + |y| with the result's sign given (SoftFloat's softfloat_addMagsF64, with the
// operands ordered by exponent instead of two mirrored paths).
fn f64_addMags(x: F64, y: F64, signZ: u32, odd: bool) -> F64 {
  let swap = (y.y & 0x7ff00000u) > (x.y & 0x7ff00000u);
  let a = select(x, y, swap);
  let b = select(y, x, swap);
  let expA = f64_expField(a);
  let expB = f64_expField(b);
  let fracA = f64_fracField(a);
  let fracB = f64_fracField(b);
  // Fractions scaled by 2^9 with the hidden bit at 2^61; a subnormal b is doubled instead
  // (its exponent is 1, not 0); then b is aligned to a's exponent.
  let sigA = u64_shl(fracA, 9u);
  var sigB = u64_shl(fracB, 9u);
  sigB = select(u64_shl1(sigB), U64(sigB.x, sigB.y | 0x20000000u), expB != 0);
  sigB = u64_shrJam(sigB, u32(expA - expB));
  var sigZ = u64_add(U64(sigA.x, sigA.y | 0x20000000u), sigB);
  let low = u64_lt(sigZ, U64(0u, 0x40000000u));
  sigZ = select(sigZ, u64_shl1(sigZ), low);
  var z = f64_roundPack(signZ, expA - select(0, 1, low), sigZ, odd);
  // Both subnormal or zero: the fields add exactly (a carry gives the smallest normal).
  let tiny = u64_add(fracA, fracB);
  z = select(z, U64(tiny.x, tiny.y | (signZ << 31u)), expA == 0);
  // a inf or NaN (it has the larger exponent): NaN if either is a NaN, else inf.
  let nan = !u64_isZero(fracA) || (expB == 0x7ff && !u64_isZero(fracB));
  return select(z, select(f64_inf(signZ), F64_NAN, nan), expA == 0x7ff);
}

// signIn * (|x| - |y|): the sign flips when |y| > |x| (SoftFloat's softfloat_subMagsF64,
// with the operands ordered by magnitude and one path for equal and unequal exponents).
fn f64_subMags(x: F64, y: F64, signIn: u32, odd: bool) -> F64 {
  let swap = u64_lt(f64_abs(x), f64_abs(y));
  let a = select(x, y, swap);
  let b = select(y, x, swap);
  let signZ = signIn ^ select(0u, 1u, swap);
  let expA = f64_expField(a);
  let expB = f64_expField(b);
  let fracA = f64_fracField(a);
  let fracB = f64_fracField(b);
  // Scaled by 2^10 with the hidden bit at 2^62; a subnormal operand doubled instead. With
  // equal exponents the difference is exact; otherwise b's lost bits are jammed.
  var sigA = u64_shl(fracA, 10u);
  sigA = select(u64_shl1(sigA), U64(sigA.x, sigA.y | 0x40000000u), expA != 0);
  var sigB = u64_shl(fracB, 10u);
  sigB = select(u64_shl1(sigB), U64(sigB.x, sigB.y | 0x40000000u), expB != 0);
  sigB = u64_shrJam(sigB, u32(expA - expB));
  let sigZ = u64_sub(sigA, sigB);
  let shift = u64_clz(sigZ) - 1u;                         // leading 1 to bit 62
  var z = f64_roundPack(signZ, expA - 1 - i32(shift), u64_shl(sigZ, shift), odd);
  z = select(z, f64_zero(0u), u64_isZero(sigZ));           // x - x = +0
  // a inf or NaN (the larger magnitude): NaN if a NaN is involved or inf - inf, else inf.
  let nan = !u64_isZero(fracA) || expB == 0x7ff;
  return select(z, select(f64_inf(signZ), F64_NAN, nan), expA == 0x7ff);
}

fn f64_add(a: F64, b: F64) -> F64 {
  let signA = a.y >> 31u;
  var z: F64;
  if (signA == (b.y >> 31u)) { z = f64_addMags(a, b, signA, false); } else { z = f64_subMags(a, b, signA, false); }
  return z;
}

fn f64_sub(a: F64, b: F64) -> F64 {
  let signA = a.y >> 31u;
  var z: F64;
  if (signA == (b.y >> 31u)) { z = f64_subMags(a, b, signA, false); } else { z = f64_addMags(a, b, signA, false); }
  return z;
}

// A subnormal's fraction normalised: its leading 1 moved to bit 52, and the exponent that
// goes with it (1 - shift), so that value = sig * 2^(exp - 1075) as for normal numbers.
struct NormSig {
  exp: i32,
  sig: U64,
}

fn f64_normSubnormal(sig: U64) -> NormSig {
  let shift = u64_clz(sig) - 11u;
  return NormSig(1 - i32(shift), u64_shl(sig, shift));
}

fn f64_isZero(a: F64) -> bool {
  return a.x == 0u && (a.y & 0x7fffffffu) == 0u;
}

fn f64_isInf(a: F64) -> bool {
  return a.x == 0u && (a.y & 0x7fffffffu) == 0x7ff00000u;
}

fn f64_mul(a: F64, b: F64) -> F64 {
  let signZ = (a.y ^ b.y) >> 31u;
  var expA = f64_expField(a);
  var sigA = f64_fracField(a);
  var expB = f64_expField(b);
  var sigB = f64_fracField(b);
  let zero = f64_isZero(a) || f64_isZero(b);
  if (expA == 0 && !u64_isZero(sigA)) {
    let n = f64_normSubnormal(sigA);
    expA = n.exp;
    sigA = n.sig;
  }
  if (expB == 0 && !u64_isZero(sigB)) {
    let n = f64_normSubnormal(sigB);
    expB = n.exp;
    sigB = n.sig;
  }
  let p = u64_mulWide(u64_shl(U64(sigA.x, sigA.y | 0x00100000u), 10u), u64_shl(U64(sigB.x, sigB.y | 0x00100000u), 11u));
  var sigZ = U64(p.z | select(0u, 1u, (p.x | p.y) != 0u), p.w);
  let low = u64_lt(sigZ, U64(0u, 0x40000000u));
  sigZ = select(sigZ, u64_shl1(sigZ), low);
  var z = f64_roundPack(signZ, expA + expB - 0x3ff - select(0, 1, low), sigZ, false);
  z = select(z, f64_zero(signZ), zero);
  let inf = f64_isInf(a) || f64_isInf(b);
  z = select(z, f64_inf(signZ), inf);
  return select(z, F64_NAN, f64_isNaN(a) || f64_isNaN(b) || (inf && zero));   // inf * 0
}

fn f64_div(a: F64, b: F64) -> F64 {
  return f64_divRound(a, b, false);
}

// a / b rounded to nearest even, or (odd) to odd.
fn f64_divRound(a: F64, b: F64, odd: bool) -> F64 {
  let signZ = (a.y ^ b.y) >> 31u;
  var expA = f64_expField(a);
  var sigA = f64_fracField(a);
  var expB = f64_expField(b);
  var sigB = f64_fracField(b);
  if (expA == 0 && !u64_isZero(sigA)) {
    let n = f64_normSubnormal(sigA);
    expA = n.exp;
    sigA = n.sig;
  }
  if (expB == 0 && !u64_isZero(sigB)) {
    let n = f64_normSubnormal(sigB);
    expB = n.exp;
    sigB = n.sig;
  }
  sigA = U64(sigA.x, sigA.y | 0x00100000u);
  sigB = U64(sigB.x, sigB.y | 0x00100000u);
  let low = u64_lt(sigA, sigB);
  sigA = select(sigA, u64_shl1(sigA), low);
  // sigA / sigB is in [1, 2): 55 quotient bits (the first is 1), then the remainder's
  // sticky bit. Below 2^55, so the remainder and the quotient fit in 64 bits.
  var rem = sigA;
  var q = U64(0u, 0u);
  for (var i = 0u; i < 55u; i = i + 1u) {
    let ge = !u64_lt(rem, sigB);
    rem = select(rem, u64_sub(rem, sigB), ge);
    q = U64((q.x << 1u) | select(0u, 1u, ge), (q.y << 1u) | (q.x >> 31u));
    rem = u64_shl1(rem);
  }
  var sigZ = u64_shl(q, 8u);
  sigZ.x = sigZ.x | select(0u, 1u, !u64_isZero(rem));
  var z = f64_roundPack(signZ, expA - expB + 0x3fe - select(0, 1, low), sigZ, odd);
  let zeroA = f64_isZero(a);
  let zeroB = f64_isZero(b);
  let infA = f64_isInf(a);
  let infB = f64_isInf(b);
  z = select(z, f64_zero(signZ), zeroA || infB);
  z = select(z, f64_inf(signZ), infA || zeroB);
  return select(z, F64_NAN, f64_isNaN(a) || f64_isNaN(b) || (infA && infB) || (zeroA && zeroB));
}

// a < b as IEEE compares: false when either is NaN; -0 == +0.
fn f64_lt(a: F64, b: F64) -> bool {
  let signA = a.y >> 31u;
  let bothZero = f64_isZero(a) && f64_isZero(b);
  let sameSign = !(a.x == b.x && a.y == b.y) && ((signA == 1u) != u64_lt(a, b));
  let lt = select(sameSign, signA == 1u && !bothZero, signA != (b.y >> 31u));
  return lt && !f64_isNaN(a) && !f64_isNaN(b);
}

// ---- conversions (exact into binary64; round to nearest even out of it) ----

fn f64_fromF32Bits(x: u32) -> F64 {
  let sign = x & 0x80000000u;
  let e = (x >> 23u) & 0xffu;
  let m0 = x & 0x7fffffu;
  var m = m0;
  var e64 = e + 896u;
  if (e == 0u && m0 != 0u) {                              // subnormal: leading 1 to bit 23
    let s = countLeadingZeros(m0) - 8u;
    m = (m0 << s) & 0x7fffffu;
    e64 = 897u - s;
  }
  var z = F64(m << 29u, sign | (e64 << 20u) | (m >> 3u));
  z = select(z, F64(0u, sign), e == 0u && m0 == 0u);
  return select(z, select(F64(0u, sign | 0x7ff00000u), F64_NAN, m0 != 0u), e == 0xffu);
}

fn f64_fromF16Bits(h: u32) -> F64 {
  let sign = (h & 0x8000u) << 16u;
  let e = (h >> 10u) & 0x1fu;
  let m0 = h & 0x3ffu;
  var m = m0;
  var e64 = e + 1008u;
  if (e == 0u && m0 != 0u) {                              // subnormal: leading 1 to bit 10
    let s = countLeadingZeros(m0) - 21u;
    m = (m0 << s) & 0x3ffu;
    e64 = 1009u - s;
  }
  var z = F64(0u, sign | (e64 << 20u) | (m << 10u));
  z = select(z, F64(0u, sign), e == 0u && m0 == 0u);
  return select(z, select(F64(0u, sign | 0x7ff00000u), F64_NAN, m0 != 0u), e == 0x1fu);
}

fn f64_fromBf16Bits(h: u32) -> F64 {
  return f64_fromF32Bits(h << 16u);
}

// An unsigned integer, exactly.
fn f64_fromU32(n: u32) -> F64 {
  if (n == 0u) { return F64(0u, 0u); }
  let s = countLeadingZeros(n);
  let frac = (n << s) << 1u;                              // the bits below the leading 1, left-aligned
  return F64(frac << 20u, ((1054u - s) << 20u) | (frac >> 12u));
}

// Round to nearest even into a narrower binary format with fracBits fraction bits and
// expBits exponent bits (float32 23/8, float16 10/5, bfloat16 7/8): SoftFloat's
// f64_to_f32 with softfloat_roundPackToF32 generalised. The significand is kept with its
// leading 1 at bit 30 and 30 - fracBits rounding bits below the last kept one. Overflow
// gives inf, NaN the format's quiet NaN, and results below the normal range are rounded
// on the subnormal grid.
fn f64_toNarrow(a: F64, fracBits: u32, expBits: u32) -> u32 {
  let expAll = (1u << expBits) - 1u;
  let bias = i32(expAll >> 1u);
  let sign = (a.y >> 31u) << (expBits + fracBits);
  let expA = f64_expField(a);
  let frac = f64_fracField(a);
  // The 52 fraction bits shifted right by 22, jamming what falls off; the hidden bit at 30.
  var sig = (frac.x >> 22u) | (frac.y << 10u) | select(0u, 1u, (frac.x & 0x3fffffu) != 0u) | 0x40000000u;
  var exp = expA - 1023 + bias - 1;                       // (a binary64 subnormal lands far below: 0)
  if (exp < 0) {                                          // subnormal in the narrow format, or 0
    let n = u32(-exp);
    if (n >= 31u) {
      sig = 1u;
    } else {
      sig = (sig >> n) | select(0u, 1u, (sig & ((1u << n) - 1u)) != 0u);
    }
    exp = 0;
  }
  let roundShift = 30u - fracBits;
  let half = 1u << (roundShift - 1u);
  let roundBits = sig & ((1u << roundShift) - 1u);
  let overflow = exp > i32(expAll) - 2 || (exp == i32(expAll) - 2 && sig + half >= 0x80000000u);
  var q = (sig + half) >> roundShift;
  q = q & select(0xffffffffu, 0xfffffffeu, roundBits == half);   // a tie: to even
  var z = sign + (select(u32(exp), 0u, q == 0u) << fracBits) + q;
  z = select(z, sign | (expAll << fracBits), overflow);
  z = select(z, sign, expA == 0 && u64_isZero(frac));
  let nan = sign | (expAll << fracBits) | (1u << (fracBits - 1u));
  return select(z, select(sign | (expAll << fracBits), nan, !u64_isZero(frac)), expA == 0x7ff);
}

fn f64_toF32Bits(a: F64) -> u32 { return f64_toNarrow(a, 23u, 8u); }
fn f64_toF16Bits(a: F64) -> u32 { return f64_toNarrow(a, 10u, 5u); }
fn f64_toBf16Bits(a: F64) -> u32 { return f64_toNarrow(a, 7u, 8u); }
`;
