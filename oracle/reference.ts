/**
 * computeReference: the exact SmoothL1Loss of the documentation, correctly rounded to
 * the output dtype. Pure math, no profile rules (oracle/expect.ts applies those):
 *   d = x - y,  L = 0.5 d^2 / beta  if |d| < beta  else  |d| - 0.5 beta,
 * with IEEE semantics through the formula for NaN and infinities (a NaN comparison takes
 * the 'otherwise' branch), then reduction none / sum / mean of the exact values.
 *
 * beta is the float32 reading of the argument by default (MindSpore's; option beta:
 * 'given' uses its exact value as given instead, spec/smooth-l1-loss.md 4.1). Values come
 * from the fast path of oracle/fast/loss.ts, exact by proof, with the BigInt path of
 * oracle/exact-loss.ts where the fast path cannot decide (option exact: BigInt for every
 * element, for the tests that prove the two equal). Inputs are read chunk by chunk, never
 * copied whole.
 */
import { floatFormat } from '../common/float-format.js';
import { isFloatDType, profilesSpec } from '../common/spec-data.js';
import type { ArgValue, CallArgs, FloatDType, Reduction } from '../common/types.js';
import { betaReadings, type Beta, type BetaReadings, type BetaSource } from './beta.js';
import { DyadicSum, elementLoss, exactTotal, gridsOf, Kind, roundedElementLoss, betaDenominator, type ElementOut, type Grids } from './exact-loss.js';
import { roundScaled } from './exact.js';
import { LossKernel } from './fast/loss.js';
import { CHUNK, ElementReader, type TensorSource } from './inputs.js';

export interface OracleOutput {
  dtype: FloatDType;
  /** Output shape: the input shape for 'none', [] for 'mean' and 'sum'. */
  shape: number[];
  reduction: Reduction;
  /** Shape of logits/labels. */
  inputShape: number[];
  /** The beta the expected values were computed with (the reading `betaSource`). */
  beta: Beta;
  betaSource: BetaSource;
  /** beta in each reading (spec/tolerances.json "betaValues" picks the admitted ones). */
  betas: BetaReadings;
  /** The inputs (read, never copied or modified). */
  logits: TensorSource;
  labels: TensorSource;
  /** Correctly rounded exact result per output element (NaN where the result is NaN). */
  expected: Float64Array;
  /** Elements the fast path left to the exact BigInt path. */
  exactElements: number;
}

export interface ReferenceOptions {
  /** Which beta the expected values use (default 'float32', MindSpore's). */
  beta?: BetaSource;
  /** 'fast' (default): the fast path with the exact path where it cannot decide; 'exact': BigInt for every element (tests). */
  path?: 'fast' | 'exact';
}

export function reductionValue(arg: ArgValue | undefined): Reduction {
  if (arg === undefined) return profilesSpec().defaults.reduction;
  if (arg.type === 'str' && (profilesSpec().reductions as string[]).includes(arg.value)) return arg.value as Reduction;
  throw new Error(`reduction: expected one of the strings ${profilesSpec().reductions.map((r) => `'${r}'`).join(', ')}, got ${JSON.stringify(arg)}`);
}

function tensorArg(name: string, arg: ArgValue): TensorSource {
  if (arg.type !== 'tensor') throw new Error(`${name}: expected a tensor, got a ${arg.type}`);
  return arg.tensor;
}

/** The pieces of a reference computation that do not depend on the elements. */
export interface ReferenceSetup {
  dtype: FloatDType;
  reduction: Reduction;
  inputShape: number[];
  shape: number[];
  betas: BetaReadings;
  betaSource: BetaSource;
  beta: Beta;
  x: ElementReader;
  y: ElementReader;
  grids: Grids;
}

export function referenceSetup(logits: TensorSource, labels: TensorSource, betaArg: ArgValue | undefined, reductionArg: ArgValue | undefined, dtype: FloatDType, betaSource: BetaSource = 'float32'): ReferenceSetup {
  if (!isFloatDType(dtype)) throw new Error(`computeReference: output dtype ${dtype} is not a float dtype`);
  const x = new ElementReader(logits, 'logits');
  const y = new ElementReader(labels, 'labels');
  if (x.shape.length !== y.shape.length || x.shape.some((s, i) => s !== y.shape[i])) {
    throw new Error(`computeReference: logits shape [${x.shape.join(', ')}] differs from labels shape [${y.shape.join(', ')}]`);
  }
  const betas = betaReadings(betaArg);
  const reduction = reductionValue(reductionArg);
  return {
    dtype,
    reduction,
    inputShape: [...x.shape],
    shape: reduction === 'none' ? [...x.shape] : [],
    betas,
    betaSource,
    beta: betas[betaSource],
    x,
    y,
    grids: gridsOf(x.dtype, y.dtype),
  };
}

