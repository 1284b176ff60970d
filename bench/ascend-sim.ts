/**
 * Throughput of the Ascend simulator (runners/ascend-sim) next to the in-repo CPU kernel on
 * the same float32 inputs (uniform in [-2, 2), so both branches are taken about equally;
 * beta 1), per reduction, both called as a caller would (validation, loops, output). The
 * simulator rounds every instruction to float32 and sums in a float32 tree; the CPU kernel
 * works in float64. The figures also give how far apart their answers are, in float32 ulps
 * of the CPU kernel's value (both lie inside the oracle's strict intervals on the corpus).
 */
import { floatFormat } from '../common/float-format.js';
import { generateElements } from '../common/prng.js';
import type { CallArgs, Reduction, RunnerResult } from '../common/types.js';
import { smoothL1Loss as ascendLoss } from '../runners/ascend-sim/index.js';
import { smoothL1Loss as cpuLoss } from '../runners/cpu/index.js';
import { registerBenchmark, sig, timeMedian } from './benchmarks.js';
import type { BenchFigure } from './benchmarks.js';

const REDUCTIONS: Reduction[] = ['none', 'mean', 'sum'];

function data(r: RunnerResult, who: string): Float32Array {
  if (r.kind !== 'output') throw new Error(`${who} raised ${r.errorType}: ${r.message}`);
  return r.tensor.data as Float32Array;
}

function maxUlpDifference(ref: Float32Array, x: Float32Array): number {
  const f = floatFormat('float32');
  let worst = 0;
  for (let i = 0; i < ref.length; i++) if (ref[i] !== x[i]) worst = Math.max(worst, Math.abs(ref[i] - x[i]) / f.ulp(ref[i]));
  return worst;
}

registerBenchmark({
  name: 'ascend-sim-vs-cpu',
  description: 'Ascend simulator vs the CPU kernel, float32, beta 1, per reduction (same process)',
  order: 30,
  async run(ctx) {
    const n = ctx.elements;
    const gen = (seed: number) => generateElements({ prng: 'xoshiro128**', seed, distribution: 'uniform', a: -2, b: 2 }, 'float32', n) as Float32Array;
    const a = gen(20240601);
    const b = gen(20240602);
    const figures: BenchFigure[] = [];
    for (const reduction of REDUCTIONS) {
      const args: CallArgs = {
        logits: { type: 'tensor', tensor: { dtype: 'float32', shape: [n], data: a } },
        labels: { type: 'tensor', tensor: { dtype: 'float32', shape: [n], data: b } },
        reduction: { type: 'str', value: reduction },
      };
      const diff = maxUlpDifference(data(cpuLoss(args, 'cpu'), 'cpu kernel'), data(ascendLoss(args), 'ascend-sim'));
      ctx.log(`ascend-sim-vs-cpu: ${reduction}...`);
      const sim = await timeMedian(() => ascendLoss(args), ctx.warmup, ctx.repeats);
      const cpu = await timeMedian(() => cpuLoss(args, 'cpu'), ctx.warmup, ctx.repeats);
      figures.push(
        { metric: `${reduction}: ascend-sim time (median)`, value: sig(sim.medianMs), unit: 'ms' },
        { metric: `${reduction}: cpu kernel time (median)`, value: sig(cpu.medianMs), unit: 'ms' },
        { metric: `${reduction}: time ratio ascend-sim/cpu`, value: sig(sim.medianMs / cpu.medianMs, 3), unit: 'x' },
        { metric: `${reduction}: largest difference`, value: sig(diff, 3), unit: 'float32 ulp' },
      );
    }
    return { name: this.name, description: this.description, figures, setup: { elements: n, dtype: 'float32', beta: 1, distribution: 'uniform [-2, 2)' } };
  },
});
