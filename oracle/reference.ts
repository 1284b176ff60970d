/**
 * computeReference: the exact SmoothL1Loss of the documentation, correctly rounded to
 * the output dtype. Pure math, no profile rules (oracle/expect.ts applies those):
 *   d = x - y,  L = 0.5 d^2 / beta  if |d| < beta  else  |d| - 0.5 beta,
 * with IEEE semantics through the formula for NaN and infinities (a NaN comparison takes
 * the 'otherwise' branch), then reduction none / sum / mean of the exact values.
 *
 * Every input element is a dyadic rational (all formats fit in binary64), beta is the
 * float32 value of the argument, and only one non-dyadic quantity exists: 1/beta. So a
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
  /** beta as used: its float32 value (a double). */
  beta: number;
  /** Input element values (exact: every float format fits in binary64). */
  x: Float64Array;
  y: Float64Array;
  /** Correctly rounded exact result per output element (NaN where the result is NaN). */
  expected: Float64Array;
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
  value: number;
  dy: Dyadic; // odd mantissa (or 0)
}

function betaParts(beta: number): BetaParts {
  // Non-finite betas never reach the dyadic paths (elementLoss tests them first).
  const dy = Number.isFinite(beta) ? dyadicOf(beta) : { m: 0n, e: 0 };
  let { m, e } = dy;
  if (m !== 0n) {
    while ((m & 1n) === 0n) {
      m >>= 1n;
      e += 1;
    }
  }
  return { value: beta, dy: { m, e } };
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
  if (x !== x || y !== y || beta.value !== beta.value) return Kind.NaN;
  const fx = x === Infinity || x === -Infinity;
  const fy = y === Infinity || y === -Infinity;
  if (fx || fy) {
    if (fx && fy && x === y) return Kind.NaN; // inf - inf
    // |d| = inf: inf < beta is false for every beta, so the linear branch: inf - 0.5*beta.
    return beta.value === Infinity ? Kind.NaN : Kind.Inf;
  }
  const ad = absDiff(x, y, g);
  if (beta.value === Infinity) {
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
  const bp = betaParts(beta);
  const k = elementLoss(x, y, bp, out, BINARY64_GRIDS);
  if (k === Kind.NaN) return { kind: 'nan' };
  if (k === Kind.Inf) return { kind: 'inf', neg: false };
  const v = out.exp >= 0 ? R.of(out.num << BigInt(out.exp)) : R.of(out.num, 1n << BigInt(-out.exp));
  return { kind: 'finite', value: out.quadratic ? R.div(v, R.of(bp.dy.m)) : v };
}

export function computeReference(args: CallArgs, dtype: FloatDType): OracleOutput {
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
  const reduction = reductionValue(args.reduction);
  const bp = betaParts(beta);
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
    return { dtype, shape: [...lt.shape], reduction, inputShape: [...lt.shape], beta, x, y, expected };
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
  return { dtype, shape: [], reduction, inputShape: [...lt.shape], beta, x, y, expected: Float64Array.of(value) };
}

/** Correctly rounded output bit patterns as hex (NaN as the format's canonical NaN). */
export function referenceBits(ref: OracleOutput): string[] {
  const fmt = floatFormat(ref.dtype);
  return Array.from(ref.expected, (v) => fmt.toHex(fmt.encode(v)));
}
