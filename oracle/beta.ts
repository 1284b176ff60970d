/**
 * beta, one representation through the oracle (spec/smooth-l1-loss.md 4.1). A call's beta
 * argument has two readings: its float32 value (MindSpore's storage, the one expected
 * values use by default) and its exact value as given (a float's float64, an int's exact
 * integer of any size, a bool's 0 or 1). Each reading is a `Beta`: an exact dyadic number
 * with its odd mantissa (so 1/(2 beta) has the odd denominator the exact reductions share),
 * the same value as a double where it is one, or an infinity, or NaN.
 */
import { floatFormat, pow2 } from '../common/float-format.js';
import { profilesSpec } from '../common/spec-data.js';
import type { ArgValue, BetaSource } from '../common/types.js';
import { bitLength, dyadicOf, roundScaled, type Dyadic } from './exact.js';

export type { BetaSource };
export const BETA_SOURCES: readonly BetaSource[] = ['float32', 'given'];

/**
 * An exact beta. Finite: `dy` = m * 2^e with m odd (m = 0 for a zero), the sign in m and
 * in `neg` (-0 has m = 0 and neg set); `value` is the same number as a double, or null
 * where it is not one (an int beyond binary64's precision or range).
 */
export type Beta = { kind: 'finite'; neg: boolean; dy: Dyadic; value: number | null } | { kind: 'inf'; neg: boolean } | { kind: 'nan' };

/** Both readings of one beta argument. */
export type BetaReadings = Record<BetaSource, Beta>;

/** m * 2^e with m made odd (or 0). */
function oddDyadic(m: bigint, e: number): Dyadic {
  if (m === 0n) return { m: 0n, e: 0 };
  let a = m < 0n ? -m : m;
  // strip trailing zero bits: count them with one BigInt AND per bit only for the low bits
  let shift = 0;
  while ((a & 0xffffffffn) === 0n) {
    a >>= 32n;
    shift += 32;
  }
  while ((a & 1n) === 0n) {
    a >>= 1n;
    shift += 1;
  }
  return { m: m < 0n ? -a : a, e: e + shift };
}

/** The double equal to an odd dyadic, or null when it is not a double. */
function doubleOf(dy: Dyadic): number | null {
  if (dy.m === 0n) return 0;
  const a = dy.m < 0n ? -dy.m : dy.m;
  const bits = bitLength(a);
  // a double holds 53 significant bits, an exponent down to 2^-1074 for the last bit and a top below 2^1024
  if (bits > 53 || dy.e < -1074 || dy.e + bits > 1024) return null;
  const v = Number(a) * pow2(dy.e);
  return dy.m < 0n ? -v : v;
}

/** The Beta equal to a double. */
export function betaOfNumber(v: number): Beta {
  if (v !== v) return { kind: 'nan' };
  if (v === Infinity || v === -Infinity) return { kind: 'inf', neg: v < 0 };
  const d = dyadicOf(v);
  return { kind: 'finite', neg: v < 0 || Object.is(v, -0), dy: oddDyadic(d.m, d.e), value: v };
}

/** The Beta equal to an integer of any size. */
export function betaOfInteger(v: bigint): Beta {
  const dy = oddDyadic(v, 0);
  return { kind: 'finite', neg: v < 0n, dy, value: doubleOf(dy) };
}

/** The float32 value of a beta argument (absent = the documented default), as a double. */
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
      // Two roundings (spec/smooth-l1-loss.md 4.1): MindSpore's Python front end reads an
      // int as a Python float, a double, before the kernel's float32 attribute takes it.
      // Each rounds to nearest even; an int beyond binary64's range becomes +-inf (IEEE
      // overflow; Python's float() raises OverflowError there, and the suite holds the
      // documented reading instead, see the spec). Rounding once differs, e.g. for
      // 2^60 + 2^36 + 1 (2^60 + 2^37 once, 2^60 twice: the double 2^60 + 2^36 is a tie).
      const v = arg.value;
      const asDouble = roundScaled(v < 0n, v < 0n ? -v : v, 1n, 0, floatFormat('float64'), 0);
      return fmt.round(asDouble);
    }
    default:
      throw new Error(`beta: a ${arg.type} has no numeric value (expected float, int or bool)`);
  }
}

/**
 * One reading of a beta argument: 'float32' is its float32 value (an int's through its
 * double, see betaValue); 'given' is the value as
 * the caller wrote it (a float's float64, an int's exact integer of any size, a bool's 0
 * or 1; absent = the documented default).
 */
export function betaReading(arg: ArgValue | undefined, source: BetaSource): Beta {
  if (source === 'float32' || arg === undefined || arg.type === 'bool') return betaOfNumber(betaValue(arg));
  if (arg.type === 'float') return betaOfNumber(arg.value);
  if (arg.type === 'int') return betaOfInteger(arg.value);
  throw new Error(`beta: a ${arg.type} has no numeric value (expected float, int or bool)`);
}

export function betaReadings(arg: ArgValue | undefined): BetaReadings {
  return { float32: betaReading(arg, 'float32'), given: betaReading(arg, 'given') };
}

/** The sign class of a beta for the profile range rules: -1 (negative), 0 (either zero), 1 (positive), NaN. */
export function betaSign(b: Beta): number {
  if (b.kind === 'nan') return NaN;
  if (b.kind === 'inf') return b.neg ? -1 : 1;
  return b.dy.m === 0n ? 0 : b.dy.m < 0n ? -1 : 1;
}

/** The nearest double to a beta (exact where `value` is set; an int beyond binary64 rounds, to ±inf past its range). */
export function betaNumber(b: Beta): number {
  if (b.kind === 'nan') return NaN;
  if (b.kind === 'inf') return b.neg ? -Infinity : Infinity;
  if (b.value !== null) return b.value;
  const m = b.dy.m;
  return roundScaled(m < 0n, m < 0n ? -m : m, 1n, b.dy.e, floatFormat('float64'), 0);
}
