/**
 * Failures of an implementation that are not errors it raised on purpose. A runner
 * rejects run() with one of these so the checking engine can tell a crashed or hung
 * implementation (status 'crash' / 'timeout') from a documented error it raised
 * (RunnerResult kind 'error'). Any other rejection is also a crash; these classes add
 * the details (exit code, signal, stderr tail) a report should show.
 */

export interface CrashDetails {
  /**
   * Why the call is counted as a crash: the process ended, it broke the protocol, it could
   * not be started, the implementation threw, or its adapter reported that it could not
   * make the call (spec/runner-contract.md section 4).
   */
  reason: 'exit' | 'protocol' | 'spawn' | 'exception' | 'adapter';
  exitCode?: number | null;
  signal?: string | null;
  /** The last bytes the process wrote to stderr (bounded). */
  stderrTail?: string;
}

/**
 * The implementation crashed, exited, or answered something that is not a valid answer.
 * The message says what happened in one sentence; exit code, signal and stderr travel as
 * data in `details`, and the harness formats them once (harness/call.ts).
 */
export class ImplementationCrash extends Error {
  override name = 'ImplementationCrash';
  readonly details: CrashDetails;
  constructor(message: string, details: CrashDetails) {
    super(message);
    this.details = details;
  }
}

/** The implementation did not answer within the time limit (and was killed, where it is a process). */
export class ImplementationTimeout extends Error {
  override name = 'TimeoutError';
  readonly timeoutMs: number;
  readonly stderrTail?: string;
  constructor(message: string, timeoutMs: number, stderrTail?: string) {
    super(message);
    this.timeoutMs = timeoutMs;
    if (stderrTail !== undefined) this.stderrTail = stderrTail;
  }
}

/** True for a rejection that means "timed out", whichever runner produced it. */
export function isTimeoutError(e: unknown): boolean {
  return e instanceof ImplementationTimeout || (e instanceof Error && e.name === 'TimeoutError');
}
