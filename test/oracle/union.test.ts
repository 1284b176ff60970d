/**
 * Discrete alternatives (spec/fp-primer.md "Discrete alternatives"): the accepted set is the
 * union of the configurations' intervals (a beta reading; subnormals kept, flushed (FTZ),
 * read as 0 (DAZ) or both), never their hull. The implementations here are small plain-JS
 * kernels written for this test (float32 via Math.fround, halves via the format's rounding),
 * not the oracle; the expected values and intervals come from the oracle.
 */
import { describe, expect, it } from 'vitest';
import { acceptance, acceptedIntervals, acceptsValue, checkOutput, checkValues, computeReference } from '../../oracle/index.js';
import { addInterval, inUnion } from '../../oracle/union.js';
import { floatFormat } from '../../common/float-format.js';
import { tensorFromNumbers } from '../../common/tensor.js';
import type { CallArgs, FloatDType, Reduction, ToleranceLevel } from '../../common/types.js';

function args(dtype: FloatDType, x: number[], y: number[], beta: number, reduction: Reduction): CallArgs {
  return {
    logits: { type: 'tensor', tensor: tensorFromNumbers(dtype, [x.length], x) },
    labels: { type: 'tensor', tensor: tensorFromNumbers(dtype, [y.length], y) },
    beta: { type: 'float', value: beta },
    reduction: { type: 'str', value: reduction },
  };
}

type Round = (v: number) => number;
/**
 * A kernel in working precision r: inputs read through `input`, every result through r and
 * then `res` (a flush), beta as given to it; the safe order 0.5|d| * (|d|/beta).
 */
function kernel(r: Round, input: Round, res: Round, beta: number) {
  const w = (v: number) => res(r(v));
  return (x: number, y: number) => {
    const a = Math.abs(w(input(x) - input(y)));
    return a < beta ? w(w(0.5 * a) * w(a / beta)) : w(a - w(0.5 * beta));
  };
}
const id: Round = (v) => v;

/** Both the whole-array check and the fused value check (the engine's): they must agree. */
function verdicts(dtype: FloatDType, x: number[], y: number[], beta: number, red: Reduction, level: ToleranceLevel, out: number[]) {
  const a = args(dtype, x, y, beta, red);
  const ref = computeReference(a, dtype);
  const actual = tensorFromNumbers(dtype, ref.shape, out);
  const whole = checkValues(acceptance(ref, level), actual);
  const fused = checkOutput(a, dtype, level, actual);
  expect(fused.ok).toBe(whole.ok);
  expect(fused.failedCount).toBe(whole.failedCount);
  expect(fused.failures.map((f) => [f.index, f.lo, f.hi, f.more])).toEqual(whole.failures.map((f) => [f.index, f.lo, f.hi, f.more]));
  return whole;
}

describe('a union of intervals', () => {
  it('adds, merges what overlaps, keeps what is disjoint in ascending order', () => {
    const u: number[] = [];
    addInterval(u, 5, 6);
    addInterval(u, 1, 2);
    addInterval(u, 3, 4);
    expect(u).toEqual([1, 2, 3, 4, 5, 6]);
    addInterval(u, 2, 3);
    expect(u).toEqual([1, 4, 5, 6]);
    addInterval(u, 0, 10);
    expect(u).toEqual([0, 10]);
    expect(inUnion([1, 2, 5, 6], 3)).toBe(false);
    expect(inUnion([1, 2, 5, 6], 5)).toBe(true);
  });
});

