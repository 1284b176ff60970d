/**
 * Run orchestration: call a runner once per selected case under one profile, with a time
 * limit per call, check each answer (harness/check.ts), apply the expectations file and
 * collect results in report.json's shape. The runner's close() is always called.
 *
 * Cases run sequentially in sorted id order (the runner contract forbids concurrent
 * calls), so results come out in a deterministic order.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { CallArgs, CaseInputsJson, LoadedCase, ProfileName, Runner, RunnerResult, ToleranceLevel, ValueJson } from '../common/types.js';
import { profilesSpec } from '../common/spec-data.js';
import { ImplementationCrash, ImplementationTimeout, isTimeoutError } from '../common/runner-errors.js';
import { materialize } from './cases/index.js';
import { Checker, CorpusDefectError } from './check.js';
import type { CheckOutcome } from './check.js';
import { ExpectationMatcher } from './expectations.js';
import type { Expectations } from './expectations.js';
import type { CaseResultJson, ReportJson, TimingsJson } from './results.js';
import { summarize } from './results.js';
import type { Shard } from './shard.js';

export { CorpusDefectError };

/** The run was stopped from outside (RunOptions.signal, e.g. Ctrl-C); the runner was closed. */
export class RunInterrupted extends Error {
  override name = 'RunInterrupted';
}

/** sha256 over the corpus: for each case in sorted id order, utf8(id), 0x00, the file's bytes, 0x00. */
export function corpusHash(cases: readonly LoadedCase[]): string {
  const h = createHash('sha256');
  for (const c of [...cases].sort((a, b) => compareIds(a.id, b.id))) {
    h.update(c.id, 'utf8');
    h.update(Buffer.from([0]));
    h.update(readFileSync(c.file));
    h.update(Buffer.from([0]));
  }
  return h.digest('hex');
}

/** Code-unit order: locale independent, so every machine sorts ids the same way. */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The report columns of a case, read from its JSON inputs (no materialising needed):
 * area = the first segment of its id (the corpus folder); dtype = the logits tensor's
 * dtype, "a+b" for two different tensor dtypes, "n/a" without tensors; reduction = the
 * reduction string when it is one of the three names, "default" when absent, else "invalid".
 */
export function caseColumns(c: { id: string; inputs: CaseInputsJson }): { area: string; dtype: string; reduction: string } {
  const slash = c.id.indexOf('/');
  const area = slash > 0 ? c.id.slice(0, slash) : 'other';
  const dt = (v: ValueJson | undefined): string | undefined => (v && v.type === 'tensor' ? v.tensor.dtype : undefined);
  const a = dt(c.inputs.logits);
  const b = dt(c.inputs.labels);
  const dtype = a && b && a !== b ? `${a}+${b}` : (a ?? b ?? 'n/a');
  const r = c.inputs.reduction;
  const reduction = r === undefined ? 'default' : r.type === 'str' && (profilesSpec().reductions as string[]).includes(r.value) ? r.value : 'invalid';
  return { area, dtype, reduction };
}

export interface RunOptions {
  runner: Runner;
  /** The cases to run (already filtered and sharded); run in sorted id order. */
  cases: readonly LoadedCase[];
  profile: ProfileName;
  tolerance: ToleranceLevel;
  /** Per-call time limit in milliseconds. */
  timeoutMs: number;
  expectations?: Expectations | null;
  /** Rerun command without its --filter (see CheckerOptions.rerunPrefix). */
  rerunPrefix: string;
  /**
   * A checker to reuse (same profile and tolerance): its oracle cache then spans several
   * runs over the same cases, e.g. several implementations checked in one process.
   */
  checker?: Checker;
  /**
   * Stops the run: the call in flight is abandoned (its ctx.signal aborted), close() is
   * called, and runCases rejects with RunInterrupted.
   */
  signal?: AbortSignal;
  /** Called after each case (progress display). */
  onResult?: (r: CaseResultJson, done: number, total: number) => void;
}

