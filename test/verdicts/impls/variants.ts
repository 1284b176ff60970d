/**
 * Independently written CORRECT implementations that differ from the baseline (and from
 * each other) in ways the spec allows: where the arithmetic is done, in which order, how
 * beta is read, how a sum is formed. They share one small front end (written apart from
 * the baseline's) and nothing else. Each must pass the whole corpus at standard under
 * every profile it lists; a failure means the variant or the corpus/oracle is wrong.
 */
import { floatFormat } from '../../../common/float-format.js';
import { isFloatDType, profilesSpec, promote } from '../../../common/spec-data.js';
import { elementToNumber, numel, tensorFromNumbers } from '../../../common/tensor.js';
import type { ArgValue, CallArgs, FloatDType, ProfileName, Reduction, RunContext, Tensor } from '../../../common/types.js';

const spec = profilesSpec();

function raise(type: 'TypeError' | 'ValueError' | 'RuntimeError', msg: string): never {
  const e = new Error(msg);
  e.name = type;
  throw e;
}

type BetaReading = 'float32' | 'given';

/** beta's value under a reading: MindSpore's float32, or the Python value as given (a double). */
function readBeta(v: ArgValue | undefined, how: BetaReading): number {
  let x: number;
  if (v === undefined) x = spec.defaults.beta;
  else if (v.type === 'bool') x = v.value ? 1 : 0;
  else if (v.type === 'int') x = Number(v.value);
  else x = (v as { value: number }).value;
  return how === 'float32' ? Math.fround(x) : x;
}

interface Prepared {
  x: Float64Array;
  y: Float64Array;
  shape: number[];
  dtype: FloatDType;
  beta: number;
  reduction: Reduction;
}

/** Validation in the spec's check order (any order would do: several errors accept any). */
function prepare(a: CallArgs, profile: ProfileName, reading: BetaReading): Prepared {
  const p = spec.profiles[profile];
  const tensors = (): [Tensor, Tensor] => [(a.logits as { tensor: Tensor }).tensor, (a.labels as { tensor: Tensor }).tensor];
  const rules: Record<string, () => void> = {
    'beta-bad-type': () => { if (a.beta && !['float', 'int', 'bool'].includes(a.beta.type)) raise('TypeError', 'beta: float, int or bool expected'); },
    'invalid-reduction': () => { if (a.reduction && (a.reduction.type !== 'str' || !(spec.reductions as string[]).includes(a.reduction.value))) raise('ValueError', 'bad reduction'); },
    'input-not-tensor': () => { if (a.logits.type !== 'tensor' || a.labels.type !== 'tensor') raise('TypeError', 'Tensor expected'); },
    'unsupported-dtype': () => {
      const [l, r] = tensors();
      if (![l.dtype, r.dtype].every((d) => isFloatDType(d) && p.dtypes.includes(d))) raise('RuntimeError', 'unsupported dtype');
      if (p.mixedDtypes === 'promote' && !p.dtypes.includes(promote(l.dtype as FloatDType, r.dtype as FloatDType))) raise('RuntimeError', 'unsupported promoted dtype');
    },
    'dtype-mismatch': () => { const [l, r] = tensors(); if (p.mixedDtypes === 'error' && l.dtype !== r.dtype) raise('TypeError', 'dtype mismatch'); },
    'shape-mismatch': () => { const [l, r] = tensors(); if (l.shape.join() !== r.shape.join() || l.shape.length !== r.shape.length) raise('ValueError', 'shape mismatch'); },
    'beta-out-of-range': () => { const b = readBeta(a.beta, reading); if (!(p.beta.rule === 'gt0' ? b > 0 : b >= 0)) raise('RuntimeError', 'beta out of range'); },
  };
  for (const k of spec.checkOrder) rules[k]();
  const [l, r] = tensors();
  const n = numel(l.shape);
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = elementToNumber(l, i);
    y[i] = elementToNumber(r, i);
  }
  const reduction = (a.reduction ? (a.reduction as { value: string }).value : spec.defaults.reduction) as Reduction;
  return { x, y, shape: [...l.shape], dtype: promote(l.dtype as FloatDType, r.dtype as FloatDType), beta: readBeta(a.beta, reading), reduction };
}

function finish(p: Prepared, losses: Float64Array, reduce: (L: Float64Array) => number): Tensor {
  if (p.reduction === 'none') return tensorFromNumbers(p.dtype, p.shape, losses);
  const s = reduce(losses);
  if (p.reduction === 'sum') return tensorFromNumbers(p.dtype, [], [s]);
  // a sum that overflows where no loss does: the mean of the losses scaled by 2^-64, scaled back
  const mean = s === Infinity && losses.every((v) => Number.isFinite(v)) ? (reduce(losses.map((v) => v * 2 ** -64)) / losses.length) * 2 ** 64 : s / losses.length;
  return tensorFromNumbers(p.dtype, [], [mean]);
}

/**
 * 1. wide: every dtype computed in double, beta as given (PyTorch's reading) for the range
 * check and the arithmetic, rounded once to the output dtype; sums in double, index order.
 */
