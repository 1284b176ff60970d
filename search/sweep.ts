/**
 * The exhaustive sweep behind `smoothl1 sweep`: every pair of bit patterns of a 16-bit
 * dtype (2^32 pairs) for a binary elementwise call, the other arguments fixed. The logits
 * patterns are cut into chunks of `chunkPatterns` consecutive patterns; one chunk is one
 * call whose logits hold each of its patterns 65536 times (a [chunkPatterns, 65536]
 * tensor, row r the r-th pattern) and whose labels hold every pattern once per row. Each
 * chunk goes through the harness's per-case step (time limit, crash isolation, the
 * Checker); where values fail, the oracle's acceptance finds every failing element, and
 * the failing pairs are counted by input class (the classifier is the operator's:
 * search/operator/classes.ts), with the first few of each class kept as examples.
 *
 * Shards are deterministic: chunk k (0-based, in pattern order) belongs to shard
 * (k mod n) + 1 of n, so every shard of one n gets the same number of chunks (within one)
 * and a mix of pattern ranges.
 */
import type { ArgValue, CallArgs, FloatDType, LoadedCase, OutcomeJson, ProfileName, Runner, RunnerResult, Tensor, ToleranceLevel } from '../common/types.js';
import { runCase, RunInterrupted } from '../harness/case-step.js';
import { Checker } from '../harness/check.js';
import { isUnexpected, type CaseResultJson } from '../harness/results.js';
import type { Shard } from '../harness/shard.js';
import type { TimeLimit } from '../harness/time-limit.js';
import { acceptance, checkValues, computeReference, expectOutcome } from '../oracle/index.js';
import { searchCase } from './fuzz.js';

export { RunInterrupted };

/** Labels patterns per logits pattern: all of them. */
export const PATTERNS = 65536;

export interface SweepDefinition {
  dtype: FloatDType;
  /** The call's other arguments (beta, reduction), fixed for the sweep. */
  beta?: ArgValue;
  reduction?: ArgValue;
  /** Logits patterns swept, inclusive. */
  first: number;
  last: number;
  /** Logits patterns per chunk (per call). */
  chunkPatterns: number;
}

export interface SweepOptions extends SweepDefinition {
  runner: Runner;
  profile: ProfileName;
  tolerance: ToleranceLevel;
  limit: TimeLimit;
  shard: Shard | null;
  /** Input classes: names, and the class index of a pair of patterns. */
  classNames: readonly string[];
  classify: (x: number, y: number) => number;
  /** Failing pairs kept per class (the first in pattern order). */
  examplesPerClass: number;
  caseId(first: number, last: number): string;
  /** The rerun command of a failing chunk. */
  rerun(caseId: string): string;
  signal?: AbortSignal;
  onResult?(r: CaseResultJson, done: number, total: number): void;
}

export interface SweepExample {
  class: number;
  x: number;
  y: number;
}

export interface SweepOutcome {
  results: CaseResultJson[];
  /** Chunks of the whole sweep, and of this shard. */
  chunks: number;
  chunksDone: number;
  pairs: number;
  failingPairs: number;
  /** Per class: pairs checked and pairs failing (classes of chunks that crashed or timed out count as failing). */
  classPairs: number[];
  classFailing: number[];
  examples: SweepExample[];
  startedAt: string;
  totalMs: number;
  checkMs: number;
  caseMs: Record<string, number>;
}

/** The chunks of a sweep: [first, last] pattern ranges, in order. */
export function sweepChunks(d: Pick<SweepDefinition, 'first' | 'last' | 'chunkPatterns'>): [number, number][] {
  const out: [number, number][] = [];
  for (let a = d.first; a <= d.last; a += d.chunkPatterns) out.push([a, Math.min(d.last, a + d.chunkPatterns - 1)]);
  return out;
}

/** The chunks of shard i/n: chunk k belongs to shard (k mod n) + 1. */
export function shardChunks(chunks: [number, number][], shard: Shard | null): [number, number][] {
  return shard ? chunks.filter((_, k) => k % shard.count === shard.index - 1) : chunks;
}

/** A call over logits patterns [first, last] against every labels pattern. */
export function chunkArgs(d: Pick<SweepDefinition, 'dtype' | 'beta' | 'reduction'>, first: number, last: number): CallArgs {
  const rows = last - first + 1;
  const x = new Uint16Array(rows * PATTERNS);
  const y = new Uint16Array(rows * PATTERNS);
  for (let r = 0; r < rows; r++) {
    x.fill(first + r, r * PATTERNS, (r + 1) * PATTERNS);
    for (let j = 0; j < PATTERNS; j++) y[r * PATTERNS + j] = j;
  }
  const t = (data: Uint16Array): ArgValue => ({ type: 'tensor', tensor: { dtype: d.dtype, shape: [rows, PATTERNS], data } });
  const args: CallArgs = { logits: t(x), labels: t(y) };
  if (d.beta !== undefined) args.beta = d.beta;
  if (d.reduction !== undefined) args.reduction = d.reduction;
  return args;
}

/** An outcome with every output's shape replaced (the same call on other tensors of the same dtypes: errors do not depend on elements). */
function withShape(o: OutcomeJson, shape: number[]): OutcomeJson {
  if ('anyOf' in o) return { ...o, anyOf: o.anyOf.map((a) => withShape(a, shape)) };
  if ('output' in o) return { ...o, output: { dtype: o.output.dtype, shape: [...shape] } };
  return o;
}