export interface RunOutcome {
  results: CaseResultJson[];
  /** Milliseconds per case id spent in the runner call. */
  caseMs: Record<string, number>;
  totalMs: number;
  /** Milliseconds spent checking answers (mostly the oracle). */
  checkMs: number;
  startedAt: string;
  unusedExpectations: string[];
  oracleCalls: number;
}

type Answer = { kind: 'answer'; result: RunnerResult } | { kind: 'crash'; message: string } | { kind: 'timeout'; message: string } | { kind: 'interrupted' };

/** Describes a runner rejection for a report: message plus exit code / signal / stderr tail when a process runner attached them. */
function rejectionMessage(e: unknown): string {
  if (e instanceof ImplementationCrash) {
    const d = e.details;
    const parts = [e.message];
    if (d.exitCode !== undefined && d.exitCode !== null) parts.push(`exit code ${d.exitCode}`);
    if (d.signal) parts.push(`signal ${d.signal}`);
    let s = parts.join('; ');
    if (d.stderrTail) s += `\nstderr (tail):\n${d.stderrTail}`;
    return s;
  }
  if (e instanceof ImplementationTimeout && e.stderrTail) return `${e.message}\nstderr (tail):\n${e.stderrTail}`;
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  return String(e);
}

/**
 * One runner call with a time limit. A call that throws (synchronously or by rejecting)
 * is a crash; one that does not settle within timeoutMs is a timeout: ctx.signal is
 * aborted and the harness moves on (a promise that never settles is simply abandoned).
 */
export async function callWithTimeout(runner: Runner, args: CallArgs, profile: ProfileName, caseId: string, timeoutMs: number, stop?: AbortSignal): Promise<Answer> {
  const ac = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let onStop: (() => void) | undefined;
  const stopped = new Promise<Answer>((resolve) => {
    onStop = () => {
      ac.abort(new Error('the run was interrupted'));
      resolve({ kind: 'interrupted' });
    };
    if (stop?.aborted) onStop();
    else stop?.addEventListener('abort', onStop, { once: true });
  });
  const timedOut = new Promise<Answer>((resolve) => {
    timer = setTimeout(() => {
      const message = `no answer within ${timeoutMs} ms`;
      ac.abort(new ImplementationTimeout(message, timeoutMs));
      resolve({ kind: 'timeout', message });
    }, timeoutMs);
  });
  const called: Promise<Answer> = Promise.resolve()
    .then(() => runner.run(args, { profile, caseId, signal: ac.signal }))
    .then(
      (result): Answer => ({ kind: 'answer', result }),
      (e: unknown): Answer => (isTimeoutError(e) ? { kind: 'timeout', message: rejectionMessage(e) } : { kind: 'crash', message: rejectionMessage(e) }),
    );
  try {
    return await Promise.race([called, timedOut, stopped]);
  } finally {
    clearTimeout(timer);
    if (onStop) stop?.removeEventListener('abort', onStop);
  }
}

/**
 * Run the cases. Throws CorpusDefectError when a case itself is wrong (the run cannot
 * judge the implementation then); any runner misbehaviour becomes a case status instead.
 * init() failures propagate (nothing can be checked); close() is called in every case.
 */
