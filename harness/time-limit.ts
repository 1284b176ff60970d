/**
 * The one time limit of an implementation call. The harness owns it (harness/call.ts runs
 * the clock); runners own no clock of their own, and every entry point (`smoothl1 run`,
 * the vitest integration, future modes) takes its defaults from here.
 *
 * - timeoutMs: how long one call may take (`--timeout`).
 * - startupMs: added to a call whenever the runner reports that the call goes to an
 *   implementation process that was just (re)started and has not answered yet
 *   (RunContext.startingProcess): interpreters and libraries take time to load, and a
 *   restart after a crash must not turn the next case into a timeout.
 */
export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_STARTUP_MS = 20_000;

export interface TimeLimit {
  timeoutMs: number;
  startupMs: number;
}

export function timeLimit(o: { timeoutMs?: number; startupMs?: number } = {}): TimeLimit {
  return { timeoutMs: o.timeoutMs ?? DEFAULT_TIMEOUT_MS, startupMs: o.startupMs ?? DEFAULT_STARTUP_MS };
}
