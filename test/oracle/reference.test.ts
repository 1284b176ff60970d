/**
 * computeReference against hand-derived values and an independent exact evaluation
 * written here with plain BigInt fractions (no code shared with oracle/).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { f16round } from '@petamoriken/float16';
import { betaNumber, betaReading, betaValue, computeReference, referenceBits } from '../../oracle/index.js';
import { tensorFromNumbers } from '../../common/tensor.js';
import { floatFormat } from '../../common/float-format.js';
import type { ArgValue, CallArgs, FloatDType } from '../../common/types.js';

function call(dtype: FloatDType, x: number[], y: number[], beta?: ArgValue, reduction?: string, ydtype: FloatDType = dtype): CallArgs {
  return {
    logits: { type: 'tensor', tensor: tensorFromNumbers(dtype, [x.length], x) },
    labels: { type: 'tensor', tensor: tensorFromNumbers(ydtype, [y.length], y) },
    ...(beta ? { beta } : {}),
    ...(reduction ? { reduction: { type: 'str', value: reduction } } : {}),
  };
}
const flt = (v: number): ArgValue => ({ type: 'float', value: v });

describe('hand-derived examples', () => {
  it('the documentation example: [1,2,3] vs [1,2,2] -> [0, 0, 0.5]', () => {
    const r = computeReference(call('float32', [1, 2, 3], [1, 2, 2]), 'float32');
    expect([...r.expected]).toEqual([0, 0, 0.5]);
    expect(r.shape).toEqual([3]);
    expect(referenceBits(r)).toEqual(['00000000', '00000000', '3f000000']);
  });
  it('d = 400, beta = 1000 in float16 is exactly 80 (0.5*400^2/1000)', () => {
    const r = computeReference(call('float16', [400], [0], flt(1000)), 'float16');
    expect([...r.expected]).toEqual([80]);
  });
  it('beta 0.1 is used as fround(0.1): the quadratic value differs from the one with the double 0.1', () => {
    // d = 0.05 (float64): 0.5 * 0.05^2 / fround(0.1) rounded to float64; compare with an exact evaluation.
    const r = computeReference(call('float64', [0.05], [0], flt(0.1)), 'float64');
    const b = Math.fround(0.1);
    expect(betaNumber(r.beta)).toBe(b);
    // fround(0.1) = 13421773 * 2^-27; 0.05 = m * 2^-57 with m = 0.05 * 2^57 (exact)
    const m = BigInt(0.05 * 2 ** 57);
    const num = m * m; // * 2^-114
    const den = 2n * 13421773n; // * 2^-27
    // value = num / den * 2^-87; round to float64 by an independent long division
    const q = (num << 200n) / den; // value * 2^(200+87)
    const v = Number(q) / 2 ** 287; // Number(q) rounds q to 53 bits; q has > 60 bits so no double rounding issue at this size
    expect(r.expected[0]).toBe(v);
    expect(r.expected[0]).not.toBe((0.5 * 0.05 * 0.05) / 0.1);
  });
  it('linear branch, strict <: |d| = beta gives beta/2 from both branches (L is continuous)', () => {
    const r = computeReference(call('float32', [3, 2.5], [1, 0.5], flt(2)), 'float32');
    expect([...r.expected]).toEqual([1, 1]);
  });
  it('IEEE semantics: inf - inf = NaN, |inf| - 0.5 beta = inf, NaN propagates, beta inf gives 0 for finite d', () => {
    const r = computeReference(call('float32', [Infinity, Infinity, -Infinity, NaN, 1], [Infinity, 1, 5, 0, NaN]), 'float32');
    expect([...r.expected]).toEqual([NaN, Infinity, Infinity, NaN, NaN]);
    const bi = computeReference(call('float32', [1e30, Infinity], [0, 0], flt(1e39)), 'float32');
    expect(betaNumber(bi.beta)).toBe(Infinity);
    expect([...bi.expected]).toEqual([0, NaN]);
    const bn = computeReference(call('float32', [1, 2], [0, 0], flt(NaN)), 'float32');
    expect([...bn.expected]).toEqual([NaN, NaN]);
  });
  it('beta 0 is pure L1 (|d|); beta int and bool use their float32 values', () => {
    expect([...computeReference(call('float32', [3, -2], [1, 0], flt(0)), 'float32').expected]).toEqual([2, 2]);
    expect(computeReference(call('float32', [1], [0], { type: 'int', value: 2n }), 'float32').expected[0]).toBe(0.25);
    expect(computeReference(call('float32', [1], [0], { type: 'bool', value: true }), 'float32').expected[0]).toBe(0.5);
    // 2^24 + 1 rounds to 2^24 in float32 (ties to even); a 400-bit int overflows to inf.
    expect(betaNumber(computeReference(call('float32', [1], [0], { type: 'int', value: 2n ** 24n + 1n }), 'float32').beta)).toBe(2 ** 24);
    expect(betaNumber(computeReference(call('float32', [1], [0], { type: 'int', value: 2n ** 400n }), 'float32').beta)).toBe(Infinity);
  });
  it('an int beta is rounded twice, to float64 then float32 (spec 4.1); its given reading stays the exact int', () => {
    const int = (value: bigint): ArgValue => ({ type: 'int', value });
    // [int, float32 reading]: each double is a float32 tie that one rounding of the int would not meet
    const rows: [bigint, number][] = [
      [2n ** 60n + 2n ** 36n + 1n, 2 ** 60], // one rounding: 2^60 + 2^37
      [2n ** 60n + 3n * 2n ** 36n - 1n, 2 ** 60 + 2 ** 38], // one rounding: 2^60 + 2^37
      [-(2n ** 60n + 2n ** 36n + 1n), -(2 ** 60)],
      [2n ** 128n - 2n ** 103n - 1n, Infinity], // one rounding: float32's largest value
      [2n ** 1024n - 2n ** 970n, Infinity], // beyond binary64: IEEE overflow (Python's float() would raise)
      [2n ** 1024n - 2n ** 970n - 1n, Infinity], // the largest double, then float32 overflow
    ];
    for (const [v, b32] of rows) {
      expect(betaNumber(betaReading(int(v), 'float32')), String(v)).toBe(b32);
      expect(betaValue(int(v)), String(v)).toBe(b32);
      const given = betaReading(int(v), 'given');
      expect(given.kind === 'finite' && given.dy.m * 2n ** BigInt(given.dy.e), String(v)).toBe(v);
    }
    // the loss follows the float32 reading: d = 2^60 is linear with beta 2^60 (2^59), quadratic with 2^60 + 2^37
    expect(computeReference(call('float64', [2 ** 60], [0], int(2n ** 60n + 2n ** 36n + 1n)), 'float64').expected[0]).toBe(2 ** 59);
  });
  it('reductions: sum and mean of exact values, rounded once; empty: none -> empty, sum -> 0, mean -> NaN', () => {
    const s = computeReference(call('float32', [1, 2, 3], [1, 2, 2], undefined, 'sum'), 'float32');
    expect(s.shape).toEqual([]);
    expect([...s.expected]).toEqual([0.5]);
    const m = computeReference(call('float32', [1, 2, 3], [1, 2, 2], undefined, 'mean'), 'float32');
    expect(m.expected[0]).toBe(Math.fround(0.5 / 3));
    expect(computeReference(call('float32', [], [], undefined, 'none'), 'float32').expected.length).toBe(0);
    expect([...computeReference(call('float32', [], [], undefined, 'sum'), 'float32').expected]).toEqual([0]);
    expect([...computeReference(call('float32', [], [], undefined, 'mean'), 'float32').expected]).toEqual([NaN]);
  });
  it('the sum is rounded once: 2^24 + 1 + 1 ... is exact before rounding', () => {
    // float32: 2^24 with beta 0 gives L = 2^24; 16 elements of L = 1 add 16 exactly.
    const xs = [2 ** 24, ...Array(16).fill(1)];
    const r = computeReference(call('float32', xs, Array(17).fill(0), flt(0), 'sum'), 'float32');
    expect(r.expected[0]).toBe(2 ** 24 + 16);
  });
  it('mixed input dtypes: values are exact, the result is rounded to the output dtype', () => {
    const r = computeReference(call('float16', [0.1], [0], flt(1), undefined, 'bfloat16'), 'float32');
    expect(r.expected[0]).toBe(Math.fround(0.5 * f16round(0.1) ** 2));
  });
});

/** Independent exact loss as a fraction [num, den] of BigInts, from doubles. */
function fracOf(x: number): [bigint, bigint] {
  let den = 1n;
  let v = x;
  while (!Number.isInteger(v)) {
    v *= 2;
    den *= 2n;
  }
  return [BigInt(v), den];
}
function refLoss(x: number, y: number, beta: number): [bigint, bigint] {
  const [xn, xd] = fracOf(x);
  const [yn, yd] = fracOf(y);
  let dn = xn * yd - yn * xd;
  const dd = xd * yd;
  if (dn < 0n) dn = -dn;
  const [bn, bd] = fracOf(beta);
  if (dn * bd < bn * dd) return [dn * dn * bd, 2n * dd * dd * bn];
  return [2n * dn * bd - bn * dd, 2n * dd * bd];
}
/** Round num/den >= 0 to float32 independently: scan with Math.fround neighbours. */
function roundFracF32(num: bigint, den: bigint): number {
  const approx = Math.fround(Number((num * 2n ** 200n) / den) / 2 ** 200);
  // Check the two neighbours of approx: the correctly rounded value is the nearest (ties even).
  const f = floatFormat('float32');
  const cands = [f.nextDown(approx), approx, f.nextUp(approx)].filter((c) => c >= 0);
  const dist = (c: number): [bigint, bigint] => {
    const [cn, cd] = fracOf(c);
    let n = cn * den - num * cd;
    if (n < 0n) n = -n;
    return [n, cd * den];
  };
  let best = cands[0];
  for (const c of cands.slice(1)) {
    const [an, ad] = dist(best);
    const [bn, bd] = dist(c);
    const cmp = bn * ad - an * bd;
    if (cmp < 0n || (cmp === 0n && (f.encode(c) as number) % 2 === 0)) best = c;
  }
  return best;
}

describe('computeReference vs an independent exact evaluation (float32)', () => {
  it('agrees on random float32 inputs and betas', () => {
    const f32 = fc.float({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 });
    fc.assert(
      fc.property(f32, f32, fc.float({ noNaN: true, noDefaultInfinity: true, min: Math.fround(1e-6), max: 1e6 }), (x, y, b) => {
        const r = computeReference(call('float32', [x], [y], flt(b)), 'float32');
        const [n, d] = refLoss(x, y, b);
        expect(r.expected[0]).toBe(roundFracF32(n, d));
      }),
      { numRuns: 2000, seed: 42 },
    );
  });
});
