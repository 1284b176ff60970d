/** IEEE special values through the formula, and low-precision pitfalls. */
import type { CaseSpec } from '../build-case.js';
import { FLOAT_DTYPES, filled, floats, pyFloat, pyStr } from '../tensors.js';
import { floatFormat } from '../../../common/float-format.js';
import type { FloatDType, ValueJson } from '../../../common/types.js';

export function specialCases(): CaseSpec[] {
  const out: CaseSpec[] = [];
  for (const d of FLOAT_DTYPES) {
    const f = floatFormat(d);
    const max = f.maxFinite;
    const s = Math.log2(f.minSubnormal); // exponent of the smallest subnormal
    const k = Math.floor(s / 2);
    const small = [k - 1, k, k + 1, k + 2, k + 4].map((e) => 2 ** e).concat([1.5 * 2 ** k, 3 * 2 ** (k - 1)]);
    const groups: [string, string, string, number[], number[], string[], string[]][] = [
      ['nan', 'NaN in logits, in labels and in both', 'NaN propagates: L is NaN wherever x or y is NaN (a NaN comparison takes the linear branch, which is NaN too); sum and mean are NaN.', [NaN, 1, NaN, 2], [0, NaN, NaN, 2], ['none', 'sum', 'mean'], ['area:special-values']],
      ['inf', '+-inf against finite values', '|d| = inf takes the linear branch: inf - 0.5*beta = inf. Mask-blending kernels compute 0 * inf = NaN here.', [Infinity, -Infinity, 0, 1], [0, 0, Infinity, -Infinity], ['none', 'sum'], ['area:special-values']],
      ['inf-minus-inf', 'inf - inf', 'x = y = +-inf gives d = NaN, so L = NaN; x = inf, y = -inf gives inf.', [Infinity, -Infinity, Infinity, 1], [Infinity, -Infinity, -Infinity, 1], ['none', 'sum'], ['area:special-values']],
      ['negative-zero', 'signed zeros', 'd = +-0 gives L = 0 (either sign accepted); sum of zeros is 0.', [-0, 0, -0, -0], [0, -0, -0, 0], ['none', 'sum'], ['area:special-values']],
      ['subnormal', 'subnormal inputs and differences', `Subnormal x and y (gradual underflow): d is exact, d*d/2 underflows. A flush-to-zero implementation is accepted at the standard level only.`, [f.minSubnormal, 3 * f.minSubnormal, f.minNormal, -f.minSubnormal, f.minNormal * 1.5], [0, f.minSubnormal, f.minSubnormal, f.minSubnormal, f.minNormal], ['none', 'sum'], ['area:special-values', 'underflow']],
      ['tiny-squares', `d around 2^${k}: d*d/2 at the bottom of ${d}'s range`, 'Quadratic-branch results that are normal, subnormal, exactly half the smallest subnormal (a tie) and below it: the correctly rounded value shows whether underflow is gradual.', small, small.map(() => 0), ['none', 'sum'], ['area:special-values', 'underflow']],
      ['overflow', 'differences beyond the largest finite value', `${d}'s max minus -max overflows: the exact loss 2*max - 0.5 rounds to inf; max - 0 gives max - 0.5 which rounds to max.`, [max, -max, max, -max], [-max, max, 0, 0], ['none', 'sum'], ['area:special-values', 'overflow']],
    ];
    for (const [name, title, why, xs, ys, reductions, tags] of groups) {
      for (const r of reductions) {
        out.push({
          id: `special/${d}-${name}-${r}`,
          title: `${title} (${d}, reduction '${r}')`,
          description: why,
          tags,
          inputs: { logits: floats(d, [xs.length], xs), labels: floats(d, [ys.length], ys), reduction: pyStr(r) },
        });
      }
    }
    // With beta = 2^-149 (float32's smallest subnormal) subnormal differences take the
    // linear branch, L = |d| - 2^-150: results are subnormal and nonzero, and in float32
    // 3*2^-149 - 2^-150 = 2.5*2^-149 is a tie that rounds to even (2*2^-149).
    const sx = [f.minSubnormal, 3 * f.minSubnormal, f.minNormal, -5 * f.minSubnormal, 2 * f.minSubnormal];
    const sy = [0, 0, f.minSubnormal, 0, f.minSubnormal * 7];
    for (const r of ['none', 'sum']) {
      out.push({
        id: `special/${d}-subnormal-linear-${r}`,
        title: `Subnormal differences on the linear branch (${d}, beta = 2^-149, reduction '${r}')`,
        description: 'beta is the smallest float32 subnormal, so subnormal |d| >= beta takes the linear branch and L = |d| - 2^-150 is subnormal and nonzero. Flushing subnormals to zero gives 0 (accepted only at the standard level); a wrong rounding of the tie 2.5*2^-149 shows at strict.',
        tags: ['area:special-values', 'underflow', 'beta:subnormal'],
        inputs: { logits: floats(d, [sx.length], sx), labels: floats(d, [sy.length], sy), beta: pyFloat('1.401298464324817e-45'), reduction: pyStr(r) },
      });
    }
  }
  out.push(...subnormalDecodeCases());
  return out;
}

