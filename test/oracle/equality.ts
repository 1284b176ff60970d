/**
 * The equality the fast path must satisfy, on one call: the fast expected values and every
 * interval endpoint are bit-identical to the exact path's (BigInt expected values, the
 * error model in exact rationals), and the fused value check (oracle/judge.ts) gives the
 * verdict checkValues gives on the exact intervals, for outputs at and next to the
 * interval ends. Shared by the CI-sized tests and `npm run verify:oracle`.
 */
import { acceptance, acceptedIntervals, acceptsValue, checkOutput, checkValues, computeReference, type Acceptance } from '../../oracle/index.js';
import { floatFormat } from '../../common/float-format.js';
import { tensorFromNumbers } from '../../common/tensor.js';
import type { BetaSource, CallArgs, FloatDType, ToleranceLevel } from '../../common/types.js';

export interface EqualityStats {
  cases: number;
  elements: number;
  /** Expected values (elements, or sums) the fast path left to the exact BigInt path. */
  expectedFallbacks: number;
  /** Element intervals the fast path left to the exact model. */
  intervalFallbacks: number;
  /** Reductions the fast path re-evaluated exactly (the sums' brackets straddled). */
  reductionFallbacks: number;
  /** Element intervals compared (per beta reading and level). */
  intervalsCompared: number;
  /** Output elements judged by the fused check and compared with checkValues. */
  fusedCompared: number;
}

export function emptyStats(): EqualityStats {
  return { cases: 0, elements: 0, expectedFallbacks: 0, intervalFallbacks: 0, reductionFallbacks: 0, intervalsCompared: 0, fusedCompared: 0 };
}

export function addStats(a: EqualityStats, b: EqualityStats): EqualityStats {
  const r = emptyStats();
  for (const k of Object.keys(r) as (keyof EqualityStats)[]) r[k] = a[k] + b[k];
  return r;
}

const same = (a: number, b: number) => Object.is(a, b) || (a !== a && b !== b);

/** Deep equality with numbers compared bit for bit (NaN equals NaN, -0 differs from 0). */
function deepSame(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') return same(a, b);
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepSame(x, b[i]));
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a).sort();
    const kb = Object.keys(b).sort();
    return deepSame(ka, kb) && ka.every((k) => deepSame((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  return a === b;
}

/** mulberry32 */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An output near the accepted intervals: each element at, inside or just outside its interval, or special. */
export function outputsNear(dtype: FloatDType, acc: Acceptance, seed: number): number[] {
  const f = floatFormat(dtype);
  const r = rng(seed);
  return Array.from(acc.expected, (e, i) => {
    const k = Math.floor(r() * 12);
    const l = acc.lo[i];
    const h = acc.hi[i];
    if (e !== e) return k < 10 ? NaN : 0;
    switch (k) {
      case 0:
        return l;
      case 1:
        return h;
      case 2:
        return f.nextDown(l);
      case 3:
        return f.nextUp(h);
      case 4:
        return f.nextUp(e);
      case 5:
        return f.nextDown(e);
      case 6:
        return [NaN, Infinity, -Infinity, -0][Math.floor(r() * 4)];
      default:
        return e;
    }
  });
}

export interface CompareOptions {
  levels?: ToleranceLevel[];
  /** Also compare the intervals of the expected values computed with the given beta (the value check uses the float32 one). */
  givenIntervals?: boolean;
  /** Also compare the fused value check on an output near the intervals (seeded). */
  fusedSeed?: number;
}

/** Compares fast and exact on one call and output dtype; returns a description of the first difference, or undefined. */
export function compareCall(args: CallArgs, out: FloatDType, stats: EqualityStats, options: CompareOptions = {}): string | undefined {
  const levels = options.levels ?? ['strict', 'standard'];
  stats.cases++;
  const t = args.logits.type === 'tensor' ? args.logits.tensor : undefined;
  stats.elements += t ? t.shape.reduce((a, b) => a * b, 1) : 0;
  for (const beta of ['float32', 'given'] as BetaSource[]) {
    let fast;
    try {
      fast = computeReference(args, out, { beta });
    } catch (e) {
      return `computeReference threw: ${(e as Error).message}`;
    }
    const exact = computeReference(args, out, { beta, path: 'exact' });
    stats.expectedFallbacks += fast.exactElements;
    for (let i = 0; i < exact.expected.length; i++) {
      if (!same(fast.expected[i], exact.expected[i])) return `expected[${i}] (beta ${beta}): fast ${fast.expected[i]} exact ${exact.expected[i]}`;
    }
    if (beta === 'given' && (!options.givenIntervals || (fast.beta.kind === 'finite' && fast.beta.dy.m < 0n))) continue; // a negative beta has no interval
    for (const level of levels) {
      const fa = acceptance(fast, level, { stats });
      const ea = acceptance(fast, level, { arithmetic: 'exact' });
      stats.intervalsCompared += ea.lo.length;
      for (let i = 0; i < ea.lo.length; i++) {
        const fu = acceptedIntervals(fa, i);
        const eu = acceptedIntervals(ea, i);
        if (fu.length !== eu.length || fu.some((v, k) => !same(v, eu[k]))) return `${level} interval[${i}] (beta ${beta}): fast [${fu.join(', ')}] exact [${eu.join(', ')}]`;
        // the value check's shortcut rests on this: the correctly rounded value is always accepted
        const e = ea.expected[i];
        if (e === e && !acceptsValue(ea, i, e)) return `${level} interval[${i}] (beta ${beta}): [${eu.join(', ')}] does not contain the expected ${e}`;
      }
      if (beta === 'float32' && options.fusedSeed !== undefined && fast.beta.kind !== 'nan') {
        const actual = tensorFromNumbers(out, fast.shape, outputsNear(out, ea, options.fusedSeed));
        const want = checkValues(ea, actual, 5);
        const got = checkOutput(args, out, level, actual, { maxReported: 5 });
        stats.fusedCompared += ea.lo.length;
        const g = { ok: got.ok, failedCount: got.failedCount, maxUlpError: got.maxUlpError, failures: got.failures };
        if (!deepSame(g, want)) return `${level} fused check: ${JSON.stringify(g).slice(0, 400)} vs checkValues ${JSON.stringify(want).slice(0, 400)}`;
      }
    }
  }
  return undefined;
}
