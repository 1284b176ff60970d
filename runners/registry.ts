/**
 * Runner names -> factories. Each factory loads its runner module only when asked for
 * (dynamic import), so `smoothl1 run --runner cpu` never loads onnxruntime-node, and a
 * runner whose dependencies are missing fails only when it is chosen.
 *
 * This file only dispatches: it is the one file under runners/ that the architecture
 * test allows to be imported by harness-side code, and it imports no kernel statically.
 */
import type { Runner } from '../common/types.js';

export interface RunnerOptions {
  /** exec runner: the command line that starts the implementation. */
  command?: string;
  /** module runner: path of the ES module that exports the implementation. */
  modulePath?: string;
  /** Per-call time limit in milliseconds, for runners that enforce one themselves. */
  timeoutMs?: number;
  [k: string]: unknown;
}

/** The factory every runner module exports. */
type Factory = (options: RunnerOptions) => Runner | Promise<Runner>;

interface Entry {
  summary: string;
  /** The module below runners/ that exports `createRunner(options)`. */
  module: string;
}

const runners: Record<string, Entry> = {
  cpu: { summary: 'in-repo CPU reference kernel (profile cpu; float16, bfloat16, float32, float64)', module: './cpu/index.js' },
  onnxruntime: { summary: 'onnxruntime-node CPU provider running an ONNX graph of SmoothL1Loss', module: './onnxruntime/index.js' },
  exec: { summary: 'any program speaking exec protocol 1 on stdin/stdout (--command)', module: './exec/index.js' },
  module: { summary: 'an ES module exporting smoothL1Loss (--module)', module: './module/index.js' },
};

/** Known runner names, in registration order. */
export function runnerNames(): string[] {
  return Object.keys(runners);
}

/** One line per runner, for --help texts. */
export function describeRunners(): string {
  return Object.entries(runners)
    .map(([name, e]) => `  ${name.padEnd(12)} ${e.summary}`)
    .join('\n');
}

export class UnknownRunnerError extends Error {
  override name = 'UnknownRunnerError';
}

/** Create a runner by name. Throws UnknownRunnerError (listing the known names) for an unknown name. */
export async function createRunner(name: string, options: RunnerOptions = {}): Promise<Runner> {
  const entry = Object.prototype.hasOwnProperty.call(runners, name) ? runners[name] : undefined;
  if (entry === undefined) {
    throw new UnknownRunnerError(`unknown runner '${name}'; known runners: ${runnerNames().join(', ')}`);
  }
  // A non-literal specifier: the modules of other runners are loaded (and type-checked)
  // on their own; the registry only needs the factory's shape, checked below.
  const specifier: string = entry.module;
  let mod: { createRunner?: unknown };
  try {
    mod = (await import(specifier)) as { createRunner?: unknown };
  } catch (e) {
    throw new Error(`runner '${name}': cannot load runners/${entry.module.slice(2).replace(/\.js$/, '.ts')}: ${(e as Error).message}`);
  }
  if (typeof mod.createRunner !== 'function') {
    throw new Error(`runner '${name}': runners/${entry.module.slice(2).replace(/\.js$/, '.ts')} does not export a createRunner(options) function`);
  }
  return await (mod.createRunner as Factory)(options);
}
