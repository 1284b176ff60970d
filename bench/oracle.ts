/**
 * Throughput of the exact oracle on 1M float32 elements: computeReference + acceptance
 * (standard level) + checkValues, per reduction. The harness runs this at check time for
 * generated cases (large/float32-1m-mean), so it bounds the corpus run's wall time. Its
 * peer in the same run is the CPU kernel on the same inputs, so the ratio says how much
 * more an exact answer costs than a fast float answer.
 */
import { generateElements } from '../common/prng.js';
import type { CallArgs, Reduction } from '../common/types.js';
import { acceptance, checkValues, computeReference } from '../oracle/index.js';
import { smoothL1Loss as cpuLoss } from '../runners/cpu/index.js';
import { registerBenchmark, sig, timeMedian } from './benchmarks.js';
import type { BenchFigure } from './benchmarks.js';

const N = 1_000_000;

registerBenchmark({
  name: 'oracle-1m',
  description: 'exact oracle (reference + standard acceptance + check) vs the CPU kernel, 1M float32 elements, per reduction',
  order: 40,
  async run(ctx) {
    const gen = (seed: number) => generateElements({ prng: 'xoshiro128**', seed, distribution: 'uniform', a: -4, b: 4 }, 'float32', N) as Float32Array;
    const x = gen(7001);
    const y = gen(7002);
    const figures: BenchFigure[] = [];
    for (const reduction of ['none', 'sum', 'mean'] as Reduction[]) {
      const args: CallArgs = {
        logits: { type: 'tensor', tensor: { dtype: 'float32', shape: [N], data: x } },
        labels: { type: 'tensor', tensor: { dtype: 'float32', shape: [N], data: y } },
        reduction: { type: 'str', value: reduction },
      };
      const out = cpuLoss(args, 'cpu');
      if (out.kind !== 'output') throw new Error(`cpu kernel raised ${out.errorType}: ${out.message}`);
      ctx.log(`oracle-1m: ${reduction}...`);
      // The oracle is slow enough that one warm-up and a few repeats suffice.
      const oracle = await timeMedian(() => {
        const chk = checkValues(acceptance(computeReference(args, 'float32'), 'standard'), out.tensor);
        if (!chk.ok) throw new Error(`oracle-1m: the CPU kernel's ${reduction} result is outside the standard interval`);
      }, 1, Math.min(ctx.repeats, 3));
      const kernel = await timeMedian(() => cpuLoss(args, 'cpu'), ctx.warmup, ctx.repeats);
      figures.push(
        { metric: `${reduction}: oracle time (median)`, value: sig(oracle.medianMs), unit: 'ms' },
        { metric: `${reduction}: cpu kernel time (median)`, value: sig(kernel.medianMs), unit: 'ms' },
        { metric: `${reduction}: time ratio oracle/cpu kernel`, value: sig(oracle.medianMs / kernel.medianMs, 3), unit: 'x' },
      );
    }
    return { name: this.name, description: this.description, figures, setup: { elements: N, dtype: 'float32', level: 'standard', distribution: 'uniform [-4, 4)' } };
  },
});
