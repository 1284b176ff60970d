/**
 * The Ascend-simulating kernel (runners/ascend-sim) on hand-computed values. Each expected
 * value is worked out in the comment beside it (float32 arithmetic by hand: significands
 * as integers times powers of two); nothing is taken from the oracle or from the kernel's
 * own helpers, except treeSum, whose order is the thing under test there.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ArgValue, CallArgs, DType, RunnerResult, Tensor } from '../../common/types.js';
import { createRunner, smoothL1Loss } from '../../runners/ascend-sim/index.js';
import { treeSum } from '../../runners/ascend-sim/reduce.js';
import { t, f32, u16, float, str, output } from './args.js';


const values = (r: RunnerResult) => Array.from(output(r).data as Float32Array);
const bits = (r: RunnerResult) => Array.from(output(r).data as Uint16Array);
/** float32 bit pattern of a float32 value. */
const f32bits = (x: number) => new Uint32Array(Float32Array.of(x).buffer)[0];

describe('ascend-sim kernel: hand-computed values', () => {
  it('the documentation example: [1,2,3] vs [1,2,2] -> [0, 0, 0.5] float32', () => {
    const r = smoothL1Loss({ logits: f32([1, 2, 3]), labels: f32([1, 2, 2]) });
    expect([output(r).dtype, output(r).shape]).toEqual(['float32', [3]]);
    expect(values(r)).toEqual([0, 0, 0.5]);
  });

  it('beta = 0 is pure L1: |d|, and no NaN leaks from the unused quadratic lane (0 * inf)', () => {
    // 1/0 = inf: the quadratic lane is 0.5*0*(0*inf) = NaN for d = 0 and inf otherwise; Select drops it.
    const r = smoothL1Loss({ logits: f32([1.5, -2, 0, 1e30]), labels: f32([0, 1, 0, 0]), beta: float(0) });
    expect(values(r)).toEqual([1.5, 3, 0, Math.fround(1e30)]);
    // sum 1.5 + 3 + 0 + 0 = 4.5; -0.0 is accepted as 0 too (ge0), the same pure L1
    expect(values(smoothL1Loss({ logits: f32([1.5, -2, 0, 0]), labels: f32([0, 1, 0, 0]), beta: float(-0), reduction: str('sum') }))).toEqual([4.5]);
  });

  it('float16 d = 400, beta = 1000 -> 80 (float32 math: no half overflow of d*d)', () => {
    // 400 = 0x5e40. (0.5*400) * (400 * fl(1/1000)) = 200 * fl(0.4000000019) = 80.0000004 -> float16 80 = 0x5500
    const r = smoothL1Loss({ logits: u16('float16', [0x5e40]), labels: u16('float16', [0]), beta: float(1000) });
    expect(output(r).dtype).toBe('float16');
    expect(bits(r)).toEqual([0x5500]);
  });

  it('float16 d = 60000, beta = 65000 -> 27692.3 rounds to float16 27696 (0x76c3)', () => {
    // 60000 = 0x7b53; 0.5*60000^2/65000 = 27692.31; float16 spacing 16 there -> 1731*16 = 27696
    expect(bits(smoothL1Loss({ logits: u16('float16', [0x7b53]), labels: u16('float16', [0]), beta: float(65000) }))).toEqual([0x76c3]);
  });

  it('bfloat16: the float32 result is cast with round to nearest, ties to even', () => {
    // beta 2: linear branch a - 1. 258 = 0x4381 -> 257, halfway between 256 (0x4380, even) and
    // 258 (0x4381, odd) -> 256; 260 = 0x4382 -> 259, halfway between 258 (odd) and 260 (0x4382,
    // even) -> 260 (truncation would give 258). beta 1: 258 - 0.5 = 257.5 -> nearest 258.
    const r = smoothL1Loss({ logits: u16('bfloat16', [0x4381, 0x4382]), labels: u16('bfloat16', [0, 0]), beta: float(2) });
    expect(output(r).dtype).toBe('bfloat16');
    expect(bits(r)).toEqual([0x4380, 0x4382]);
    expect(bits(smoothL1Loss({ logits: u16('bfloat16', [0x4381]), labels: u16('bfloat16', [0]), beta: float(1) }))).toEqual([0x4381]);
  });

  it('the quadratic branch multiplies by fl(1/beta): d = 3, beta = 5 gives 0x3f666667, not fl(0.9) = 0x3f666666', () => {
    // fl(1/5) = 13421773 * 2^-26. 3 * that = 40265319 * 2^-26, rounded to 24 bits (units of 2^-24):
    // 10066329.75 -> 10066330 * 2^-24. Times 1.5 (= 0.5*3): 15099495 * 2^-24 (exact, < 2^24),
    // mantissa 15099495 - 2^23 = 0x666667, exponent -1 -> 0x3f666667. The exact 0.9 is
    // 15099494.4 * 2^-24, correctly rounded 0x3f666666: one ulp apart, admitted at every level.
    const r = smoothL1Loss({ logits: f32([3]), labels: f32([0]), beta: float(5) });
    expect(values(r).map(f32bits)).toEqual([0x3f666667]);
  });

  it('mean = sum * fl(1/N): losses [5, 0, 0] give 0x3fd55556, not fl(5/3) = 0x3fd55555', () => {
    // beta 1 (default), d = 5.5 -> linear 5. fl(1/3) = 11184811 * 2^-25; 5 * that = 55924055 * 2^-25,
    // rounded to 24 bits (units of 2^-23): 13981013.75 -> 13981014 * 2^-23, mantissa 0x555556.
    const r = smoothL1Loss({ logits: f32([5.5, 0, 0]), labels: f32([0, 0, 0]), reduction: str('mean') });
    expect([output(r).shape, values(r).map(f32bits)]).toEqual([[], [0x3fd55556]]);
  });

  it('(0.5*a)*(a*rbeta) never overflows for a finite loss: d = 2^100, beta = 2^101 -> 2^98', () => {
    // a*a = 2^200 would be inf in float32; 0.5*a = 2^99, a*2^-101 = 0.5, product 2^98 (exact)
    expect(values(smoothL1Loss({ logits: f32([2 ** 100]), labels: f32([0]), beta: float(2 ** 101) }))).toEqual([2 ** 98]);
  });

  it('a subnormal beta (1/beta overflows float32) still gives the quadratic value', () => {
    // beta = 2^-130, d = 2^-131: 0.5 * 2^-262 / 2^-130 = 2^-133 (a float32 subnormal). A plain
    // fl(1/beta) = inf would give inf; d = 0 would give 0*inf = NaN. Third element: d = 1 is linear, 1 - 2^-131 -> 1.
    const r = smoothL1Loss({ logits: f32([2 ** -131, 0, 1]), labels: f32([0, 0, 0]), beta: float(2 ** -130) });
    expect(values(r)).toEqual([2 ** -133, 0, 1]);
  });

  it('a beta >= 2^126 (1/beta subnormal) keeps a normal reciprocal: d = 3*2^125, beta = 3*2^126 -> 3*2^123 exactly', () => {
    // Scaled: fl(1/(3*2^62)) = 11184811 * 2^-87; a * that = 33554433 * 2^38 -> 24 bits: 2^25 * 2^38 = 2^63;
    // * 2^-64 = 0.5 exactly; (0.5*a) * 0.5 = 3*2^123 (the exact 0.5*9*2^250 / (3*2^126)). A subnormal
    // fl(1/beta) = 2796203 * 2^-149 would give a*rbeta = 0.5 + 2^-24 and a result 2 ulps high.
    expect(values(smoothL1Loss({ logits: f32([3 * 2 ** 125]), labels: f32([0]), beta: float(3 * 2 ** 126) }))).toEqual([3 * 2 ** 123]);
  });

  it('beta = inf: finite d gives 0, infinite d gives inf - inf = NaN; NaN inputs give NaN', () => {
    expect(values(smoothL1Loss({ logits: f32([3, Infinity]), labels: f32([0, 0]), beta: float(Infinity) }))).toEqual([0, NaN]);
    expect(values(smoothL1Loss({ logits: f32([NaN, Infinity, -Infinity]), labels: f32([0, Infinity, 1]) }))).toEqual([NaN, NaN, Infinity]);
  });

  it('empty input: none -> empty of the same shape, sum -> 0, mean -> NaN (0 * fl(1/0) = 0 * inf)', () => {
    const e = () => f32([], [2, 0]);
    expect(output(smoothL1Loss({ logits: e(), labels: e() })).shape).toEqual([2, 0]);
    expect(output(smoothL1Loss({ logits: e(), labels: e() })).data.length).toBe(0);
    expect(values(smoothL1Loss({ logits: e(), labels: e(), reduction: str('sum') }))).toEqual([0]);
    expect(values(smoothL1Loss({ logits: e(), labels: e(), reduction: str('mean') }))).toEqual([NaN]);
    const h = u16('float16', [], [0]);
    // float16 NaN from the cast: exponent all ones, non-zero fraction
    const m = bits(smoothL1Loss({ logits: h, labels: h, reduction: str('mean') }))[0];
    expect(m & 0x7c00).toBe(0x7c00);
    expect(m & 0x03ff).not.toBe(0);
  });

  it('mixed dtypes are promoted: float16 + float32 -> float32, float16 + bfloat16 -> float32', () => {
    // float16 1.5 = 0x3e00, bfloat16 1 = 0x3f80; d = 0.5 < 1 -> 0.5 * 0.5 * 0.5 = 0.125
    expect(output(smoothL1Loss({ logits: u16('float16', [0x3e00]), labels: f32([1]) })).dtype).toBe('float32');
    const r = smoothL1Loss({ logits: u16('float16', [0x3e00]), labels: u16('bfloat16', [0x3f80]) });
    expect([output(r).dtype, values(r)]).toEqual(['float32', [0.125]]);
  });

  it('errors come from the ascend front end, whatever profile the harness names', async () => {
    const runner = createRunner();
    const ctx = { profile: 'cpu' as const, caseId: 'x', signal: new AbortController().signal };
    const f64: ArgValue = t('float64', [1], Float64Array.of(1));
    // float64 is not an Ascend dtype, even when checked under the cpu profile
    const r = await runner.run({ logits: f64, labels: f64 }, ctx);
    expect(r.kind === 'error' && r.errorType).toBe('RuntimeError');
    const neg = await runner.run({ logits: f32([1]), labels: f32([0]), beta: float(-1) } satisfies CallArgs, ctx);
    expect(neg.kind === 'error' && neg.errorType).toBe('RuntimeError');
    // bfloat16 and beta = 0 are computed (rejected on cpu, valid on ascend)
    expect((await runner.run({ logits: u16('bfloat16', [0x3f80]), labels: u16('bfloat16', [0]), beta: float(0) }, ctx)).kind).toBe('output');
  });

  it('the runner: name, package version, native profile ascend', () => {
    const r = createRunner();
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect([r.name, r.version, r.nativeProfile]).toEqual(['ascend-sim', pkg.version, 'ascend']);
  });
});

