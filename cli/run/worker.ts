/**
 * The worker thread of `smoothl1 run` (started by cli/run/supervisor.ts): creates and
 * starts the runner, re-derives the selected cases' stored outcomes with the oracle,
 * runs the cases through the harness and posts the outcome. Everything here may be
 * slow or synchronous (the oracle on a large case, an in-process kernel); the supervisor
 * thread stays free to answer signals, and may terminate this thread at any moment.
 *
 * Messages to the supervisor (WorkerMessage): process groups as they start and end,
 * each result, and one final message: done, stopped, or fail (with its exit code).
 */
import { isAbsolute, resolve } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { onGroupChange } from '../../common/process-groups.js';
import type { LoadedCase, ProfileName, Runner } from '../../common/types.js';
import { formatProblem } from '../../harness/cases/index.js';
import { CorpusDefectError, RunInterrupted, runCases, type RunOutcome } from '../../harness/run.js';
import { loadExpectations } from '../../harness/expectations.js';
import type { CaseResultJson } from '../../harness/results.js';
import { rerunPrefix } from '../../harness/rerun.js';
import { corpusOutcomeProblems } from '../../harness/stored-outcomes.js';
import { createRunner, UnknownRunnerError } from '../../runners/registry.js';
import type { ParsedRunArgs } from '../commands/run.js';

export interface WorkerInput {
  args: ParsedRunArgs;
  cases: LoadedCase[];
}

export type WorkerMessage =
  | { type: 'group'; pid: number; alive: boolean }
  | { type: 'result'; result: CaseResultJson; done: number; total: number }
  | { type: 'done'; outcome: RunOutcome; runner: { name: string; version: string }; profile: ProfileName }
  | { type: 'stopped' }
  | { type: 'fail'; code: 1 | 2 | 3; message: string };

const port = parentPort!;
const post = (m: WorkerMessage) => port.postMessage(m);
const stop = new AbortController();
port.on('message', (m: { type: string }) => {
  if (m.type === 'stop') stop.abort();
});
onGroupChange((pid, alive) => post({ type: 'group', pid, alive }));

/** Re-derives the stored outcomes; a disagreement ends the run before any case (exit 1). */
function corpusDefects(cases: readonly LoadedCase[], profile: ProfileName): string | undefined {
  const problems = corpusOutcomeProblems(cases, [profile]);
  if (problems.length === 0) return undefined;
  return `corpus defect, nothing was run (${problems.length} stored outcome(s) disagree with the oracle):\n${problems.map(formatProblem).join('\n')}`;
}

async function work({ args: a, cases }: WorkerInput): Promise<WorkerMessage> {
  if (a.profile) {
    const defect = corpusDefects(cases, a.profile);
    if (defect) return { type: 'fail', code: 1, message: defect };
  }
  let runner: Runner;
  try {
    const modulePath = a.modulePath === undefined ? undefined : isAbsolute(a.modulePath) ? a.modulePath : resolve(a.modulePath);
    runner = await createRunner(a.runner, { ...(a.command !== undefined ? { command: a.command } : {}), ...(modulePath !== undefined ? { modulePath } : {}), startupMs: a.startupMs, ...(a.profile ? { profile: a.profile } : {}) });
  } catch (e) {
    return { type: 'fail', code: 2, message: e instanceof UnknownRunnerError ? e.message : `cannot create runner '${a.runner}': ${(e as Error).message}` };
  }
  try {
    await runner.init?.();
  } catch (e) {
    await runner.close?.().catch(() => {});
    return { type: 'fail', code: 1, message: `runner '${runner.name}' cannot start: ${(e as Error).message}` };
  }
  const profile = a.profile ?? runner.nativeProfile;
  if (!a.profile) {
    const defect = corpusDefects(cases, profile);
    if (defect) {
      await runner.close?.().catch(() => {});
      return { type: 'fail', code: 1, message: defect };
    }
  }
  const prefix = rerunPrefix({
    runner: a.runner,
    command: a.command,
    modulePath: a.modulePath,
    casesDir: a.casesGiven ? a.casesDir : undefined,
    timeoutMs: a.timeoutMs,
    startupMs: a.startupGiven ? a.startupMs : undefined,
    profile,
    tolerance: a.tolerance,
    expectationsFile: a.expectationsFile,
  });
  try {
    const outcome = await runCases({
      runner,
      cases,
      profile,
      tolerance: a.tolerance,
      timeoutMs: a.timeoutMs,
      startupMs: a.startupMs,
      expectations: a.expectationsFile !== undefined ? loadExpectations(a.expectationsFile) : null,
      rerunPrefix: prefix,
      runnerStarted: true,
      signal: stop.signal,
      onResult: (result, done, total) => post({ type: 'result', result, done, total }),
    });
    return { type: 'done', outcome, runner: { name: runner.name, version: runner.version }, profile };
  } catch (e) {
    if (e instanceof RunInterrupted) return { type: 'stopped' };
    if (e instanceof CorpusDefectError) return { type: 'fail', code: 1, message: `corpus defect, the run was stopped:\n${e.message}` };
    return { type: 'fail', code: 1, message: `runner '${runner.name}' failed: ${e instanceof Error ? e.message : String(e)}` };
  }
}

work(workerData as WorkerInput).then(post, (e: unknown) => post({ type: 'fail', code: 3, message: `internal error: ${e instanceof Error ? e.message : String(e)}` }));
