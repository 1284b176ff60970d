/**
 * checkValues: applies an Acceptance to an implementation's output values. The dtype and
 * shape verdicts belong to the checking engine; here only values are compared (the
 * actual tensor is decoded in its own dtype, so a wrong-dtype output can still be
 * described).
 */
import { floatFormat } from '../common/float-format.js';
import { isFloatDType } from '../common/spec-data.js';
import { elementBits, numel } from '../common/tensor.js';
import type { Tensor } from '../common/types.js';
import { acceptsValue, type Acceptance } from './acceptance.js';

export interface ValueFailure {
  index: number;
  expected: number;
  lo: number;
  hi: number;
  actual: number;
  expectedHex: string;
  loHex: string;
  hiHex: string;
  actualHex: string;
  ulpError: number;
  /**
   * Further accepted intervals beyond [lo, hi], ascending and disjoint, where the level's
   * configurations (beta readings, flush regimes) give a union: "accepted [lo, hi] or ...".
   */
  more?: { lo: number; hi: number; loHex: string; hiHex: string }[];
}

/** The further intervals of a failure, from a flat [lo, hi, ...] list (undefined when empty). */
export function moreIntervals(list: ArrayLike<number> | undefined, hex: (x: number) => string): ValueFailure['more'] {
  if (list === undefined || list.length === 0) return undefined;
  const out: NonNullable<ValueFailure['more']> = [];
  for (let k = 0; k < list.length; k += 2) out.push({ lo: list[k], hi: list[k + 1], loHex: hex(list[k]), hiHex: hex(list[k + 1]) });
  return out;
}

export interface ValueCheck {
  ok: boolean;
  failedCount: number;
  /** Largest |actual - expected| in ulps of the output dtype at the expected value, over all elements. */
  maxUlpError: number;
  /** The first maxReported failures, by index. */
  failures: ValueFailure[];
}

/**
 * (actual - expected) / ulp(expected) in the output format (a presentation figure, in
 * doubles). 0 when both are NaN or the same infinity; Infinity when exactly one is NaN
 * or an infinity differs.
 */
export function ulpError(dtype: Acceptance['dtype'], expected: number, actual: number): number {
  const en = expected !== expected;
  const an = actual !== actual;
  if (en || an) return en && an ? 0 : Infinity;
  if (expected === actual) return 0;
  if (!Number.isFinite(expected) || !Number.isFinite(actual)) return Infinity;
  return (actual - expected) / floatFormat(dtype).ulp(expected);
}

function decodeAll(t: Tensor): Float64Array {
  if (!isFloatDType(t.dtype)) throw new Error(`checkValues: output dtype ${t.dtype} is not a float dtype`);
  const n = numel(t.shape);
  const out = new Float64Array(n);
  const d = t.data;
  if (d instanceof Uint16Array) {
    if (d.length !== n) throw new Error(`checkValues: ${t.dtype} output has ${d.length} slots for shape [${t.shape.join(', ')}]`);
    floatFormat(t.dtype).decodeMany(d, out);
  } else if (d instanceof Float32Array || d instanceof Float64Array) out.set(d.subarray(0, n));
  else throw new Error(`checkValues: ${t.dtype} output stored in a ${d.constructor.name}`);
  return out;
}

export function checkValues(acc: Acceptance, actual: Tensor, maxReported = 10): ValueCheck {
  const m = acc.expected.length;
  const vals = decodeAll(actual);
  if (vals.length !== m) throw new Error(`checkValues: the output has ${vals.length} elements, the expectation ${m} (the engine checks shapes first)`);
  const outFmt = floatFormat(acc.dtype);
  const actFmt = isFloatDType(actual.dtype) ? floatFormat(actual.dtype) : outFmt;
  const failures: ValueFailure[] = [];
  let failedCount = 0;
  let maxUlp = 0;
  for (let i = 0; i < m; i++) {
    const v = vals[i];
    const e = acc.expected[i];
    const ok = acc.nanExpected[i] === 1 ? v !== v : acceptsValue(acc, i, v);
    const ue = v === e ? 0 : ulpError(acc.dtype, e, v);
    if (Math.abs(ue) > maxUlp || ue !== ue) maxUlp = Math.abs(ue);
    if (ok) continue;
    failedCount++;
    if (failures.length < maxReported) {
      const hex = (f: typeof outFmt, x: number) => f.toHex(f.encode(x));
      const more = moreIntervals(acc.more.get(i), (x) => hex(outFmt, x));
      failures.push({
        index: i,
        expected: e,
        lo: acc.lo[i],
        hi: acc.hi[i],
        actual: v,
        expectedHex: hex(outFmt, e),
        loHex: hex(outFmt, acc.lo[i]),
        hiHex: hex(outFmt, acc.hi[i]),
        actualHex: actFmt.toHex(elementBits(actual, i)),
        ulpError: ue,
        ...(more ? { more } : {}),
      });
    }
  }
  return { ok: failedCount === 0, failedCount, maxUlpError: maxUlp, failures };
}