/**
 * The outcome the spec requires of a chunk, from a one-pair call with the same arguments
 * (what is required, an output or an error, depends on dtypes, shapes, beta and
 * reduction, not on the elements), the output shaped as the chunk's.
 */
export function chunkOutcome(d: Pick<SweepDefinition, 'dtype' | 'beta' | 'reduction'>, profile: ProfileName, shape: number[]): OutcomeJson {
  const one: CallArgs = { logits: { type: 'tensor', tensor: { dtype: d.dtype, shape: [1], data: new Uint16Array(1) } }, labels: { type: 'tensor', tensor: { dtype: d.dtype, shape: [1], data: new Uint16Array(1) } } };
  if (d.beta !== undefined) one.beta = d.beta;
  if (d.reduction !== undefined) one.reduction = d.reduction;
  return withShape(expectOutcome(one, profile, { withBits: false }), shape);
}

/** The indices of an output's elements outside the oracle's interval for the call. */
function failingIndices(args: CallArgs, output: Tensor, tolerance: ToleranceLevel): number[] {
  const acc = acceptance(computeReference(args, output.dtype as FloatDType), tolerance);
  return checkValues(acc, output, Infinity).failures.map((f) => f.index);
}

export async function sweep(o: SweepOptions): Promise<SweepOutcome> {
  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  const all = sweepChunks(o);
  const mine = shardChunks(all, o.shard);
  const k = o.classNames.length;
  const classPairs = new Array<number>(k).fill(0);
  const classFailing = new Array<number>(k).fill(0);
  const examples: SweepExample[][] = Array.from({ length: k }, () => []);
  const results: CaseResultJson[] = [];
  const caseMs: Record<string, number> = {};
  let pairs = 0;
  let failingPairs = 0;
  let checkMs = 0;
  const outcomeByRows = new Map<number, OutcomeJson>();

  for (const [first, last] of mine) {
    if (o.signal?.aborted) throw new RunInterrupted('the sweep was interrupted');
    const rows = last - first + 1;
    const args = chunkArgs(o, first, last);
    const id = o.caseId(first, last);
    let outcome = outcomeByRows.get(rows);
    if (!outcome) outcomeByRows.set(rows, (outcome = chunkOutcome(o, o.profile, [rows, PATTERNS])));
    const c: LoadedCase = { ...searchCase(id, args, o.profile, outcome), tags: ['sweep'] };
    let answer: RunnerResult | undefined;
    const checker = new Checker({ profile: o.profile, tolerance: o.tolerance, rerunPrefix: '', rerun: o.rerun });
    const step = await runCase(c, { runner: o.runner, checker, profile: o.profile, limit: o.limit, onAnswer: (r) => (answer = r), ...(o.signal ? { signal: o.signal } : {}) }, args);
    checkMs += step.checkMs;
    if (step.callMs !== undefined) caseMs[id] = step.callMs;

    // Every pair's class; the failing ones: every element outside its interval where
    // only values failed, every pair of the chunk where the call failed as a whole.
    const n = rows * PATTERNS;
    const cls = new Uint8Array(n);
    for (let r = 0; r < rows; r++) for (let j = 0; j < PATTERNS; j++) cls[r * PATTERNS + j] = o.classify(first + r, j);
    for (let i = 0; i < n; i++) classPairs[cls[i]]++;
    pairs += n;
    let failing: number[] = [];
    if (step.result.status === 'wrong-value' && answer?.kind === 'output') failing = failingIndices(args, answer.tensor, o.tolerance);
    else if (isUnexpected(step.result.status)) failing = Array.from({ length: n }, (_, i) => i);
    for (const i of failing) {
      const ci = cls[i];
      classFailing[ci]++;
      if (examples[ci].length < o.examplesPerClass) examples[ci].push({ class: ci, x: first + Math.floor(i / PATTERNS), y: i % PATTERNS });
    }
    failingPairs += failing.length;
    results.push(step.result);
    o.onResult?.(step.result, results.length, mine.length);
  }
  return {
    results,
    chunks: all.length,
    chunksDone: mine.length,
    pairs,
    failingPairs,
    classPairs,
    classFailing,
    examples: examples.flat(),
    startedAt,
    totalMs: Math.round((performance.now() - t0) * 100) / 100,
    checkMs: Math.round(checkMs * 100) / 100,
    caseMs,
  };
}

/** Checks one pair alone (a one-element call): whether the implementation fails it there too. */
export async function pairFailsAlone(o: Pick<SweepOptions, 'runner' | 'profile' | 'tolerance' | 'limit' | 'dtype' | 'beta' | 'reduction'>, x: number, y: number, id: string): Promise<boolean> {
  const t = (p: number): ArgValue => ({ type: 'tensor', tensor: { dtype: o.dtype, shape: [1], data: Uint16Array.of(p) } });
  const args: CallArgs = { logits: t(x), labels: t(y) };
  if (o.beta !== undefined) args.beta = o.beta;
  if (o.reduction !== undefined) args.reduction = o.reduction;
  const checker = new Checker({ profile: o.profile, tolerance: o.tolerance, rerunPrefix: '' });
  const step = await runCase(searchCase(id, args, o.profile), { runner: o.runner, checker, profile: o.profile, limit: o.limit }, args);
  return isUnexpected(step.result.status);
}

