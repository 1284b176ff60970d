/**
 * Acceptance intervals of the error model (spec/fp-primer.md "The acceptance model"), per
 * output element, with every parameter read from spec/tolerances.json. The model lives in
 * oracle/level.ts (parameters, beta readings, last step), oracle/elementwise.ts (one
 * element) and oracle/reduction.ts (sum and mean), written over an arithmetic
 * (oracle/arith.ts). Two evaluations, bit-identical by proof and by test:
 * - 'fast' (default): oracle/fast/bounds.ts, binary64 (double-word for float64 outputs)
 *   with proven error bounds, the exact model where a bound straddles a decision;
 * - 'exact': exact rationals for every element (the slow reference).
 */
import { floatFormat } from '../common/float-format.js';
import type { FloatDType, ToleranceLevel } from '../common/types.js';
import { exactRational } from './arith.js';
import { configAbsDiff, elementBounds, exactElementInterval } from './elementwise.js';
import type { Rational } from './exact.js';
import { FastBounds } from './fast/bounds.js';
import { ReductionTerms } from './fast/terms.js';
import { CHUNK, ElementReader } from './inputs.js';
import { configurations, dazMatters, finishInterval, levelSpec, makeParams, workingFormat, type Config } from './level.js';
import { accumulationFormat, reductionBounds, reductionTerm } from './reduction.js';
import type { OracleOutput } from './reference.js';
import { inUnion, mergeInto } from './union.js';

export interface Acceptance {
  dtype: FloatDType;
  shape: number[];
  /** Correctly rounded exact result (NaN allowed). */
  expected: Float64Array;
  /**
   * Accepted closed interval per element, as doubles equal to output-dtype values; ±0 both
   * accepted for 0. Where the level's configurations (a beta reading, a flush regime) give
   * disjoint intervals, the accepted set is their union: lo/hi hold its lowest interval and
   * `more` the element's further intervals (ascending, disjoint, flat [lo, hi, lo, hi, ...]).
   */
  lo: Float64Array;
  hi: Float64Array;
  more: Map<number, number[]>;
  nanExpected: Uint8Array;
}

/** Every accepted interval of element i, flat [lo, hi, ...] in ascending order. */
export function acceptedIntervals(acc: Pick<Acceptance, 'lo' | 'hi' | 'more'>, i: number): number[] {
  const m = acc.more.get(i);
  return m === undefined ? [acc.lo[i], acc.hi[i]] : [acc.lo[i], acc.hi[i], ...m];
}

/** Whether v is accepted for element i (not for a NaN expectation: any NaN is, and nothing else). */
export function acceptsValue(acc: Pick<Acceptance, 'lo' | 'hi' | 'more'>, i: number, v: number): boolean {
  if (v >= acc.lo[i] && v <= acc.hi[i]) return true;
  const m = acc.more.get(i);
  return m !== undefined && inUnion(m, v);
}

export interface AcceptanceOptions {
  /** 'fast' (default; 'auto' is the same) or 'exact' (rationals for every element, for the tests). */
  arithmetic?: 'fast' | 'auto' | 'exact';
  /** Counts of what the fast path left to the exact model, added to (for the bench and the equality proof). */
  stats?: { intervalFallbacks: number; reductionFallbacks: number };
}

