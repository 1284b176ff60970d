/**
 * The element bounds for float64 outputs in double-word arithmetic (oracle/fast/eft.ts),
 * the analogue of FastBounds.bounds32: relative error below 2^-100, widened by RHO64 by
 * the callers. |d| = a + ae exactly (TwoSum). Covers the region where no underflow
 * allowance applies (eq = 0, t >= N, 0.5 beta normal); else Status.Exact.
 */
import { DD_MAX, DD_MIN, Status, type ModelConstants } from './constants.js';
import { ddAdd, ddMul, ddMulD, fastTwoSum, twoSum, type Pair } from './eft.js';

/** Double-word bounds: lo = loH + loL, hi = hiH + hiL. */
export interface DWBounds {
  loH: number;
  loL: number;
  hiH: number;
  hiL: number;
}

const SCALE_DOWN = 2 ** -400;
const SCALE_UP = 2 ** 400;

export function bounds64(c: ModelConstants, a: number, ae: number, res: DWBounds, r: Pair, q: Pair): Status {
  // dlo = |d| (1 - u), dhi = |d| (1 + u) = |d| + |d| u (u = 2^-53: an exact scaling)
  ddMulD(a, ae, c.c1m, r);
  const dlH = r.hi;
  const dlL = r.lo;
  ddAdd(a, ae, a * 2 ** -53, ae * 2 ** -53, r);
  const dhH = r.hi;
  const dhL = r.lo;
  let quadLo: boolean;
  if (dlH < c.bHiLo) quadLo = true;
  else if (dlH >= c.bHiHi) quadLo = false;
  else return Status.Exact;
  let quadHi: boolean;
  if (dhH < c.bLoLo) quadHi = true;
  else if (dhH >= c.bLoHi) quadHi = false;
  else return Status.Exact;
  if (quadLo && !(dlH >= c.dStar)) return Status.Exact;
  const dd = c.dd;
  let loH = Infinity;
  let loL = 0;
  let hiH = 0;
  let hiL = 0;
  // lmin, lmax as double-words
  let lminH: number, lminL: number, lmaxH: number, lmaxL: number;
  ddMul(dlH, dlL, dlH, dlL, r);
  const dl2H = r.hi;
  const dl2L = r.lo;
  ddMul(dhH, dhL, dhH, dhL, r);
  const dh2H = r.hi;
  const dh2L = r.lo;
  if (quadLo) {
    ddMul(dl2H, dl2L, dd.iB2Hi[0], dd.iB2Hi[1], r);
    lminH = r.hi;
    lminL = r.lo;
  } else {
    // (dlH - hbHi) + dlL, renormalised: dlo >= bHi, so the result is >= dlo / 2
    twoSum(dlH, -c.hbHi, r);
    twoSum(r.lo, dlL, q);
    const h0 = r.hi;
    const l0 = q.hi + q.lo;
    lminH = h0 + l0;
    lminL = l0 - (lminH - h0);
  }
  if (quadHi) {
    ddMul(dh2H, dh2L, dd.iB2Lo[0], dd.iB2Lo[1], r);
    lmaxH = r.hi;
    lmaxL = r.lo;
  } else {
    twoSum(dhH, -c.hbLo, r);
    twoSum(r.lo, dhL, q);
    const h0 = r.hi;
    const l0 = q.hi + q.lo;
    lmaxH = h0 + l0;
    lmaxL = l0 - (lmaxH - h0);
  }
  if (quadLo) {
    ddMul(dl2H, dl2L, dd.kLo[0], dd.kLo[1], r);
    loH = r.hi;
    loL = r.lo;
    if (quadHi) ddMul(dh2H, dh2L, dd.kHi[0], dd.kHi[1], r);
    else ddMul(lmaxH, lmaxL, dd.c3hi[0], dd.c3hi[1], r);
    hiH = r.hi;
    hiL = r.lo;
  }
  if (!quadHi) {
    if (c.halfBetaUnderflows) return Status.Exact;
    if (!(lminH * c.c1m >= c.NHi)) return Status.Exact;
    ddMul(lminH, lminL, dd.c2lo[0], dd.c2lo[1], r);
    if (r.hi < loH || (r.hi === loH && r.lo < loL)) {
      loH = r.hi;
      loL = r.lo;
    }
    ddMul(lmaxH, lmaxL, dd.c2hi[0], dd.c2hi[1], r);
    if (r.hi > hiH || (r.hi === hiH && r.lo > hiL)) {
      hiH = r.hi;
      hiL = r.lo;
    }
  }
  if (!(loH >= DD_MIN && hiH <= DD_MAX)) return Status.Exact;
  res.loH = loH;
  res.loL = loL;
  res.hiH = hiH;
  res.hiL = hiL;
  return Status.Approx;
}

/**
 * |d| far above every covered beta (the linear branch only), scaled by 2^-400 (exact),
 * without Dekker products of the unscaled magnitudes (which would overflow the splitting):
 * lo = (dl - bHi/2)(1 - u)^2, hi = (dh - bLo/2)(1 + u)^2. A dropped part of |d| (its error
 * term scaled below the subnormal range) is below 2^-1300 |d|, far inside the widening.
 */
export function bounds64Large(c: ModelConstants, a: number, ae: number, res: DWBounds, r: Pair, q: Pair): Status {
  if (c.halfBetaUnderflows) return Status.Exact;
  const aS = a * SCALE_DOWN;
  const aeS = ae * SCALE_DOWN;
  const u = 2 ** -53;
  const dd = c.dd;
  // dl = (aS + aeS)(1 - u), dh = (aS + aeS)(1 + u): aS * u is exact, TwoSum exact
  twoSum(aS, -aS * u, r);
  fastTwoSum(r.hi, r.lo + (aeS - aeS * u), r);
  twoSum(r.hi, -c.hbHi * SCALE_DOWN, q);
  fastTwoSum(q.hi, q.lo + r.lo, q);
  ddMul(q.hi, q.lo, dd.c2lo[0], dd.c2lo[1], r);
  const loH = r.hi * SCALE_UP;
  const loL = r.lo * SCALE_UP;
  twoSum(aS, aS * u, r);
  fastTwoSum(r.hi, r.lo + (aeS + aeS * u), r);
  twoSum(r.hi, -c.hbLo * SCALE_DOWN, q);
  fastTwoSum(q.hi, q.lo + r.lo, q);
  ddMul(q.hi, q.lo, dd.c2hi[0], dd.c2hi[1], r);
  const hiH = r.hi * SCALE_UP;
  const hiL = r.lo * SCALE_UP;
  if (!(hiH <= DD_MAX)) return Status.Exact;
  res.loH = loH;
  res.loL = loL;
  res.hiH = hiH;
  res.hiL = hiL;
  return Status.Approx;
}
