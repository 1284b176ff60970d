/**
 * The binary64 emulation of the WebGPU kernel (runners/webgpu/f64.ts) on its own, in the
 * browser: a test shader applies one operation per record to thousands of records per
 * dispatch, and every result is compared bit for bit with the oracle's exact arithmetic
 * (oracle/exact.ts: exact dyadic sums, products and quotients rounded to nearest even,
 * common/float-format.ts for bit patterns). The host's own IEEE doubles are a second
 * reference for add/sub/mul/div: the two must agree, or the reference itself is wrong.
 *
 * Inputs are fast-check arbitraries built to hit the hard cases: exponents at the ends of
 * the range and near 1, sparse significands (exact results and rounding ties), operands
 * one ulp apart (cancellation, +0 from x - x), exponent differences of 0..70 (sticky bits,
 * carries into the exponent), products and quotients whose exponent lands in the
 * subnormal range or just past the largest finite number, subnormal operands, signed
 * zeros, infinities and NaN. The 16-bit conversions are checked exhaustively.
 *
 * SMOOTHL1_F64_RUNS sets the batches per operation (default 8, of 4096 records each);
 * `npm run test:webgpu` runs 250. SMOOTHL1_F64_SEED replays a fast-check seed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { floatFormat } from '../../common/float-format.js';
import type { FloatFormat } from '../../common/float-format.js';
import { dyadicOf, roundDyadic, roundScaled } from '../../oracle/index.js';
import { F64_WGSL } from '../../runners/webgpu/f64.js';
import { u32Words } from '../../runners/webgpu/index.js';
import { openRunner } from './webgpu-browser.js';

const { runner, skip } = await openRunner('webgpu binary64 emulation tests');

const RUNS = Number(process.env.SMOOTHL1_F64_RUNS ?? '8');
const BATCH = 4096;
const SEED = process.env.SMOOTHL1_F64_SEED === undefined ? undefined : Number(process.env.SMOOTHL1_F64_SEED);

const OPS = ['add', 'sub', 'mul', 'div', 'lt', 'abs', 'toF32', 'toF16', 'toBf16', 'fromF32', 'fromF16', 'fromBf16', 'fromU32', 'addOdd', 'subOdd', 'divOdd'] as const;
type Op = (typeof OPS)[number];

/** One record per invocation: [op, a.lo, a.hi, b.lo, b.hi] in, [lo, hi] out; I[0] is the record count. */
const HARNESS = /* wgsl */ `
@group(0) @binding(0) var<storage, read> I: array<u32>;
@group(0) @binding(1) var<storage, read_write> O: array<u32>;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) g: vec3<u32>) {
  let i = g.x;
  if (i >= I[0]) { return; }
  let at = 1u + 5u * i;
  let a = F64(I[at + 1u], I[at + 2u]);
  let b = F64(I[at + 3u], I[at + 4u]);
  var r = F64(0u, 0u);
  switch I[at] {
    case 0u: { r = f64_add(a, b); }
    case 1u: { r = f64_sub(a, b); }
    case 2u: { r = f64_mul(a, b); }
    case 3u: { r = f64_div(a, b); }
    case 4u: { r = F64(select(0u, 1u, f64_lt(a, b)), 0u); }
    case 5u: { r = f64_abs(a); }
    case 6u: { r = F64(f64_toF32Bits(a), 0u); }
    case 7u: { r = F64(f64_toF16Bits(a), 0u); }
    case 8u: { r = F64(f64_toBf16Bits(a), 0u); }
    case 9u: { r = f64_fromF32Bits(a.x); }
    case 10u: { r = f64_fromF16Bits(a.x); }
    case 11u: { r = f64_fromBf16Bits(a.x); }
    case 12u: { r = f64_fromU32(a.x); }
    // rounded to odd: a + b and a - b with b given a's sign (the magnitude paths), a / b
    case 13u: { r = f64_addMags(a, F64(b.x, (b.y & 0x7fffffffu) | (a.y & 0x80000000u)), a.y >> 31u, true); }
    case 14u: { r = f64_subMags(a, F64(b.x, (b.y & 0x7fffffffu) | (a.y & 0x80000000u)), a.y >> 31u, true); }
    default: { r = f64_divRound(a, b, true); }
  }
  O[2u * i] = r.x;
  O[2u * i + 1u] = r.y;
}
`;