describe('half subnormal inputs: kept or read as 0, nothing between', () => {
  const q16 = 2 ** -24;
  const qbf = 2 ** -133;
  // [dtype, beta, x, y]: one subnormal input against a normal one, |d| normal
  const sets: [FloatDType, string, number, number[], number[]][] = [
    ['float16', 'linear', 2 ** -10, [0x3ff * q16, -0x2ab * q16, 2 ** -9], [-(2 ** -9), 2 ** -9, 0x3c1 * q16]],
    ['float16', 'quadratic', 0.03, [0x3ff * q16, -0x3e1 * q16, 0.0113], [-0.0117, 0.0113, -0x3ff * q16]],
    ['bfloat16', 'linear', 2 ** -125, [0x7f * qbf, -0x55 * qbf, 2 ** -124], [-(2 ** -124), 2 ** -124, -0x71 * qbf]],
  ];
  for (const [dt, branch, beta, x0, y0] of sets) {
    const f = floatFormat(dt);
    const r: Round = (v) => f.round(v);
    const x = x0.map(r);
    const y = y0.map(r);
    const N = f.minNormal;
    const sub = (v: number) => v !== 0 && Math.abs(v) < N;
    const daz: Round = (v) => (sub(v) ? 0 : v);
    const halfValue: Round = (v) => (sub(v) ? v / 2 : v);
    const b = Math.fround(beta);
    const run = (k: (x: number, y: number) => number) => x.map((xi, i) => k(xi, y[i]));
    it(`${dt} ${branch}: decoding a subnormal at half its value is rejected at standard and strict`, () => {
      for (const level of ['standard', 'strict'] as const) {
        for (const work of [r, Math.fround]) {
          const v = verdicts(dt, x, y, beta, 'none', level, run(kernel(work, halfValue, id, b)).map(r));
          expect(v.ok, `${level}`).toBe(false);
          expect(v.failedCount).toBe(x.length);
        }
      }
      // at standard the failure shows both configurations' intervals: kept, and read as 0
      const v = verdicts(dt, x, y, beta, 'none', 'standard', run(kernel(r, halfValue, id, b)).map(r));
      expect(v.failures[0].more?.length).toBeGreaterThanOrEqual(1);
      expect(v.failures[0].actual).toBeGreaterThan(v.failures[0].hi);
      expect(v.failures[0].actual).toBeLessThan(v.failures[0].more![0].lo);
    });
    it(`${dt} ${branch}: keeping subnormals passes at both levels; DAZ + FTZ, DAZ alone and FTZ alone pass at standard`, () => {
      const ftz: Round = (v) => (sub(v) ? 0 * v : v);
      for (const level of ['standard', 'strict'] as const) expect(verdicts(dt, x, y, beta, 'none', level, run(kernel(Math.fround, id, id, b)).map(r)).ok, level).toBe(true);
      expect(verdicts(dt, x, y, beta, 'none', 'standard', run(kernel(r, id, id, b))).ok).toBe(true);
      for (const [input, res] of [[daz, ftz], [daz, id], [id, ftz]] as const) {
        for (const work of [r, Math.fround]) expect(verdicts(dt, x, y, beta, 'none', 'standard', run(kernel(work, input, res, b)).map(r)).ok).toBe(true);
      }
      // strict keeps gradual underflow: reading the input as 0 is rejected there
      expect(verdicts(dt, x, y, beta, 'none', 'strict', run(kernel(Math.fround, daz, id, b)).map(r)).ok).toBe(false);
    });
  }
  it('the union, not the hull: the element interval has two parts and the half-value result lies in the gap', () => {
    const dt = 'float16';
    const x = [floatFormat(dt).round(0x3ff * q16)];
    const acc = acceptance(computeReference(args(dt, x, [-(2 ** -9)], 2 ** -10, 'none'), dt), 'standard');
    const parts = acceptedIntervals(acc, 0);
    expect(parts.length).toBe(4);
    const halfValue = kernel((v) => floatFormat(dt).round(v), (v) => (Math.abs(v) < 2 ** -14 ? v / 2 : v), id, 2 ** -10)(x[0], -(2 ** -9));
    expect(halfValue).toBeGreaterThan(parts[1]);
    expect(halfValue).toBeLessThan(parts[2]);
    expect(acceptsValue(acc, 0, halfValue)).toBe(false);
    const exact = acceptance(computeReference(args(dt, x, [-(2 ** -9)], 2 ** -10, 'none'), dt), 'standard', { arithmetic: 'exact' });
    expect(acceptedIntervals(exact, 0)).toEqual(parts);
  });
});

describe('the readings of beta: its float32 value or its value as given, not anything between', () => {
  // float64 with beta = 0.1: float32(0.1) = 0.100000001490116..., the double 0.1; the midpoint is neither
  const b32 = Math.fround(0.1);
  const b64 = 0.1;
  const mid = (b32 + b64) / 2;
  const x = [0.05, 0.07, 0.5, 2.25];
  const y = [0, -0.01, 0, 1];
  const f64 = (beta: number) => x.map((xi, i) => kernel(id, id, id, beta)(xi, y[i]));
  for (const red of ['none', 'sum'] as const) {
    const out = (beta: number) => {
      const el = f64(beta);
      return red === 'none' ? el : [el.reduce((s, v) => s + v, 0)];
    };
    it(`float64 ${red}: each reading passes at standard, the float32 reading alone at strict, a beta between them fails`, () => {
      expect(verdicts('float64', x, y, 0.1, red, 'standard', out(b32)).ok).toBe(true);
      expect(verdicts('float64', x, y, 0.1, red, 'standard', out(b64)).ok).toBe(true);
      expect(verdicts('float64', x, y, 0.1, red, 'strict', out(b32)).ok).toBe(true);
      expect(verdicts('float64', x, y, 0.1, red, 'strict', out(b64)).ok).toBe(false);
      const between = verdicts('float64', x, y, 0.1, red, 'standard', out(mid));
      expect(between.ok).toBe(false);
      expect(between.failedCount).toBe(red === 'none' ? x.length : 1);
      expect(between.failures[0].more?.length).toBe(1);
    });
  }
  it('where the readings are indistinguishable (float32 output: they differ by a tenth of an ulp) the union is one interval', () => {
    const acc = acceptance(computeReference(args('float32', [0.05, 0.5], [0, 0], 0.1, 'none'), 'float32'), 'standard');
    expect(acc.more.size).toBe(0);
  });
});

