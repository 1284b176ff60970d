/**
 * A faithful SmoothL1Loss written the way a third party would write one against the spec
 * (spec/smooth-l1-loss.md), in plain JS number arithmetic: Math.fround for float32, the
 * float-format codecs for the 16-bit types. It never sees the oracle or the in-repo kernel.
 *
 * Why it is built from named, replaceable steps: each mutant in ./mutants.ts is this
 * implementation with exactly one step replaced by a realistic bug, so a verdict on a
 * mutant is a verdict on that one bug (the baseline passes the whole corpus, which the
 * verdict test asserts first).
 *
 * Numerics of the baseline (what MindSpore's CPU kernel does): float32 and float64 are
 * computed in their own precision, one rounding per operation, the quadratic branch as
 * (0.5·|d|)·(|d|/β) so that no intermediate overflows or underflows where the result does
 * not; float16/bfloat16 are decoded exactly and computed in float32, then rounded once to
 * the half type; where x - y overflows, from the halved inputs and β. Sums are accumulated
 * in double in index order; the mean divides the double sum by n (or sums the terms divided
 * by n where the sum alone overflows); the result is rounded once to the output dtype. β is
 * its float32 value.
 */
import { floatFormat } from '../../../common/float-format.js';
import { isFloatDType, profilesSpec, promote } from '../../../common/spec-data.js';
import type { ErrorKind, ProfileSpec } from '../../../common/spec-data.js';
import { tensorFromNumbers, tensorToNumbers } from '../../../common/tensor.js';
import type { ArgValue, CallArgs, FloatDType, ProfileName, Reduction, RunContext, Tensor } from '../../../common/types.js';

/** An exception the operator raises; the module runner reports it by its name. */
export class PyError extends Error {
  constructor(name: 'TypeError' | 'ValueError' | 'RuntimeError', message: string) {
    super(message);
    this.name = name;
  }
}

/** Round a double to a working precision (one IEEE operation's rounding). */
export type Round = (x: number) => number;

export function rounder(dtype: FloatDType): Round {
  if (dtype === 'float64') return (x) => x;
  if (dtype === 'float32') return Math.fround;
  const f = floatFormat(dtype);
  return (x) => f.round(x);
}

/** The element values of a tensor as doubles, in row-major order. */
export type Elements = (t: Tensor) => number[];

/** Everything the front end hands the arithmetic. */
export interface Call {
  profile: ProfileName;
  x: number[];
  y: number[];
  /** The shape the loss is computed over (the inputs' shape). */
  shape: number[];
  outDtype: FloatDType;
  beta: number;
  reduction: Reduction;
}

/** The replaceable steps. `self` is the implementation the step belongs to (for mutants that call other steps). */
export interface Impl {
  /** The checks, one per error kind; each throws the error or returns. Run in spec/profiles.json "checkOrder". */
  checks: Record<ErrorKind, (a: CallArgs, p: ProfileSpec, self: Impl) => void>;
  /** beta as the range check sees it (absent = the default). */
  betaForCheck(v: ArgValue | undefined): number;
  /** beta as the arithmetic uses it. */
  betaForCompute(v: ArgValue | undefined): number;
  /** The reduction name (validated already; absent = the default). */
  reductionOf(v: ArgValue | undefined): Reduction;
  elements: Elements;
  /** The output dtype for the two input dtypes. */
  outputDtype(a: Tensor, b: Tensor, p: ProfileSpec): FloatDType;
  /** Pairs of elements and the shape the loss is computed over (the inputs have the same shape after validation). */
  align(a: Tensor, b: Tensor, self: Impl): { x: number[]; y: number[]; shape: number[] };
  /** The per-element working precision for an output dtype. */
  working(outDtype: FloatDType): Round;
  /** One element's loss in the working precision. */
  loss(x: number, y: number, beta: number, r: Round): number;
  /** The reduction over the per-element losses (already in the working precision); values before the final rounding. */
  reduce(L: number[], shape: number[], reduction: Reduction, outDtype: FloatDType): { shape: number[]; values: number[] };
  /** Round to the output dtype and build the tensor. */
  toOutput(dtype: FloatDType, shape: number[], values: number[]): Tensor;
}

const SPEC = profilesSpec();

export function typeName(v: ArgValue): string {
  return v.type === 'tensor' ? 'Tensor' : v.type === 'none' ? 'NoneType' : v.type;
}

/** A Python number argument's value as a double (ints through their nearest double). */
export function pythonNumber(v: ArgValue & { type: 'float' | 'int' | 'bool' }): number {
  return v.type === 'float' ? v.value : v.type === 'int' ? Number(v.value) : v.value ? 1 : 0;
}

export function tensorArg(v: ArgValue): Tensor {
  if (v.type !== 'tensor') throw new Error('tensor expected after the input-not-tensor check');
  return v.tensor;
}

