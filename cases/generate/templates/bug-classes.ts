/**
 * Cases aimed at bug classes that searching found the rest of the corpus blind to
 * (issue 10): a vectorised loop's tail, a grid limit of 65536 elements, float64 reductions
 * of many terms, half-precision subnormals with the mantissa's top bit set, float64 beta =
 * inf with a huge d, a float64 mean whose sum overflows, and an int beta rounded once
 * instead of twice. Each description names the class it targets; test/cases/bug-classes.test.ts
 * shows that a seeded implementation of each class fails its cases at the standard level.
 *
 * Large inputs are generated (a seed, not stored bits), and as small as their class
 * allows: a few thousand elements for a tail, just past 65536 for a grid limit.
 */
import type { CaseSpec } from '../build-case.js';
import { floats, fromBits, generated, pyFloat, pyInt, pyStr } from '../tensors.js';
import { floatFormat } from '../../../common/float-format.js';
import type { FloatDType } from '../../../common/types.js';

const uniform = (seed: number, a: number, b: number) => ({ prng: 'xoshiro128**' as const, seed, distribution: 'uniform' as const, a, b });

/** n mod 8 and what lies beyond 65536, in words. */
function sizeWords(n: number): string {
  const tail = n % 8 === 0 ? '' : `${n} = 8 * ${Math.floor(n / 8)} + ${n % 8}: a loop vectorised by 8 (or 4, 2) that skips or mishandles its last ${n % 8} element${n % 8 === 1 ? '' : 's'}`;
  const grid = n > 65536 ? `${n - 65536} element${n - 65536 === 1 ? '' : 's'} beyond 65536: a kernel launched over at most 65536 elements (a grid or block-count limit) never writes or sums them` : '';
  return [tail, grid].filter((s) => s !== '').join('; ');
}

/** Large sizes: a vector tail from 4096 up (every residue mod 8 appears), a grid limit past 65536. */
function sizeCases(): CaseSpec[] {
  const rows: [FloatDType, number[], 'none' | 'sum' | 'mean', number, string][] = [
    ['float32', [4097], 'none', 21, 'every element is checked against its own interval, so a tail element left unwritten (0) or computed wrongly fails'],
    ['float16', [2, 2051], 'none', 23, 'a 2 x 2051 tensor: the tail of the flattened tensor, not of a row'],
    ['bfloat16', [4100], 'none', 25, 'bfloat16 is an ascend dtype; the other profiles expect unsupported-dtype'],
    ['float32', [4103], 'sum', 27, 'the 7 tail terms are 0.17 % of the sum, several times the error any admitted float32 summation order can make, so a sum that drops them fails'],
    ['float64', [4097], 'sum', 29, 'a float64 sum of 4097 terms: also a float64 reduction well above 16 elements, so a float64 path that accumulates in float32 (about 1e-7 relative) fails where float64 summation errs by about 1e-16'],
    ['float64', [4099], 'mean', 31, 'a float64 mean of 4099 terms: also a float64 reduction well above 16 elements (float32 accumulation or a float32 division fails)'],
    ['float16', [65539], 'none', 33, 'the smallest float16 tensor past the limit, every element checked'],
    ['float32', [66565], 'sum', 35, 'the 1029 terms beyond 65536 are 1.5 % of the sum, far above the error of any admitted summation order; its 5 tail terms (0.008 %) are within the standard bound and caught at strict'],
    ['float64', [65541], 'sum', 37, 'float64 summation errs by about 1e-16 relative, so even 5 dropped terms (or a float32 accumulator) fail'],
  ];
  return rows.map(([dtype, shape, r, seed, why]) => {
    const n = shape.reduce((p, q) => p * q, 1);
    return {
      id: `large/${dtype}-${n}-${r}`,
      title: `${n.toLocaleString('en-US')} ${dtype} elements, reduction '${r}'${n > 65536 ? ' (past a 65536-element grid limit)' : ' (n mod 8 = ' + (n % 8) + ')'}`,
      description: `Uniform values in [-4, 4) from seeds ${seed} and ${seed + 1}. Bug classes: ${sizeWords(n)}. ${why[0].toUpperCase()}${why.slice(1)}.`,
      tags: ['area:large', 'vector-tail', ...(n > 65536 ? ['grid-limit'] : []), ...(r === 'none' ? [] : ['area:reductions'])],
      inputs: { logits: generated(dtype, shape, uniform(seed, -4, 4)), labels: generated(dtype, shape, uniform(seed + 1, -4, 4)), reduction: pyStr(r) },
    };
  });
}

