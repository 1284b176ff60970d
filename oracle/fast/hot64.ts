/**
 * The value check's hot loops for float64 outputs (oracle/fast/fused.ts): double-word
 * arithmetic written out inline (a call that is not inlined would box its doubles), for
 * the two regions where an element's bounds are a single formula each and no underflow
 * allowance applies (the float64 analogue of HotConstants in bounds.ts):
 * - clearly quadratic (dh < bLo (1 - RHO64), dl >= dStar): with D2 = |d|^2 as a
 *   double-word, lo = D2 (1-u)^2 c3lo / (2 bHi), hi = D2 (1+u)^2 c3hi / (2 bLo), and the
 *   loss L = D2 / (2 beta): three products of D2 with double-word constants;
 * - clearly linear (dl >= bHi (1 + RHO64)): lo = (dl - bHi/2)(1-u)^2,
 *   hi = (dh - bLo/2)(1+u)^2, L = |d| - beta/2.
 * These are the model's bounds exactly (the same algebra as bounds64), with a relative
 * error below 2^-100 (TwoSum/Dekker products exact, double-word products within 7u^2,
 * the constants within 2^-104), widened by RHO64 = 2^-96. Elements outside these regions
 * (or whose decisions are not taken by the widened bracket) are listed for the careful
 * road.
 */
import { R } from '../exact.js';
import type { FastBounds } from './bounds.js';
import { doubleWordOf } from './consts.js';
import type { LossKernel } from './loss.js';
import { addToChunks } from './superacc.js';

const SPLIT = 134217729;
/** ULP64[E]: the binary64 quantum of the binade with biased exponent field E. */
const ULP64 = new Float64Array(2048);
for (let E = 0; E < 2048; E++) ULP64[E] = 2 ** (Math.max(E, 1) - 1075);
const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
const U = 2 ** -53;
const RHO64 = 2 ** -96;
/** |d| range of the hot regions: squares, their Dekker errors and the bounds stay normal and finite. */
const A_MIN = 2 ** -400;
const A_MAX = 2 ** 300;

/** A double-word constant with its high part pre-split for Dekker products. */
interface DW {
  h: number;
  l: number;
  hh: number;
  hl: number;
}
function dw(pair: [number, number]): DW {
  const c = SPLIT * pair[0];
  const hh = c - (c - pair[0]);
  return { h: pair[0], l: pair[1], hh, hl: pair[0] - hh };
}

export interface Hot64 {
  flushBelow: number;
  bLoLo: number;
  bHiHi: number;
  dStar: number;
  kLo: DW;
  kHi: DW;
  c2lo: DW;
  c2hi: DW;
  hbHi: number;
  hbLo: number;
  linSafe: boolean;
  /** The reference beta (the expected values'), beta/2 and 1/(2 beta) as a double-word. */
  b: number;
  hb: number;
  inv2b: DW;
}

export function hot64Constants(fb: FastBounds, loss: LossKernel): Hot64 | null {
  const h = fb.hot64;
  const hb = loss.hotBeta();
  if (h === null || !(hb.b >= h.bLoLo && hb.b * (1 - 2 ** -40) <= h.bHiHi)) return null;
  return { ...h, b: hb.b, hb: hb.hb, inv2b: dw(doubleWordOf(R.div(R.of(1n), R.mul(R.of(2n), R.fromNumber(hb.b))))) };
}

/** The parts of the model's constants the float64 hot loops need (FastBounds builds them). */
export type Hot64Bounds = Omit<Hot64, 'b' | 'hb' | 'inv2b'>;

export function hot64Bounds(c: { flushBelow: number; bLoLo: number; bHiHi: number; dStar: number; kLo: [number, number]; kHi: [number, number]; c2lo: [number, number]; c2hi: [number, number]; hbHi: number; hbLo: number; linSafe: boolean }): Hot64Bounds {
  return { flushBelow: c.flushBelow, bLoLo: c.bLoLo, bHiHi: c.bHiHi, dStar: c.dStar, kLo: dw(c.kLo), kHi: dw(c.kHi), c2lo: dw(c.c2lo), c2hi: dw(c.c2hi), hbHi: c.hbHi, hbLo: c.hbLo, linSafe: c.linSafe };
}

