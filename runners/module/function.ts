/**
 * Adapting a plain function implementation (`smoothL1Loss(args, ctx)`) to the Runner
 * interface. Used in the module runner's host process (runners/module/host.ts) and, in
 * process, by the vitest integration (adapters/vitest), which calls the user's function
 * directly.
 */
import { ImplementationCrash } from '../../common/runner-errors.js';
import type { CallArgs, ProfileName, RunContext, Runner, RunnerResult, Tensor } from '../../common/types.js';

export type SmoothL1Function = (args: CallArgs, ctx: RunContext) => RunnerResult | Tensor | Promise<RunnerResult | Tensor>;

/** What a throw from the function means: a raised error, or a crash of the adapter. */
function thrown(e: unknown, caseId: string): RunnerResult {
  // An adapter that cannot express a call (spec/runner-contract.md section 4) says so
  // with an Error named ImplementationCrash: a crash, not something the operator raised.
  if (e instanceof Error && e.name === 'ImplementationCrash') throw new ImplementationCrash(`case ${caseId}: ${e.message}`, { reason: 'adapter' });
  if (e instanceof Error) return { kind: 'error', errorType: e.name, message: e.message };
  let text: string;
  try {
    text = String(e);
  } catch {
    text = 'a value that cannot be described';
  }
  throw new ImplementationCrash(`case ${caseId}: the implementation threw a non-Error value: ${text}`, { reason: 'exception' });
}

/**
 * Throwing an Error means the operator raised: { kind: 'error', errorType: error.name,
 * message }. Throwing a non-Error, or an Error named 'ImplementationCrash' (the adapter
 * cannot express the call), is a crash. A bare Tensor is shorthand for an output.
 */
export function runnerFromFunction(fn: SmoothL1Function, meta: { name?: string; version?: string; nativeProfile?: ProfileName; init?: () => unknown; close?: () => unknown } = {}): Runner {
  return {
    name: meta.name ?? (fn.name ? `module:${fn.name}` : 'module'),
    version: meta.version ?? 'unknown',
    nativeProfile: meta.nativeProfile ?? 'cpu',
    async init() {
      await meta.init?.();
    },
    run(args, ctx) {
      // A value is handed over synchronously, as it is, so that no promise reads it
      // (resolving a promise with a hostile Proxy reads its `then`, and that throw would
      // pass for a raised error); the caller reads it with common/result-shape.ts. Only a
      // promise the function returned is awaited.
      let r: unknown;
      try {
        r = fn(args, ctx);
      } catch (e) {
        return thrown(e, ctx.caseId);
      }
      let then: unknown;
      try {
        then = (typeof r === 'object' && r !== null) || typeof r === 'function' ? (r as { then?: unknown }).then : undefined;
      } catch {
        return r as RunnerResult; // unreadable: the caller's reader says why
      }
      if (typeof then !== 'function') return r as RunnerResult;
      return (r as Promise<RunnerResult>).then(
        (v) => v,
        (e: unknown) => thrown(e, ctx.caseId),
      );
    },
    async close() {
      await meta.close?.();
    },
  };
}
