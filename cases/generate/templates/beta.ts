/** The beta argument, and |d| at the branch switch (threshold). */
import type { CaseSpec } from '../build-case.js';
import { FLOAT_DTYPES, floats, pyBool, pyFloat, pyInt, pyList, pyNone, pyStr } from '../tensors.js';
import { floatFormat } from '../../../common/float-format.js';
import type { FloatDType, ValueJson } from '../../../common/types.js';

interface BetaCase {
  name: string;
  beta: ValueJson | undefined;
  tags: string[];
  why: string;
  /** Extra dtypes (besides float32) the value is worth trying in. */
  dtypes?: FloatDType[];
}

const BETAS: BetaCase[] = [
  { name: 'default', beta: undefined, tags: [], why: 'beta not passed: the default 1.0 applies' },
  { name: 'one', beta: pyFloat('1.0'), tags: ['beta:one'], why: 'beta = 1.0 passed explicitly: same result as the default' },
  { name: 'half', beta: pyFloat('0.5'), tags: ['beta:fraction'], why: 'beta = 0.5 (exact in every format)', dtypes: ['float16', 'bfloat16', 'float64'] },
  { name: 'tenth', beta: pyFloat('0.1'), tags: ['beta:fraction'], why: "beta = 0.1: MindSpore uses its float32 value 0.100000001490116...; an implementation that keeps the Python float (the double 0.1, as PyTorch does) differs only in float64 outputs, where the quotient and the branch switch move: accepted at standard (beta may be anywhere between the two), not at strict", dtypes: ['float16', 'bfloat16', 'float64'] },
  { name: 'tiny', beta: pyFloat('1e-7'), tags: ['beta:tiny'], why: 'beta = 1e-7: almost every element is on the linear branch; not representable in float16 (rounds to 2^-23 there); one Ascend kernel zeroes the quadratic branch below 1e-6', dtypes: ['float16', 'float64'] },
  { name: 'subnormal', beta: pyFloat('1.401298464324817e-45'), tags: ['beta:subnormal'], why: "beta = 2^-149, float32's smallest subnormal: positive, so valid on every profile; a flush-to-zero implementation sees 0 (an error on cpu/gpu)", dtypes: ['float16', 'float64'] },
  { name: 'underflow-to-zero', beta: pyFloat('1e-50'), tags: ['beta:underflow-to-zero'], why: "beta = 1e-50 is positive as a Python float but its float32 value is 0: by MindSpore's float32 beta cpu/gpu reject it (RuntimeError) and ascend takes beta = 0 (pure L1); an implementation that keeps the given float sees a valid tiny beta, so cpu/gpu also accept the output computed with beta = 1e-50 (here the same values as L1)", dtypes: ['float16', 'float64'] },
  { name: 'negative-underflow-to-zero', beta: pyFloat('-1e-50'), tags: ['beta:negative', 'beta:negative-zero'], why: "beta = -1e-50 is negative as a Python float but its float32 value is -0.0: cpu/gpu reject it either way; ascend (beta >= 0) accepts -0.0 as beta = 0 (pure L1) by MindSpore's float32 beta, and an implementation that keeps the given negative float raises the range RuntimeError: ascend accepts either", dtypes: ['float16', 'float64'] },
  { name: 'huge', beta: pyFloat('1e30'), tags: ['beta:huge'], why: 'beta = 1e30: every element is on the quadratic branch and tiny; in float16 beta itself overflows to inf', dtypes: ['float16', 'float64'] },
  { name: 'above-float16-max', beta: pyFloat('70000.0'), tags: ['beta:above-float16-max'], why: "beta = 70000 is above float16's largest finite value 65504: an implementation that rounds beta to float16 gets inf and returns 0 for every finite d", dtypes: ['float16'] },
  { name: 'large-20000', beta: pyFloat('20000.0'), tags: ['underflow'], why: "beta = 20000 is a float16 value, but 1/beta = 5e-5 is below float16's smallest normal 2^-14 (as for every beta above 16384): a float16 kernel that multiplies by a float16 reciprocal gets a subnormal one with few bits, or 0 (flush to zero) and returns 0 for every quadratic element; the division orders (d/beta, d*d/beta) stay within a few ulps, and the acceptance model admits the reciprocal orders only where the reciprocal is normal", dtypes: ['float16'] },
  { name: 'large-60000', beta: pyFloat('60000.0'), tags: ['underflow'], why: "beta = 60000, near float16's largest finite value: 1/beta = 1.7e-5 is a float16 subnormal (280 * 2^-24, 9 bits), flushed to 0 by flush-to-zero hardware; d = 100 gives 0.0833 and d = 60000 = beta the linear branch's 30000, so a kernel with a flushed reciprocal returns 0 where the standard interval is a few float16 ulps wide", dtypes: ['float16'] },
  { name: 'int-2', beta: pyInt(2), tags: ['beta:int'], why: 'beta passed as the int 2: ints are accepted and used as floats' },
  { name: 'int-big', beta: pyInt(10n ** 40n), tags: ['beta:int', 'beta:big-int'], why: 'beta = 10**40 as an int: beyond float32 range, its float32 value is +inf, so the quadratic branch gives 0 for every finite d' },
  { name: 'bool-true', beta: pyBool(true), tags: ['beta:bool'], why: 'beta = True is accepted and means 1.0' },
  { name: 'bool-false', beta: pyBool(false), tags: ['beta:bool', 'beta:zero'], why: 'beta = False means 0.0: a RuntimeError on cpu/gpu (beta must be > 0), pure L1 on ascend' },
  { name: 'zero', beta: pyFloat('0.0'), tags: ['beta:zero'], why: 'beta = 0: a RuntimeError on cpu/gpu, pure L1 (L = |d|) on ascend; mask-blending kernels produce NaN (0 * inf)', dtypes: ['float16', 'bfloat16'] },
  { name: 'int-zero', beta: pyInt(0), tags: ['beta:zero', 'beta:int'], why: 'beta = 0 as an int: same rule as 0.0' },
  { name: 'negative-zero', beta: pyFloat('-0.0'), tags: ['beta:negative-zero'], why: 'beta = -0.0 compares equal to 0: rejected on cpu/gpu, L1 on ascend (not "negative")' },
  { name: 'negative', beta: pyFloat('-1.0'), tags: ['beta:negative'], why: 'beta = -1: a RuntimeError on every profile' },
  { name: 'int-negative', beta: pyInt(-1), tags: ['beta:negative', 'beta:int'], why: 'beta = -1 as an int: a RuntimeError on every profile' },
  { name: 'nan', beta: pyFloat('nan'), tags: ['beta:nan'], why: "beta = NaN: the documentation's rules do not decide (NaN is neither <= 0 nor > 0), so either the range RuntimeError or an all-NaN output is accepted" },
  { name: 'inf', beta: pyFloat('inf'), tags: ['beta:inf'], why: 'beta = +inf: valid; every finite d takes the quadratic branch and d^2/(2 inf) = 0; an infinite d compares not-less-than inf, takes the linear branch, inf - inf = NaN', dtypes: ['float16'] },
  { name: 'neg-inf', beta: pyFloat('-inf'), tags: ['beta:neg-inf'], why: 'beta = -inf: out of range on every profile (RuntimeError)' },
  { name: 'str', beta: pyStr('1.0'), tags: ['beta:bad-type'], why: "beta = '1.0' (a str): TypeError, no parsing" },
  { name: 'none', beta: pyNone(), tags: ['beta:bad-type'], why: 'beta = None: TypeError (None is not "use the default")' },
  { name: 'list', beta: pyList([1.0]), tags: ['beta:bad-type'], why: 'beta = [1.0] (a list): TypeError' },
];