/**
 * Half-precision subnormals whose mantissa has its top bit set (float16 0x0200-0x03ff,
 * bfloat16 0x0040-0x007f), every such pattern, on the linear branch. Logits run over the
 * patterns, labels over the same patterns permuted, with the other sign, so |d| = |x| + |y|
 * lies in [2 m, 4 m) for the format's smallest normal m; beta = m, so every element is
 * linear, L = |d| - m/2, exact in the format. The float16 inputs with float32 labels (the
 * labels' values, normal in float32) are computed in float32: there no subnormal is left
 * to flush, and the standard level holds the result to float32 precision.
 */
function halfSubnormalCases(): CaseSpec[] {
  const out: CaseSpec[] = [];
  for (const [dtype, lo, count, betaWords] of [
    ['float16', 0x0200, 512, '2^-14'],
    ['bfloat16', 0x0040, 64, '2^-126'],
  ] as [FloatDType, number, number, string][]) {
    const sign = 0x8000;
    const f = floatFormat(dtype);
    // bfloat16 has only 64 such patterns: take them positive and negative
    const xs = Array.from({ length: dtype === 'float16' ? count : 2 * count }, (_, i) => (i < count ? lo + i : sign | (lo + i - count)));
    // labels: the same range permuted (97 is odd, so i -> 97 i mod count is one to one), the other sign
    const ys = xs.map((x, i) => ((x & sign) ^ sign) | (lo + ((97 * i) % count)));
    const range = `0x${lo.toString(16).padStart(4, '0')}-0x${(lo + count - 1).toString(16).padStart(4, '0')}`;
    const fault = `Bug class: decoding the ${dtype} subnormals ${range} (and their negatives) wrongly, e.g. as normal numbers with the implicit bit (${betaWords} too large each) or shifted by one, on the linear branch, where L = |d| - beta/2 keeps the inputs' values.`;
    // float16 only: a sum (bfloat16's sum of 128 such losses, about 1.5e-36, gets a strict
    // interval reaching 1.8e-7 from the summation bound, so it would catch nothing), and
    // float32 labels (bfloat16 subnormals are float32 subnormals too)
    const calls: [string, FloatDType][] = dtype === 'float16' ? [['none', dtype], ['sum', dtype], ['none', 'float32']] : [['none', dtype]];
    for (const [r, labelType] of calls) {
      const mixed = labelType !== dtype;
      out.push({
        id: `special/${dtype}-${mixed ? 'float32-' : ''}subnormal-high-mantissa-linear-${r}`,
        title: `Every ${dtype} subnormal with the mantissa's top bit set, on the linear branch (beta = ${betaWords}${mixed ? ', float32 labels' : ''}, reduction '${r}')`,
        description: mixed
          ? `${fault} The ${dtype} logits of special/${dtype}-subnormal-high-mantissa-linear-none against the same labels as float32 values: the call computes in float32 (an error where dtypes must match), where those values are normal, so flushing is no excuse and the standard level's float32 interval is a few float32 ulps wide. A decoder that gets the ${dtype} subnormals wrong fails here at standard.`
          : `${fault} Logits take every such pattern, labels the same patterns permuted with the other sign, so d = x - y is exact and |d| >= beta = ${betaWords}, ${dtype}'s smallest normal. At strict the interval is the exact result; at standard, which admits flushing subnormal inputs to zero, the interval is wide (see the float32-labels case for a standard-level catch).`,
        tags: ['area:special-values', 'underflow', ...(mixed ? ['area:promotion'] : [])],
        inputs: {
          logits: fromBits(dtype, [xs.length], xs),
          labels: mixed ? floats('float32', [ys.length], ys.map((y) => f.decode(y) as number)) : fromBits(dtype, [ys.length], ys),
          beta: pyFloat(String(f.minNormal)),
          reduction: pyStr(r),
        },
      });
    }
  }
  return out;
}