export function acceptance(ref: OracleOutput, level: ToleranceLevel, options: AcceptanceOptions = {}): Acceptance {
  const lv = levelSpec(level);
  const m = ref.expected.length;
  const acc: Acceptance = { dtype: ref.dtype, shape: [...ref.shape], expected: Float64Array.from(ref.expected), lo: new Float64Array(m), hi: new Float64Array(m), more: new Map(), nanExpected: new Uint8Array(m) };
  for (let i = 0; i < m; i++) if (ref.expected[i] !== ref.expected[i]) acc.nanExpected[i] = 1;
  const configs = configurations(ref.dtype, lv, ref);
  // the primary configuration fills lo/hi; every other one is merged in (the union)
  const target = { lo: new Float64Array(m), hi: new Float64Array(m) };
  const w = workingFormat(lv, ref.dtype);
  // a DAZ configuration reads the inputs differently only where one is subnormal in w:
  // elsewhere its intervals are its twin's (same beta and FTZ), already merged
  const skipDaz = ref.reduction === 'none' ? (x: number, y: number) => !dazMatters(w, x, y) : null;
  if (ref.reduction !== 'none' && !anySubnormal(ref, w)) configs.splice(0, configs.length, ...configs.filter((c) => !c.daz));
  configs.forEach((config, k) => {
    const into = k === 0 ? acc : target;
    const skip = config.daz ? skipDaz : null;
    if (options.arithmetic === 'exact') exactAcceptance(ref, level, config, into, skip);
    else {
      const fb = new FastBounds(ref, lv, config);
      const terms = new ReductionTerms(fb);
      fastIntervals(ref, fb, terms, into, acc.expected, skip);
      if (options.stats) {
        options.stats.intervalFallbacks += fb.exactElements;
        options.stats.reductionFallbacks += terms.exactReductions;
      }
    }
    if (k > 0) mergeConfig(acc, target);
  });
  return acc;
}

/** Some input element is subnormal in w (a DAZ configuration of a reduction differs from its twin). */
function anySubnormal(ref: OracleOutput, w: ReturnType<typeof workingFormat>): boolean {
  const x = new ElementReader(ref.logits, 'logits');
  const y = new ElementReader(ref.labels, 'labels');
  const xs = new Float64Array(CHUNK);
  const ys = new Float64Array(CHUNK);
  for (let start = 0; start < x.n; start += CHUNK) {
    const c = Math.min(CHUNK, x.n - start);
    x.read(start, c, xs);
    y.read(start, c, ys);
    for (let i = 0; i < c; i++) if (dazMatters(w, xs[i], ys[i])) return true;
  }
  return false;
}

/** Merge one configuration's intervals into the union kept in acc. */
function mergeConfig(acc: Acceptance, t: { lo: Float64Array; hi: Float64Array }): void {
  const cur = { lo: 0, hi: 0, list: null as number[] | null };
  for (let i = 0; i < acc.lo.length; i++) {
    const l = t.lo[i];
    const h = t.hi[i];
    if (l !== l || (l >= acc.lo[i] && h <= acc.hi[i] && !acc.more.has(i))) continue;
    const m = acc.more.get(i);
    cur.lo = acc.lo[i];
    cur.hi = acc.hi[i];
    cur.list = m === undefined ? null : [acc.lo[i], acc.hi[i], ...m];
    mergeInto(cur, l, h);
    acc.lo[i] = cur.lo;
    acc.hi[i] = cur.hi;
    if (cur.list !== null && cur.list.length > 2) acc.more.set(i, cur.list.slice(2));
    else acc.more.delete(i);
  }
}

/** Every element's interval into acc by the fast path, for one configuration (expected: the expected values). */
function fastIntervals(ref: OracleOutput, fb: FastBounds, terms: ReductionTerms, acc: { lo: Float64Array; hi: Float64Array }, expected: Float64Array, skip: ((x: number, y: number) => boolean) | null): void {
  const x = new ElementReader(ref.logits, 'logits');
  const y = new ElementReader(ref.labels, 'labels');
  const n = x.n;
  const xs = new Float64Array(CHUNK);
  const ys = new Float64Array(CHUNK);
  const res = { lo: 0, hi: 0 };
  if (ref.reduction === 'none') {
    for (let start = 0; start < n; start += CHUNK) {
      const c = Math.min(CHUNK, n - start);
      x.read(start, c, xs);
      y.read(start, c, ys);
      for (let i = 0; i < c; i++) {
        if (skip !== null && skip(xs[i], ys[i])) {
          acc.lo[start + i] = acc.hi[start + i] = NaN; // nothing to merge
          continue;
        }
        fb.elementInterval(xs[i], ys[i], expected[start + i], res);
        acc.lo[start + i] = res.lo;
        acc.hi[start + i] = res.hi;
      }
    }
    return;
  }
  const e = expected[0];
  const pass = (add: (a: number, b: number) => void) => {
    for (let start = 0; start < n; start += CHUNK) {
      const c = Math.min(CHUNK, n - start);
      x.read(start, c, xs);
      y.read(start, c, ys);
      for (let i = 0; i < c; i++) add(xs[i], ys[i]);
    }
  };
  if (e === e) pass((a, b) => terms.addTerm(a, b));
  terms.reductionInterval(e, n, res, () => {
    terms.resetReduction();
    pass((a, b) => terms.addTermExact(a, b));
    terms.exactReductionInterval(e, n, res);
  });
  acc.lo[0] = res.lo;
  acc.hi[0] = res.hi;
}

