/**
 * The exit codes of every `smoothl1` command: one code per class of problem, so a CI
 * script can tell "the implementation (or the corpus) is wrong" from "the job is set up
 * wrong" from "the suite itself failed". README "Gate CI on it" and docs/running.md
 * describe the same table; a new command returns these names, never bare numbers.
 *
 * - 0 `ok`: the command did its job and found nothing wrong (for `run`: a complete report
 *   written, every selected case met its expectation).
 * - 1 `failed`: the check ran and found a problem: an unexpected outcome, an invalid case
 *   or corpus, a corpus defect (a stored outcome the oracle does not derive).
 * - 2 `usage`: nothing was checked, because of how the command was called or set up: a bad
 *   option, a missing or unreadable file (expectations, report, corpus folder, --module
 *   file), a filter that selects nothing, an unusable report folder, an optional package
 *   that is not installed, or an implementation that cannot be started (the --command
 *   program does not exist, the module fails to load, init() throws, no browser). The
 *   message is one line naming what to fix.
 * - 3 `internal`: a bug of the suite (one line; SMOOTHL1_DEBUG=1 adds the stack).
 * - 130 / 143: interrupted by SIGINT / SIGTERM (for `run`: no report written).
 */
export const EXIT = {
  ok: 0,
  failed: 1,
  usage: 2,
  internal: 3,
  sigint: 130,
  sigterm: 143,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The exit code a signal ends a command with (128 + the signal's number). */
export function signalExitCode(signal: 'SIGINT' | 'SIGTERM'): ExitCode {
  return signal === 'SIGINT' ? EXIT.sigint : EXIT.sigterm;
}

/** The same table in a command's --help (what 0 and 1 mean is the command's own). */
export function exitCodesHelp(ok: string, failed: string): string {
  return `exit codes (the same classes for every smoothl1 command):
  0        ${ok}
  1        ${failed}
  2        usage or setup error, nothing was checked: a bad option, a missing file, nothing
           selected, an implementation that cannot be started
  3        a failure of the suite itself (a bug; SMOOTHL1_DEBUG=1 shows where)
  130/143  interrupted by SIGINT/SIGTERM`;
}