/** float64 with beta = +inf and |d| far beyond 1.3e154, and a float64 mean whose sum overflows. */
function overflowCases(): CaseSpec[] {
  const out: CaseSpec[] = [];
  const xs = [1.7e308, 1e200, -1e160, 1.4e154, 1e300, 3, -0.5];
  const ys = [-1.7e308, 0, 0, 0, -1e300, 1, 0.25];
  for (const r of ['none', 'sum']) {
    out.push({
      id: `special/float64-beta-inf-huge-d-${r}`,
      title: `float64, beta = +inf, |d| from 2 to 3.4e308 (reduction '${r}')`,
      description: "Bug class: the quadratic branch evaluated as 0.5*d*d/beta, where d*d overflows float64 for |d| > 1.3e154 and inf/inf is NaN, or d = x - y computed in float64, which overflows for 1.7e308 - (-1.7e308) and sends the element to the linear branch (inf - inf = NaN). With beta = +inf every finite d is on the quadratic branch and the exact loss is 0; both faults return NaN. (The beta = +inf cases in float16 and float32 cannot show it: d*d fits there.)",
      tags: ['area:beta', 'beta:inf', 'area:special-values', 'overflow', ...(r === 'sum' ? ['area:reductions'] : [])],
      inputs: { logits: floats('float64', [xs.length], xs), labels: floats('float64', [ys.length], ys), beta: pyFloat('inf'), reduction: pyStr(r) },
    });
  }
  // float64 only: a float32 mean whose float32 sum overflows is the same class, but
  // float32 accumulation is what Ascend kernels (and runners/ascend-sim) do; whether the
  // spec holds them to it is a separate decision.
  for (const [dtype, vals, total] of [['float64', [1.7e308, 1.5e308, 1.2e308, 0.9e308], '5.3e308']] as [FloatDType, number[], string][]) {
    out.push({
      id: `reductions/${dtype}-mean-overflowing-sum`,
      title: `${dtype} mean of four losses whose sum overflows ${dtype}`,
      description: `Bug class: a mean computed as the ${dtype} sum divided by n, where the sum (about ${total}) overflows to inf although the mean (a quarter of it) is finite. Any two of the losses already overflow when added, so no summation order helps; dividing each term by n first, scaling, or accumulating in a wider format gives the finite mean.`,
      tags: ['area:reductions', 'overflow'],
      inputs: { logits: floats(dtype, [vals.length], vals, true), labels: floats(dtype, [vals.length], vals.map(() => 0)), reduction: pyStr('mean') },
    });
  }
  return out;
}

/**
 * An int beta is rounded twice, to float64 and then to float32 (spec/smooth-l1-loss.md
 * 4.1). These ints are where one rounding of the exact integer gives another float32.
 */
