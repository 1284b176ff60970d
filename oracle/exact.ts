/**
 * Exact arithmetic for the oracle: dyadic numbers (BigInt mantissa times a power of two),
 * general rationals (for 1/beta, which is not dyadic) and correct rounding of an exact
 * rational to any float format in any direction. Nothing here rounds through floating
 * point: doubles appear only as exactly representable inputs and as the final,
 * correctly rounded results.
 */
import { binaryExponent, pow2, type FloatFormat } from '../common/float-format.js';

/** m * 2^e, exactly. */
export interface Dyadic {
  m: bigint;
  e: number;
}

/**
 * The exact dyadic value of a finite double, with the quantum of a format that holds it
 * (default binary64): m has at most fractionBits + 1 bits, so values from narrow formats
 * give small integers and cheap BigInt arithmetic. A value off that format's grid
 * throws (BigInt of a non-integer).
 */
export function dyadicOf(x: number, fractionBits = 52, emin = -1022): Dyadic {
  if (x === 0) return { m: 0n, e: 0 };
  let e = binaryExponent(x < 0 ? -x : x);
  if (e < emin) e = emin; // subnormal: the quantum stays 2^(emin - fractionBits)
  e -= fractionBits;
  // x / 2^e is an integer below 2^(fractionBits+1) (a power-of-two scaling, exact).
  return { m: BigInt(x / pow2(e)), e };
}

const POW2_1023 = 1n << 1023n;

/** Number of bits of n > 0 (floor(log2 n) + 1). */
export function bitLength(n: bigint): number {
  if (n < 0n) n = -n;
  if (n === 0n) return 0;
  if (n <= 0x1fffffffffffffn) return binaryExponent(Number(n)) + 1;
  if (n < POW2_1023) {
    // Number(n) is n rounded to 53 bits: its exponent is floor(log2 n) or one more
    // (when rounding carried to a power of two); one comparison decides.
    const e = binaryExponent(Number(n));
    return n < 1n << BigInt(e) ? e : e + 1;
  }
  // drop whole blocks of 960 bits until the rest fits a double's exponent range
  let shift = 0;
  let m = n;
  while (m >= POW2_1023) {
    m >>= 960n;
    shift += 960;
  }
  return shift + bitLength(m);
}

/** Rounding direction: 0 nearest-even, -1 toward -inf, +1 toward +inf. */
export type Dir = -1 | 0 | 1;

/**
 * Round sign * num / den * 2^exp2 (num >= 0, den > 0) to the format, as a double.
 * Finds floor(log2 |v|) exactly, scales to an integer quotient with p significant bits
 * (fewer in the subnormal range), and decides the last bit from the remainder.
 */
export function roundScaled(neg: boolean, num: bigint, den: bigint, exp2: number, fmt: FloatFormat, dir: Dir): number {
  if (num === 0n) return neg ? -0 : 0;
  const k = bitLength(num) - bitLength(den);
  // v >= 2^(k + exp2) <=> num >= den * 2^k
  const ge = k >= 0 ? num >= den << BigInt(k) : num << BigInt(-k) >= den;
  let e = k + exp2 - (ge ? 0 : 1);
  if (e < fmt.emin) e = fmt.emin;
  if (e > fmt.emax + 1) e = fmt.emax + 1; // beyond range: any e here overflows the same way
  const qe = e - fmt.fractionBits;
  const s = exp2 - qe;
  let N = num;
  let D = den;
  if (s >= 0) N = num << BigInt(s);
  else D = den << BigInt(-s);
  let q = N / D;
  const r = N - q * D;
  // Magnitude rounding: away from zero for RN above the half (ties to even) or for a
  // directed rounding that points away from zero.
  const away = dir === 0 ? 2n * r > D || (2n * r === D && (q & 1n) === 1n) : r !== 0n && (dir > 0) !== neg;
  if (away) q += 1n;
  let v = Number(q) * pow2(qe);
  if (v > fmt.maxFinite) v = dir === 0 || (dir > 0) !== neg ? Infinity : fmt.maxFinite;
  return neg ? -v : v;
}

export function roundDyadic(x: Dyadic, fmt: FloatFormat, dir: Dir): number {
  return roundScaled(x.m < 0n, x.m < 0n ? -x.m : x.m, 1n, x.e, fmt, dir);
}

/** Exact rational n / d with d > 0 (normalised by gcd when asked). */
export interface Rational {
  n: bigint;
  d: bigint;
}

