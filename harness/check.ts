/**
 * The checking engine: for one case, under one profile and tolerance level, turn one
 * runner answer into exactly one status with a one-line reason and, for failures, the
 * details a developer needs to reproduce and understand it.
 *
 * The expectation is the case's stored outcome for the profile (OutcomeJson). Values are
 * never taken from the case: the oracle's fused value check (oracle/judge.ts) computes the
 * reference, the acceptance interval and the verdict together, chunk by chunk, storing
 * nothing per element, and `check` yields to the event loop between slices of about
 * SLICE_MS of that work, so a signal is handled even in the middle of a large case. Where
 * a case also stores the correctly rounded bits, they must equal the oracle's (checked
 * once per case and dtype); a mismatch is a corpus defect and throws CorpusDefectError
 * instead of blaming the implementation.
 */
import type { CallArgs, FloatDType, LoadedCase, OutcomeJson, ProfileName, RunnerResult, Tensor, ToleranceLevel } from '../common/types.js';
import { isFloatDType, isKnownDType } from '../common/spec-data.js';
import { floatFormat } from '../common/float-format.js';
import { formatDecimal, formatFigure, formatHex } from '../common/number-format.js';
import { ARG_NAMES } from '../common/operator.js';
import { elementToNumber, numel, storageClass, tensorToHex, valuesPerElement } from '../common/tensor.js';
import { acceptance, checkValues, computeReference, startValueCheck } from '../oracle/index.js';
import type { Acceptance, ValueCheck, ValueCheckJob } from '../oracle/index.js';
import type { CheckStatus, ElementFailureJson, ElementJson, FailureDetailsJson, InputJson } from './results.js';

/** The case itself is wrong (stored bits disagree with the oracle): the run must stop, not blame the runner. */
export class CorpusDefectError extends Error {
  override name = 'CorpusDefectError';
}

export interface CheckOutcome {
  status: CheckStatus;
  reason: string;
  /** Largest ulp error over the compared output; null when no output was compared. */
  maxUlpError: number | null;
  details?: FailureDetailsJson;
}

export interface CheckerOptions {
  profile: ProfileName;
  tolerance: ToleranceLevel;
  /**
   * The rerun command without its filter, e.g. "npx smoothl1 run --runner cpu --profile cpu
   * --tolerance standard"; the engine appends --filter '<id>'.
   */
  rerunPrefix: string;
  /** The whole rerun command for a case, where it is not `smoothl1 run` (the vitest integration). */
  rerun?: (caseId: string) => string;
  /** How many leading elements of each input tensor a failure shows (default 8). */
  headElements?: number;
  /** How many failing output elements a failure lists (default 10). */
  maxReported?: number;
  /**
   * Keep the acceptance intervals of outputs up to this many elements, per case and dtype,
   * for later checks with this Checker (default 0: nothing is kept, each output is checked
   * by the fused value check, which stores nothing per element). For callers that check
   * the same corpus many times with one Checker (the verdict tests run every mutant
   * through one).
   */
  cacheElements?: number;
}

/** Shell-quote one word for a POSIX shell (single quotes). */
export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:=,+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * A figure that is not a value of a dtype (an ulp error) as common/number-format.ts
 * writes it; values are written with formatDecimal(dtype, x).
 */
export const formatNumber = formatFigure;

/** Statuses ordered by how close the answer came to an alternative of anyOf (lower is closer). */
const CLOSENESS: Record<CheckStatus, number> = {
  pass: 0,
  'wrong-value': 1,
  'wrong-shape': 2,
  'wrong-dtype': 3,
  'wrong-error-type': 4,
  'missing-error': 5,
  'unexpected-error': 5,
  crash: 6,
  timeout: 6,
};

interface AltVerdict {
  status: CheckStatus;
  reason: string;
  maxUlpError: number | null;
  expected: string;
  values?: ValueCheck;
}

/** About how long the value check works between two yields to the event loop. */
export const SLICE_MS = 50;
/** Elements judged per step of a value check (about a millisecond of work). */
const STEP_ELEMENTS = 1 << 15;

/** Let the event loop run (signal handlers, timers, I/O) before the next slice of work. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Run a value check to completion, yielding to the event loop about every SLICE_MS. */
async function runSliced(job: ValueCheckJob): Promise<void> {
  let t0 = performance.now();
  while (!job.step(STEP_ELEMENTS)) {
    if (performance.now() - t0 >= SLICE_MS) {
      await yieldToEventLoop();
      t0 = performance.now();
    }
  }
}