/**
 * 'none': judges each element of the chunk. The correctly rounded value always lies in its
 * interval (the model bounds every admitted computation, the exact one among them), so an
 * output proven equal to it passes without its interval: the loss L = (a + ae)^2 / (2 beta)
 * or a + ae - beta/2 as a double-word within 2^-100, and v = LH with L inside v's half-gap.
 * Otherwise the hot regions' bounds are computed: an element proven inside its interval
 * goes to `todo` as ~i (only its ulp error is due), any other as i (the careful road).
 * Returns the count in `todo`.
 */
export function checkNone64(h: Hot64, xs: Float64Array, ys: Float64Array, vs: Float64Array, count: number, todo: Int32Array, ulp: { max: number }): number {
  const { flushBelow, bLoLo, bHiHi, dStar, kLo, kHi, c2lo, c2hi, hbHi, hbLo, linSafe, b, hb, inv2b } = h;
  let nTodo = 0;
  let maxUlp = ulp.max;
  for (let i = 0; i < count; i++) {
    const x = xs[i];
    const y = ys[i];
    const v = vs[i];
    const s = x - y;
    const a = Math.abs(s);
    if (!(a >= A_MIN && a <= A_MAX)) {
      todo[nTodo++] = i;
      continue;
    }
    const bb = s - x;
    const e0 = x - (s - bb) + (-y - bb);
    const ae = s < 0 ? -e0 : e0; // |d| = a + ae exactly
    // D2 = (a + ae)^2 as a double-word: a^2 exactly (Dekker), plus 2 a ae + ae^2 (below 2^-51 a^2, rounded)
    let dH = 0;
    let dL = 0;
    let dh = 0;
    let dl = 0;
    const quad = a < b || (a === b && ae < 0);
    let LH: number;
    let LL: number;
    if (quad) {
      const p = a * a;
      let c = SPLIT * a;
      const ah = c - (c - a);
      const al = a - ah;
      const q = ah * ah - p + 2 * ah * al + al * al + (2 * a * ae + ae * ae);
      dH = p + q;
      dL = q - (dH - p);
      c = SPLIT * dH;
      dh = c - (c - dH);
      dl = dH - dh;
      const t = dH * inv2b.h;
      const e = dh * inv2b.hh - t + dh * inv2b.hl + dl * inv2b.hh + dl * inv2b.hl + (dH * inv2b.l + dL * inv2b.h);
      LH = t + e;
      LL = e - (LH - t);
    } else {
      // L = a + ae - beta/2: TwoSum(a, -beta/2) exactly, plus ae (its rounding is below 2^-106 L)
      const sh = a - hb;
      const bv = sh - a;
      const l2 = a - (sh - bv) + (-hb - bv) + ae;
      LH = sh + l2;
      LL = l2 - (LH - sh);
    }
    // v = RN64(L): v = LH and L within v's half-gap (>= v 2^-54, so v 2^-55 is safe) of v
    if (v === LH && Math.abs(LL) + RHO64 * LH < v * 2 ** -55) continue;
    // not proven the correctly rounded value: inside the interval?
    const dlH = a - a * U;
    const dhH = a + a * U;
    let loH = 0;
    let loL = 0;
    let hiH = 0;
    let hiL = 0;
    let region = 0;
    if (!(flushBelow > 0 && ((Math.abs(x) < flushBelow && x !== 0) || (Math.abs(y) < flushBelow && y !== 0)))) {
      if (quad && dhH < bLoLo && dlH >= dStar) {
        region = 1;
        let t = dH * kLo.h;
        let e = dh * kLo.hh - t + dh * kLo.hl + dl * kLo.hh + dl * kLo.hl + (dH * kLo.l + dL * kLo.h);
        loH = t + e;
        loL = e - (loH - t);
        t = dH * kHi.h;
        e = dh * kHi.hh - t + dh * kHi.hl + dl * kHi.hh + dl * kHi.hl + (dH * kHi.l + dL * kHi.h);
        hiH = t + e;
        hiL = e - (hiH - t);
      } else if (!quad && dlH >= bHiHi && linSafe) {
        region = 2;
        let sh = a - hbHi; // with its exact error (TwoSum)
        let bv = sh - a;
        let sl = a - (sh - bv) + (-hbHi - bv) + (-a * U + ae * (1 - U));
        let H = sh + sl;
        let L = sl - (H - sh);
        let c = SPLIT * H;
        let hh = c - (c - H);
        let hl = H - hh;
        let t = H * c2lo.h;
        let e = hh * c2lo.hh - t + hh * c2lo.hl + hl * c2lo.hh + hl * c2lo.hl + (H * c2lo.l + L * c2lo.h);
        loH = t + e;
        loL = e - (loH - t);
        sh = a - hbLo;
        bv = sh - a;
        sl = a - (sh - bv) + (-hbLo - bv) + (a * U + ae * (1 + U));
        H = sh + sl;
        L = sl - (H - sh);
        c = SPLIT * H;
        hh = c - (c - H);
        hl = H - hh;
        t = H * c2hi.h;
        e = hh * c2hi.hh - t + hh * c2hi.hl + hl * c2hi.hh + hl * c2hi.hl + (H * c2hi.l + L * c2hi.h);
        hiH = t + e;
        hiL = e - (hiH - t);
      }
    }
    if (region !== 0) {
      const eL = RHO64 * loH;
      const eH = RHO64 * hiH;
      // v >= lo: v above loH (lo < next(loH)) or v = loH with the low part provably <= 0; likewise v <= hi
      const inLo = v > loH || (v === loH && loL + eL <= 0);
      const inHi = v < hiH || (v === hiH && hiL - eH >= 0);
      if (inLo && inHi) {
        // inside: its ulp error, with the expected value LH where RN64(L) is decided (else ~i: computed exactly)
        if (Math.abs(LL) + RHO64 * LH < LH * 2 ** -55) {
          F64[0] = LH;
          const E = (U32[1] >>> 20) & 0x7ff;
          const ue = Math.abs((v - LH) / ULP64[E]);
          if (ue > maxUlp) maxUlp = ue;
        } else todo[nTodo++] = ~i;
        continue;
      }
    }
    todo[nTodo++] = i;
  }
  ulp.max = maxUlp;
  return nTodo;
}