const sameShape = (a: number[], b: number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

export const baseline: Impl = {
  checks: {
    'beta-bad-type': (a) => {
      const b = a.beta;
      if (b !== undefined && b.type !== 'float' && b.type !== 'int' && b.type !== 'bool') throw new PyError('TypeError', `beta must be a float, int or bool, got ${typeName(b)}`);
    },
    'invalid-reduction': (a) => {
      const r = a.reduction;
      if (r !== undefined && !(r.type === 'str' && (SPEC.reductions as string[]).includes(r.value))) throw new PyError('ValueError', `reduction must be one of ${SPEC.reductions.join(', ')}`);
    },
    'input-not-tensor': (a) => {
      for (const v of [a.logits, a.labels]) if (v.type !== 'tensor') throw new PyError('TypeError', `logits and labels must be Tensors, got ${typeName(v)}`);
    },
    'unsupported-dtype': (a, p) => {
      const da = tensorArg(a.logits).dtype;
      const db = tensorArg(a.labels).dtype;
      for (const d of [da, db]) if (!isFloatDType(d) || !p.dtypes.includes(d)) throw new PyError('RuntimeError', `dtype ${d} is not supported on ${p.title}`);
      if (da !== db && p.mixedDtypes === 'promote' && !p.dtypes.includes(promote(da as FloatDType, db as FloatDType))) throw new PyError('RuntimeError', `promoted dtype is not supported on ${p.title}`);
    },
    'dtype-mismatch': (a, p) => {
      if (p.mixedDtypes === 'error' && tensorArg(a.logits).dtype !== tensorArg(a.labels).dtype) throw new PyError('TypeError', 'logits and labels must have the same dtype');
    },
    'shape-mismatch': (a) => {
      if (!sameShape(tensorArg(a.logits).shape, tensorArg(a.labels).shape)) throw new PyError('ValueError', 'logits and labels must have the same shape');
    },
    'beta-out-of-range': (a, p, self) => {
      const beta = self.betaForCheck(a.beta);
      const ok = p.beta.rule === 'gt0' ? beta > 0 : beta >= 0;
      if (!ok) throw new PyError('RuntimeError', `beta out of range: ${beta}`);
    },
  },
  betaForCheck: (v) => betaFloat32(v),
  betaForCompute: (v) => betaFloat32(v),
  reductionOf: (v) => (v === undefined ? 'none' : ((v as { value: string }).value as Reduction)),
  elements: (t) => Array.from(tensorToNumbers(t)),
  outputDtype: (a, b) => promote(a.dtype as FloatDType, b.dtype as FloatDType),
  align: (a, b, self) => ({ x: self.elements(a), y: self.elements(b), shape: [...a.shape] }),
  working: (out) => (out === 'float64' ? rounder('float64') : rounder('float32')),
  loss: (x, y, beta, r) => {
    const ad = Math.abs(r(x - y));
    return ad < beta ? r(r(0.5 * ad) * r(ad / beta)) : r(ad - r(0.5 * beta));
  },
  reduce: (L, _shape, reduction) => {
    if (reduction === 'none') return { shape: [..._shape], values: L };
    let s = 0;
    for (const v of L) s += v;
    if (reduction === 'sum') return { shape: [], values: [s] };
    let mean = s / L.length;
    if (mean === Infinity && L.every((v) => Number.isFinite(v))) {
      // the sum overflowed although no term did: the mean may be finite (1.7e308 and 1.5e308 give 1.6e308)
      mean = 0;
      for (const v of L) mean += v / L.length;
    }
    return { shape: [], values: [mean] };
  },
  toOutput: (dtype, shape, values) => tensorFromNumbers(dtype, shape, values),
};

/** beta's float32 value (absent: the default 1.0). */
export function betaFloat32(v: ArgValue | undefined): number {
  if (v === undefined) return Math.fround(SPEC.defaults.beta);
  return Math.fround(pythonNumber(v as ArgValue & { type: 'float' | 'int' | 'bool' }));
}

/** beta as given: a float's double, an int's nearest double, a bool's 0/1. */
export function betaGiven(v: ArgValue | undefined): number {
  if (v === undefined) return SPEC.defaults.beta;
  return pythonNumber(v as ArgValue & { type: 'float' | 'int' | 'bool' });
}

/** The implementation as a module-runner function (`smoothL1Loss(args, ctx)`). */
export function asFunction(impl: Impl): (args: CallArgs, ctx: RunContext) => Tensor {
  return (args, ctx) => {
    const p = SPEC.profiles[ctx.profile];
    for (const kind of SPEC.checkOrder) impl.checks[kind](args, p, impl);
    const a = tensorArg(args.logits);
    const b = tensorArg(args.labels);
    const outDtype = impl.outputDtype(a, b, p);
    const beta = impl.betaForCompute(args.beta);
    const reduction = impl.reductionOf(args.reduction);
    const { x, y, shape } = impl.align(a, b, impl);
    const r = impl.working(outDtype);
    // x - y may overflow the working precision where the loss does not (1.7e308 - (-1.7e308)
    // with beta = inf gives 0): the loss is homogeneous, L_beta(d) = 2 L_(beta/2)(d/2), and
    // halving such large inputs is exact.
    const lossOf = (xi: number, yi: number) => (Number.isFinite(xi) && Number.isFinite(yi) && !Number.isFinite(r(xi - yi)) ? r(2 * impl.loss(xi / 2, yi / 2, beta / 2, r)) : impl.loss(xi, yi, beta, r));
    const L = x.map((xi, i) => lossOf(xi, y[i]));
    const red = impl.reduce(L, shape, reduction, outDtype);
    return impl.toOutput(outDtype, red.shape, red.values);
  };
}

/** A copy of the baseline with some steps replaced (checks merged key by key). */
export function withSteps(over: Partial<Omit<Impl, 'checks'>> & { checks?: Partial<Impl['checks']> }): Impl {
  return { ...baseline, ...over, checks: { ...baseline.checks, ...(over.checks ?? {}) } };
}