export class Checker {
  private readonly opts: Required<Omit<CheckerOptions, 'rerun'>> & Pick<CheckerOptions, 'rerun'>;
  /** Cases (and dtypes) whose stored bits were verified against the oracle. */
  private readonly verified = new Set<string>();
  /** Kept acceptance intervals (cacheElements > 0). */
  private readonly accCache = new Map<string, Acceptance>();
  /** How many value checks the oracle ran (one per output compared; nothing is cached per element). */
  oracleCalls = 0;

  constructor(opts: CheckerOptions) {
    this.opts = { headElements: 8, maxReported: 10, cacheElements: 0, ...opts };
  }

  /** The case's expected outcome under this checker's profile; throws CorpusDefectError when the case has none. */
  expectedOutcome(c: LoadedCase): OutcomeJson {
    const o = c.expected[this.opts.profile];
    if (!o) throw new CorpusDefectError(`${c.file}: case '${c.id}' lists profile '${this.opts.profile}' but has no expected.${this.opts.profile} outcome`);
    return o;
  }

  /** Check one runner answer for one case. `args` are the case's materialised inputs. */
  async check(c: LoadedCase, args: CallArgs, result: RunnerResult): Promise<CheckOutcome> {
    const malformed = malformedResult(result);
    if (malformed) return this.unanswered(c, args, 'crash', `the runner returned a malformed answer: ${malformed}`);
    const outcome = this.expectedOutcome(c);
    const v = await this.judge(c, args, outcome, result);
    if (v.status === 'pass') return { status: 'pass', reason: v.reason, maxUlpError: v.maxUlpError };
    return {
      status: v.status,
      reason: v.reason,
      maxUlpError: v.maxUlpError,
      details: this.details(c, args, describeOutcome(outcome), describeResult(result), v.values, result.kind === 'error' ? `${result.errorType}: ${result.message}` : undefined, result.kind === 'output' && isFloatDType(result.tensor.dtype) ? result.tensor.dtype : undefined),
    };
  }

  /** A call that gave no answer: the runner threw (crash) or did not settle in time (timeout). */
  unanswered(c: LoadedCase, args: CallArgs | undefined, status: 'crash' | 'timeout', message: string): CheckOutcome {
    const outcome = c.expected[this.opts.profile];
    const firstLine = message.split('\n', 1)[0];
    const reason = status === 'timeout' ? `no answer: ${firstLine}` : `the implementation crashed: ${firstLine}`;
    return {
      status,
      reason,
      maxUlpError: null,
      details: this.details(c, args, outcome ? describeOutcome(outcome) : '(none)', status === 'timeout' ? 'no answer (timeout)' : 'a crash', undefined, message),
    };
  }

