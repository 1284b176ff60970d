/**
 * The module runner: checks an implementation that is a JavaScript module in this
 * process (`smoothl1 run --runner module --module <path>`). See docs/third-party.md.
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
 * manage a function implementation.
 */
import { isAbsolute, resolve, basename } from 'node:path';
import { pathToFileURL } from 'node:url';
import { existsSync } from 'node:fs';
import { ImplementationCrash } from '../../common/runner-errors.js';
import type { CallArgs, ProfileName, RunContext, Runner, RunnerResult, Tensor } from '../../common/types.js';

export interface ModuleRunnerOptions {
  /** Path of the ES module (relative paths are taken from the current directory). */
  modulePath?: string;
  /** The profile reported as native when the module does not export `nativeProfile`. */
  profile?: ProfileName;
  [k: string]: unknown;
}

export type SmoothL1Function = (args: CallArgs, ctx: RunContext) => RunnerResult | Tensor | Promise<RunnerResult | Tensor>;

interface ImplModule {
  createRunner?: (options: ModuleRunnerOptions) => Runner | Promise<Runner>;
  smoothL1Loss?: SmoothL1Function;
  default?: unknown;
  name?: unknown;
  version?: unknown;
  nativeProfile?: unknown;
  init?: () => unknown;
  close?: () => unknown;
}

function isTensor(v: unknown): v is Tensor {
  return typeof v === 'object' && v !== null && 'dtype' in v && 'shape' in v && 'data' in v && !('kind' in v);
}

/** Adapts a plain function implementation to the Runner interface. */
export function runnerFromFunction(fn: SmoothL1Function, meta: { name?: string; version?: string; nativeProfile?: ProfileName; init?: () => unknown; close?: () => unknown } = {}): Runner {
  return {
    name: meta.name ?? (fn.name ? `module:${fn.name}` : 'module'),
    version: meta.version ?? 'unknown',
    nativeProfile: meta.nativeProfile ?? 'cpu',
    async init() {
      await meta.init?.();
    },
    async run(args, ctx) {
      let r: RunnerResult | Tensor;
      try {
        r = await fn(args, ctx);
      } catch (e) {
        // An adapter that cannot express a call (spec/runner-contract.md section 4) says so
        // with an Error named ImplementationCrash: a crash, not something the operator raised.
        if (e instanceof Error && e.name === 'ImplementationCrash') throw new ImplementationCrash(`case ${ctx.caseId}: ${e.message}`, { reason: 'exception' });
        if (e instanceof Error) return { kind: 'error', errorType: e.name, message: e.message };
        throw new ImplementationCrash(`case ${ctx.caseId}: the implementation threw a non-Error value: ${String(e)}`, { reason: 'exception' });
      }
      return isTensor(r) ? { kind: 'output', tensor: r } : r;
    },
    async close() {
      await meta.close?.();
    },
  };
}

/** Imports the module and builds its runner; errors name the file and what was expected. */
export async function createRunner(options: ModuleRunnerOptions): Promise<Runner> {
  const given = options.modulePath;
  if (!given) throw new Error('module runner: no module given (use --module <path to an ES module>)');
  const file = isAbsolute(given) ? given : resolve(process.cwd(), given);
  if (!existsSync(file)) throw new Error(`module runner: ${file}: no such file (from --module ${given})`);
  let mod: ImplModule;
  try {
    mod = (await import(pathToFileURL(file).href)) as ImplModule;
  } catch (e) {
    throw new Error(`module runner: cannot import ${file}: ${(e as Error).message}`);
  }
  if (typeof mod.createRunner === 'function') return await mod.createRunner(options);
  const fn = typeof mod.smoothL1Loss === 'function' ? mod.smoothL1Loss : typeof mod.default === 'function' ? (mod.default as SmoothL1Function) : undefined;
  if (!fn) throw new Error(`module runner: ${file} exports neither createRunner(options), smoothL1Loss(args, ctx) nor a default function`);
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const profile = str(mod.nativeProfile) as ProfileName | undefined;
  return runnerFromFunction(fn, {
    name: str(mod.name) ?? `module:${basename(file)}`,
    version: str(mod.version),
    nativeProfile: profile ?? options.profile,
    init: typeof mod.init === 'function' ? mod.init.bind(mod) : undefined,
    close: typeof mod.close === 'function' ? mod.close.bind(mod) : undefined,
  });
}
