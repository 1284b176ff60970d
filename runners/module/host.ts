/**
 * The module runner's host: a child process that loads the module under test and serves
 * it over exec protocol 2 (runners/exec/serve.ts), answers on descriptor 3, so that the
 * module's own console output cannot break the protocol (it lands in the diagnostics the
 * suite keeps). Everything an implementation can do to a process (process.exit, an
 * endless loop, a native crash, an unhandled rejection, an answer that throws when read)
 * happens here, where it costs one case, never the run.
 *
 *   node host.js <module path> <options JSON>
 * exit code 2: the module cannot be used (import failed, no implementation exported);
 * exit code 3: its init() failed. The reason is written to stderr.
 */
import { writeSync } from 'node:fs';
import { basename } from 'node:path';
import { pathToFileURL } from 'node:url';
import { readRunnerResult, settle } from '../../common/result-shape.js';
import { profileNames } from '../../common/spec-data.js';
import type { ProfileName, Runner } from '../../common/types.js';
import { serve, type ServeAnswer } from '../exec/serve.js';
import { runnerFromFunction, type SmoothL1Function } from './function.js';

interface ImplModule {
  createRunner?: (options: Record<string, unknown>) => Runner | Promise<Runner>;
  smoothL1Loss?: SmoothL1Function;
  default?: unknown;
  name?: unknown;
  version?: unknown;
  nativeProfile?: unknown;
  init?: () => unknown;
  close?: () => unknown;
}

/** Describes any thrown value without trusting it (its getters may throw too). */
function describe(e: unknown): string {
  try {
    if (e instanceof Error) return e.name === 'ImplementationCrash' ? e.message : `${e.name}: ${e.message}`;
    return `a thrown ${typeof e}: ${String(e)}`;
  } catch {
    return 'a thrown value that cannot be described';
  }
}

function note(text: string): void {
  writeSync(2, `[smoothl1 module host] ${text}\n`);
}

function fail(code: number, text: string): never {
  writeSync(2, text + '\n');
  process.exit(code);
}

/** The case being answered, and what went wrong around it that its answer must report. */
let current: { id: string; trouble?: string } | undefined;
/** The last case answered, and trouble the implementation left after answering it. */
let previous: string | undefined;
let stray: string | undefined;

// Whatever escapes the implementation while a case is answered is that case's crash.
// What escapes between cases (a timer or promise a call left behind, firing after its
// answer went out) cannot change that answer any more; it fails the next case, naming
// the case after which it happened, so an implementation that misbehaves this way is
// never green. (After the last case there is no answer left to fail: it is noted on
// stderr, which the run keeps with the runner's log.)
for (const event of ['unhandledRejection', 'uncaughtException'] as const) {
  process.on(event, (e: unknown) => {
    const what = `${event === 'unhandledRejection' ? 'an unhandled promise rejection' : 'an uncaught exception'}: ${describe(e)}`;
    if (current) current.trouble ??= `the implementation left ${what}`;
    else {
      stray ??= `the implementation left ${what} between cases, after case ${previous ?? '(none: before the first case)'} had answered`;
      note(`the implementation left ${what} between cases`);
    }
  });
}
process.on('exit', (code) => {
  if (current) note(`the process is exiting (code ${code}) while the implementation answers case ${current.id}: process.exit() or a fatal error in the implementation`);
});

async function main(): Promise<void> {
  const [file, optionsJson] = process.argv.slice(2);
  const options = JSON.parse(optionsJson ?? '{}') as Record<string, unknown>;
  let mod: ImplModule;
  try {
    mod = (await import(pathToFileURL(file).href)) as ImplModule;
  } catch (e) {
    fail(2, `module runner: cannot import ${file}: ${describe(e)}`);
  }
  let runner: Runner;
  if (typeof mod.createRunner === 'function') runner = await mod.createRunner(options);
  else {
    const fn = typeof mod.smoothL1Loss === 'function' ? mod.smoothL1Loss : typeof mod.default === 'function' ? (mod.default as SmoothL1Function) : undefined;
    if (!fn) fail(2, `module runner: ${file} exports neither createRunner(options), smoothL1Loss(args, ctx) nor a default function`);
    const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
    runner = runnerFromFunction(fn, {
      name: str(mod.name) ?? `module:${basename(file)}`,
      version: str(mod.version),
      nativeProfile: str(mod.nativeProfile) as ProfileName | undefined,
      init: typeof mod.init === 'function' ? mod.init.bind(mod) : undefined,
      close: typeof mod.close === 'function' ? mod.close.bind(mod) : undefined,
    });
  }
  try {
    await runner.init?.();
  } catch (e) {
    fail(3, `module runner: init() of ${file} failed: ${describe(e)}`);
  }
  const profile = (profileNames() as string[]).includes(runner.nativeProfile) ? runner.nativeProfile : (options.profile as ProfileName | undefined);
  const never = new AbortController().signal; // a call past its time limit is ended by killing this process
  serve(
    async (req): Promise<ServeAnswer> => {
      current = { id: req.id, ...(stray ? { trouble: stray } : {}) };
      stray = undefined;
      const settled = await settle(() => runner.run(req.args, { profile: req.profile, caseId: req.id, signal: never }));
      // Rejections the call left behind surface before the next turn of the event loop.
      await new Promise((r) => setImmediate(r));
      const trouble = current.trouble;
      current = undefined;
      previous = req.id;
      if (trouble) return { kind: 'crash', message: trouble };
      if (settled.kind === 'unreadable') return { kind: 'crash', message: `the implementation returned a malformed answer: ${settled.reason}` };
      if (settled.kind === 'threw') {
        const threw = describe(settled.error);
        // The suite names the case itself; a runner's own 'case <id>: ' prefix would repeat it.
        return { kind: 'crash', message: threw.startsWith(`case ${req.id}: `) ? threw.slice(`case ${req.id}: `.length) : threw };
      }
      const read = readRunnerResult(settled.value);
      return read.ok ? read.result : { kind: 'crash', message: `the implementation returned a malformed answer: ${read.reason}` };
    },
    {
      hello: {
        name: typeof runner.name === 'string' && runner.name !== '' ? runner.name : `module:${basename(file)}`,
        ...(typeof runner.version === 'string' ? { version: runner.version } : {}),
        ...(profile ? { nativeProfile: profile } : {}),
      },
      answerFd: 3,
      onEnd: () => {
        void Promise.resolve(runner.close?.()).finally(() => process.exit(0));
      },
    },
  );
}

main().catch((e: unknown) => fail(2, `module runner: ${describe(e)}`));