  private async judge(c: LoadedCase, args: CallArgs, o: OutcomeJson, r: RunnerResult): Promise<AltVerdict> {
    if ('anyOf' in o) {
      const verdicts: AltVerdict[] = [];
      for (const alt of o.anyOf) verdicts.push(await this.judge(c, args, alt, r));
      const pass = verdicts.find((v) => v.status === 'pass');
      if (pass) return pass;
      let best = verdicts[0];
      for (const v of verdicts) if (CLOSENESS[v.status] < CLOSENESS[best.status]) best = v;
      return { ...best, reason: `none of the ${verdicts.length} accepted outcomes matched; closest (${best.expected}): ${best.reason}` };
    }
    const expected = describeOutcome(o);
    if ('error' in o) {
      const want = o.kind ? `${o.error} (${o.kind})` : o.error;
      if (r.kind === 'output') {
        return { status: 'missing-error', reason: `expected error ${want}, got an output ${describeTensor(r.tensor)}`, maxUlpError: null, expected };
      }
      if (o.error !== 'any' && r.errorType !== o.error) {
        return { status: 'wrong-error-type', reason: `expected error ${want}, got ${r.errorType}: ${firstLine(r.message)}`, maxUlpError: null, expected };
      }
      return { status: 'pass', reason: `raised ${r.errorType} as expected`, maxUlpError: null, expected };
    }
    const want = o.output;
    if (r.kind === 'error') {
      return { status: 'unexpected-error', reason: `expected output ${want.dtype} shape [${want.shape.join(',')}], got ${r.errorType}: ${firstLine(r.message)}`, maxUlpError: null, expected };
    }
    const t = r.tensor;
    if (t.dtype !== want.dtype) {
      return { status: 'wrong-dtype', reason: `expected dtype ${want.dtype}, got ${t.dtype}`, maxUlpError: null, expected };
    }
    if (!sameShape(t.shape, want.shape)) {
      return { status: 'wrong-shape', reason: `expected shape [${want.shape.join(',')}], got [${t.shape.join(',')}]`, maxUlpError: null, expected };
    }
    const vc = await this.checkValues(c, args, want.dtype, want.shape, want.bits, t);
    const maxUlp = Number.isNaN(vc.maxUlpError) ? null : vc.maxUlpError;
    if (vc.ok) return { status: 'pass', reason: `all ${numel(t.shape)} elements within the ${this.opts.tolerance} interval (max ${formatFigure(vc.maxUlpError)} ulp)`, maxUlpError: maxUlp, expected, values: vc };
    const f = vc.failures[0];
    const dec = (x: number) => formatDecimal(want.dtype, x);
    const union = f ? [[f.lo, f.hi], ...(f.more ?? []).map((m) => [m.lo, m.hi])].map(([l, h]) => `[${dec(l)}, ${dec(h)}]`).join(' or ') : '';
    const where = f ? `; first at [${f.index}]: expected ${dec(f.expected)} in ${union}, got ${dec(f.actual)} (${formatFigure(f.ulpError)} ulp)` : '';
    return {
      status: 'wrong-value',
      reason: `${vc.failedCount} of ${numel(t.shape)} ${want.dtype} elements outside the ${this.opts.tolerance} interval${where}`,
      maxUlpError: maxUlp,
      expected,
      values: vc,
    };
  }

  /** The oracle's value check of one output (its dtype and shape already match); stored bits are verified first. */
  private async checkValues(c: LoadedCase, args: CallArgs, dtype: FloatDType, shape: number[], bits: string[] | undefined, actual: Tensor): Promise<ValueCheck> {
    if (numel(shape) <= this.opts.cacheElements) return checkValues(this.cachedAcceptance(c, args, dtype, shape, bits), actual, this.opts.maxReported);
    this.oracleCalls++;
    let job: ValueCheckJob;
    try {
      if (bits) this.verifyBitsOnce(c, args, dtype, bits);
      job = startValueCheck(args, dtype, this.opts.tolerance, actual, { maxReported: this.opts.maxReported });
    } catch (e) {
      if (e instanceof CorpusDefectError) throw e;
      throw new CorpusDefectError(`${c.file}: the oracle cannot compute case '${c.id}' as ${dtype}: ${(e as Error).message}`);
    }
    if (!sameShape(job.shape, shape)) {
      throw new CorpusDefectError(`${c.file}: case '${c.id}' stores output shape [${shape.join(',')}] for profile ${this.opts.profile} but the oracle computes shape [${job.shape.join(',')}]`);
    }
    await runSliced(job);
    return job.result();
  }

  /** The kept acceptance of a case and dtype (computed on first use); stored bits verified against it. */
  private cachedAcceptance(c: LoadedCase, args: CallArgs, dtype: FloatDType, shape: number[], bits: string[] | undefined): Acceptance {
    const key = `${c.id}\u0000${dtype}`;
    let acc = this.accCache.get(key);
    if (acc) return acc;
    this.oracleCalls++;
    try {
      acc = acceptance(computeReference(args, dtype), this.opts.tolerance);
    } catch (e) {
      throw new CorpusDefectError(`${c.file}: the oracle cannot compute case '${c.id}' as ${dtype}: ${(e as Error).message}`);
    }
    if (!sameShape(acc.shape, shape)) {
      throw new CorpusDefectError(`${c.file}: case '${c.id}' stores output shape [${shape.join(',')}] for profile ${this.opts.profile} but the oracle computes shape [${acc.shape.join(',')}]`);
    }
    if (bits) verifyStoredBits(c, dtype, bits, acc);
    this.accCache.set(key, acc);
    return acc;
  }

  /** Stored bits of a case must be exactly the oracle's correctly rounded result (cases that store bits are small). */
  private verifyBitsOnce(c: LoadedCase, args: CallArgs, dtype: FloatDType, bits: string[]): void {
    const key = `${c.id}\u0000${dtype}`;
    if (this.verified.has(key)) return;
    verifyStoredBits(c, dtype, bits, computeReference(args, dtype));
    this.verified.add(key);
  }

