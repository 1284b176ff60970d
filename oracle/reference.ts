/**
 * computeReference: the exact SmoothL1Loss of the documentation, correctly rounded to
 * the output dtype. Pure math, no profile rules (oracle/expect.ts applies those):
 *   d = x - y,  L = 0.5 d^2 / beta  if |d| < beta  else  |d| - 0.5 beta,
 * with IEEE semantics through the formula for NaN and infinities (a NaN comparison takes
 * the 'otherwise' branch), then reduction none / sum / mean of the exact values.
 *
 * Every input element is a dyadic rational (all formats fit in binary64), beta is the
 * float32 value of the argument (MindSpore's; option beta: 'given' uses the exact value
 * as given instead: the float64 of a float, the exact integer of an int, see
 * spec/smooth-l1-loss.md 4.1), and only one non-dyadic quantity exists: 1/beta. So a
 * quadratic term is (dyadic)/(odd part of beta's mantissa) and a sum of quadratic terms
 * has that common denominator; the reductions never need a gcd.
 */
import { floatFormat } from '../common/float-format.js';
import { isFloatDType, profilesSpec } from '../common/spec-data.js';
import { elementToNumber, numel } from '../common/tensor.js';
import type { ArgValue, CallArgs, FloatDType, Reduction, Tensor } from '../common/types.js';
import { bitLength, dyadicOf, roundScaled, type Dyadic, type ExtValue, R } from './exact.js';

export interface OracleOutput {
  dtype: FloatDType;
  /** Output shape: the input shape for 'none', [] for 'mean' and 'sum'. */
  shape: number[];
  reduction: Reduction;
  /** Shape of logits/labels. */
  inputShape: number[];
  /** beta's float32 value (a double): MindSpore's beta, whichever beta the expected values use. */
  beta: number;
  /** The beta the expected values were computed with (default 'float32'). */
  betaSource: BetaSource;
  /** beta's exact value in each reading (spec/tolerances.json "betaValues" picks the admitted ones). */
  betas: Record<BetaSource, ExactBeta>;
  /** Input element values (exact: every float format fits in binary64). */
  x: Float64Array;
  y: Float64Array;
  /** Correctly rounded exact result per output element (NaN where the result is NaN). */
  expected: Float64Array;
}

/** Which value of beta: its float32 value (MindSpore's storage) or the exact value as given. */
export type BetaSource = 'float32' | 'given';
export const BETA_SOURCES: readonly BetaSource[] = ['float32', 'given'];

/** An exact beta: a finite dyadic (m carries the sign; -0 is m = 0, neg set), an infinity, or NaN. */
export type ExactBeta = { kind: 'finite'; dy: Dyadic; neg: boolean } | { kind: 'inf'; neg: boolean } | { kind: 'nan' };

function exactOfNumber(v: number): ExactBeta {
  if (v !== v) return { kind: 'nan' };
  if (v === Infinity || v === -Infinity) return { kind: 'inf', neg: v < 0 };
  return { kind: 'finite', dy: dyadicOf(v), neg: v < 0 || Object.is(v, -0) };
}

/**
 * The exact value of a beta argument in one reading: 'float32' is betaValue's float32
 * value; 'given' is the value as the caller wrote it (a float's float64, an int's exact
 * integer of any size, a bool's 0 or 1; absent = the documented default).
 */
export function exactBeta(arg: ArgValue | undefined, source: BetaSource): ExactBeta {
  if (source === 'float32' || arg === undefined || arg.type === 'bool') return exactOfNumber(betaValue(arg));
  if (arg.type === 'float') return exactOfNumber(arg.value);
  if (arg.type === 'int') return { kind: 'finite', dy: { m: arg.value, e: 0 }, neg: arg.value < 0n };
  throw new Error(`beta: a ${arg.type} has no numeric value (expected float, int or bool)`);
}

/** The sign class of an exact beta for the profile range rules: -1 (negative), 0 (either zero), 1 (positive), NaN. */
export function betaSign(b: ExactBeta): number {
  if (b.kind === 'nan') return NaN;
  if (b.kind === 'inf') return b.neg ? -1 : 1;
  return b.dy.m === 0n ? 0 : b.dy.m < 0n ? -1 : 1;
}