interface Rec {
  op: Op;
  a: bigint;
  b: bigint;
}

const view = new DataView(new ArrayBuffer(8));
const num = (bits: bigint): number => {
  view.setBigUint64(0, bits, true);
  return view.getFloat64(0, true);
};
const bitsOf = (x: number): bigint => {
  view.setFloat64(0, x, true);
  return view.getBigUint64(0, true);
};
const hex = (b: bigint) => b.toString(16).padStart(16, '0');

/** Runs the records on the GPU; returns each result as 64 bits (narrow results in the low word). */
async function gpu(recs: Rec[]): Promise<bigint[]> {
  const words = new Uint32Array(1 + 5 * recs.length);
  words[0] = recs.length;
  recs.forEach((r, i) => {
    const at = 1 + 5 * i;
    words[at] = OPS.indexOf(r.op);
    words[at + 1] = Number(r.a & 0xffffffffn);
    words[at + 2] = Number(r.a >> 32n);
    words[at + 3] = Number(r.b & 0xffffffffn);
    words[at + 4] = Number(r.b >> 32n);
  });
  const out = u32Words(await runner.runWgsl(F64_WGSL + HARNESS, 'main', new Uint8Array(words.buffer), 8 * recs.length, Math.ceil(recs.length / 64)));
  return recs.map((_, i) => (BigInt(out[2 * i + 1]) << 32n) | BigInt(out[2 * i]));
}

const F64 = floatFormat('float64');
const NARROW: Partial<Record<Op, FloatFormat>> = { toF32: floatFormat('float32'), toF16: floatFormat('float16'), toBf16: floatFormat('bfloat16') };
const WIDEN: Partial<Record<Op, FloatFormat>> = { fromF32: floatFormat('float32'), fromF16: floatFormat('float16'), fromBf16: floatFormat('bfloat16') };
const NATIVE: Record<'add' | 'sub' | 'mul' | 'div', (x: number, y: number) => number> = {
  add: (x, y) => x + y,
  sub: (x, y) => x - y,
  mul: (x, y) => x * y,
  div: (x, y) => x / y,
};

/** The exact result of x op y (finite, nonzero operands) correctly rounded to binary64, by the oracle. */
function exact(op: 'add' | 'sub' | 'mul' | 'div', x: number, y: number): number {
  const dx = dyadicOf(x);
  const dy = dyadicOf(y);
  switch (op) {
    case 'add':
    case 'sub': {
      const e = Math.min(dx.e, dy.e);
      const mx = dx.m << BigInt(dx.e - e);
      const my = dy.m << BigInt(dy.e - e);
      return roundDyadic({ m: op === 'add' ? mx + my : mx - my, e }, F64, 0);
    }
    case 'mul':
      return roundDyadic({ m: dx.m * dy.m, e: dx.e + dy.e }, F64, 0);
    case 'div': {
      const neg = dx.m < 0n !== dy.m < 0n;
      const abs = (m: bigint) => (m < 0n ? -m : m);
      return roundScaled(neg, abs(dx.m), abs(dy.m), dx.e - dy.e, F64, 0);
    }
  }
}

/** Round to odd: the exact value if representable, else whichever neighbour has an odd last bit (never inf). */
function roundOdd(neg: boolean, num: bigint, den: bigint, exp2: number): number {
  const down = roundScaled(neg, num, den, exp2, F64, -1);
  const up = roundScaled(neg, num, den, exp2, F64, 1);
  if (Object.is(down, up)) return down;
  return (bitsOf(down) & 1n) === 1n ? down : up;
}

const ODD: Partial<Record<Op, 'add' | 'sub' | 'div'>> = { addOdd: 'add', subOdd: 'sub', divOdd: 'div' };

