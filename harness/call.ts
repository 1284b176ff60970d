/**
 * One implementation call under the harness's time limit (harness/time-limit.ts): the
 * only clock in the suite. The call gets its own copy of the inputs (unless the runner
 * copies them across a process boundary anyway), its answer is read once into plain data
 * (common/result-shape.ts), and every way it can fail ends as data: a crash or timeout
 * with a one-line headline and the details (exit code, signal, stderr tail) formatted
 * here, once.
 */
import { readRunnerResult, settle } from '../common/result-shape.js';
import { ImplementationCrash, ImplementationTimeout, isTimeoutError } from '../common/runner-errors.js';
import type { ArgValue, CallArgs, ProfileName, Runner, RunnerResult, TensorData } from '../common/types.js';
import type { TimeLimit } from './time-limit.js';

/** The run was stopped from outside (a signal); the runner is closed by whoever catches this. */
export class RunInterrupted extends Error {
  override name = 'RunInterrupted';
}

export type Answer =
  | { kind: 'answer'; result: RunnerResult }
  | { kind: 'crash' | 'timeout'; message: string }
  | { kind: 'interrupted' };

export interface CallOptions {
  profile: ProfileName;
  caseId: string;
  limit: TimeLimit;
  /** Stops the call at once (the run is being interrupted). */
  stop?: AbortSignal;
  /** Receives an invalidation that arrives after the call answered (RunContext.invalidate). */
  invalidate?: (message: string) => void;
}

/** Reads a property without trusting the object (a hostile getter may throw). */
function safely<T>(f: () => T, fallback: T): T {
  try {
    return f();
  } catch {
    return fallback;
  }
}

/**
 * A rejection as report text: the first line says what happened; exit code, signal and
 * the stderr tail follow on their own lines when a process runner attached them.
 */
export function failureText(e: unknown): string {
  if (e instanceof ImplementationCrash) {
    const d = e.details;
    const lines = [e.message];
    if (d.exitCode !== undefined && d.exitCode !== null) lines.push(`exit code: ${d.exitCode}`);
    if (d.signal) lines.push(`signal: ${d.signal}`);
    if (d.stderrTail) lines.push(`stderr (last part):\n${d.stderrTail}`);
    return lines.join('\n');
  }
  if (e instanceof ImplementationTimeout) return e.stderrTail ? `${e.message}\nstderr (last part):\n${e.stderrTail}` : e.message;
  return safely(() => (e instanceof Error ? `${e.name}: ${e.message}` : `a thrown ${typeof e}: ${String(e)}`), 'a thrown value that cannot be described');
}

function cloneValue(v: ArgValue): ArgValue {
  if (v.type === 'tensor') {
    const d = v.tensor.data;
    const data = new (d.constructor as new (x: TensorData) => TensorData)(d);
    return { type: 'tensor', tensor: { dtype: v.tensor.dtype, shape: [...v.tensor.shape], data } };
  }
  if (v.type === 'list') return { type: 'list', value: structuredClone(v.value) };
  return { ...v };
}

/** A deep copy of call arguments: what an in-process implementation may scribble on. */
export function cloneArgs(a: CallArgs): CallArgs {
  const c: CallArgs = { logits: cloneValue(a.logits), labels: cloneValue(a.labels) };
  if (a.beta !== undefined) c.beta = cloneValue(a.beta);
  if (a.reduction !== undefined) c.reduction = cloneValue(a.reduction);
  return c;
}

/**
 * Calls the runner once. `args` stay untouched: an in-process runner gets a copy. The
 * clock starts at limit.timeoutMs and is set to startupMs + timeoutMs from the moment the
 * runner reports a (re)started process. A call that does not settle in time is a timeout:
 * ctx.signal is aborted (a process runner kills the process), and a promise that never
 * settles is abandoned.
 */
export async function callImplementation(runner: Runner, args: CallArgs, o: CallOptions): Promise<Answer> {
  const ac = new AbortController();
  const { timeoutMs, startupMs } = o.limit;
  let timer: NodeJS.Timeout | undefined;
  let withStartup = false;
  let settled = false;
  let invalidated: string | undefined;
  let finish!: (a: Answer) => void;
  const done = new Promise<Answer>((resolve) => (finish = resolve));

  const onTime = () => {
    const ms = withStartup ? startupMs + timeoutMs : timeoutMs;
    const message = `no answer within ${ms} ms${withStartup ? ` (${timeoutMs} ms plus the ${startupMs} ms start-up allowance of a freshly started implementation process)` : ''}`;
    ac.abort(new ImplementationTimeout(message, ms));
    // A process runner rejects at once on abort, with the stderr tail: give it one turn.
    setImmediate(() => finish({ kind: 'timeout', message }));
  };
  const arm = (ms: number) => {
    clearTimeout(timer);
    timer = setTimeout(onTime, ms);
  };
  arm(timeoutMs);
  const onStop = () => {
    ac.abort(new Error('the run was interrupted'));
    finish({ kind: 'interrupted' });
  };
  if (o.stop?.aborted) onStop();
  else o.stop?.addEventListener('abort', onStop, { once: true });

  const ctx = {
    profile: o.profile,
    caseId: o.caseId,
    signal: ac.signal,
    startingProcess: () => {
      if (settled || ac.signal.aborted) return;
      withStartup = true;
      arm(startupMs + timeoutMs);
    },
    invalidate: (e: Error) => {
      const text = failureText(e);
      if (settled) o.invalidate?.(text);
      else invalidated ??= text;
    },
  };
  const callArgs = runner.isolated ? args : cloneArgs(args);
  void settle(() => runner.run(callArgs, ctx)).then((s) => {
    if (s.kind === 'unreadable') return finish({ kind: 'crash', message: `the runner returned a malformed answer: ${s.reason}` });
    if (s.kind === 'threw') {
      const e = s.error;
      if (!isTimeoutError(e)) return finish({ kind: 'crash', message: failureText(e) });
      // The runner's own account of a timeout (stderr tail) follows the harness's.
      const own = failureText(e);
      return finish({ kind: 'timeout', message: ac.signal.aborted ? `${String((ac.signal.reason as Error).message)}\n${own}` : own });
    }
    // Runners that cross a process boundary build their answers themselves; anything
    // else is read once, defensively, into a copy.
    if (runner.isolated) return finish({ kind: 'answer', result: s.value as RunnerResult });
    const read = readRunnerResult(s.value);
    finish(read.ok ? { kind: 'answer', result: read.result } : { kind: 'crash', message: `the runner returned a malformed answer: ${read.reason}` });
  });
  try {
    const a = await done;
    settled = true;
    if (invalidated !== undefined && a.kind === 'answer') return { kind: 'crash', message: invalidated };
    return a;
  } finally {
    settled = true;
    clearTimeout(timer);
    o.stop?.removeEventListener('abort', onStop);
  }
}
