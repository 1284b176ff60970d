/**
 * The implementation processes this process has started, each the leader of its own
 * process group. Whoever ends the run (normally, on a signal, or on an internal failure)
 * kills every live group, so no implementation outlives the suite. Where the runs happen
 * in a worker thread, the thread that owns the signals learns about groups through a
 * listener (cli/run/worker.ts forwards them).
 */

const live = new Set<number>();
let listener: ((pid: number, alive: boolean) => void) | undefined;
let hooked = false;

/** Sends SIGKILL to a process group (or the process, when it has no group of its own). */
export function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
}

/** Records a started process group; the process's exit kills whatever is still live. */
export function registerGroup(pid: number): void {
  live.add(pid);
  listener?.(pid, true);
  if (!hooked) {
    hooked = true;
    process.on('exit', killAllGroups);
  }
}

/** Forgets a process group whose leader has exited. */
export function unregisterGroup(pid: number): void {
  live.delete(pid);
  listener?.(pid, false);
}

/** Kills every live group (idempotent). */
export function killAllGroups(): void {
  for (const pid of live) killGroup(pid);
  live.clear();
}

/** The live groups, for tests and diagnostics. */
export function liveGroups(): number[] {
  return [...live];
}

/** Reports every registration and exit to `fn` (one listener; later calls replace it). */
export function onGroupChange(fn: ((pid: number, alive: boolean) => void) | undefined): void {
  listener = fn;
}
