/**
 * The float-format trait against independent references: Math.fround (float32),
 * @petamoriken/float16 (float16), a bit-level float32 -> bfloat16 derivation written here,
 * and known IEEE constants.
 */
import { describe, expect, it } from 'vitest';
import { f16round, getFloat16, setFloat16 } from '@petamoriken/float16';
import { decodeTable16, floatFormat } from '../../common/float-format.js';

const dv = new DataView(new ArrayBuffer(8));
function f16BitsRef(x: number): number {
  setFloat16(dv, 0, x);
  return dv.getUint16(0);
}
function f32Bits(x: number): number {
  dv.setFloat32(0, x);
  return dv.getUint32(0);
}
function f32FromBits(b: number): number {
  dv.setUint32(0, b);
  return dv.getFloat32(0);
}

/** Deterministic doubles: a small LCG so failures reproduce. */
function* randomDoubles(n: number, seed: number): Generator<number> {
  let s = seed >>> 0;
  const next = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0);
  for (let i = 0; i < n; i++) {
    dv.setUint32(0, next());
    dv.setUint32(4, next());
    const x = dv.getFloat64(0);
    yield x;
  }
}

/** Doubles spread over the range where 16- and 32-bit formats are interesting. */
function* scaledDoubles(n: number, seed: number, emin: number, emax: number): Generator<number> {
  let s = seed >>> 0;
  const next = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  for (let i = 0; i < n; i++) {
    const e = Math.floor(emin + (emax - emin) * next());
    const m = 1 + next();
    const sign = next() < 0.5 ? -1 : 1;
    yield sign * m * 2 ** e;
  }
}

describe('format constants derived from spec/dtypes.json', () => {
  it('match the IEEE / bfloat16 values', () => {
    const h = floatFormat('float16');
    expect([h.precision, h.bias, h.emin, h.emax]).toEqual([11, 15, -14, 15]);
    expect([h.maxFinite, h.minNormal, h.minSubnormal]).toEqual([65504, 2 ** -14, 2 ** -24]);
    const b = floatFormat('bfloat16');
    expect([b.precision, b.emin, b.emax]).toEqual([8, -126, 127]);
    expect(b.maxFinite).toBe(f32FromBits(0x7f7f0000));
    expect(b.minSubnormal).toBe(2 ** -133);
    const f = floatFormat('float32');
    expect(f.maxFinite).toBe(f32FromBits(0x7f7fffff));
    expect(f.minNormal).toBe(2 ** -126);
    expect(f.minSubnormal).toBe(f32FromBits(1));
    const d = floatFormat('float64');
    expect([d.maxFinite, d.minNormal, d.minSubnormal]).toEqual([Number.MAX_VALUE, 2 ** -1022, Number.MIN_VALUE]);
  });
  it('rejects a dtype that is not a float format', () => {
    expect(() => floatFormat('int32' as never)).toThrow(/int32.*not a float dtype/);
  });
});