export async function runCases(opts: RunOptions): Promise<RunOutcome> {
  const { runner, profile, tolerance } = opts;
  const checker = opts.checker ?? new Checker({ profile, tolerance, rerunPrefix: opts.rerunPrefix });
  const matcher = opts.expectations ? new ExpectationMatcher(opts.expectations) : undefined;
  const cases = [...opts.cases].sort((a, b) => compareIds(a.id, b.id));
  const results: CaseResultJson[] = [];
  const caseMs: Record<string, number> = {};
  let checkMs = 0;
  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  try {
    if (runner.init) await runner.init();
    for (const c of cases) {
      if (opts.signal?.aborted) throw new RunInterrupted(`the run was interrupted after ${results.length} of ${cases.length} cases`);
      const cols = caseColumns(c);
      if (!c.profiles.includes(profile)) {
        const r: CaseResultJson = { id: c.id, status: 'skipped', reason: `the case applies only to profile(s) ${c.profiles.join(', ')}`, maxUlpError: null, ...cols };
        results.push(r);
        opts.onResult?.(r, results.length, cases.length);
        continue;
      }
      let args: CallArgs;
      try {
        args = materialize(c);
      } catch (e) {
        throw new CorpusDefectError(`${c.file}: cannot build the inputs of case '${c.id}': ${(e as Error).message}`);
      }
      const start = performance.now();
      const answer = await callWithTimeout(runner, args, profile, c.id, opts.timeoutMs, opts.signal);
      if (answer.kind === 'interrupted') throw new RunInterrupted(`the run was interrupted at case ${c.id} (${results.length} of ${cases.length} done)`);
      const called = performance.now();
      caseMs[c.id] = Math.round((called - start) * 100) / 100;
      const checked: CheckOutcome = answer.kind === 'answer' ? await checker.check(c, args, answer.result) : checker.unanswered(c, args, answer.kind, answer.message);
      checkMs += performance.now() - called;
      const r: CaseResultJson = {
        id: c.id,
        status: checked.status,
        reason: checked.reason,
        maxUlpError: checked.maxUlpError === null ? null : Number.isFinite(checked.maxUlpError) ? checked.maxUlpError : 'Infinity',
        ...cols,
      };
      const verdict = matcher?.apply(c.id, profile, checked.status);
      if (verdict) {
        r.observed = checked.status;
        r.status = verdict.status;
        r.expectation = verdict.entry.reason;
        r.reason = verdict.status === 'unexpected-pass' ? `listed as a known failure (${verdict.entry.reason}) but passed: remove it from ${opts.expectations!.file}` : `known failure (${verdict.entry.reason}): ${checked.reason}`;
      }
      if (checked.details) r.details = checked.details;
      results.push(r);
      opts.onResult?.(r, results.length, cases.length);
    }
  } finally {
    if (runner.close) await runner.close();
  }
  return {
    results,
    caseMs,
    totalMs: Math.round((performance.now() - t0) * 100) / 100,
    checkMs: Math.round(checkMs * 100) / 100,
    startedAt,
    unusedExpectations: matcher ? matcher.unused() : [],
    oracleCalls: checker.oracleCalls,
  };
}

export interface ReportInputs {
  toolVersion: string;
  runner: { name: string; version: string };
  profile: ProfileName;
  tolerance: ToleranceLevel;
  corpus: readonly LoadedCase[];
  filters: string[];
  shard: Shard | null;
  seed: number | null;
  expectations: Expectations | null;
  timings: boolean;
}

/** Assemble report.json from a run. Everything but `timings` depends only on the inputs. */
export function buildReport(inp: ReportInputs, run: RunOutcome): ReportJson {
  const report: ReportJson = {
    format: 'smoothl1-report/1',
    tool: { name: 'smoothl1-conformance', version: inp.toolVersion },
    runner: { name: inp.runner.name, version: inp.runner.version },
    profile: inp.profile,
    tolerance: inp.tolerance,
    corpusHash: corpusHash(inp.corpus),
    corpusSize: inp.corpus.length,
    selection: { filters: [...inp.filters], shard: inp.shard ? { index: inp.shard.index, count: inp.shard.count } : null, selected: run.results.length },
    seed: inp.seed,
    expectations: inp.expectations ? { file: inp.expectations.file, sha256: inp.expectations.sha256, unused: run.unusedExpectations } : null,
    summary: summarize(run.results),
    results: run.results,
  };
  if (inp.timings) {
    const t: TimingsJson = { startedAt: run.startedAt, totalMs: run.totalMs, checkMs: run.checkMs, cases: run.caseMs };
    report.timings = t;
  }
  return report;
}
