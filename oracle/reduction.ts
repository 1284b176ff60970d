/**
 * The error model of the reductions (spec/fp-primer.md "Reductions"): each element
 * contributes its interval [lo_i, hi_i] (where the level admits it, also the element
 * rounded to the output dtype), the sum's rounding error is bounded by a summation bound,
 * the mean adds two roundings, and the last step goes to the output dtype. Written over
 * an Arith (oracle/arith.ts) like the per-element model; the fast path
 * (oracle/fast/bounds.ts) feeds it exact or bracketed sums of the element terms.
 *
 * The summation bound has one home, `summationBound`, so a change of what a level admits
 * for sums touches one function.
 */
import { floatFormat, type FloatFormat } from '../common/float-format.js';
import type { FloatDType, Reduction } from '../common/types.js';
import type { Arith } from './arith.js';
import { lastStep, unitOf, type LevelSpec, type Params } from './level.js';

/** The accumulation format of a level for an output dtype. */
export function accumulationFormat(lv: LevelSpec, out: FloatDType): FloatFormat {
  return floatFormat(lv.accumulation[out]);
}

/**
 * One element's term of the sum, from its bounds [l, h] in the working precision: where
 * the level admits elements rounded to the output dtype before the reduction, the union
 * of both forms (a rounded form that overflows to inf makes the result inf; the unrounded
 * bound stays, and it reaches the overflow threshold wherever a rounding to nearest of the
 * element can overflow, so the last step admits inf there: oracle/level.ts lastStep).
 * `small`: the term can be nonzero and below the accumulator's smallest normal.
 */
export function reductionTerm<T>(A: Arith<T>, P: Params<T>, lv: LevelSpec, out: FloatFormat, acc: FloatFormat, l: T, h: T): { l: T; h: T; small: boolean } {
  if (lv.elementRoundedToOutputBeforeReduction) {
    if (!A.lt(A.num(out.maxFinite), l)) l = A.num(A.out(l, out, -1));
    const ho = A.out(h, out, 1);
    if (ho !== Infinity) h = A.num(ho);
  }
  return { l, h, small: A.lt(l, A.num(acc.minNormal)) && A.lt(P.zero, h) };
}

/**
 * `bounded-height` summation (spec/fp-primer.md "Summation trees"): the longest sequential
 * run before a tree that is admitted whatever n is. Eigen's tree reduction (TensorFlow's CPU
 * sums) adds up leaves of 1024 packets with one packet accumulator, so each SIMD lane (each
 * element, without vectorisation) goes through up to 1024 additions before its leaf is
 * combined; numpy's 128-element blocks (at most 24 additions) and PyTorch's cascade sum (two
 * levels of 2^max(4, ceil(log2 n)/3) additions) stay inside it.
 */
export const LEAF_RUN = 1024;
/**
 * `bounded-height` summation: partial sums of blocks of at least this many elements (a GPU
 * block of 128 threads and up, a grid-stride thread's chain over n/128 elements or fewer)
 * may be added one after another in any order (atomically): ceil(n / ATOMIC_BLOCK) additions.
 */
export const ATOMIC_BLOCK = 128;

/**
 * k of the summation bound gamma_k for an output dtype: the height of the admitted summation
 * trees (the most roundings a term goes through). `pairwise`: ceil(log2 n), a balanced
 * binary tree. `bounded-height`: H(n) = LEAF_RUN + ceil(n / ATOMIC_BLOCK) + ceil(log2 n).
 * `any-order`: n - 1. Never more than n - 1: no tree over n terms is higher (only additions
 * of two nonzero partial sums round).
 */
export function summationDepth(lv: LevelSpec, out: FloatDType, n: number): number {
  if (n <= 1) return 0;
  const log2n = Math.ceil(Math.log2(n));
  switch (lv.summation[out]) {
    case 'pairwise':
      return log2n;
    case 'bounded-height':
      return Math.min(n - 1, LEAF_RUN + Math.ceil(n / ATOMIC_BLOCK) + log2n);
    case 'any-order':
      return n - 1;
  }
}

/**
 * Bounds on the computed sum (for output dtype `out`) of n terms t_i >= 0 with sum(lo_i) = sLo, sum(hi_i) = sHi,
 * `small` of them able to be nonzero and below the accumulator's smallest normal:
 *   |S^ - S| <= gamma_k * sum t_i + small * eta_a,   gamma_k = k u_a / (1 - k u_a)
 * (k from summationDepth; unbounded when k u_a >= 1: then only S >= 0 is known). A partial
 * sum with a term >= N_a is >= N_a and adding 0 is exact, so only additions of two small
 * terms can underflow, and a summation tree over m of them has fewer than m such additions.
 */