/** d spans zero, tiny, around typical betas, large, and a negative value. */
const D = [0, 2 ** -30, 0.05, 0.5, 1, 2, 100, 1e6, -3, 1e-7];

export function betaCases(): CaseSpec[] {
  const out: CaseSpec[] = [];
  for (const b of BETAS) {
    for (const dtype of ['float32', ...(b.dtypes ?? [])] as FloatDType[]) {
      const xs = D.map((d) => (dtype === 'float16' || dtype === 'bfloat16' ? Math.min(d, 60000) : d));
      out.push({
        id: `beta/${b.name}-${dtype}`,
        title: `beta ${b.beta ? describe(b.beta) : 'absent'} with ${dtype} inputs`,
        description: `${b.why}. d ranges from 0 and tiny values over 0.05..2 to 1e6 and -3 (rounded to ${dtype}).`,
        tags: ['area:beta', ...b.tags],
        // reduction 'none' is passed (except for beta's own default case, which tests the
        // call with every default): a wrong default reduction must not hide the beta rules.
        inputs: { logits: floats(dtype, [D.length], xs, true), labels: floats(dtype, [D.length], D.map(() => 0)), ...(b.beta ? { beta: b.beta, reduction: pyStr('none') } : {}) },
      });
    }
  }
  // float64 with betas whose float32 value differs from the given double, reductions
  // given explicitly: the float32 beta is MindSpore's, the double beta (PyTorch's) is
  // accepted at standard only. d is a multiple of beta, so every term (quadratic and
  // linear) is of beta's size and the two readings give different float64 values.
  for (const b of BETAS.filter((q) => ['tenth', 'tiny', 'huge'].includes(q.name))) {
    const b32 = Math.fround(Number((b.beta as { value: string }).value));
    const ds = [0, 0.25, 0.5, 0.9, 1, 1.5, 3, -2].map((k) => k * b32);
    for (const r of ['none', 'sum']) {
      out.push({
        id: `beta/${b.name}-float64-${r}`,
        title: `beta ${describe(b.beta!)} with float64 inputs of beta's size, reduction '${r}'`,
        description: `${b.why}. d = k * beta (beta's float32 value) for k in 0, 0.25, 0.5, 0.9, 1, 1.5, 3, -2: both branches, with losses of beta's size${r === 'sum' ? ', summed in float64' : ''}.`,
        tags: ['area:beta', ...(r === 'sum' ? ['area:reductions'] : []), ...b.tags],
        inputs: { logits: floats('float64', [ds.length], ds, true), labels: floats('float64', [ds.length], ds.map(() => 0)), beta: b.beta!, reduction: pyStr(r) },
      });
    }
  }
  // 1e-50: cpu/gpu accept the range error or the sum with beta = 1e-50 (here equal to L1's)
  const u2z = BETAS.find((q) => q.name === 'underflow-to-zero')!;
  out.push({
    id: 'beta/underflow-to-zero-float64-sum',
    title: "beta = 1e-50 with float64 inputs, reduction 'sum'",
    description: `${u2z.why}. Summed in float64.`,
    tags: ['area:beta', 'area:reductions', ...u2z.tags],
    inputs: { logits: floats('float64', [D.length], D, true), labels: floats('float64', [D.length], D.map(() => 0)), beta: u2z.beta!, reduction: pyStr('sum') },
  });
  // A few betas under reductions: the per-element rules must carry into sum and mean.
  for (const [name, beta, tags] of [['half', pyFloat('0.5'), ['beta:fraction']], ['zero', pyFloat('0.0'), ['beta:zero']], ['inf', pyFloat('inf'), ['beta:inf']], ['nan', pyFloat('nan'), ['beta:nan']]] as [string, ValueJson, string[]][]) {
    for (const r of ['sum', 'mean']) {
      out.push({
        id: `beta/${name}-float32-${r}`,
        title: `beta ${describe(beta)} with reduction '${r}'`,
        description: `The beta rules under reduction '${r}' (float32): the same validity and per-element formula, reduced.`,
        tags: ['area:beta', 'area:reductions', ...tags],
        inputs: { logits: floats('float32', [D.length], D, true), labels: floats('float32', [D.length], D.map(() => 0)), beta, reduction: pyStr(r) },
      });
    }
  }
  out.push({
    id: 'beta/inf-infinite-d',
    title: 'beta = +inf with infinite and finite differences',
    description: 'With beta = +inf, a finite d gives d^2/(2 inf) = 0, but |d| = inf is not < inf: the linear branch gives inf - inf = NaN. Kernels that special-case beta = inf as "all quadratic" return 0 (or inf) for the infinite elements.',
    tags: ['area:beta', 'beta:inf', 'area:special-values'],
    inputs: { logits: floats('float32', [4], [Infinity, 1, -Infinity, 1e30], true), labels: floats('float32', [4], [0, 0, 0, -1e30], true), beta: pyFloat('inf'), reduction: pyStr('none') },
  });
  // An invalid beta with empty inputs: there is nothing to compute, but the range rule still
  // applies. A kernel that returns early for empty inputs before its launch-time beta check
  // (MindSpore's kernels check beta when they launch) answers instead of raising.
  for (const [name, beta, r, tags, why] of [
    ['negative-empty', pyFloat('-1.0'), 'none', ['beta:negative'], 'beta = -1 breaks the range rule on every profile: RuntimeError, although there is no element'],
    ['zero-empty-sum', pyFloat('0.0'), 'sum', ['beta:zero'], "beta = 0: RuntimeError on cpu/gpu although there is no element; on ascend (beta >= 0) the sum of no elements, 0"],
  ] as [string, ValueJson, string, string[], string][]) {
    out.push({
      id: `beta/${name}`,
      title: `beta ${describe(beta)} with empty tensors, reduction '${r}'`,
      description: `${why}. Catches implementations that return early for empty inputs before checking beta.`,
      tags: ['area:beta', ...tags],
      inputs: { logits: floats('float32', [0], []), labels: floats('float32', [0], []), beta, reduction: pyStr(r) },
    });
  }
  out.push({
    id: 'beta/nan-empty-sum',
    title: 'beta = NaN with empty tensors, reduction sum',
    description: 'Either the range RuntimeError, or the sum of no elements: 0 (no element is NaN because there are none).',
    tags: ['area:beta', 'beta:nan'],
    inputs: { logits: floats('float32', [0], []), labels: floats('float32', [0], []), beta: pyFloat('nan'), reduction: pyStr('sum') },
  });
  return out;
}

