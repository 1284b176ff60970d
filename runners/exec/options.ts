/**
 * Options of the exec runner, and the error init() gives when a process cannot be made
 * ready.
 */
import type { ProfileName } from '../../common/types.js';

/** init() could not get the process ready: it ended, or sent no hello in time. */
export class HelloError extends Error {
  override name = 'HelloError';
  constructor(message: string, readonly stderrTail: string) {
    super(message);
  }
}

export interface ExecRunnerOptions {
  /** The command line (split like a shell would, but no shell runs it). */
  command: string;
  /** The argument vector, when the caller has one already (then `command` only names the runner). */
  argv?: string[];
  /** Requests written ahead of the answers. 1 = strict request/response. Default 16. */
  window?: number;
  /** The profile reported as the runner's native one unless a protocol 2 hello names one. Default 'cpu'. */
  profile?: ProfileName;
  /** Working directory and environment of the process. */
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Bytes of stderr kept (the tail). Default 64 KiB. */
  stderrTailBytes?: number;
  /** Called with each chunk of the process's diagnostics (e.g. to pass them through); they are drained regardless. */
  onStderr?: (chunk: Buffer) => void;
  /** Read answers from descriptor 3 (the module runner's host); the process's stdout then counts as diagnostics. */
  answerFd?: 3;
  /** Send a request once more when the process exits with code 0 before answering it (default true). */
  resendAfterCleanExit?: boolean;
  /** init() also waits, up to this many ms, for the process's hello line (default: only for the spawn). */
  helloWithinMs?: number;
}