export function summationBound<T>(A: Arith<T>, P: Params<T>, lv: LevelSpec, out: FloatDType, acc: FloatFormat, n: number, sLo: T, sHi: T, small: number): { bl: T; bh: T; unbounded: boolean } {
  const { uExp, etaExp } = unitOf(acc, P.flush);
  const ku = summationDepth(lv, out, n) * 2 ** uExp; // exact: an integer times a power of two
  if (ku >= 1) return { bl: P.zero, bh: P.zero, unbounded: true };
  const g = A.div(A.num(ku), A.sub(A.num(1), A.num(ku), -1), 1);
  const nEta = A.mul(A.num(small), A.pow2(etaExp), 1);
  let bl = A.sub(A.mul(sLo, A.sub(A.num(1), g, -1), -1), nEta, -1);
  const bh = A.add(A.mul(sHi, A.add(A.num(1), g, 1), 1), nEta, 1);
  if (A.lt(bl, P.zero)) bl = P.zero;
  return { bl, bh, unbounded: false };
}

/**
 * The reduction's last-step bounds (output values, before the finish of
 * level.ts finishInterval) from the sums of the element terms. bl is nondecreasing in sLo
 * and nonincreasing in sHi, bh the reverse, and the last step is monotone: callers that
 * know the sums only within brackets evaluate it at the brackets' ends.
 */
export function reductionBounds<T>(A: Arith<T>, P: Params<T>, lv: LevelSpec, out: FloatFormat, reduction: Exclude<Reduction, 'none'>, n: number, sLo: T, sHi: T, small: number): { l: number; h: number } {
  const acc = accumulationFormat(lv, out.name);
  const sb = summationBound(A, P, lv, out.name, acc, n, sLo, sHi, small);
  let { bl, bh } = sb;
  // The format the final value is computed in: the accumulator for a sum, the format of
  // the division for a mean.
  let last = acc;
  if (reduction === 'mean') {
    // two roundings (divide by n, or multiply by a rounded 1/n) in the coarser of the
    // accumulation and working precisions: at standard the sum may be cast to the output
    // dtype and divided there (MindSpore's CPU kernel), at strict half types divide in
    // float32. The reciprocal 1/n is in the accumulation precision. Underflow errors (of
    // the format the step may be done in) only where the step's result can be subnormal.
    const w = P.w;
    const coarse = w.precision < acc.precision ? w : acc;
    last = coarse;
    const N = A.num(n);
    const Um = A.num(2 ** -coarse.precision);
    const one = A.num(1);
    const c2lo = A.mul(A.sub(one, Um, -1), A.sub(one, Um, -1), -1);
    const c2hi = A.mul(A.add(one, Um, 1), A.add(one, Um, 1), 1);
    const etaA = A.pow2(unitOf(acc, P.flush).etaExp);
    const etaC = A.pow2(unitOf(coarse, P.flush).etaExp);
    const etaM = A.lt(etaA, etaC) ? etaC : etaA;
    const nM = A.num(Math.max(coarse.minNormal, acc.minNormal));
    let absM = P.zero;
    // the sum cast to the coarser format
    if (A.lt(bl, A.num(coarse.minNormal))) absM = A.add(absM, etaC, 1);
    // the quotient (or product with 1/n)
    if (A.lt(A.mul(A.div(bl, N, -1), c2lo, -1), nM)) absM = A.add(absM, etaM, 1);
    // a rounded 1/n in the subnormal range of the accumulator adds S * eta
    if (1 / n < acc.minNormal) absM = A.add(absM, A.mul(bh, etaA, 1), 1);
    bl = A.sub(A.mul(A.div(bl, N, -1), c2lo, -1), absM, -1);
    bh = A.add(A.mul(A.div(bh, N, 1), c2hi, 1), absM, 1);
  }
  const r = lastStep(A, bl, bh, last, out, P.flush, bh);
  // An unbounded summation error says nothing about the sum: no finite bound reaches the
  // overflow threshold, so inf stays out (finishInterval admits it where e is inf).
  return { l: r.l, h: sb.unbounded ? out.maxFinite : r.h };
}