function gcd(a: bigint, b: bigint): bigint {
  if (a < 0n) a = -a;
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

export const R = {
  of(n: bigint, d = 1n): Rational {
    if (d === 0n) throw new RangeError('rational with zero denominator');
    if (d < 0n) [n, d] = [-n, -d];
    const g = gcd(n, d);
    return g > 1n ? { n: n / g, d: d / g } : { n, d };
  },
  fromDyadic(x: Dyadic): Rational {
    return x.e >= 0 ? R.of(x.m << BigInt(x.e)) : R.of(x.m, 1n << BigInt(-x.e));
  },
  fromNumber(x: number): Rational {
    if (!Number.isFinite(x)) throw new RangeError(`rational from non-finite ${x}`);
    return R.fromDyadic(dyadicOf(x));
  },
  add: (a: Rational, b: Rational): Rational => R.of(a.n * b.d + b.n * a.d, a.d * b.d),
  sub: (a: Rational, b: Rational): Rational => R.of(a.n * b.d - b.n * a.d, a.d * b.d),
  mul: (a: Rational, b: Rational): Rational => R.of(a.n * b.n, a.d * b.d),
  div: (a: Rational, b: Rational): Rational => R.of(a.n * b.d, a.d * b.n),
  cmp: (a: Rational, b: Rational): number => {
    const l = a.n * b.d;
    const r = b.n * a.d;
    return l < r ? -1 : l > r ? 1 : 0;
  },
  min: (a: Rational, b: Rational): Rational => (R.cmp(a, b) <= 0 ? a : b),
  max: (a: Rational, b: Rational): Rational => (R.cmp(a, b) >= 0 ? a : b),
  pow2(k: number): Rational {
    return k >= 0 ? { n: 1n << BigInt(k), d: 1n } : { n: 1n, d: 1n << BigInt(-k) };
  },
  round(a: Rational, fmt: FloatFormat, dir: Dir): number {
    const neg = a.n < 0n;
    return roundScaled(neg, neg ? -a.n : a.n, a.d, 0, fmt, dir);
  },
  toString: (a: Rational): string => (a.d === 1n ? `${a.n}` : `${a.n}/${a.d}`),
};

/** Extended exact values of the reference: a finite rational, an infinity, or NaN. */
export type ExtValue = { kind: 'finite'; value: Rational } | { kind: 'inf'; neg: boolean } | { kind: 'nan' };

/**
 * A binary float with a BigInt significand of at most `precision` bits and an unbounded
 * exponent: value = m * 2^e. Operations round outward in a given direction, so chains of
 * them give rigorous bounds with a relative slack of 2^-precision per operation, and no
 * number ever grows past about twice the precision (a gcd-normalised rational would grow
 * with every underflow constant such as 2^-1022).
 */
export interface BigFloat {
  m: bigint;
  e: number;
}

export function bigFloatOps(precision: number) {
  const P = precision;
  /** Round m * 2^e to P bits: dir -1 toward -inf, +1 toward +inf. */
  const norm = (m: bigint, e: number, dir: -1 | 1, sticky = false): BigFloat => {
    const neg = m < 0n;
    let a = neg ? -m : m;
    const len = bitLength(a);
    if (len <= P && !sticky) return { m, e };
    let shift = len - P;
    if (shift < 0) shift = 0;
    const sb = BigInt(shift);
    let q = a >> sb;
    const inexact = sticky || (shift > 0 && q << sb !== a);
    if (inexact && (dir > 0) !== neg) q += 1n;
    a = q;
    return { m: neg ? -a : a, e: e + shift };
  };
  const top = (x: BigFloat): number => bitLength(x.m) + x.e; // |x| < 2^top
  const add = (a: BigFloat, b: BigFloat, dir: -1 | 1): BigFloat => {
    if (a.m === 0n) return b;
    if (b.m === 0n) return a;
    // A much smaller operand only decides the direction of rounding: replace it by a
    // same-signed value still below a quarter ulp of the larger one.
    const ta = top(a);
    const tb = top(b);
    if (ta - tb > P + 4) b = { m: b.m < 0n ? -1n : 1n, e: ta - P - 5 };
    else if (tb - ta > P + 4) a = { m: a.m < 0n ? -1n : 1n, e: tb - P - 5 };
    const e = Math.min(a.e, b.e);
    return norm((a.m << BigInt(a.e - e)) + (b.m << BigInt(b.e - e)), e, dir);
  };
  const neg = (a: BigFloat): BigFloat => ({ m: -a.m, e: a.e });
  return {
    num(x: number): BigFloat {
      return dyadicOf(x);
    },
    add,
    sub: (a: BigFloat, b: BigFloat, dir: -1 | 1) => add(a, neg(b), dir),
    mul: (a: BigFloat, b: BigFloat, dir: -1 | 1) => norm(a.m * b.m, a.e + b.e, dir),
    div(a: BigFloat, b: BigFloat, dir: -1 | 1): BigFloat {
      if (b.m === 0n) throw new RangeError('BigFloat division by zero');
      if (a.m === 0n) return a;
      const na = a.m < 0n;
      const nb = b.m < 0n;
      const ma = na ? -a.m : a.m;
      const mb = nb ? -b.m : b.m;
      // enough quotient bits for P plus rounding: shift the dividend
      let s = P + 2 + bitLength(mb) - bitLength(ma);
      if (s < 0) s = 0;
      const num = ma << BigInt(s);
      const q = num / mb;
      const inexact = q * mb !== num;
      const m = na !== nb ? -q : q;
      return norm(m, a.e - b.e - s, dir, inexact);
    },
    cmp(a: BigFloat, b: BigFloat): number {
      const d = add(a, neg(b), 1); // exact sign: a rounding never crosses zero
      return d.m < 0n ? -1 : d.m > 0n ? 1 : 0;
    },
    /** An exact dyadic rounded to P bits in direction dir. */
    fromDyadic: (x: Dyadic, dir: -1 | 1): BigFloat => norm(x.m, x.e, dir),
  };
}