/**
 * Half-precision subnormal inputs decoded wrongly (a real bug class: a widely used runtime
 * decoded float16 subnormals at half their value). An implementation either keeps a
 * subnormal input or reads it as 0 (DAZ); the accepted set is the union of those two
 * configurations' intervals, so a value between them fails. The differences are normal
 * and small enough that a subnormal input moves |d| by many ulps: on the linear branch
 * |d| just above beta; on the quadratic branch (float16 only) |d| near 0.0115, where
 * 0.5*d*d is still a normal float16 (below that, an admitted order that squares first
 * underflows and the interval opens). bfloat16 has no quadratic counterpart: |d| must be
 * below about 2^-122 for a subnormal input to move it by an ulp, and d*d then underflows
 * even in float32, so every value near the loss is admitted there.
 */
function subnormalDecodeCases(): CaseSpec[] {
  const q16 = 2 ** -24;
  const q = 2 ** -133;
  const groups: [string, FloatDType, string, number[], number[], string, string][] = [
    ['float16-subnormal-input-decode-linear-none', 'float16', 'linear branch, beta = 2^-10',
      [0x3ff * q16, -0x2ab * q16, 0x200 * q16, 2 ** -9, -(2 ** -9)], [-(2 ** -9), 2 ** -9, -(1.5 * 2 ** -9), 0x3c1 * q16, -0x3ff * q16], String(2 ** -10),
      'Each element has one subnormal input (mantissa 0x200-0x3FF) against a normal one, |d| about 2^-9 > beta: L = |d| - 2^-11 is a normal float16 that the subnormal input moves by 16 to 32 ulps.'],
    ['float16-subnormal-input-decode-quadratic-none', 'float16', 'quadratic branch, beta = 0.03',
      [0x3ff * q16, -0x3e1 * q16, 0x3c1 * q16, 0.0113, -0.0117], [-0.0117, 0.0113, -0.0113, -0x3ff * q16, 0x3f0 * q16], '0.03',
      'Each element has one subnormal input (mantissa 0x3C1-0x3FF) against a normal one, |d| about 0.0115 < beta: L = d^2/0.06 is about 0.0022, a normal float16, and every intermediate of every admitted order is normal (d*d/2 is just above 2^-14), so the interval is a few ulps wide while the subnormal input moves L by about 1%.'],
    ['bfloat16-subnormal-input-decode-linear-none', 'bfloat16', 'linear branch, beta = 2^-125',
      [0x7f * q, -0x55 * q, 0x40 * q, 2 ** -124, -(2 ** -124)], [-(2 ** -124), 2 ** -124, -(1.5 * 2 ** -124), -0x71 * q, 0x7f * q], String(2 ** -125),
      'Each element has one subnormal input (mantissa 0x40-0x7F) against a normal one, |d| about 2^-124 > beta: L = |d| - 2^-126 is a normal bfloat16 that the subnormal input moves by 8 to 16 ulps.'],
  ];
  const out: CaseSpec[] = groups.map(([name, d, where, xs, ys, beta, detail]) => ({
    id: `special/${name}`,
    title: `Subnormal ${d} inputs decoded wrongly: ${where} (reduction 'none')`,
    description: `Subnormal input decoding (bug class: a runtime that decodes ${d} subnormals at half their value, neither kept nor flushed). ${detail} Keeping the subnormal (the expected value) and reading it as 0 (DAZ, admitted at standard) both pass; a value decoded at half (or any other wrong value) lies between the two configurations' intervals and fails at strict and standard.`,
    tags: ['area:special-values', 'underflow'],
    inputs: { logits: floats(d, [xs.length], xs, true), labels: floats(d, [ys.length], ys, true), beta: pyFloat(beta), reduction: pyStr('none') },
  }));
  // The same on a sum: a reduction is judged under one configuration, so its terms are all
  // kept or all read as 0; a half decode (or a mix of the two) is neither.
  // (every subnormal input here adds to |d|, so the kept and flushed sums lie apart by the
  // sum of the subnormals, about 0.2% of the sum, and a half decode lies halfway)
  const xs = [0x3ff * q16, 0x2ab * q16, 0x200 * q16, 0x3c1 * q16, -(2 ** -9), -(1.25 * 2 ** -9)];
  const ys = [-(2 ** -9), -(1.25 * 2 ** -9), -(1.5 * 2 ** -9), -(2 ** -9), 0x3ff * q16, 0x3e0 * q16];
  const d: FloatDType = 'float16';
  const beta = String(2 ** -10);
  out.push({
    id: 'special/float16-subnormal-input-decode-linear-sum',
    title: "Subnormal float16 inputs decoded wrongly: linear branch, beta = 2^-10 (reduction 'sum')",
    description: "Subnormal input decoding on a reduction (bug class: a runtime that decodes float16 subnormals at half their value). Six linear-branch elements (beta = 2^-10, |d| about 2^-9), each with one subnormal input (mantissa 0x200-0x3FF) that adds to |d|: the sum of the kept losses and the sum with every subnormal input read as 0 (DAZ, admitted at standard) are each accepted, the sum is judged under one configuration for all its terms, and the half-value decode, which moves every term the same way by half the DAZ shift, lands between the two intervals and fails.",
    tags: ['area:special-values', 'underflow'],
    inputs: { logits: floats(d, [xs.length], xs, true), labels: floats(d, [ys.length], ys, true), beta: pyFloat(beta), reduction: pyStr('sum') },
  });
  return out;
}