/** The model evaluated exactly for every element (the slow reference), for one configuration. */
function exactAcceptance(ref: OracleOutput, level: ToleranceLevel, config: Config, acc: { lo: Float64Array; hi: Float64Array }, skip: ((x: number, y: number) => boolean) | null): void {
  const lv = levelSpec(level);
  const out = floatFormat(ref.dtype);
  const A = exactRational;
  const P = makeParams(A, ref.dtype, lv, ref, config);
  const x = new ElementReader(ref.logits, 'logits');
  const y = new ElementReader(ref.labels, 'labels');
  const n = x.n;
  const xs = new Float64Array(CHUNK);
  const ys = new Float64Array(CHUNK);
  const res = { lo: 0, hi: 0 };
  if (ref.reduction === 'none') {
    for (let start = 0; start < n; start += CHUNK) {
      const c = Math.min(CHUNK, n - start);
      x.read(start, c, xs);
      y.read(start, c, ys);
      for (let i = 0; i < c; i++) {
        if (skip !== null && skip(xs[i], ys[i])) {
          acc.lo[start + i] = acc.hi[start + i] = NaN; // nothing to merge
          continue;
        }
        exactElementInterval(P, A, xs[i], ys[i], ref.expected[start + i], out, res);
        acc.lo[start + i] = res.lo;
        acc.hi[start + i] = res.hi;
      }
    }
    return;
  }
  const e = ref.expected[0];
  // an exact NaN or infinity (infinite inputs), no elements, or a NaN beta: exactly the expected value
  let special = e !== e || n === 0 || ref.beta.kind === 'nan';
  for (let start = 0; start < n && !special; start += CHUNK) {
    const c = Math.min(CHUNK, n - start);
    x.read(start, c, xs);
    y.read(start, c, ys);
    for (let i = 0; i < c; i++) if (!Number.isFinite(xs[i]) || !Number.isFinite(ys[i])) special = true;
  }
  if (special) {
    finishInterval(e, e, e, out, res);
  } else {
    const accFmt = accumulationFormat(lv, ref.dtype);
    let sLo: Rational = P.zero;
    let sHi: Rational = P.zero;
    let small = 0;
    const b = { lo: P.zero, hi: P.zero };
    for (let start = 0; start < n; start += CHUNK) {
      const c = Math.min(CHUNK, n - start);
      x.read(start, c, xs);
      y.read(start, c, ys);
      for (let i = 0; i < c; i++) {
        const d = configAbsDiff(P, xs[i], ys[i]);
        elementBounds(A, P, d, d, b);
        const t = reductionTerm(A, P, lv, out, accFmt, b.lo, b.hi);
        if (t.small) small++;
        sLo = A.add(sLo, t.l, -1);
        sHi = A.add(sHi, t.h, 1);
      }
    }
    const r = reductionBounds(A, P, lv, out, ref.reduction, n, sLo, sHi, small);
    finishInterval(e, r.l, r.h, out, res);
  }
  acc.lo[0] = res.lo;
  acc.hi[0] = res.hi;
}
