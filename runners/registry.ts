/**
 * Runner names -> factories. Each factory loads its runner module only when asked for
 * (dynamic import), so `smoothl1 run --runner cpu` never loads onnxruntime-node, and a
 * runner whose dependencies are missing fails only when it is chosen.
 *
 * This file only dispatches (the architecture test exempts it from the kernels' import
 * rules); it imports no runner module statically.
 */
import type { ProfileName, Runner } from '../common/types.js';
import { requireOptionalPackage } from '../common/optional-packages.js';

export interface RunnerOptions {
  /** exec runner: the command line that starts the implementation. */
  command?: string;
  /** module runner: path of the ES module that exports the implementation. */
  modulePath?: string;
  /** How long a process runner may take to get its implementation ready in init() (the harness's start-up allowance). */
  startupMs?: number;
  /** The profile to report as native when the implementation names none. */
  profile?: ProfileName;
  [k: string]: unknown;
}

interface Entry {
  summary: string;
  /** An optional peer dependency the runner cannot work without (checked before its module is loaded). */
  needs?: string;
  /** Loads the runner's module (a literal dynamic import, so tsc checks the factory call) and creates the runner. */
  create(options: RunnerOptions): Promise<Runner>;
}

/** A runner option that is required, or of the wrong type, is missing. */
export class RunnerOptionsError extends Error {
  override name = 'RunnerOptionsError';
}

function requiredString(runner: string, key: 'command' | 'modulePath', flag: string, o: RunnerOptions): string {
  const v = o[key];
  if (typeof v !== 'string' || v.trim() === '') throw new RunnerOptionsError(`runner '${runner}' needs ${key} (${flag})`);
  return v;
}

const runners: Record<string, Entry> = {
  cpu: {
    summary: 'in-repo CPU reference kernel (profile cpu; float16, bfloat16, float32, float64)',
    create: async (o) => (await import('./cpu/index.js')).createRunner(o),
  },
  onnxruntime: {
    summary: 'onnxruntime-node CPU provider running an ONNX graph of SmoothL1Loss',
    needs: 'onnxruntime-node',
    create: async (o) => (await import('./onnxruntime/index.js')).createRunner(o),
  },
  exec: {
    summary: 'any program speaking exec protocol 1 or 2 on stdin/stdout (--command)',
    create: async (o) => (await import('./exec/index.js')).createRunner({ ...o, command: requiredString('exec', 'command', '--command', o) }),
  },
  module: {
    summary: 'an ES module exporting smoothL1Loss (--module), run in a child process of its own',
    create: async (o) => (await import('./module/index.js')).createRunner({ ...o, modulePath: requiredString('module', 'modulePath', '--module', o) }),
  },
  'ascend-sim': {
    summary: 'in-repo simulation of the Ascend (aclnn) kernel: float32 math, 1/beta, tree sums (profile ascend)',
    create: async (o) => (await import('./ascend-sim/index.js')).createRunner(o),
  },
  webgpu: {
    summary: 'in-repo WGSL compute kernel in headless Chromium via WebGPU (profile gpu; float16, float32, float64 emulated in integers)',
    needs: 'playwright-core',
    create: async (o) => (await import('./webgpu/index.js')).createRunner(o),
  },
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

/**
 * Create a runner by name. Throws UnknownRunnerError (listing the known names) for an
 * unknown name, RunnerOptionsError when a runner's required option is missing, and
 * MissingPackageError (common/optional-packages.ts) when the optional package it needs
 * (onnxruntime-node, playwright-core) is not installed.
 */
export async function createRunner(name: string, options: RunnerOptions = {}): Promise<Runner> {
  const entry = Object.prototype.hasOwnProperty.call(runners, name) ? runners[name] : undefined;
  if (entry === undefined) {
    throw new UnknownRunnerError(`unknown runner '${name}'; known runners: ${runnerNames().join(', ')}`);
  }
  // The caller names the runner (smoothl1 run: "cannot create runner 'onnxruntime': this runner needs ...").
  if (entry.needs !== undefined) requireOptionalPackage(entry.needs, 'this runner');
  return entry.create(options);
}