function wide(args: CallArgs, ctx: RunContext): Tensor {
  const p = prepare(args, ctx.profile, 'given');
  const L = p.x.map((xi, i) => {
    const ad = Math.abs(xi - p.y[i]);
    // |d| beyond the largest double (finite inputs): halve d and beta, double the loss
    if (ad === Infinity && Number.isFinite(xi) && Number.isFinite(p.y[i])) {
      const h = Math.abs(xi / 2 - p.y[i] / 2);
      return 2 * (h < p.beta / 2 ? 0.5 * h * (h / (p.beta / 2)) : h - p.beta / 4);
    }
    return ad < p.beta ? (0.5 * ad * ad) / p.beta : ad - p.beta / 2;
  });
  // 0.5 * ad * ad can overflow a double only for |d| > 1e154 (inf, or inf / inf = NaN for
  // beta = inf); then the result needs (0.5 * ad) * (ad / beta).
  for (let i = 0; i < L.length; i++) {
    if (!Number.isFinite(L[i])) {
      const ad = Math.abs(p.x[i] - p.y[i]);
      if (Number.isFinite(ad) && ad < p.beta) L[i] = 0.5 * ad * (ad / p.beta);
    }
    if (L[i] === 0 && p.beta !== Infinity) {
      const ad = Math.abs(p.x[i] - p.y[i]);
      if (ad !== 0 && ad < p.beta) L[i] = 0.5 * ad * (ad / p.beta); // d*d underflowed
    }
  }
  return finish(p, L, (v) => v.reduce((s, t) => s + t, 0));
}

/**
 * 2. native: each operation rounded to nearest in the dtype's own precision (float16 and
 * bfloat16 included), in the order (0.5·|d|)·(|d|/β) that cannot overflow where the loss
 * does not; β stays its float32 value (rounding 70000 to float16 would overflow); sums
 * accumulated in float32 (half types, float32) or double, in reverse index order.
 */
function native(args: CallArgs, ctx: RunContext): Tensor {
  const p = prepare(args, ctx.profile, 'float32');
  const f = floatFormat(p.dtype);
  const r = p.dtype === 'float64' ? (v: number) => v : (v: number) => f.round(v);
  const b = p.beta;
  const loss = (ad: number, beta: number) => (ad < beta ? r(r(0.5 * ad) * r(ad / beta)) : r(ad - 0.5 * beta));
  const L = p.x.map((xi, i) => {
    const ad = Math.abs(r(xi - p.y[i]));
    // x - y overflows the dtype where the loss need not: L(d; beta) = 2 L(d/2; beta/2)
    if (ad === Infinity && Number.isFinite(xi) && Number.isFinite(p.y[i])) return r(2 * loss(Math.abs(r(xi / 2 - p.y[i] / 2)), b / 2));
    return loss(ad, b);
  });
  const acc = p.dtype === 'float64' ? (v: number) => v : Math.fround;
  return finish(p, L, (v) => {
    let s = 0;
    for (let i = v.length - 1; i >= 0; i--) s = acc(s + v[i]);
    return s;
  });
}

function pairwise(v: Float64Array, lo: number, hi: number): number {
  if (hi - lo <= 8) {
    let s = 0;
    for (let i = lo; i < hi; i++) s += v[i];
    return s;
  }
  const mid = (lo + hi) >>> 1;
  return pairwise(v, lo, mid) + pairwise(v, mid, hi);
}

/**
 * 3. reciprocal-pairwise: multiplies by 1/β (computed in double) instead of dividing,
 * works in float32 for formats up to 32 bits and in double for float64, rounds each loss
 * to the output dtype before reducing, sums pairwise in double, and forms the mean as a
 * product with 1/n.
 */
function reciprocalPairwise(args: CallArgs, ctx: RunContext): Tensor {
  const p = prepare(args, ctx.profile, 'float32');
  const out = floatFormat(p.dtype);
  const w = p.dtype === 'float64' ? (v: number) => v : Math.fround;
  const inv = 1 / p.beta;
  const halfBeta = 0.5 * p.beta;
  const L = p.x.map((xi, i) => {
    let ad = Math.abs(w(xi - p.y[i]));
    // a difference beyond the working range (finite inputs): work on halves, double the loss
    const halves = ad === Infinity && Number.isFinite(xi) && Number.isFinite(p.y[i]);
    if (halves) ad = Math.abs(w(xi / 2 - p.y[i] / 2));
    const [b, i2, hb] = halves ? [p.beta / 2, 2 * inv, halfBeta / 2] : [p.beta, inv, halfBeta];
    const v = ad < b ? w(w(0.5 * ad) * w(ad * i2)) : w(ad - hb);
    return out.round(halves ? w(2 * v) : v);
  });
  if (p.reduction === 'none') return tensorFromNumbers(p.dtype, p.shape, L);
  const s = pairwise(L, 0, L.length);
  if (p.reduction === 'sum') return tensorFromNumbers(p.dtype, [], [s]);
  // the mean as a product with 1/n, of the sum, or of the terms where the sum alone overflows
  const mean = s === Infinity && L.every((v) => Number.isFinite(v)) ? pairwise(L.map((v) => v * (1 / L.length)), 0, L.length) : s * (1 / L.length);
  return tensorFromNumbers(p.dtype, [], [mean]);
}

export interface Variant {
  name: string;
  what: string;
  profiles: ProfileName[];
  fn: (args: CallArgs, ctx: RunContext) => Tensor;
}

export const VARIANTS: Variant[] = [
  { name: 'wide', what: 'double arithmetic for every dtype, beta as given, one rounding', profiles: ['cpu', 'gpu', 'ascend'], fn: wide },
  { name: 'native', what: "each step rounded in the dtype's own precision, overflow-safe order, float32 accumulation in reverse order", profiles: ['cpu', 'gpu', 'ascend'], fn: native },
  { name: 'reciprocal-pairwise', what: 'multiply by 1/beta, losses rounded before a pairwise sum, mean times 1/n', profiles: ['cpu', 'gpu', 'ascend'], fn: reciprocalPairwise },
];
