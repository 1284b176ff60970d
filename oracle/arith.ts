/**
 * The arithmetic the error model (oracle/level.ts, elementwise.ts, reduction.ts) is
 * written over: an interface with one implementation, exact BigInt rationals, in which the
 * model's bounds are exact. This exact evaluation is the definition the fast path
 * (oracle/fast/) is proven equal to, bit for bit (test/oracle/fast-equality.test.ts,
 * `npm run verify:oracle`), and it is where the fast path sends what it cannot decide.
 */
import type { FloatFormat } from '../common/float-format.js';
import { bitLength, dyadicOf, R, type Dyadic, type Rational } from './exact.js';

/** Rigorous arithmetic for bounds: dir -1 gives a value <= the exact result, +1 one >= it (exact arithmetic ignores dir). */
export interface Arith<T> {
  num(x: number): T;
  add(a: T, b: T, dir: -1 | 1): T;
  sub(a: T, b: T, dir: -1 | 1): T;
  mul(a: T, b: T, dir: -1 | 1): T;
  div(a: T, b: T, dir: -1 | 1): T;
  lt(a: T, b: T): boolean;
  /** 2^k exactly (k may be below the binary64 range: eta of float64 is 2^-1075). */
  pow2(k: number): T;
  /** An exact dyadic (an int beta of any size), rounded in direction dir; null when it is beyond the arithmetic's range (+inf). */
  dyadic(x: Dyadic, dir: -1 | 1): T | null;
  /** Directed rounding to a format (result a double equal to a format value). */
  out(a: T, fmt: FloatFormat, dir: -1 | 1): number;
  /** Round to nearest even in a format. */
  nearest(a: T, fmt: FloatFormat): number;
}

/**
 * Exact rationals. Only powers of two are cancelled eagerly (the model's denominators are
 * powers of two times beta's odd mantissa and a few small odd numbers, so a full gcd per
 * operation would cost more than it saves); comparisons cross-multiply and rounding
 * divides once, exactly (oracle/exact.ts roundScaled).
 */
function trailingZeros(n: bigint): number {
  if (n === 0n) return 0;
  // n & -n isolates the lowest set bit: 2^z
  return bitLength(n & -n) - 1;
}

/** A double as a rational with an odd numerator over a power of two (no gcd needed). */
function rationalOfNumber(x: number): Rational {
  if (!Number.isFinite(x)) throw new RangeError(`rational from non-finite ${x}`);
  const dy = dyadicOf(x);
  if (dy.e >= 0) return { n: dy.m << BigInt(dy.e), d: 1n };
  return make(dy.m, 1n << BigInt(-dy.e));
}

function make(n: bigint, d: bigint): Rational {
  if (d < 0n) {
    n = -n;
    d = -d;
  }
  if (n === 0n) return { n: 0n, d: 1n };
  const z = Math.min(trailingZeros(n), trailingZeros(d));
  if (z > 0) {
    const b = BigInt(z);
    return { n: n >> b, d: d >> b };
  }
  return { n, d };
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

/** a + sign * b over the least common denominator (sums of many terms keep bounded denominators). */
function addRat(a: Rational, b: Rational, sign: 1n | -1n): Rational {
  if (a.d === b.d) return make(a.n + sign * b.n, a.d);
  if (a.n === 0n) return sign === 1n ? b : { n: -b.n, d: b.d };
  if (b.n === 0n) return a;
  const g = gcd(a.d, b.d);
  const da = a.d / g;
  const db = b.d / g;
  return make(a.n * db + sign * b.n * da, a.d * db);
}

export const exactRational: Arith<Rational> = {
  num: (x) => rationalOfNumber(x),
  add: (a, b) => addRat(a, b, 1n),
  sub: (a, b) => addRat(a, b, -1n),
  mul: (a, b) => make(a.n * b.n, a.d * b.d),
  div: (a, b) => {
    if (b.n === 0n) throw new RangeError('exact rational division by zero');
    return make(a.n * b.d, a.d * b.n);
  },
  lt: (a, b) => a.n * b.d < b.n * a.d,
  pow2: (k) => R.pow2(k),
  dyadic: (x) => (x.e >= 0 ? { n: x.m << BigInt(x.e), d: 1n } : make(x.m, 1n << BigInt(-x.e))),
  out: (a, fmt, d) => R.round(a, fmt, d),
  nearest: (a, fmt) => R.round(a, fmt, 0),
};

export { rationalOfNumber };