describe('a failure names the union', () => {
  it("the checker's reason and the report's element lines say 'accepted [a, b] or [c, d]' (decimal and hex)", async () => {
    const { loadCorpus, materialize } = await import('../../harness/cases/index.js');
    const { Checker } = await import('../../harness/check.js');
    const c = loadCorpus().find((k) => k.id === 'special/float16-subnormal-input-decode-linear-none')!;
    const args = materialize(c);
    const f = floatFormat('float16');
    const x = [...(args.logits as { tensor: { data: Uint16Array } }).tensor.data].map((b) => f.decode(b));
    const y = [...(args.labels as { tensor: { data: Uint16Array } }).tensor.data].map((b) => f.decode(b));
    const r: Round = (v) => f.round(v);
    const k = kernel(r, (v) => (v !== 0 && Math.abs(v) < f.minNormal ? v / 2 : v), id, Math.fround(2 ** -10));
    const out = tensorFromNumbers('float16', [x.length], x.map((xi, i) => k(xi, y[i])));
    const res = await new Checker({ profile: 'cpu', tolerance: 'standard', rerunPrefix: 'x' }).check(c, args, { kind: 'output', tensor: out });
    expect(res.status).toBe('wrong-value');
    expect(res.reason).toMatch(/in \[[^\]]+\] or \[[^\]]+\], got/);
    const el = res.details!.elements![0];
    expect(el.more).toHaveLength(1);
    expect(el.more![0].loHex).toMatch(/^[0-9a-f]{4}$/);
    const { failureText } = await import('../../reports/text.js');
    const text = failureText({ id: c.id, status: 'wrong-value', reason: res.reason, details: res.details } as never);
    expect(text).toMatch(/accepted \[[^\]]*\(0x[0-9a-f]{4}\)\] or \[[^\]]*\(0x[0-9a-f]{4}\)\]/);
  });
});

describe('a reduction is judged under one configuration', () => {
  // float16 linear elements with one subnormal input each (beta = 2^-10): the sum of the
  // kept losses and the sum of the losses with the inputs read as 0 are each accepted; a
  // sum mixing the two (some terms flushed, others kept) is neither, nor is a half decode.
  const f = floatFormat('float16');
  const q16 = 2 ** -24;
  const x = [0x3ff * q16, -0x2ab * q16, 0x200 * q16, 2 ** -9, -(2 ** -9), 0x3e0 * q16].map((v) => f.round(v));
  const y = [-(2 ** -9), 2 ** -9, -(1.5 * 2 ** -9), 0x3c1 * q16, -0x3ff * q16, -(2 ** -9)].map((v) => f.round(v));
  const sub = (v: number) => v !== 0 && Math.abs(v) < f.minNormal;
  const b = Math.fround(2 ** -10);
  const sumOf = (input: (v: number, i: number) => number) => {
    const k = (xi: number, yi: number, i: number) => kernel(Math.fround, (v) => input(v, i), id, b)(xi, yi);
    return [f.round(x.reduce((s, xi, i) => Math.fround(s + k(xi, y[i], i)), 0))];
  };
  it('kept and read-as-0 sums pass at standard; a sum mixing them, or of half-value decodes, fails', () => {
    expect(verdicts('float16', x, y, 2 ** -10, 'sum', 'standard', sumOf((v) => v)).ok).toBe(true);
    expect(verdicts('float16', x, y, 2 ** -10, 'sum', 'standard', sumOf((v) => (sub(v) ? 0 : v))).ok).toBe(true);
    const mixed = verdicts('float16', x, y, 2 ** -10, 'sum', 'standard', sumOf((v, i) => (sub(v) && i < 3 ? 0 : v)));
    expect(mixed.ok).toBe(false);
    expect(mixed.failures[0].more?.length).toBe(1);
    expect(verdicts('float16', x, y, 2 ** -10, 'sum', 'standard', sumOf((v) => (sub(v) ? v / 2 : v))).ok).toBe(false);
  });
});