  private details(c: LoadedCase, args: CallArgs | undefined, expected: string, actual: string, vc: ValueCheck | undefined, message: string | undefined, dtype?: FloatDType): FailureDetailsJson {
    const failing = vc ? vc.failures.map((f) => f.index) : [];
    const d: FailureDetailsJson = {
      inputs: args ? describeInputs(args, this.opts.headElements, failing) : [],
      expected,
      actual,
      rerun: this.opts.rerun ? this.opts.rerun(c.id) : `${this.opts.rerunPrefix} --filter ${shellQuote(c.id)}`,
    };
    if (vc && !vc.ok && dtype) {
      const dec = (x: number) => formatDecimal(dtype, x);
      d.failedCount = vc.failedCount;
      d.elements = vc.failures.map(
        (f): ElementFailureJson => ({
          index: f.index,
          expected: dec(f.expected),
          expectedHex: f.expectedHex,
          lo: dec(f.lo),
          loHex: f.loHex,
          hi: dec(f.hi),
          hiHex: f.hiHex,
          actual: dec(f.actual),
          actualHex: f.actualHex,
          ulpError: formatFigure(f.ulpError),
          ...(f.more ? { more: f.more.map((m) => ({ lo: dec(m.lo), loHex: m.loHex, hi: dec(m.hi), hiHex: m.hiHex })) } : {}),
        }),
      );
    }
    if (message !== undefined) d.message = message;
    return d;
  }
}

/** Stored bits of a case must be exactly the oracle's correctly rounded result (NaN payloads aside). */
export function verifyStoredBits(c: LoadedCase, dtype: FloatDType, bits: string[], acc: Pick<Acceptance, 'expected'>): void {
  const fmt = floatFormat(dtype);
  if (bits.length !== acc.expected.length) {
    throw new CorpusDefectError(`${c.file}: case '${c.id}' stores ${bits.length} expected ${dtype} values, the oracle computes ${acc.expected.length}`);
  }
  for (let i = 0; i < bits.length; i++) {
    const stored = bits[i].toLowerCase();
    const x = acc.expected[i];
    if (Number.isNaN(x)) {
      if (fmt.isNaN(fmt.fromHex(stored))) continue;
    } else {
      const oracleHex = fmt.toHex(fmt.encode(x));
      if (oracleHex === stored) continue;
    }
    const oracleText = Number.isNaN(x) ? 'nan' : `${formatHex(dtype, x)} (${formatDecimal(dtype, x)})`;
    throw new CorpusDefectError(
      `${c.file}: case '${c.id}' stores expected ${dtype} bits ${stored} (${formatDecimal(dtype, fmt.decode(fmt.fromHex(stored)))}) at element ${i}, but the oracle's correctly rounded result is ${oracleText}; the case is wrong, not the implementation`,
    );
  }
}

