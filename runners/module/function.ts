/**
 * Adapting a plain function implementation (`smoothL1Loss(args, ctx)`) to the Runner
 * interface. Used in the module runner's host process (runners/module/host.ts) and, in
 * process, by the vitest integration (adapters/vitest), which calls the user's function
 * directly.
 */
import { ImplementationCrash } from '../../common/runner-errors.js';
import type { CallArgs, ProfileName, RunContext, Runner, RunnerResult, Tensor } from '../../common/types.js';

export type SmoothL1Function = (args: CallArgs, ctx: RunContext) => RunnerResult | Tensor | Promise<RunnerResult | Tensor>;

function isTensor(v: unknown): v is Tensor {
  return typeof v === 'object' && v !== null && 'dtype' in v && 'shape' in v && 'data' in v && !('kind' in v);
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
    async run(args, ctx) {
      let r: RunnerResult | Tensor;
      try {
        r = await fn(args, ctx);
      } catch (e) {
        // An adapter that cannot express a call (spec/runner-contract.md section 4) says so
        // with an Error named ImplementationCrash: a crash, not something the operator raised.
        if (e instanceof Error && e.name === 'ImplementationCrash') throw new ImplementationCrash(`case ${ctx.caseId}: ${e.message}`, { reason: 'adapter' });
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