/** Counts the reduction terms' hot loop hands back once per chunk. */
export interface Hot64Sums {
  small: number;
  eLo: number;
  eHi: number;
  /** The double-word chunk sums' own error bound (absolute, for both sums). */
  sumErr: number;
}

/**
 * A reduction's interval terms (phase 2, oracle/fast/fused.ts): RD64/RU64 of each element's
 * bounds where the level rounds elements to the output, else the double-word bounds with
 * their error bounds, summed per chunk in double-words and added exactly to the bounds'
 * superaccumulators; the elements it cannot take go to `todo`.
 */
export function terms64(h: Hot64, xs: Float64Array, ys: Float64Array, count: number, roundEach: boolean, accN: number, sumLo: Float64Array, sumHi: Float64Array, out: Hot64Sums, todo: Int32Array): number {
  const { flushBelow, bLoLo, bHiHi, dStar, kLo, kHi, c2lo, c2hi, hbHi, hbLo, linSafe } = h;
  let nTodo = 0;
  let small = 0;
  let eLo = 0;
  let eHi = 0;
  // the terms are summed in double-words (TwoSum into a high part, errors into a low part)
  // for the chunk, then added exactly to the superaccumulators: the low parts' own rounding
  // is below 2 n^2 u^2 of the chunk's sum (n <= 4096: 2^-81), added to the error bounds
  let loS = 0;
  let loC = 0;
  let hiS = 0;
  let hiC = 0;
  for (let i = 0; i < count; i++) {
    const x = xs[i];
    const y = ys[i];
    const s = x - y;
    const a = Math.abs(s);
    let done = false;
    if (a >= A_MIN && a <= A_MAX && !(flushBelow > 0 && ((Math.abs(x) < flushBelow && x !== 0) || (Math.abs(y) < flushBelow && y !== 0)))) {
      const bb = s - x;
      const e0 = x - (s - bb) + (-y - bb);
      const ae = s < 0 ? -e0 : e0;
      const dlH = a - a * U;
      const dhH = a + a * U;
      let loH = 0;
      let loL = 0;
      let hiH = 0;
      let hiL = 0;
      let region = 0;
      if (dhH < bLoLo && dlH >= dStar) {
        region = 1;
        const p = a * a;
        let c = SPLIT * a;
        const ah = c - (c - a);
        const al = a - ah;
        const q = ah * ah - p + 2 * ah * al + al * al + (2 * a * ae + ae * ae);
        const dH = p + q;
        const dL = q - (dH - p);
        c = SPLIT * dH;
        const dh = c - (c - dH);
        const dl = dH - dh;
        let t = dH * kLo.h;
        let e = dh * kLo.hh - t + dh * kLo.hl + dl * kLo.hh + dl * kLo.hl + (dH * kLo.l + dL * kLo.h);
        loH = t + e;
        loL = e - (loH - t);
        t = dH * kHi.h;
        e = dh * kHi.hh - t + dh * kHi.hl + dl * kHi.hh + dl * kHi.hl + (dH * kHi.l + dL * kHi.h);
        hiH = t + e;
        hiL = e - (hiH - t);
      } else if (dlH >= bHiHi && linSafe) {
        region = 2;
        let sh = a - hbHi;
        let bv = sh - a;
        let sl = a - (sh - bv) + (-hbHi - bv) + (-a * U + ae * (1 - U));
        let H = sh + sl;
        let L = sl - (H - sh);
        let c = SPLIT * H;
        let hh = c - (c - H);
        let hl = H - hh;
        let t = H * c2lo.h;
        let e = hh * c2lo.hh - t + hh * c2lo.hl + hl * c2lo.hh + hl * c2lo.hl + (H * c2lo.l + L * c2lo.h);
        loH = t + e;
        loL = e - (loH - t);
        sh = a - hbLo;
        bv = sh - a;
        sl = a - (sh - bv) + (-hbLo - bv) + (a * U + ae * (1 + U));
        H = sh + sl;
        L = sl - (H - sh);
        c = SPLIT * H;
        hh = c - (c - H);
        hl = H - hh;
        t = H * c2hi.h;
        e = hh * c2hi.hh - t + hh * c2hi.hl + hl * c2hi.hh + hl * c2hi.hl + (H * c2hi.l + L * c2hi.h);
        hiH = t + e;
        hiL = e - (hiH - t);
      }
      if (region !== 0) {
        const eL = RHO64 * loH;
        const eH = RHO64 * hiH;
        let l = loH;
        let hv = hiH;
        let decided = true;
        if (roundEach) {
          // RD64(lo), RU64(hi) of the double-words (their neighbours by the bit pattern)
          if (loL - eL >= 0) l = loH;
          else if (loL + eL < 0) {
            F64[0] = loH;
            if (U32[0] === 0) {
              U32[0] = 0xffffffff;
              U32[1] -= 1;
            } else U32[0] -= 1;
            l = F64[0];
          } else decided = false;
          if (hiL + eH <= 0) hv = hiH;
          else if (hiL - eH > 0) {
            F64[0] = hiH;
            if (U32[0] === 0xffffffff) {
              U32[0] = 0;
              U32[1] += 1;
            } else U32[0] += 1;
            hv = F64[0];
          } else decided = false;
        } else if (!(loH >= accN * 2)) decided = false;
        if (decided) {
          done = true;
          if (roundEach) {
            if (l < accN) small++;
          } else {
            l = loH;
            hv = hiH;
            loC += loL;
            hiC += hiL;
            eLo += loH;
            eHi += hiH;
          }
          let t = loS + l;
          let bv = t - loS;
          loC += loS - (t - bv) + (l - bv);
          loS = t;
          t = hiS + hv;
          bv = t - hiS;
          hiC += hiS - (t - bv) + (hv - bv);
          hiS = t;
        }
      }
    }
    if (!done) todo[nTodo++] = i;
  }
  addToChunks(sumLo, loS);
  addToChunks(sumLo, loC);
  addToChunks(sumHi, hiS);
  addToChunks(sumHi, hiC);
  out.sumErr += 2 ** -78 * (loS + hiS);
  out.small += small;
  out.eLo += eLo;
  out.eHi += eHi;
  return nTodo;
}