/** The record's result rounded to odd, from the oracle's exact values (specials as IEEE says, via the host). */
function expectedOdd(op: 'add' | 'sub' | 'div', x: number, yIn: number): number {
  // add/sub take b with a's sign (the magnitude paths of the emulation)
  const y = op === 'div' ? yIn : Math.sign(x) < 0 || Object.is(x, -0) ? -Math.abs(yIn) : Math.abs(yIn);
  const native = NATIVE[op](x, y);
  if (Number.isNaN(native) || !Number.isFinite(x) || !Number.isFinite(y) || x === 0 || y === 0) return native;
  const dx = dyadicOf(x);
  const dy = dyadicOf(y);
  const abs = (m: bigint) => (m < 0n ? -m : m);
  if (op === 'div') return roundOdd(dx.m < 0n !== dy.m < 0n, abs(dx.m), abs(dy.m), dx.e - dy.e);
  const e = Math.min(dx.e, dy.e);
  const m = (dx.m << BigInt(dx.e - e)) + (op === 'add' ? 1n : -1n) * (dy.m << BigInt(dy.e - e));
  if (m === 0n) return 0; // x - x = +0
  return roundOdd(m < 0n, abs(m), 1n, e);
}

/** What the record must give: exact bits, or any NaN (of binary64, or of the narrow format). */
function expected(r: Rec): { nan: true } | { bits: bigint } {
  const x = num(r.a);
  const y = num(r.b);
  const narrow = NARROW[r.op];
  if (narrow !== undefined) {
    if (Number.isNaN(x)) return { nan: true };
    const v = Number.isFinite(x) && x !== 0 ? roundDyadic(dyadicOf(x), narrow, 0) : x;
    return { bits: BigInt(narrow.encode(v)) };
  }
  const wide = WIDEN[r.op];
  if (wide !== undefined) {
    const v = wide.decode(Number(r.a & 0xffffffffn));
    return Number.isNaN(v) ? { nan: true } : { bits: bitsOf(v) };
  }
  const odd = ODD[r.op];
  if (odd !== undefined) {
    const v = expectedOdd(odd, x, y);
    return Number.isNaN(v) ? { nan: true } : { bits: bitsOf(v) };
  }
  switch (r.op) {
    case 'lt':
      return { bits: x < y ? 1n : 0n };
    case 'abs':
      return { bits: r.a & 0x7fffffffffffffffn };
    case 'fromU32':
      return { bits: bitsOf(Number(r.a & 0xffffffffn)) };
    case 'add':
    case 'sub':
    case 'mul':
    case 'div': {
      const native = NATIVE[r.op](x, y);
      if (Number.isNaN(native)) return { nan: true };
      if (!Number.isFinite(x) || !Number.isFinite(y) || x === 0 || y === 0) return { bits: bitsOf(native) };
      const v = exact(r.op, x, y);
      if (!Object.is(v, native)) throw new Error(`the references disagree on ${r.op}(${hex(r.a)}, ${hex(r.b)}): oracle ${v}, host ${native}`);
      return { bits: bitsOf(v) };
    }
    default:
      throw new Error(`no reference for ${r.op}`);
  }
}

function isNaNResult(op: Op, bits: bigint): boolean {
  const narrow = NARROW[op];
  return narrow !== undefined ? narrow.isNaN(Number(bits & 0xffffffffn)) : F64.isNaN(bits);
}

/** Every record's result against the reference; the first failures, described in hex. */
async function failures(recs: Rec[]): Promise<string[]> {
  const got = await gpu(recs);
  const out: string[] = [];
  recs.forEach((r, i) => {
    const e = expected(r);
    const ok = 'nan' in e ? isNaNResult(r.op, got[i]) : got[i] === e.bits;
    if (!ok && out.length < 8) {
      out.push(`${r.op}(${hex(r.a)} = ${num(r.a)}, ${hex(r.b)} = ${num(r.b)}): expected ${'nan' in e ? 'NaN' : `${hex(e.bits)}`}, got ${hex(got[i])}`);
    }
  });
  return out;
}

// ---- arbitraries ----

const FRAC_MAX = (1n << 52n) - 1n;
const SIGN = 1n << 63n;
const pack = (neg: boolean, exp: number, frac: bigint): bigint => (neg ? SIGN : 0n) | (BigInt(exp) << 52n) | frac;
const expOf = (bits: bigint): number => Number((bits >> 52n) & 0x7ffn);

