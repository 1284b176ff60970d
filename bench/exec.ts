/**
 * Throughput of the exec runner with the numpy template (adapters/python/template.py)
 * on small cases: process start-up and one-at-a-time calls, which is what the harness does
 * (the runner contract forbids concurrent run() calls). (A figure for thousands of
 * requests written ahead of their answers was dropped: the harness never calls that way.)
 *
 * Registered as benchmark 'exec-numpy' for `npm run bench` (bench/main.ts imports this
 * module); `benchExec()` is exported for direct use; standalone: `node dist/bench/exec.js [cases]`.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { packageRoot } from '../common/spec-data.js';
import type { CallArgs, RunContext } from '../common/types.js';
import { createRunner } from '../runners/exec/index.js';
import { registerBenchmark } from './benchmarks.js';

export interface ExecBenchResult {
  /** The implementation measured, or why nothing was measured. */
  implementation: string;
  skipped?: string;
  cases: number;
  startupMs?: number;
  sequentialCasesPerSec?: number;
}

const PYTHON = '/usr/bin/python3';

function smallCase(k: number): CallArgs {
  // 8 float32 elements, both branches, reduction mean: a typical small corpus case.
  const x = new Float32Array(8).map((_, i) => (i - 4) * 0.75 + k * 1e-3);
  return {
    logits: { type: 'tensor', tensor: { dtype: 'float32', shape: [2, 4], data: x } },
    labels: { type: 'tensor', tensor: { dtype: 'float32', shape: [2, 4], data: new Float32Array(8) } },
    reduction: { type: 'str', value: 'mean' },
  };
}

function ctx(k: number): RunContext {
  return { profile: 'cpu', caseId: `bench/${k}`, signal: new AbortController().signal };
}

export async function benchExec(cases = 5000): Promise<ExecBenchResult> {
  const implementation = 'adapters/python/template.py (numpy) via the exec runner';
  const probe = spawnSync(PYTHON, ['-c', 'import numpy'], { encoding: 'utf8' });
  if (probe.status !== 0) return { implementation, cases: 0, skipped: `${PYTHON} cannot import numpy (apt-get install python3-numpy)` };
  const script = join(packageRoot(), 'adapters', 'python', 'template.py');
  const runner = createRunner({ command: `${PYTHON} '${script}'` });
  try {
    let t = performance.now();
    await runner.init();
    await runner.run(smallCase(0), ctx(0)); // the first answer includes interpreter start-up
    const startupMs = performance.now() - t;

    t = performance.now();
    for (let k = 0; k < cases; k++) {
      const r = await runner.run(smallCase(k), ctx(k));
      if (r.kind !== 'output') throw new Error(`bench case ${k}: expected an output, got ${r.kind}`);
    }
    const sequentialCasesPerSec = cases / ((performance.now() - t) / 1000);
    return { implementation, cases, startupMs: Math.round(startupMs), sequentialCasesPerSec: Math.round(sequentialCasesPerSec) };
  } finally {
    await runner.close();
  }
}

export function formatExecBench(r: ExecBenchResult): string {
  if (r.skipped) return `exec runner: skipped (${r.skipped})`;
  return [
    `exec runner, ${r.implementation}, ${r.cases} small cases (8 float32, mean):`,
    `  process start-up + first answer: ${r.startupMs} ms`,
    `  one call at a time (harness):   ${r.sequentialCasesPerSec} cases/s`,
  ].join('\n');
}

registerBenchmark({
  name: 'exec-numpy',
  description: 'exec runner + numpy template: process start-up and small cases per second, one at a time as the harness calls',
  order: 20,
  async run() {
    const r = await benchExec();
    const base = { name: 'exec-numpy', description: 'exec runner + numpy template: process start-up and small cases per second, one at a time as the harness calls', setup: { implementation: r.implementation, cases: r.cases } };
    if (r.skipped) return { ...base, figures: [], skipped: r.skipped };
    return {
      ...base,
      figures: [
        { metric: 'start-up + first answer', value: r.startupMs ?? null, unit: 'ms' },
        { metric: 'one call at a time', value: r.sequentialCasesPerSec ?? null, unit: 'cases/s' },
      ],
    };
  },
});

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const n = process.argv[2] ? Number(process.argv[2]) : undefined;
  benchExec(n).then(
    (r) => process.stdout.write(formatExecBench(r) + '\n'),
    (e: unknown) => {
      process.stderr.write(`bench/exec: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
