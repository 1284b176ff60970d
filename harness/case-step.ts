/**
 * The per-case step, owned by the harness and shared by every mode that checks an
 * implementation (`smoothl1 run` through harness/run.ts, the vitest integration, future
 * modes such as fuzzing): skip a case that does not apply to the profile, build its
 * inputs, call the implementation under the one time limit (harness/call.ts), check the
 * answer (harness/check.ts) against the suite's pristine inputs, and apply the
 * expectations file. The result is one report entry.
 */
import { performance } from 'node:perf_hooks';
import type { CallArgs, LoadedCase, ProfileName, Runner, RunnerResult } from '../common/types.js';
import { callImplementation, RunInterrupted } from './call.js';
import { materialize } from './cases/index.js';
import { Checker, CorpusDefectError, type CheckOutcome } from './check.js';
import type { ExpectationMatcher } from './expectations.js';
import type { CaseResultJson } from './results.js';
import { caseColumns } from './columns.js';
import type { TimeLimit } from './time-limit.js';

export interface CaseEnvironment {
  runner: Runner;
  checker: Checker;
  profile: ProfileName;
  limit: TimeLimit;
  /** Known failures; `expectationsFile` names the file in messages. */
  matcher?: ExpectationMatcher;
  expectationsFile?: string;
  /** Stops the step (the run is interrupted): it rejects with RunInterrupted. */
  signal?: AbortSignal;
  /**
   * The runner voided an answer after the step returned (a process answered the same
   * request twice): the case's entry, now a crash, replaces the earlier one.
   */
  onLateFailure?: (r: CaseResultJson) => void;
  /** Sees the implementation's answer before it is checked (a sweep classifies the failing elements of an output). */
  onAnswer?: (result: RunnerResult, args: CallArgs) => void;
}

export interface CaseStep {
  result: CaseResultJson;
  /** Milliseconds in the implementation call (absent for a skipped case). */
  callMs?: number;
  /** Milliseconds spent checking the answer (mostly the oracle). */
  checkMs: number;
}

/** A check outcome as a report entry, with the expectations file applied. */
export function caseResult(c: LoadedCase, checked: CheckOutcome, env: Pick<CaseEnvironment, 'matcher' | 'profile' | 'expectationsFile'>): CaseResultJson {
  const r: CaseResultJson = {
    id: c.id,
    status: checked.status,
    reason: checked.reason,
    maxUlpError: checked.maxUlpError === null ? null : Number.isFinite(checked.maxUlpError) ? checked.maxUlpError : 'inf',
    ...caseColumns(c),
  };
  const verdict = env.matcher?.apply(c.id, env.profile, checked.status);
  if (verdict) {
    r.observed = checked.status;
    r.status = verdict.status;
    r.expectation = verdict.entry.reason;
    r.reason = verdict.status === 'unexpected-pass' ? `listed as a known failure (${verdict.entry.reason}) but passed: remove it from ${env.expectationsFile ?? 'the expectations file'}` : `known failure (${verdict.entry.reason}): ${checked.reason}`;
  }
  if (checked.details) r.details = checked.details;
  return r;
}

/**
 * Runs and checks one case. Throws RunInterrupted when env.signal stops it and
 * CorpusDefectError when the case itself is wrong. `built` are the call's arguments when
 * the caller has them already (a search builds its calls directly, without a case file);
 * otherwise they are materialised from the case's inputs.
 */
export async function runCase(c: LoadedCase, env: CaseEnvironment, built?: CallArgs): Promise<CaseStep> {
  if (env.signal?.aborted) throw new RunInterrupted(`the run was interrupted before case ${c.id}`);
  if (!c.profiles.includes(env.profile)) {
    return { result: { id: c.id, status: 'skipped', reason: `the case applies only to profile(s) ${c.profiles.join(', ')}`, maxUlpError: null, ...caseColumns(c) }, checkMs: 0 };
  }
  let args: CallArgs;
  try {
    args = built ?? materialize(c);
  } catch (e) {
    throw new CorpusDefectError(`${c.file}: cannot build the inputs of case '${c.id}': ${(e as Error).message}`);
  }
  const start = performance.now();
  const answer = await callImplementation(env.runner, args, {
    profile: env.profile,
    caseId: c.id,
    limit: env.limit,
    stop: env.signal,
    invalidate: (message) => env.onLateFailure?.(caseResult(c, env.checker.unanswered(c, args, 'crash', message), env)),
  });
  if (answer.kind === 'interrupted') throw new RunInterrupted(`the run was interrupted at case ${c.id}`);
  const called = performance.now();
  if (answer.kind === 'answer') env.onAnswer?.(answer.result, args);
  const checked = answer.kind === 'answer' ? await env.checker.check(c, args, answer.result) : env.checker.unanswered(c, args, answer.kind, answer.message);
  return { result: caseResult(c, checked, env), callMs: Math.round((called - start) * 100) / 100, checkMs: performance.now() - called };
}

export { RunInterrupted };
