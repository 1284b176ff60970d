/**
 * 64-bit unsigned integers in WGSL, as `vec2<u32>` (x = low word, y = high word): add,
 * subtract, compare, shifts by any amount (with a sticky variant for rounding), count of
 * leading zeros and widening multiplies (WGSL has no 64-bit integers and no widening
 * multiply). The integer layer of the binary64 emulation (./f64.ts), written branch-free
 * for the reason given there.
 */
export const U64_WGSL = /* wgsl */ `
alias U64 = vec2<u32>;

fn u64_add(a: U64, b: U64) -> U64 {
  let lo = a.x + b.x;
  return U64(lo, a.y + b.y + select(0u, 1u, lo < a.x));
}

fn u64_sub(a: U64, b: U64) -> U64 {
  return U64(a.x - b.x, a.y - b.y - select(0u, 1u, a.x < b.x));
}

fn u64_lt(a: U64, b: U64) -> bool {
  return a.y < b.y || (a.y == b.y && a.x < b.x);
}

fn u64_isZero(a: U64) -> bool {
  return (a.x | a.y) == 0u;
}

// Shifts by any amount (WGSL takes a shift amount modulo 32, hence the masks and selects).
fn u64_shl(a: U64, n: u32) -> U64 {
  let s = n & 31u;
  let carry = select(0u, a.x >> ((32u - s) & 31u), s != 0u);
  let small = U64(a.x << s, (a.y << s) | carry);
  return select(select(U64(0u, a.x << s), small, n < 32u), U64(0u, 0u), n >= 64u);
}

fn u64_shr(a: U64, n: u32) -> U64 {
  let s = n & 31u;
  let carry = select(0u, a.y << ((32u - s) & 31u), s != 0u);
  let small = U64((a.x >> s) | carry, a.y >> s);
  return select(select(U64(a.y >> s, 0u), small, n < 32u), U64(0u, 0u), n >= 64u);
}

fn u64_shl1(a: U64) -> U64 {
  return U64(a.x << 1u, (a.y << 1u) | (a.x >> 31u));
}

// Shift right; any 1 shifted out is ORed into bit 0 (the sticky bit of rounding).
fn u64_shrJam(a: U64, n: u32) -> U64 {
  let r = u64_shr(a, n);
  let back = u64_shl(r, n);
  return U64(r.x | select(0u, 1u, back.x != a.x || back.y != a.y), r.y);
}

fn u64_clz(a: U64) -> u32 {
  if (a.y != 0u) { return countLeadingZeros(a.y); }
  return 32u + countLeadingZeros(a.x);
}

// 32 x 32 -> 64 bits, from four 16 x 16 products (WGSL has no widening multiply).
fn u32_mulWide(a: u32, b: u32) -> U64 {
  let a0 = a & 0xffffu;
  let a1 = a >> 16u;
  let b0 = b & 0xffffu;
  let b1 = b >> 16u;
  let p00 = a0 * b0;
  let p01 = a0 * b1;
  let p10 = a1 * b0;
  let mid = (p00 >> 16u) + (p01 & 0xffffu) + (p10 & 0xffffu);
  return U64((p00 & 0xffffu) | (mid << 16u), a1 * b1 + (p01 >> 16u) + (p10 >> 16u) + (mid >> 16u));
}

// 64 x 64 -> 128 bits as four words, least significant first.
fn u64_mulWide(a: U64, b: U64) -> vec4<u32> {
  let p00 = u32_mulWide(a.x, b.x);
  let p01 = u32_mulWide(a.x, b.y);
  let p10 = u32_mulWide(a.y, b.x);
  let p11 = u32_mulWide(a.y, b.y);
  let m = u64_add(u64_add(U64(p00.y, 0u), U64(p01.x, 0u)), U64(p10.x, 0u));
  let h = u64_add(u64_add(u64_add(p11, U64(p01.y, 0u)), U64(p10.y, 0u)), U64(m.y, 0u));
  return vec4<u32>(p00.x, m.x, h.x, h.y);
}
`;