function intBetaCases(): CaseSpec[] {
  const out: CaseSpec[] = [];
  const once = 'Bug class: an int beta rounded once, from its exact value straight to float32, where MindSpore rounds it twice (a Python float, then the float32 attribute)';
  for (const [name, v, words, twice, onceVal] of [
    ['down', 2n ** 60n + 2n ** 36n + 1n, '2**60 + 2**36 + 1', 2 ** 60, 2 ** 60 + 2 ** 37],
    ['up', 2n ** 60n + 3n * 2n ** 36n - 1n, '2**60 + 3 * 2**36 - 1', 2 ** 60 + 2 ** 38, 2 ** 60 + 2 ** 37],
  ] as [string, bigint, string, number, number][]) {
    const ds = [0, 0.5 * twice, 0.9 * twice, twice, onceVal, 1.5 * twice, 3 * twice, -2 * twice];
    for (const r of ['none', 'sum']) {
      out.push({
        id: `beta/int-rounded-twice-${name}-float64-${r}`,
        title: `beta = ${words} (int) with float64 inputs, reduction '${r}'`,
        description: `${once}. As a double ${words} is a float32 tie, which rounds to ${name === 'down' ? '2**60' : '2**60 + 2**38'} (ties to even); one rounding gives 2**60 + 2**37. d = 0, 0.5, 0.9, 1, 1.5, 3, -2 times the twice-rounded beta and the once-rounded beta itself: both branches, every loss off by about 2^-24 relative under the wrong beta, millions of float64 ulps. The once-rounded beta lies outside the range between beta's float32 value and its given value, so the standard level rejects it too.`,
        tags: ['area:beta', 'beta:int', 'beta:int-double-rounding', ...(r === 'sum' ? ['area:reductions'] : [])],
        inputs: { logits: floats('float64', [ds.length], ds), labels: floats('float64', [ds.length], ds.map(() => 0)), beta: pyInt(v), reduction: pyStr(r) },
      });
    }
  }
  const fmax = floatFormat('float32').maxFinite;
  for (const [dtype, ds] of [
    ['float32', [0, 1, 2 ** 64, 2 ** 100, fmax, -(2 ** 120)]],
    ['float64', [0, 2 ** 64, 2 ** 100, fmax, -(2 ** 120), 1e300]],
  ] as [FloatDType, number[]][]) {
    out.push({
      id: `beta/int-rounded-twice-overflow-${dtype}`,
      title: `beta = 2**128 - 2**103 - 1 (int) with ${dtype} inputs`,
      description: `${once}. As a double it is 2**128 - 2**103, half-way between float32's largest value and 2**128: ties to even rounds it up, to +inf, so every finite d gives 0; one rounding gives 3.4028234663852886e38 and d = 2**64 gives about 0.5, d = 2**100 about 2.4e21. ${dtype === 'float32' ? "Caught at strict; standard admits beta's given value, within a float32 rounding of the once-rounded one, so in float32 outputs it admits that one too." : 'Caught at every level: standard admits the given value, but in float64 outputs its results and the once-rounded beta\'s are millions of ulps apart.'}`,
      tags: ['area:beta', 'beta:int', 'beta:big-int', 'beta:int-double-rounding'],
      inputs: { logits: floats(dtype, [ds.length], ds), labels: floats(dtype, [ds.length], ds.map(() => 0)), beta: pyInt(2n ** 128n - 2n ** 103n - 1n), reduction: pyStr('none') },
    });
  }
  const d = [0, 2 ** -30, 0.05, 0.5, 1, 2, 100, 1e6, -3, 1e-7];
  out.push({
    id: 'beta/int-beyond-float64-float32',
    title: 'beta = 2**1024 (int), beyond float64 range, with float32 inputs',
    description: "An int beyond float64's range: its double rounding overflows to +inf (IEEE), so beta is +inf and every finite d gives 0. Python's float(2**1024) raises OverflowError, so MindSpore's front end presumably raises here; the suite holds the documented reading (an int is accepted, no error is listed for a large one; spec/smooth-l1-loss.md 4.1), and an implementation that raises records an expected failure.",
    tags: ['area:beta', 'beta:int', 'beta:big-int'],
    inputs: { logits: floats('float32', [d.length], d, true), labels: floats('float32', [d.length], d.map(() => 0)), beta: pyInt(2n ** 1024n), reduction: pyStr('none') },
  });
  return out;
}

export function bugClassCases(): CaseSpec[] {
  return [...intBetaCases(), ...overflowCases(), ...halfSubnormalCases(), ...sizeCases()];
}
