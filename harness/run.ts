/**
 * Run orchestration: the per-case step (harness/case-step.ts) over the selected cases in
 * sorted id order, under one profile and time limit, collecting results in report.json's
 * shape. The runner's close() is always called.
 *
 * Cases run sequentially (the runner contract forbids concurrent calls), so results come
 * out in a deterministic order. A runner may void an answer after the fact (a process
 * that answered twice): the case's entry is replaced by the crash, until the runner is
 * closed.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { LoadedCase, ProfileName, Runner, ToleranceLevel } from '../common/types.js';
import { callImplementation, type Answer } from './call.js';
import { runCase, RunInterrupted } from './case-step.js';
import { Checker, CorpusDefectError } from './check.js';
import { caseColumns, compareIds } from './columns.js';
import { ExpectationMatcher } from './expectations.js';
import type { Expectations } from './expectations.js';
import type { CaseResultJson, ReportJson, TimingsJson } from './results.js';
import { summarize } from './results.js';
import type { Shard } from './shard.js';
import { timeLimit } from './time-limit.js';
import type { CallArgs } from '../common/types.js';

export { CorpusDefectError, RunInterrupted, caseColumns, compareIds };

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

/**
 * One runner call under the harness's time limit (harness/call.ts callImplementation,
 * with the default start-up allowance), kept for callers of the earlier API.
 */
export function callWithTimeout(runner: Runner, args: CallArgs, profile: ProfileName, caseId: string, timeoutMs: number, stop?: AbortSignal): Promise<Answer> {
  return callImplementation(runner, args, { profile, caseId, limit: timeLimit({ timeoutMs }), stop });
}

export interface RunOptions {
  runner: Runner;
  /** The cases to run (already filtered and sharded); run in sorted id order. */
  cases: readonly LoadedCase[];
  profile: ProfileName;
  tolerance: ToleranceLevel;
  /** Per-call time limit in milliseconds (default harness/time-limit.ts). */
  timeoutMs?: number;
  /** Start-up allowance added to a call that goes to a freshly (re)started process (default harness/time-limit.ts). */
  startupMs?: number;
  expectations?: Expectations | null;
  /** Rerun command without its --filter (harness/rerun.ts builds it; see CheckerOptions.rerunPrefix). */
  rerunPrefix: string;
  /**
   * A checker to reuse (same profile and tolerance): its oracle cache then spans several
   * runs over the same cases, e.g. several implementations checked in one process.
   */
  checker?: Checker;
  /** The caller already ran runner.init() (e.g. to learn its native profile). */
  runnerStarted?: boolean;
  /**
   * Stops the run: the call in flight is abandoned (its ctx.signal aborted), close() is
   * called, and runCases rejects with RunInterrupted.
   */
  signal?: AbortSignal;
  /** Called after each case (progress display). */
  onResult?: (r: CaseResultJson, done: number, total: number) => void;
  /** Called as each case starts, with the number done before it (progress during one long case). */
  onStart?: (caseId: string, done: number, total: number) => void;
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
  const index = new Map<string, number>();
  const caseMs: Record<string, number> = {};
  let checkMs = 0;
  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  const env = {
    runner,
    checker,
    profile,
    limit: timeLimit(opts),
    matcher,
    expectationsFile: opts.expectations?.file,
    signal: opts.signal,
    onLateFailure: (r: CaseResultJson) => {
      const i = index.get(r.id);
      if (i !== undefined) results[i] = r;
    },
  };
  try {
    if (runner.init && !opts.runnerStarted) await runner.init();
    for (const c of cases) {
      opts.onStart?.(c.id, results.length, cases.length);
      const step = await runCase(c, env);
      if (step.callMs !== undefined) caseMs[c.id] = step.callMs;
      checkMs += step.checkMs;
      index.set(c.id, results.length);
      results.push(step.result);
      opts.onResult?.(step.result, results.length, cases.length);
    }
  } finally {
    // Invalidations may still arrive while the runner shuts down (a late second answer).
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
