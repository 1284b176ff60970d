/**
 * The worker thread of `smoothl1 run` (started by cli/run/supervisor.ts): creates the
 * runner and hands it to harness/conformance.ts checkSelected (the sequence the library's
 * checkConformance runs too: stored outcomes re-derived, runner started, cases run and
 * checked), then posts the outcome. Everything here may be slow or synchronous (the
 * oracle on a large case, an in-process kernel); the supervisor thread stays free to
 * answer signals, and may terminate this thread at any moment.
 *
 * Messages to the supervisor (WorkerMessage): process groups as they start and end,
 * each result, and one final message: done, stopped, or fail (with its exit code).
 */
import { isAbsolute, resolve } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { onGroupChange } from '../../common/process-groups.js';
import type { LoadedCase, ProfileName, Runner } from '../../common/types.js';
import { EXIT } from '../exit-codes.js';
import { checkSelected, RunnerStartError } from '../../harness/conformance.js';
import { CorpusDefectError, RunInterrupted, type RunOutcome } from '../../harness/run.js';
import { loadExpectations } from '../../harness/expectations.js';
import type { CaseResultJson } from '../../harness/results.js';
import { rerunPrefix } from '../../harness/rerun.js';
import { createRunner, UnknownRunnerError } from '../../runners/registry.js';
import type { ParsedRunArgs } from '../commands/run.js';

export interface WorkerInput {
  args: ParsedRunArgs;
  cases: LoadedCase[];
}

export type WorkerMessage =
  | { type: 'group'; pid: number; alive: boolean }
  | { type: 'result'; result: CaseResultJson; done: number; total: number }
  | { type: 'start'; caseId: string; done: number; total: number }
  | { type: 'done'; outcome: RunOutcome; runner: { name: string; version: string }; profile: ProfileName }
  | { type: 'stopped' }
  | { type: 'fail'; code: typeof EXIT.failed | typeof EXIT.usage | typeof EXIT.internal; message: string };

const port = parentPort!;
const post = (m: WorkerMessage) => port.postMessage(m);
const stop = new AbortController();
port.on('message', (m: { type: string }) => {
  if (m.type === 'stop') stop.abort();
});
onGroupChange((pid, alive) => post({ type: 'group', pid, alive }));

async function work({ args: a, cases }: WorkerInput): Promise<WorkerMessage> {
  let runner: Runner;
  try {
    const modulePath = a.modulePath === undefined ? undefined : isAbsolute(a.modulePath) ? a.modulePath : resolve(a.modulePath);
    runner = await createRunner(a.runner, { ...(a.command !== undefined ? { command: a.command } : {}), ...(modulePath !== undefined ? { modulePath } : {}), startupMs: a.startupMs, ...(a.profile ? { profile: a.profile } : {}) });
  } catch (e) {
    return { type: 'fail', code: EXIT.usage, message: e instanceof UnknownRunnerError ? e.message : `cannot create runner '${a.runner}': ${(e as Error).message}` };
  }
  try {
    const { run, profile } = await checkSelected(runner, {
      cases,
      ...(a.profile ? { profile: a.profile } : {}),
      tolerance: a.tolerance,
      timeoutMs: a.timeoutMs,
      startupMs: a.startupMs,
      expectations: a.expectationsFile !== undefined ? loadExpectations(a.expectationsFile) : null,
      rerunPrefix: (profile) =>
        rerunPrefix({
          runner: a.runner,
          command: a.command,
          modulePath: a.modulePath,
          casesDir: a.casesGiven ? a.casesDir : undefined,
          timeoutMs: a.timeoutMs,
          startupMs: a.startupGiven ? a.startupMs : undefined,
          profile,
          tolerance: a.tolerance,
          expectationsFile: a.expectationsFile,
        }),
      signal: stop.signal,
      onResult: (result, done, total) => post({ type: 'result', result, done, total }),
      onStart: (caseId, done, total) => post({ type: 'start', caseId, done, total }),
    });
    return { type: 'done', outcome: run, runner: { name: runner.name, version: runner.version }, profile };
  } catch (e) {
    if (e instanceof RunInterrupted) return { type: 'stopped' };
    // An implementation that cannot start is a setup problem: nothing was checked.
    if (e instanceof RunnerStartError) return { type: 'fail', code: EXIT.usage, message: e.message };
    if (e instanceof CorpusDefectError) return { type: 'fail', code: EXIT.failed, message: `corpus defect, ${e.message.startsWith('nothing was run') ? '' : 'the run was stopped:\n'}${e.message}` };
    return { type: 'fail', code: EXIT.failed, message: `runner '${runner.name}' failed: ${e instanceof Error ? e.message : String(e)}` };
  }
}

work(workerData as WorkerInput).then(post, (e: unknown) => post({ type: 'fail', code: EXIT.internal, message: `internal error: ${e instanceof Error ? e.message : String(e)}` }));