function describe(v: ValueJson): string {
  switch (v.type) {
    case 'float':
      return `= ${v.value}`;
    case 'int':
      return `= ${v.value.length > 12 ? '10**' + (v.value.length - 1) : v.value} (int)`;
    case 'bool':
      return `= ${v.value ? 'True' : 'False'}`;
    case 'str':
      return `= '${v.value}' (str)`;
    case 'none':
      return '= None';
    case 'list':
      return `= ${JSON.stringify(v.value)} (list)`;
    default:
      return v.type;
  }
}

/**
 * |d| exactly at beta's float32 value, and at the neighbouring values of the dtype. When
 * beta is not representable in the dtype, the two dtype values around it and their outer
 * neighbours.
 */
export function thresholdCases(): CaseSpec[] {
  const out: CaseSpec[] = [];
  const betas: [string, ValueJson | undefined, number][] = [
    ['default', undefined, 1],
    ['half', pyFloat('0.5'), 0.5],
    ['tenth', pyFloat('0.1'), Math.fround(0.1)],
    ['int-3', pyInt(3), 3],
  ];
  for (const dtype of FLOAT_DTYPES) {
    const f = floatFormat(dtype);
    for (const [name, beta, b] of betas) {
      let ds: number[];
      if (f.round(b) === b) ds = [b, f.nextDown(b), f.nextUp(b)];
      else {
        const lo = f.roundDirected(b, -1);
        const hi = f.roundDirected(b, 1);
        ds = [lo, hi, f.nextDown(lo), f.nextUp(hi)];
      }
      // d = x - y with y = 0 and with x = 0 (negative d); also d reached as a difference of
      // two nonzero values (x = 2b', y = b') where that difference is exact.
      const xs = [...ds, ...ds.map(() => 0)];
      const ys = [...ds.map(() => 0), ...ds];
      const diffX = ds.map((d) => f.round(d + 4));
      const diffY = ds.map(() => 4);
      const exactDiff = diffX.map((x, i) => x - diffY[i] === ds[i]);
      for (let i = 0; i < ds.length; i++) if (exactDiff[i]) {
        xs.push(diffX[i]);
        ys.push(diffY[i]);
      }
      for (const r of name === 'default' ? ['none', 'sum'] : ['none']) {
        out.push({
          id: `threshold/${dtype}-beta-${name}-${r}`,
          title: `|d| at and next to beta ${beta ? describe(beta) : 'absent (1.0)'} in ${dtype}${r === 'sum' ? ', summed' : ''}`,
          description: `The branch switch: |d| < beta is quadratic, |d| >= beta linear (strict '<'). d is beta's float32 value where ${dtype} holds it, and the ${dtype} values one ulp below and above, positive and negative; the loss is continuous there, so a wrong comparison shows up only as a small error, while a wrong beta (e.g. the double 0.1) or a wrong branch formula is caught.`,
          tags: ['area:threshold', 'threshold', 'area:beta'],
          inputs: { logits: floats(dtype, [xs.length], xs), labels: floats(dtype, [ys.length], ys), ...(beta ? { beta } : {}), reduction: pyStr(r) },
        });
      }
    }
  }
  return out;
}