export function precisionCases(): CaseSpec[] {
  const out: CaseSpec[] = [];
  const add = (id: string, title: string, description: string, tags: string[], logits: ValueJson, labels: ValueJson, beta: ValueJson | undefined, r: string) =>
    out.push({ id: `precision/${id}`, title, description, tags: ['area:precision', ...tags], inputs: { logits, labels, ...(beta ? { beta } : {}), reduction: pyStr(r) } });

  const f16big = [400, 300, 362, 363, 1000, 999.5];
  for (const r of ['none', 'sum', 'mean']) {
    add(`float16-square-overflow-${r}`, `float16 with beta = 1000: d*d overflows float16 while L is finite (reduction '${r}')`,
      'd = 400 gives exactly 80 and d = 300 gives 45, but 400*400 = 160000 exceeds float16\'s 65504: a kernel that computes 0.5*d*d in float16 returns inf (MindSpore GPU\'s half path). Accepted results must be finite: an intermediate overflow is a defect at every level. d = 1000 = beta is on the linear branch (500).',
      ['overflow'], floats('float16', [6], f16big), floats('float16', [6], f16big.map(() => 0)), pyFloat('1000.0'), r);
  }
  add('float32-square-overflow', 'float32 with beta = 1e30: d*d overflows float32 while L is finite',
    'd = 1e20 gives d^2/(2 beta) = 5e9, but d*d = 1e40 overflows float32. Catches float32 kernels that square before dividing without scaling.',
    ['overflow'], floats('float32', [3], [1e20, 2 ** 64, 3e19], true), floats('float32', [3], [0, 0, 0]), pyFloat('1e30'), 'none');
  add('bfloat16-square-overflow', 'bfloat16 with beta = 1e30: d*d beyond bfloat16 range while L is finite',
    'bfloat16 shares float32\'s exponent range: d = 2^64 squares to 2^128 (inf) but L = 2^127/1e30 is about 1.7e8.',
    ['overflow'], floats('bfloat16', [2], [2 ** 64, 2 ** 70]), floats('bfloat16', [2], [0, 0]), pyFloat('1e30'), 'none');
  // What these cases can catch, and at which level: the acceptance model admits the orders
  // that square first (d*d*0.5/beta) with gradual underflow, and at standard with flush to
  // zero, so an underflowing d*d is accepted wherever the working precision is the dtype's
  // own. Only float16 at strict (computed in float32, where d*d is normal) is held to the
  // correctly rounded value.
  add('float16-square-underflow', 'float16: d*d underflows in float16 while L is normal (caught at strict)',
    'd = 1.5*2^-13 and beta = 2^-12: d*d = 2.25*2^-26 is below float16\'s subnormal range, yet L = 1.125*2^-14 is a normal float16 (d = 2^-13 gives the subnormal L = 2^-15). At strict half types are computed in float32, where d*d is normal, and the interval is the correctly rounded value alone: a kernel that squares in float16 (0, or a wrong subnormal) fails there, one that divides d by beta first or computes in float32 passes. At standard float16 arithmetic with flush to zero is admitted, squaring first included, and the interval is [0, 0.376]: the case passes every kernel there.',
    ['underflow'], floats('float16', [3], [1.5 * 2 ** -13, 2 ** -13, 1.75 * 2 ** -13]), floats('float16', [3], [0, 0, 0]), pyFloat('0.000244140625'), 'none');
  for (const d of ['float32', 'bfloat16'] as FloatDType[]) {
    add(`${d}-square-underflow`, `${d}: d*d underflows while L is normal (squaring first is admitted at every level)`,
      `d = 1.5*2^-76 with beta = 2^-75: d*d = 2.25*2^-152 is below the smallest subnormal 2^-149 (rounds to 0), but L = 2.25*2^-78 (about 7.4e-24) is normal. Squaring first loses everything and returns 0; dividing d by beta first returns the correctly rounded value. The acceptance model admits both: d*d*0.5/beta is an admitted order and its underflow is gradual underflow, so the interval is [0, about 6 times the exact value] at strict and [0, 6.7e-16] at standard (flush to zero). The case checks that an implementation avoiding the underflow passes (and its report shows the exact value a 0 misses); it catches no square-first kernel at either level.`,
      ['underflow'], floats(d, [2], [1.5 * 2 ** -76, 1.75 * 2 ** -76]), floats(d, [2], [0, 0]), pyFloat(String(2 ** -75)), 'none');
  }
  // Long reductions where accumulating in the dtype itself stops growing.
  for (const [d, n, why] of [['float16', 4096, 'float16 has 11 significant bits: 2048 + 1 rounds back to 2048, so a float16 accumulator stops at 2048 instead of 4096'], ['bfloat16', 512, 'bfloat16 has 8 significant bits: 256 + 1 rounds back to 256, so a bfloat16 accumulator stops at 256 instead of 512']] as [FloatDType, number, string][]) {
    for (const r of ['sum', 'mean']) {
      add(`${d}-stagnation-${n}-${r}`, `${n} elements of loss 1.0 in ${d}, reduction '${r}'`,
        `Every element has d = 1.5, L = 1 (linear branch). The exact ${r} is ${r === 'sum' ? n : 1}; ${why} (${r === 'mean' ? 'mean 0.5' : 'sum ' + n / 2}).`,
        ['stagnation'], filled(d, [n], 1.5), filled(d, [n], 0), undefined, r);
    }
  }
  // A float32 accumulator that stagnates on a large partial sum (spec/fp-primer.md "Summation
  // trees"): what the bounded-height summation of standard rejects and every tree admits.
  // 2^13 elements: the smallest power of two at which the stagnated sum (2^13 - 1 lost)
  // is well outside standard's interval (by 3.7 times) while the any-order bound of
  // before still admitted it.
  const n32 = 1 << 13;
  for (const r of ['sum', 'mean']) {
    add(`float32-stagnation-${n32}-${r}`, `float32: one loss of 2^25, then ${n32 - 1} losses of 1, reduction '${r}' (a sequential float32 accumulator stagnates)`,
      `Beta 8: d = 2^25 + 4 gives L = 2^25 (linear branch), then d = 4 gives L = 0.5*16/8 = 1 (quadratic). The exact sum is 2^25 + ${n32 - 1} = 33562623${r === 'mean' ? `, the mean 33562623/${n32} = 4096.99987...` : ''}. A plain sequential float32 accumulator over the whole tensor adds each 1 to 2^25, less than half its ulp (4), and stays at 2^25 = 33554432${r === 'mean' ? ' (mean 4096)' : ''}: the bug class of PyTorch's long-fixed float32 sum of a large tensor (torch.ones(2**25).sum() came out as 2^24). At standard the interval is about +-2,200 around the exact sum (summation trees of height at most 1024 + ${n32}/128 + 13 = 1101: pairwise, cascade, blocked and tree reductions, block partials added atomically, grid-stride loops, Kahan and float64 accumulators pass); the any-order bound used before (+-16,400) accepted the stagnated result.`,
      ['stagnation'], floats('float32', [n32], Array.from({ length: n32 }, (_, i) => (i === 0 ? 2 ** 25 + 4 : 4))), filled('float32', [n32], 0), pyFloat('8.0'), r);
  }
  // The round-to-nearest overflow threshold of float16 is 65520 = 65504 + ulp/2. With
  // beta = 1e-30 (its float32 value about 1.0000000e-30) the exact loss of 65504 - (-16) is
  // 65520 - 5e-31, just below it: the correctly rounded value is 65504, but computing d in
  // float32 (65520 exactly) and converting with round-to-nearest-even gives inf (a tie, to
  // even), and float16 arithmetic rounds d itself to inf. Both are admitted arithmetic, so
  // inf is accepted there at strict and standard; d = 60000 - 0 is far below the threshold
  // and inf stays rejected.
  for (const r of ['none', 'sum']) {
    add(`float16-overflow-tie-${r}`, `float16: exact loss just below the overflow threshold 65520 (reduction '${r}')`,
      `Overflow at the round-to-nearest tie. Element 0: 65504 - (-16) = 65520 with beta = 1e-30, so L = 65520 - 5e-31 rounds to 65504, yet a kernel that computes in float32 and converts (65520 is a tie, to even: inf) or computes in float16 returns inf, which is admitted: inf is accepted where an admitted computation reaches the threshold. ${r === 'none' ? 'Element 1: L = 60000 exactly, far below the threshold: inf there (a kernel whose conversion or clamp misbehaves near the top of the range) is rejected at every level.' : 'The single-element sum accumulates 65520 in float32 and converts it: inf admitted likewise; a saturating conversion (65504) passes too.'}`,
      ['overflow'], floats('float16', r === 'none' ? [2] : [1], r === 'none' ? [65504, 60000] : [65504]), floats('float16', r === 'none' ? [2] : [1], r === 'none' ? [-16, 0] : [-16]), pyFloat('1e-30'), r);
  }
  for (const r of ['sum', 'mean']) {
    add(`float16-sum-overflow-${r}`, `float16: four losses near 60000, reduction '${r}'`,
      r === 'sum' ? 'The exact sum 239998 is beyond float16 range: the correctly rounded result is inf.' : 'The sum overflows float16 but the mean (59999.5, rounds to 60000) does not: a float16 accumulator returns inf; accumulating in float32 or dividing first gives the right answer.',
      ['overflow'], filled('float16', [4], 60000), filled('float16', [4], 0), undefined, r);
  }
  return out;
}
