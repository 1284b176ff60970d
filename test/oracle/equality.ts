/**
 * The equality the fast path must satisfy: on one call, the fast expected values and every
 * interval endpoint are bit-identical to the exact path's (BigInt expected values, the
 * error model in exact rationals). Shared by the CI-sized test and `npm run verify:oracle`.
 */
import { acceptance, computeReference } from '../../oracle/index.js';
import type { BetaSource, ToleranceLevel } from '../../common/types.js';
import { huntArgs, type HuntCase } from './hunt.js';

export interface EqualityStats {
  cases: number;
  elements: number;
  /** Elements (or reductions) the fast path left to the exact path, expected values and intervals. */
  expectedFallbacks: number;
  intervalFallbacks: number;
  reductionFallbacks: number;
}

export function emptyStats(): EqualityStats {
  return { cases: 0, elements: 0, expectedFallbacks: 0, intervalFallbacks: 0, reductionFallbacks: 0 };
}

const same = (a: number, b: number) => Object.is(a, b) || (a !== a && b !== b);

/** Compares fast and exact on one case; returns a description of the first difference, or undefined. */
export function compareCase(c: HuntCase, stats: EqualityStats, levels: ToleranceLevel[] = ['strict', 'standard']): string | undefined {
  const args = huntArgs(c);
  stats.cases++;
  stats.elements += c.x.length;
  for (const beta of ['float32', 'given'] as BetaSource[]) {
    let fast;
    try {
      fast = computeReference(args, c.out, { beta });
    } catch (e) {
      return `computeReference threw: ${(e as Error).message}`;
    }
    const exact = computeReference(args, c.out, { beta, path: 'exact' });
    stats.expectedFallbacks += fast.exactElements;
    for (let i = 0; i < exact.expected.length; i++) {
      if (!same(fast.expected[i], exact.expected[i])) return `expected[${i}] (beta ${beta}): fast ${fast.expected[i]} exact ${exact.expected[i]}`;
    }
    if (beta === 'given' && fast.beta.kind === 'finite' && fast.beta.dy.m < 0n) continue; // a negative beta has no interval
    for (const level of levels) {
      const fa = acceptance(fast, level, { stats });
      const ea = acceptance(fast, level, { arithmetic: 'exact' });
      for (let i = 0; i < ea.lo.length; i++) {
        if (!same(fa.lo[i], ea.lo[i]) || !same(fa.hi[i], ea.hi[i])) return `${level} interval[${i}] (beta ${beta}): fast [${fa.lo[i]}, ${fa.hi[i]}] exact [${ea.lo[i]}, ${ea.hi[i]}]`;
      }
    }
  }
  return undefined;
}
