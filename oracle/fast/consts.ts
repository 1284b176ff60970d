/**
 * Conversions from the exact model's constants (rationals) to the doubles and
 * double-words the fast path computes with, and small binary64 helpers. Each conversion
 * states its error so the fast path's bounds can account for it.
 */
import { floatFormat } from '../../common/float-format.js';
import { R, type Rational } from '../exact.js';

const f64 = floatFormat('float64');

/** RN64 of a rational (relative error at most 2^-53, or exact). */
export function nearestDouble(r: Rational): number {
  return R.round(r, f64, 0);
}

/** A rational as a double when it is exactly one, else null. */
export function exactDouble(r: Rational): number | null {
  const lo = R.round(r, f64, -1);
  return lo === R.round(r, f64, 1) && Number.isFinite(lo) ? lo : null;
}

/** A double-word [hi, lo] within 2^-104 (relative) of a positive rational in the normal range. */
export function doubleWordOf(r: Rational): [number, number] {
  const hi = R.round(r, f64, 0);
  if (!Number.isFinite(hi) || hi === 0) return [hi, 0];
  const rest = R.sub(r, R.fromNumber(hi));
  return [hi, R.round(rest, f64, 0)];
}

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);

/** The next double above a finite double x >= 0. */
export function nextUp64(x: number): number {
  if (x === 0) return 5e-324;
  F64[0] = x;
  if (U32[0] === 0xffffffff) {
    U32[0] = 0;
    U32[1] += 1;
  } else U32[0] += 1;
  return F64[0];
}

/** The next double below a finite double x > 0. */
export function nextDown64(x: number): number {
  F64[0] = x;
  if (U32[0] === 0) {
    U32[0] = 0xffffffff;
    U32[1] -= 1;
  } else U32[0] -= 1;
  return F64[0];
}
