/**
 * The module runner: checks an implementation that is a JavaScript module
 * (`smoothl1 run --runner module --module <path>`). See docs/third-party.md.
 *
 * The module is loaded in a child process of its own (runners/module/host.ts) that the
 * exec runner drives over exec protocol 2: process.exit, endless loops, native crashes,
 * unhandled rejections and hostile answers cost the case concerned (crash or timeout),
 * never the run, and the module works on its own copy of the inputs.
 *
 * The module exports one of (first found wins):
 *   - `createRunner(options)` returning a Runner (common/types.ts), used as it is;
 *   - `smoothL1Loss(args, ctx)`, or a default-exported function of that signature,
 *     returning (or resolving to) a RunnerResult, or a bare Tensor as shorthand for an
 *     output. Throwing an Error means the operator *raised*: it becomes
 *     { kind: 'error', errorType: error.name, message } (name your errors TypeError,
 *     ValueError, RuntimeError as the spec does). Throwing a non-Error, or an Error named
 *     'ImplementationCrash' (the adapter cannot express the call), is a crash.
 * Optional exports `name`, `version`, `nativeProfile`, `init()`, `close()` describe and
 * manage a function implementation; they are read in the host, so the runner's name,
 * version and native profile are known once init() has resolved.
 */
import { existsSync } from 'node:fs';
import { basename, isAbsolute, resolve } from 'node:path';
import { compiledSibling } from '../../common/compiled-path.js';
import type { CallArgs, ProfileName, RunContext, Runner, RunnerResult } from '../../common/types.js';
import { ExecRunner, HelloError } from '../exec/index.js';

export { runnerFromFunction, type SmoothL1Function } from './function.js';

export interface ModuleRunnerOptions {
  /** Path of the ES module (relative paths are taken from the current directory). */
  modulePath?: string;
  /** The profile reported as native when the module does not export `nativeProfile`. */
  profile?: ProfileName;
  /** How long the host may take to load the module and run its init() (default 20 000 ms). */
  startupMs?: number;
  /** Passed to the module's createRunner(options) (JSON values only: it crosses a process boundary). */
  [k: string]: unknown;
}

class ModuleRunner implements Runner {
  readonly isolated = true;
  constructor(private readonly exec: ExecRunner, private readonly file: string) {}
  get name(): string {
    return this.exec.helloReceived ? this.exec.name : `module:${basename(this.file)}`;
  }
  get version(): string {
    return this.exec.version;
  }
  get nativeProfile(): ProfileName {
    return this.exec.nativeProfile;
  }
  /** Starts the host; the module's import or init() failing is reported with the host's own words. */
  async init(): Promise<void> {
    try {
      await this.exec.init();
    } catch (e) {
      if (e instanceof HelloError && e.stderrTail.trim() !== '') throw new Error(e.stderrTail.trim());
      throw e;
    }
  }
  run(args: CallArgs, ctx: RunContext): Promise<RunnerResult> {
    return this.exec.run(args, ctx);
  }
  close(): Promise<void> {
    return this.exec.close();
  }
}

/** Checks that the module exists and prepares its host (started by init()). */
export async function createRunner(options: ModuleRunnerOptions): Promise<Runner> {
  const given = options.modulePath;
  if (!given) throw new Error('module runner: no module given (use --module <path to an ES module>)');
  const file = isAbsolute(given) ? given : resolve(process.cwd(), given);
  if (!existsSync(file)) throw new Error(`module runner: ${file}: no such file (from --module ${given})`);
  const host = compiledSibling(import.meta.url, './host.js');
  const { startupMs, ...passed } = options;
  const exec = new ExecRunner({
    argv: [process.execPath, host, file, JSON.stringify({ ...passed, modulePath: file })],
    command: `node ${host} ${file}`,
    answerFd: 3,
    window: 1,
    profile: options.profile,
    // The host never leaves on its own while a case is open: a clean exit then is process.exit(0) in the module.
    resendAfterCleanExit: false,
    helloWithinMs: startupMs ?? 20_000,
    onStderr: process.env.SMOOTHL1_EXEC_STDERR === '1' ? (c) => process.stderr.write(c) : undefined,
  });
  return new ModuleRunner(exec, file);
}