function firstLine(s: string): string {
  const l = s.split('\n', 1)[0];
  return l.length > 200 ? l.slice(0, 200) + '…' : l;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export function describeTensor(t: Tensor): string {
  return `${t.dtype} shape [${t.shape.join(',')}]`;
}

export function describeOutcome(o: OutcomeJson): string {
  if ('anyOf' in o) return `one of: ${o.anyOf.map(describeOutcome).join('; ')}`;
  if ('error' in o) return `error ${o.error === 'any' ? 'of any type' : o.error}${o.kind ? ` (${o.kind})` : ''}`;
  return `output ${o.output.dtype} shape [${o.output.shape.join(',')}]`;
}

function describeResult(r: RunnerResult): string {
  return r.kind === 'error' ? `error ${r.errorType}` : `output ${describeTensor(r.tensor)}`;
}

/** What is wrong with a runner answer's structure, or undefined when it is well-formed. */
export function malformedResult(r: unknown): string | undefined {
  if (typeof r !== 'object' || r === null) return `expected an object, got ${r === null ? 'null' : typeof r}`;
  const o = r as Record<string, unknown>;
  if (o.kind === 'error') {
    if (typeof o.errorType !== 'string' || o.errorType === '') return 'error answer without an errorType string';
    if (typeof o.message !== 'string') return 'error answer without a message string';
    return undefined;
  }
  if (o.kind !== 'output') return `kind must be 'output' or 'error', got ${JSON.stringify(o.kind)}`;
  const t = o.tensor as Partial<Tensor> | undefined;
  if (typeof t !== 'object' || t === null) return 'output answer without a tensor';
  if (typeof t.dtype !== 'string' || !isKnownDType(t.dtype)) return `unknown tensor dtype ${JSON.stringify(t.dtype)}`;
  if (!Array.isArray(t.shape) || !t.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) return `tensor shape must be an array of non-negative integers, got ${JSON.stringify(t.shape)}`;
  const ctor = storageClass(t.dtype);
  if (!(t.data instanceof ctor)) return `${t.dtype} data must be a ${(ctor as unknown as { name: string }).name}, got ${t.data === undefined ? 'nothing' : (t.data as object).constructor?.name}`;
  let elements: number;
  try {
    elements = numel(t.shape);
  } catch (e) {
    return (e as Error).message;
  }
  const n = elements * valuesPerElement(t.dtype);
  if (t.data.length !== n) return `a ${t.dtype} tensor of shape [${t.shape.join(',')}] needs ${n} stored values, got ${t.data.length}`;
  return undefined;
}

/** Pick some elements of a tensor as a small 1-d tensor of the same dtype. */
function pick(t: Tensor, indices: number[]): Tensor {
  const per = t.dtype === 'complex64' ? 2 : 1;
  const Ctor = t.data.constructor as new (n: number) => typeof t.data;
  const data = new Ctor(indices.length * per);
  indices.forEach((idx, j) => {
    for (let k = 0; k < per; k++) (data as unknown as (number | bigint)[])[j * per + k] = (t.data as unknown as (number | bigint)[])[idx * per + k];
  });
  return { dtype: t.dtype, shape: [indices.length], data };
}

function elementDecimal(t: Tensor, j: number): string {
  if (isFloatDType(t.dtype)) return formatDecimal(t.dtype, elementToNumber(t, j));
  if (t.dtype === 'complex64') {
    const d = t.data as Float32Array;
    return `${formatDecimal('float32', d[2 * j])}${d[2 * j + 1] < 0 || Object.is(d[2 * j + 1], -0) ? '' : '+'}${formatDecimal('float32', d[2 * j + 1])}j`;
  }
  if (t.dtype === 'bool') return t.data[j] ? 'True' : 'False';
  return String(t.data[j]);
}

/** Shows a tensor's first elements and the failing ones, in decimal and hex. */
function describeTensorElements(t: Tensor, head: number, failing: number[]): { elements: ElementJson[]; truncated: boolean } {
  const n = numel(t.shape);
  const set = new Set<number>();
  for (let i = 0; i < Math.min(head, n); i++) set.add(i);
  for (const i of failing) if (i < n) set.add(i);
  const indices = [...set].sort((a, b) => a - b);
  const small = pick(t, indices);
  const hex = tensorToHex(small);
  return {
    elements: indices.map((index, j) => ({ index, decimal: elementDecimal(small, j), hex: hex[j] })),
    truncated: indices.length < n,
  };
}

function describeInputs(args: CallArgs, head: number, failing: number[]): InputJson[] {
  const out: InputJson[] = [];
  for (const name of ARG_NAMES) {
    const a = args[name];
    if (a === undefined) {
      out.push({ name, type: 'absent' });
      continue;
    }
    switch (a.type) {
      case 'tensor': {
        // Failing output indices line up with input elements only when the output has the input's shape.
        const { elements, truncated } = describeTensorElements(a.tensor, head, failing);
        out.push({ name, type: 'tensor', dtype: a.tensor.dtype, shape: a.tensor.shape, numel: numel(a.tensor.shape), elements, truncated });
        break;
      }
      case 'float':
        out.push({ name, type: 'float', value: `${formatDecimal('float64', a.value)} (float64 ${formatHex('float64', a.value)})` });
        break;
      case 'int':
        out.push({ name, type: 'int', value: a.value.toString() });
        break;
      case 'bool':
        out.push({ name, type: 'bool', value: a.value ? 'True' : 'False' });
        break;
      case 'str':
        out.push({ name, type: 'str', value: JSON.stringify(a.value) });
        break;
      case 'none':
        out.push({ name, type: 'none', value: 'None' });
        break;
      case 'list': {
        const text = JSON.stringify(a.value);
        out.push({ name, type: 'list', value: text.length > 200 ? text.slice(0, 200) + '…' : text });
        break;
      }
    }
  }
  return out;
}