export function computeReference(args: CallArgs, dtype: FloatDType, options: ReferenceOptions = {}): OracleOutput {
  const lt = tensorArg('logits', args.logits);
  const yt = tensorArg('labels', args.labels);
  const s = referenceSetup(lt, yt, args.beta, args.reduction, dtype, options.beta ?? 'float32');
  const n = s.x.n;
  const xs = new Float64Array(Math.min(CHUNK, Math.max(n, 1)));
  const ys = new Float64Array(xs.length);
  const base = { dtype, shape: s.shape, reduction: s.reduction, inputShape: s.inputShape, beta: s.beta, betaSource: s.betaSource, betas: s.betas, logits: lt, labels: yt };

  if (options.path === 'exact') {
    const expected = exactReference(s, xs, ys);
    return { ...base, expected, exactElements: s.reduction === 'none' ? n : n };
  }
  const k = new LossKernel(dtype, s.beta, s.grids);
  if (s.reduction === 'none') {
    const expected = new Float64Array(n);
    for (let start = 0; start < n; start += CHUNK) {
      const c = Math.min(CHUNK, n - start);
      s.x.read(start, c, xs);
      s.y.read(start, c, ys);
      for (let i = 0; i < c; i++) expected[start + i] = k.expected(xs[i], ys[i]);
    }
    return { ...base, expected, exactElements: k.exactElements };
  }
  outer: for (let start = 0; start < n; start += CHUNK) {
    const c = Math.min(CHUNK, n - start);
    s.x.read(start, c, xs);
    s.y.read(start, c, ys);
    for (let i = 0; i < c; i++) if (!k.accumulate(xs[i], ys[i])) break outer;
  }
  return { ...base, expected: Float64Array.of(k.total(n, s.reduction)), exactElements: k.exactElements };
}

/** Every element by the exact BigInt path (the slow reference the fast path is proven against). */
function exactReference(s: ReferenceSetup, xs: Float64Array, ys: Float64Array): Float64Array {
  const n = s.x.n;
  const sc: ElementOut = { quadratic: false, num: 0n, exp: 0 };
  if (s.reduction === 'none') {
    const expected = new Float64Array(n);
    for (let start = 0; start < n; start += CHUNK) {
      const c = Math.min(CHUNK, n - start);
      s.x.read(start, c, xs);
      s.y.read(start, c, ys);
      for (let i = 0; i < c; i++) expected[start + i] = roundedElementLoss(xs[i], ys[i], s.beta, s.grids, s.dtype, sc);
    }
    return expected;
  }
  const quad = new DyadicSum();
  const lin = new DyadicSum();
  let nan = false;
  let inf = false;
  outer: for (let start = 0; start < n; start += CHUNK) {
    const c = Math.min(CHUNK, n - start);
    s.x.read(start, c, xs);
    s.y.read(start, c, ys);
    for (let i = 0; i < c; i++) {
      const k = elementLoss(xs[i], ys[i], s.beta, sc, s.grids);
      if (k === Kind.NaN) {
        nan = true;
        break outer;
      }
      if (k === Kind.Inf) inf = true;
      else if (sc.quadratic) quad.add(sc.num, sc.exp);
      else lin.add(sc.num, sc.exp);
    }
  }
  let value: number;
  if (nan || (s.reduction === 'mean' && n === 0)) value = NaN;
  else if (inf) value = Infinity;
  else {
    const t = exactTotal({ m: quad.m, e: quad.e }, { m: lin.m, e: lin.e }, betaDenominator(s.beta));
    value = roundScaled(false, t.num, s.reduction === 'mean' ? t.den * BigInt(n) : t.den, t.exp, floatFormat(s.dtype), 0);
  }
  return Float64Array.of(value);
}

/** Correctly rounded output bit patterns as hex (NaN as the format's canonical NaN). */
export function referenceBits(ref: OracleOutput): string[] {
  const fmt = floatFormat(ref.dtype);
  return Array.from(ref.expected, (v) => fmt.toHex(fmt.encode(v)));
}