/** The float32 value of a beta argument (absent = the documented default). */
export function betaValue(arg: ArgValue | undefined): number {
  const ps = profilesSpec();
  const fmt = floatFormat(ps.betaStorage);
  if (arg === undefined) return fmt.round(ps.defaults.beta);
  switch (arg.type) {
    case 'float':
      return fmt.round(arg.value);
    case 'bool':
      return arg.value ? 1 : 0;
    case 'int': {
      // Python ints have any size: round the exact integer, overflowing to inf.
      const v = arg.value;
      return roundScaled(v < 0n, v < 0n ? -v : v, 1n, 0, fmt, 0);
    }
    default:
      throw new Error(`beta: a ${arg.type} has no numeric value (expected float, int or bool)`);
  }
}

export function reductionValue(arg: ArgValue | undefined): Reduction {
  if (arg === undefined) return profilesSpec().defaults.reduction;
  if (arg.type === 'str' && (profilesSpec().reductions as string[]).includes(arg.value)) return arg.value as Reduction;
  throw new Error(`reduction: expected one of the strings ${profilesSpec().reductions.map((r) => `'${r}'`).join(', ')}, got ${JSON.stringify(arg)}`);
}

function tensorArg(name: string, arg: ArgValue): Tensor {
  if (arg.type !== 'tensor') throw new Error(`${name}: expected a tensor, got a ${arg.type}`);
  return arg.tensor;
}

function valuesOf(name: string, t: Tensor): Float64Array {
  const n = numel(t.shape);
  const out = new Float64Array(n);
  if (t.data instanceof Float64Array || (t.data instanceof Float32Array && t.dtype === 'float32')) {
    out.set(t.data.subarray(0, n));
    return out;
  }
  if (t.data instanceof Uint16Array && isFloatDType(t.dtype) && t.data.length === n) {
    floatFormat(t.dtype).decodeMany(t.data, out);
    return out;
  }
  try {
    for (let i = 0; i < n; i++) out[i] = elementToNumber(t, i);
  } catch (e) {
    throw new Error(`${name}: ${(e as Error).message}`);
  }
  return out;
}

/** beta as odd mantissa * 2^e (beta > 0 finite), so 1/(2 beta) has denominator mb. */
interface BetaParts {
  nan: boolean;
  /** +inf (a -inf beta, never valid, is treated as its dyadic 0 in pure-math use) */
  posInf: boolean;
  dy: Dyadic; // odd mantissa (or 0)
}

function betaParts(beta: ExactBeta): BetaParts {
  // Non-finite betas never reach the dyadic paths (elementLoss tests them first).
  const dy = beta.kind === 'finite' ? beta.dy : { m: 0n, e: 0 };
  let { m, e } = dy;
  if (m !== 0n) {
    while ((m & 1n) === 0n) {
      m >>= 1n;
      e += 1;
    }
  }
  return { nan: beta.kind === 'nan', posInf: beta.kind === 'inf' && !beta.neg, dy: { m, e } };
}

/** Exact |x - y| of finite doubles. */
/** The grids (fraction bits, emin) of the logits' and labels' formats. */
interface Grids {
  xf: number;
  xe: number;
  yf: number;
  ye: number;
}
const BINARY64_GRIDS: Grids = { xf: 52, xe: -1022, yf: 52, ye: -1022 };
function gridsOf(a: FloatDType, b: FloatDType): Grids {
  const fa = floatFormat(a);
  const fb = floatFormat(b);
  return { xf: fa.fractionBits, xe: fa.emin, yf: fb.fractionBits, ye: fb.emin };
}

function absDiff(x: number, y: number, g: Grids): Dyadic {
  const a = dyadicOf(x, g.xf, g.xe);
  const b = dyadicOf(y, g.yf, g.ye);
  let m: bigint;
  let e: number;
  if (a.e <= b.e) {
    e = a.e;
    m = a.m - (b.m << BigInt(b.e - a.e));
  } else {
    e = b.e;
    m = (a.m << BigInt(a.e - b.e)) - b.m;
  }
  return { m: m < 0n ? -m : m, e };
}