describe('float16', () => {
  const h = floatFormat('float16');
  it('decodes all 65536 patterns like @petamoriken/float16 and re-encodes them', () => {
    for (let b = 0; b < 65536; b++) {
      dv.setUint16(0, b);
      const ref = getFloat16(dv, 0);
      const v = h.decode(b);
      if (Number.isNaN(ref)) {
        expect(Number.isNaN(v)).toBe(true);
        expect(h.isNaN(b)).toBe(true);
        expect(h.encode(v)).toBe(0x7e00);
      } else {
        if (!Object.is(v, ref)) expect({ b, v }).toEqual({ b, v: ref });
        if (h.encode(v) !== b) expect({ b, enc: h.encode(v) }).toEqual({ b, enc: b });
      }
    }
  });
  it('rounds doubles like f16round: random, ties, subnormal boundaries, overflow threshold', () => {
    const xs: number[] = [...randomDoubles(20000, 1), ...scaledDoubles(100000, 2, -30, 18)];
    // Every midpoint between consecutive positive float16 values, and its neighbours.
    for (let b = 0; b < 0x7c00; b++) {
      const lo = h.decode(b);
      const hi = h.decode(b + 1);
      const mid = (lo + hi) / 2; // exact in binary64
      xs.push(mid, -mid, mid * (1 + 2 ** -52), mid * (1 - 2 ** -52));
    }
    xs.push(65504, 65519.99, 65520, 65520.0001, 2 ** -25, 2 ** -25 * (1 + 2 ** -52), 2 ** -26, 3 * 2 ** -26, -0, 0, Infinity, -Infinity, 1e300, -1e-300);
    for (const x of xs) {
      const ref = f16round(x);
      const got = h.round(x);
      if (!Object.is(got, ref)) expect({ x, got }).toEqual({ x, got: ref });
      const bits = h.encode(x);
      if (!Number.isNaN(x) && bits !== f16BitsRef(x)) expect({ x, bits }).toEqual({ x, bits: f16BitsRef(x) });
    }
  });
  it('steps to bit-adjacent neighbours with nextUp/nextDown, and ulp is the gap', () => {
    for (let b = 0; b < 0x7c00; b++) {
      const v = h.decode(b);
      const up = h.decode(b + 1);
      expect(h.nextUp(v)).toBe(up);
      expect(h.nextDown(up)).toBe(v === 0 ? 0 : v);
      expect(h.nextDown(-v)).toBe(-up);
      if (b + 1 < 0x7c00 && b > 0) expect(h.ulp(v)).toBe(up - v);
    }
    expect(h.nextUp(-0)).toBe(2 ** -24);
    expect(h.nextDown(0)).toBe(-(2 ** -24));
    expect(h.nextUp(Infinity)).toBe(Infinity);
    expect(h.nextDown(Infinity)).toBe(65504);
  });
  it('directed rounding brackets the value by adjacent float16 values', () => {
    for (const x of scaledDoubles(20000, 3, -28, 17)) {
      const d = h.roundDirected(x, -1);
      const u = h.roundDirected(x, 1);
      expect(d).toBeLessThanOrEqual(x);
      expect(u).toBeGreaterThanOrEqual(x);
      if (d !== u) expect(h.nextUp(d)).toBe(u);
      expect([d, u]).toContain(h.round(x) === 0 ? (x < 0 ? u : d) : h.round(x));
    }
    expect(h.roundDirected(1e6, -1)).toBe(65504);
    expect(h.roundDirected(1e6, 1)).toBe(Infinity);
    expect(h.roundDirected(-1e6, 1)).toBe(-65504);
    expect(h.roundDirected(2 ** -30, -1)).toBe(0);
    expect(h.roundDirected(2 ** -30, 1)).toBe(2 ** -24);
  });
});

/**
 * Independent bfloat16 rounding: double -> float32 with round-to-odd (truncate, then set
 * the last bit when inexact), then RN-even on the top 16 bits of the float32 pattern.
 * Round-to-odd to a format with >= p+2 bits makes the second rounding correct.
 */
function bf16BitsRef(x: number): number {
  if (Number.isNaN(x)) return 0x7fc0;
  let t = Math.fround(x);
  if (Math.abs(t) > Math.abs(x)) t = f32FromBits(f32Bits(t) - 1); // toward zero
  let b = f32Bits(t);
  if (t !== x && Number.isFinite(x)) b |= 1;
  if (!Number.isFinite(x)) b = f32Bits(x);
  const lsb = (b >>> 16) & 1;
  return ((b + 0x7fff + lsb) >>> 16) & 0xffff;
}

describe('bfloat16', () => {
  const bf = floatFormat('bfloat16');
  it('decodes every pattern as the float32 with those top 16 bits', () => {
    for (let b = 0; b < 65536; b++) {
      const ref = f32FromBits(b * 65536);
      const v = bf.decode(b);
      if (Number.isNaN(ref)) expect(Number.isNaN(v)).toBe(true);
      else if (!Object.is(v, ref)) expect({ b, v }).toEqual({ b, v: ref });
    }
  });
  it('encodes like the bit-level float32 derivation (random doubles, float32 values, ties)', () => {
    const xs: number[] = [...randomDoubles(20000, 4), ...scaledDoubles(100000, 5, -140, 129)];
    for (const x of scaledDoubles(30000, 6, -140, 129)) xs.push(Math.fround(x));
    for (let b = 0; b < 0x7f80; b += 7) {
      const mid = (bf.decode(b) + bf.decode(b + 1)) / 2;
      xs.push(mid, -mid, mid * (1 + 2 ** -40), mid * (1 - 2 ** -40));
    }
    for (const x of xs) {
      const ref = bf16BitsRef(x);
      const got = bf.encode(x);
      if (got !== ref) expect({ x, got }).toEqual({ x, got: ref });
    }
  });
});