/** Fractions: random, sparse (only the top k bits: exact results and ties), almost all ones, tiny. */
const frac = fc.oneof(
  { arbitrary: fc.bigInt({ min: 0n, max: FRAC_MAX }), weight: 3 },
  { arbitrary: fc.tuple(fc.integer({ min: 0, max: 14 }), fc.bigInt({ min: 0n, max: (1n << 14n) - 1n })).map(([k, r]) => (r & ((1n << BigInt(k)) - 1n)) << BigInt(52 - k)), weight: 3 },
  { arbitrary: fc.bigInt({ min: 0n, max: 8n }).map((d) => FRAC_MAX - d), weight: 1 },
  { arbitrary: fc.bigInt({ min: 0n, max: 8n }), weight: 1 },
);
/** Biased exponents: anywhere, the special ones, the subnormal end, the overflow end. */
const anyExp = fc.oneof(
  { arbitrary: fc.integer({ min: 0, max: 0x7ff }), weight: 2 },
  { arbitrary: fc.constantFrom(0, 1, 2, 0x3fe, 0x3ff, 0x400, 0x7fd, 0x7fe, 0x7ff), weight: 2 },
  { arbitrary: fc.integer({ min: 0, max: 64 }), weight: 1 },
  { arbitrary: fc.integer({ min: 0x7fe - 64, max: 0x7fe }), weight: 1 },
);
const finiteExp = fc.integer({ min: 0, max: 0x7fe });
const dbl = (exp: fc.Arbitrary<number> = anyExp) => fc.tuple(fc.boolean(), exp, frac).map(([s, e, f]) => pack(s, e, f));
const clampExp = (e: number) => Math.min(0x7fe, Math.max(0, e));

const independent = fc.tuple(dbl(), dbl());
/** b within a few ulps of a, maybe with the other sign: cancellation, x - x = +0, equal operands. */
const near = fc.tuple(dbl(finiteExp), fc.bigInt({ min: -4n, max: 4n }), fc.boolean()).map(([a, k, flip]): [bigint, bigint] => {
  const mag = (a & ~SIGN) + k;
  const b = (mag < 0n ? 0n : mag > 0x7fefffffffffffffn ? 0x7fefffffffffffffn : mag) | (a & SIGN);
  return [a, flip ? b ^ SIGN : b];
});
/** Exponents 0..70 apart with a sparse smaller operand: alignment, sticky bits, ties, carries. */
const aligned = fc.tuple(dbl(finiteExp), fc.integer({ min: 0, max: 70 }), fc.boolean(), frac).map(([a, d, s, f]): [bigint, bigint] => [a, pack(s, clampExp(expOf(a) - d), f)]);
/** Exponents chosen so that the product (mul) or quotient (div) lands near underflow or overflow. */
const scaledFor = (op: 'mul' | 'div') =>
  fc.tuple(fc.boolean(), fc.integer({ min: 1, max: 0x7fe }), frac, fc.boolean(), frac, fc.oneof(fc.integer({ min: -60, max: 3 }), fc.integer({ min: 2043, max: 2050 }))).map(
    ([s1, e1, f1, s2, f2, target]): [bigint, bigint] => {
      // result exponent (biased) is about e1 + e2 - 1023 (mul) or e1 - e2 + 1023 (div)
      const e2 = op === 'mul' ? target - e1 + 1023 : e1 - target + 1023;
      return [pack(s1, e1, f1), pack(s2, clampExp(e2), f2)];
    },
  );

const pairsFor = (op: 'add' | 'sub' | 'mul' | 'div' | 'lt') =>
  op === 'mul' || op === 'div'
    ? fc.oneof({ arbitrary: independent, weight: 2 }, { arbitrary: scaledFor(op), weight: 3 }, { arbitrary: aligned, weight: 1 }, { arbitrary: near, weight: 1 })
    : fc.oneof({ arbitrary: independent, weight: 2 }, { arbitrary: near, weight: 2 }, { arbitrary: aligned, weight: 3 });

/** Doubles at and around the midpoints between two values of a narrow format (and its range ends). */
const nearNarrow = (fmt: FloatFormat) =>
  fc.tuple(fc.integer({ min: 0, max: 2 ** fmt.bits - 1 }), fc.constantFrom(0, 0.5, -0.5, 0.5 + 2 ** -20, 0.5 - 2 ** -20, 0.25, 2 ** -20, -(2 ** -20))).map(([bits, off]) => {
    const v = fmt.decode(bits);
    if (!Number.isFinite(v)) return bitsOf(v);
    return bitsOf(v + off * fmt.ulp(v)); // exact in binary64: at most p + 21 significant bits
  });