/** |d| < beta for finite |d| >= 0 and finite beta. */
function lessThanBeta(ad: Dyadic, beta: Dyadic): boolean {
  if (beta.m <= 0n) return false;
  if (ad.m === 0n) return true;
  // Compare by magnitude first (cheap), then exactly.
  const la = bitLength(ad.m) + ad.e;
  const lb = bitLength(beta.m) + beta.e;
  if (la !== lb) return la < lb;
  const e = Math.min(ad.e, beta.e);
  return ad.m << BigInt(ad.e - e) < beta.m << BigInt(beta.e - e);
}

/** Element classes of the exact loss. */
const enum Kind {
  Finite,
  Inf,
  NaN,
}

/**
 * The exact loss of one element. Finite results are returned through the out-parameter
 * `acc` as (quadratic, num, exp) so callers can either round them or accumulate them:
 *   quadratic: L = num * 2^exp / (2 * mb) with beta = mb * 2^eb folded into exp;
 *   linear:    L = num * 2^exp.
 */
interface ElementOut {
  quadratic: boolean;
  num: bigint;
  exp: number;
}

function elementLoss(x: number, y: number, beta: BetaParts, out: ElementOut, g: Grids): Kind {
  if (x !== x || y !== y || beta.nan) return Kind.NaN;
  const fx = x === Infinity || x === -Infinity;
  const fy = y === Infinity || y === -Infinity;
  if (fx || fy) {
    if (fx && fy && x === y) return Kind.NaN; // inf - inf
    // |d| = inf: inf < beta is false for every beta, so the linear branch: inf - 0.5*beta.
    return beta.posInf ? Kind.NaN : Kind.Inf;
  }
  const ad = absDiff(x, y, g);
  if (beta.posInf) {
    // |d| < inf: 0.5 d^2 / inf = 0 exactly.
    out.quadratic = false;
    out.num = 0n;
    out.exp = 0;
    return Kind.Finite;
  }
  if (lessThanBeta(ad, beta.dy)) {
    // 0.5 d^2 / beta = md^2 * 2^(2 ed) / (mb * 2^(eb + 1))
    out.quadratic = true;
    out.num = ad.m * ad.m;
    out.exp = 2 * ad.e - beta.dy.e - 1;
    return Kind.Finite;
  }
  // |d| - 0.5 beta (beta may be 0 or, in pure-math use, negative)
  const hb = beta.dy.e - 1;
  const e = Math.min(ad.e, hb);
  out.quadratic = false;
  out.num = (ad.m << BigInt(ad.e - e)) - (beta.dy.m << BigInt(hb - e));
  out.exp = e;
  return Kind.Finite;
}

/** The exact loss of one element pair (for tests and reports). */
export function exactElementLoss(x: number, y: number, beta: number): ExtValue {
  const out: ElementOut = { quadratic: false, num: 0n, exp: 0 };
  const bp = betaParts(exactOfNumber(beta));
  const k = elementLoss(x, y, bp, out, BINARY64_GRIDS);
  if (k === Kind.NaN) return { kind: 'nan' };
  if (k === Kind.Inf) return { kind: 'inf', neg: false };
  const v = out.exp >= 0 ? R.of(out.num << BigInt(out.exp)) : R.of(out.num, 1n << BigInt(-out.exp));
  return { kind: 'finite', value: out.quadratic ? R.div(v, R.of(bp.dy.m)) : v };
}

export interface ReferenceOptions {
  /** Which beta the expected values use (default 'float32', MindSpore's). */
  beta?: BetaSource;
}