describe('float32', () => {
  const f = floatFormat('float32');
  it('rounds and encodes like Math.fround; directed roundings are the adjacent float32 values around x', () => {
    const xs = [...randomDoubles(30000, 7), ...scaledDoubles(30000, 8, -155, 130)];
    const bad: unknown[] = [];
    for (const x of xs) {
      if (!Object.is(f.round(x), Math.fround(x))) bad.push({ x, round: f.round(x) });
      if (!Number.isNaN(x) && f.encode(x) !== f32Bits(x)) bad.push({ x, bits: f.encode(x) });
      if (!Number.isFinite(x)) continue;
      const d = f.roundDirected(x, -1);
      const u = f.roundDirected(x, 1);
      const r = Math.fround(x);
      const ok = d <= x && x <= u && (d === r || u === r) && (d === u || f.nextUp(d) === u);
      if (!ok) bad.push({ x, d, u });
    }
    expect(bad).toEqual([]);
  });
  it('decodes patterns like DataView.getFloat32', () => {
    for (const b of [0, 1, 0x7f7fffff, 0x80000000, 0x3f800000, 0x7f800000, 0xff800000, 0x00800000, 0x007fffff]) {
      expect(Object.is(f.decode(b), f32FromBits(b))).toBe(true);
    }
    expect(f.isNaN(0x7fc00001)).toBe(true);
  });
});

describe('float64 and hex', () => {
  const d = floatFormat('float64');
  it('encodes doubles to their own bits and back', () => {
    for (const x of randomDoubles(1000, 9)) {
      const b = d.encode(x);
      expect(typeof b).toBe('bigint');
      if (!Number.isNaN(x)) expect(Object.is(d.decode(b), x)).toBe(true);
    }
    expect(d.toHex(d.encode(1))).toBe('3ff0000000000000');
    expect(d.toHex(d.encode(-0))).toBe('8000000000000000');
    expect(d.fromHex('7ff0000000000000')).toBe(0x7ff0000000000000n);
  });
  it('hex is lowercase and zero-padded to bits/4 digits; bad hex is rejected with the reason', () => {
    expect(floatFormat('float16').toHex(0x3c00)).toBe('3c00');
    expect(floatFormat('float16').toHex(1)).toBe('0001');
    expect(floatFormat('float32').toHex(0x3f800000)).toBe('3f800000');
    expect(floatFormat('bfloat16').fromHex('3f80')).toBe(0x3f80);
    expect(() => floatFormat('float16').fromHex('3C00')).toThrow(/float16.*exactly 4 lowercase hex digits/);
    expect(() => floatFormat('float16').fromHex('03c00')).toThrow(/exactly 4/);
    expect(() => floatFormat('float32').decode(2 ** 32)).toThrow(/out of range/);
  });
});

describe('decodeTable16 (the kernels\' 16-bit decode table)', () => {
  it('float16: every pattern matches @petamoriken/float16', () => {
    const t = decodeTable16('float16');
    const dv = new DataView(new ArrayBuffer(2));
    for (let bits = 0; bits < 65536; bits++) {
      dv.setUint16(0, bits);
      const ref = getFloat16(dv, 0);
      if (Number.isNaN(ref)) expect(Number.isNaN(t[bits])).toBe(true);
      else expect(Object.is(t[bits], ref), `pattern ${bits.toString(16)}`).toBe(true);
    }
  });
  it('bfloat16: every pattern is the float32 whose top 16 bits it is', () => {
    const t = decodeTable16('bfloat16');
    const dv = new DataView(new ArrayBuffer(4));
    for (let bits = 0; bits < 65536; bits++) {
      dv.setUint32(0, bits << 16 >>> 0);
      const ref = dv.getFloat32(0);
      if (Number.isNaN(ref)) expect(Number.isNaN(t[bits])).toBe(true);
      else expect(Object.is(t[bits], ref), `pattern ${bits.toString(16)}`).toBe(true);
    }
  });
  it('refuses a format that is not 16-bit', () => {
    expect(() => decodeTable16('float32')).toThrow(/not 16-bit/);
  });
});