describe('ascend-sim ReduceSum: blocked float32 tree', () => {
  it('adds in tree order: [2^24, 1, 1, 1] -> 2^24 + 2 (sequential float32 gives 2^24, exact is 2^24 + 3)', () => {
    // lanes padded with zeros to 256; at h = 2: lane0 = 2^24 + 1 -> 2^24 (tie to even), lane1 = 1 + 1 = 2;
    // at h = 1: 2^24 + 2 is exact.
    expect(treeSum(Float32Array.of(2 ** 24, 1, 1, 1))).toBe(2 ** 24 + 2);
  });

  it('sums across blocks, with an odd block carried: 1000 ones (4 blocks) and 513 ones (3 blocks)', () => {
    expect(treeSum(new Float32Array(1000).fill(1))).toBe(1000);
    expect(treeSum(new Float32Array(513).fill(1))).toBe(513);
  });

  it('no stagnation where sequential float32 accumulation stalls: 2^24 ones plus 2^16 ones', () => {
    // every partial sum is an integer below 2^25 whose pairs add exactly (power-of-two groups): exact 2^24 + 2^16
    const v = new Float32Array(2 ** 24 + 2 ** 16).fill(1);
    expect(treeSum(v)).toBe(2 ** 24 + 2 ** 16);
  });

  it('empty -> 0; inf propagates; NaN wins over inf', () => {
    expect(treeSum(new Float32Array(0))).toBe(0);
    expect(treeSum(Float32Array.of(1, Infinity, 2))).toBe(Infinity);
    expect(treeSum(Float32Array.of(Infinity, NaN))).toBeNaN();
  });
});