export function computeReference(args: CallArgs, dtype: FloatDType, options: ReferenceOptions = {}): OracleOutput {
  const fmt = floatFormat(dtype);
  const lt = tensorArg('logits', args.logits);
  const yt = tensorArg('labels', args.labels);
  if (lt.shape.length !== yt.shape.length || lt.shape.some((s, i) => s !== yt.shape[i])) {
    throw new Error(`computeReference: logits shape [${lt.shape.join(', ')}] differs from labels shape [${yt.shape.join(', ')}]`);
  }
  const x = valuesOf('logits', lt);
  const y = valuesOf('labels', yt);
  // valuesOf has checked both are float dtypes
  const grids = gridsOf(lt.dtype as FloatDType, yt.dtype as FloatDType);
  const beta = betaValue(args.beta);
  const betaSource = options.beta ?? 'float32';
  const betas: Record<BetaSource, ExactBeta> = { float32: exactOfNumber(beta), given: exactBeta(args.beta, 'given') };
  const reduction = reductionValue(args.reduction);
  const bp = betaParts(betas[betaSource]);
  const n = x.length;
  const out: ElementOut = { quadratic: false, num: 0n, exp: 0 };
  const mb = bp.dy.m;

  if (reduction === 'none') {
    const expected = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const k = elementLoss(x[i], y[i], bp, out, grids);
      if (k === Kind.NaN) expected[i] = NaN;
      else if (k === Kind.Inf) expected[i] = Infinity;
      else expected[i] = roundScaled(false, out.num, out.quadratic ? mb : 1n, out.exp, fmt, 0);
    }
    return { dtype, shape: [...lt.shape], reduction, inputShape: [...lt.shape], beta, betaSource, betas, x, y, expected };
  }

  // Reductions: sum = Q / mb + Lin with Q = sum of quadratic numerators (dyadic) and Lin
  // the dyadic sum of linear terms. Accumulators are re-aligned when a term has a lower
  // exponent, so every addition is an exact integer addition.
  let qAcc = 0n;
  let qE = 0;
  let qAny = false;
  let lAcc = 0n;
  let lE = 0;
  let nan = false;
  let inf = false;
  for (let i = 0; i < n; i++) {
    const k = elementLoss(x[i], y[i], bp, out, grids);
    if (k === Kind.NaN) {
      nan = true;
      break;
    }
    if (k === Kind.Inf) {
      inf = true;
      continue;
    }
    if (out.num === 0n) continue;
    if (out.quadratic) {
      if (!qAny) {
        qAcc = out.num;
        qE = out.exp;
        qAny = true;
        continue;
      }
      if (out.exp < qE) {
        qAcc <<= BigInt(qE - out.exp);
        qE = out.exp;
      }
      qAcc += out.num << BigInt(out.exp - qE);
    } else {
      if (lAcc === 0n) {
        lAcc = out.num;
        lE = out.exp;
        continue;
      }
      if (out.exp < lE) {
        lAcc <<= BigInt(lE - out.exp);
        lE = out.exp;
      }
      lAcc += out.num << BigInt(out.exp - lE);
    }
  }
  let value: number;
  if (nan || (reduction === 'mean' && n === 0)) value = NaN; // mean of nothing is 0/0
  else if (inf) value = Infinity; // every term is >= 0, so no inf - inf
  else {
    // total = (qAcc * 2^qE + mb * lAcc * 2^lE) / mb
    let num: bigint;
    let exp: number;
    let den: bigint;
    if (qAny) {
      const e = Math.min(qE, lE);
      num = (qAcc << BigInt(qE - e)) + ((mb * lAcc) << BigInt(lE - e));
      exp = e;
      den = mb;
    } else {
      num = lAcc;
      exp = lE;
      den = 1n;
    }
    if (reduction === 'mean') den *= BigInt(n);
    value = roundScaled(false, num, den, exp, fmt, 0);
  }
  return { dtype, shape: [], reduction, inputShape: [...lt.shape], beta, betaSource, betas, x, y, expected: Float64Array.of(value) };
}

/** Correctly rounded output bit patterns as hex (NaN as the format's canonical NaN). */
export function referenceBits(ref: OracleOutput): string[] {
  const fmt = floatFormat(ref.dtype);
  return Array.from(ref.expected, (v) => fmt.toHex(fmt.encode(v)));
}