const batch = <T>(arb: fc.Arbitrary<T>) => fc.array(arb, { minLength: BATCH, maxLength: BATCH });

async function check(recsArb: fc.Arbitrary<Rec[]>): Promise<void> {
  let seen: string[] = [];
  await fc.assert(
    fc.asyncProperty(recsArb, async (recs) => {
      seen = await failures(recs);
      return seen.length === 0;
    }),
    { numRuns: RUNS, endOnFailure: true, ...(SEED === undefined ? {} : { seed: SEED }) },
  ).catch((e: unknown) => {
    throw new Error(`${(e as Error).message.split('\n')[0]}\n${seen.join('\n')}`);
  });
}

describe.skipIf(skip)('binary64 emulated in WGSL (runners/webgpu/f64.ts) against the oracle, in the browser', () => {
  for (const op of ['add', 'sub', 'mul', 'div', 'lt'] as const) {
    it(`${op}: ${RUNS} x ${BATCH} boundary-heavy operand pairs, bit for bit`, async () => {
      await check(batch(pairsFor(op).map(([a, b]) => ({ op, a, b }))));
    }, 120_000);
  }

  it(`rounding to odd (add and subtract magnitudes, divide): ${RUNS} x ${BATCH} pairs, bit for bit`, async () => {
    const odd = fc.oneof(
      pairsFor('add').map(([a, b]): Rec => ({ op: 'addOdd', a, b })),
      pairsFor('sub').map(([a, b]): Rec => ({ op: 'subOdd', a, b })),
      pairsFor('div').map(([a, b]): Rec => ({ op: 'divOdd', a, b })),
    );
    await check(batch(odd));
  }, 120_000);

  it('special operands of every operation: zeros, subnormals, normals, infinities, NaN, in every combination', async () => {
    const specials = [0n, 1n, FRAC_MAX, 1n << 52n, 0x3ff0000000000000n, 0x3ff0000000000001n, 0x7fefffffffffffffn, 0x7ff0000000000000n, 0x7ff8000000000000n, 0x7ff0000000000001n];
    const values = specials.flatMap((b) => [b, b | SIGN]);
    const recs: Rec[] = [];
    for (const op of ['add', 'sub', 'mul', 'div', 'lt', 'abs', 'toF32', 'toF16', 'toBf16', 'addOdd', 'subOdd', 'divOdd'] as const) for (const a of values) for (const b of values) recs.push({ op, a, b });
    expect(await failures(recs)).toEqual([]);
  });

  it('rounding into float32, float16 and bfloat16: around every kind of midpoint, bit for bit', async () => {
    const narrowArb = fc.oneof(
      ...(['toF32', 'toF16', 'toBf16'] as const).map((op) => fc.oneof(nearNarrow(NARROW[op]!), dbl(fc.integer({ min: 1023 - 160, max: 1023 + 130 })), dbl()).map((a): Rec => ({ op, a, b: 0n }))),
    );
    await check(batch(narrowArb));
  }, 120_000);

  it('widening float16 and bfloat16 (every bit pattern), float32 and u32 (samples) to binary64 is exact', async () => {
    const recs: Rec[] = [];
    for (let h = 0; h < 0x10000; h++) recs.push({ op: 'fromF16', a: BigInt(h), b: 0n }, { op: 'fromBf16', a: BigInt(h), b: 0n });
    // float32: every exponent with edge fractions, plus a stride through all patterns
    for (let e = 0; e < 256; e++) for (const f of [0, 1, 2, 0x3fffff, 0x400000, 0x7ffffe, 0x7fffff]) for (const s of [0, 0x80000000]) recs.push({ op: 'fromF32', a: BigInt((s | (e << 23) | f) >>> 0), b: 0n });
    for (let x = 0; x < 2 ** 32; x += 65_537 * 7) recs.push({ op: 'fromF32', a: BigInt(x), b: 0n }, { op: 'fromU32', a: BigInt(x), b: 0n });
    for (const u of [0, 1, 2, 3, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 24 + 1, 2 ** 53 % 2 ** 32]) recs.push({ op: 'fromU32', a: BigInt(u), b: 0n });
    expect(await failures(recs)).toEqual([]);
  }, 60_000);
});
