/**
 * Throughput of the Ascend simulator (runners/ascend-sim) next to the in-repo CPU kernel on
 * the same float32 inputs (uniform in [-2, 2), so both branches are taken about equally;
 * beta 1), per reduction, both called as a caller would (validation, loops, output). The
 * simulator rounds every instruction to float32 and sums in a float32 tree; the CPU kernel
 * works in float64. Both answers are checked with the oracle at the standard level first
 * (an answer outside its interval fails the benchmark); the figures also give how far
 * apart they are, in float32 ulps of the CPU kernel's value. Repetitions are interleaved.
 */
import { floatFormat } from '../common/float-format.js';
import { generateElements } from '../common/prng.js';
import type { CallArgs, Reduction, RunnerResult } from '../common/types.js';
import { smoothL1Loss as ascendLoss } from '../runners/ascend-sim/index.js';
import { smoothL1Loss as cpuLoss } from '../runners/cpu/index.js';
import { checkOutput } from '../oracle/index.js';
import { registerBenchmark, sig, timeInterleaved } from './benchmarks.js';
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
      const mine = data(cpuLoss(args, 'cpu'), 'cpu kernel');
      const theirs = data(ascendLoss(args), 'ascend-sim');
      for (const [who, d] of [['cpu kernel', mine], ['ascend-sim', theirs]] as const) {
        const v = checkOutput(args, 'float32', 'standard', { dtype: 'float32', shape: reduction === 'none' ? [n] : [], data: d });
        if (!v.ok) throw new Error(`${who}: ${v.failedCount} element(s) outside the standard acceptance interval: the sides disagree beyond the interval`);
      }
      const diff = maxUlpDifference(mine, theirs);
      ctx.log(`ascend-sim-vs-cpu: ${reduction}...`);
      const t = await timeInterleaved({ sim: () => ascendLoss(args), cpu: () => cpuLoss(args, 'cpu') }, ctx.warmup, ctx.repeats);
      figures.push(
        { metric: `${reduction}: ascend-sim time (median)`, value: sig(t.sim.medianMs), unit: `ms (min ${sig(t.sim.minMs)})` },
        { metric: `${reduction}: cpu kernel time (median)`, value: sig(t.cpu.medianMs), unit: `ms (min ${sig(t.cpu.minMs)})` },
        { metric: `${reduction}: time ratio ascend-sim/cpu`, value: sig(t.sim.medianMs / t.cpu.medianMs, 3), unit: `x (min ${sig(t.sim.minMs / t.cpu.minMs, 3)})` },
        { metric: `${reduction}: largest difference`, value: sig(diff, 3), unit: 'float32 ulp' },
      );
    }
    return { name: this.name, description: this.description, figures, setup: { elements: n, dtype: 'float32', beta: 1, distribution: 'uniform [-2, 2)' } };
  },
});
