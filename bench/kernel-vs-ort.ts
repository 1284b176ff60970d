/**
 * Throughput of the in-repo CPU kernel against onnxruntime-node on the same inputs:
 * 10M float32 elements (uniform in [-2, 2), so both branches of the loss are taken about
 * equally), beta = 1, each reduction. Both sides are timed end to end as a caller sees
 * them: the CPU kernel through smoothL1Loss() (validation, loop, output allocation), ORT
 * through session.run() on the graph runners/onnxruntime builds (tensor wrapping, the
 * graph, output read-back). Session creation is excluded (done once, before the warm-up).
 *
 * The two compute the same thing to the same accuracy standard (float64 accumulation of
 * float32 terms for the reductions), and the benchmark checks that their answers agree
 * before timing, so a fast wrong kernel cannot win.
 */
import { availableParallelism } from 'node:os';
import { floatFormat } from '../common/float-format.js';
import { generateElements } from '../common/prng.js';
import type { CallArgs, Reduction, Tensor } from '../common/types.js';
import { smoothL1Loss } from '../runners/cpu/index.js';
import { createSmoothL1Session, loadOrt } from '../runners/onnxruntime/index.js';
import type { SmoothL1Session } from '../runners/onnxruntime/index.js';
import { registerBenchmark, sig, timeMedian } from './benchmarks.js';
import type { BenchFigure } from './benchmarks.js';

const REDUCTIONS: Reduction[] = ['none', 'mean', 'sum'];
const BETA = 1;

function inputs(n: number): { a: Float32Array; b: Float32Array } {
  const gen = (seed: number) => generateElements({ prng: 'xoshiro128**', seed, distribution: 'uniform', a: -2, b: 2 }, 'float32', n) as Float32Array;
  return { a: gen(20240601), b: gen(20240602) };
}

function cpuOutput(args: CallArgs): Float32Array {
  const r = smoothL1Loss(args, 'cpu');
  if (r.kind !== 'output') throw new Error(`cpu kernel raised ${r.errorType}: ${r.message}`);
  return (r.tensor as Tensor).data as Float32Array;
}

/** Largest difference between the two answers, in float32 ulps of the CPU kernel's value. */
function maxUlpDifference(x: Float32Array, y: Float32Array): number {
  if (x.length !== y.length) throw new Error(`cpu kernel and onnxruntime disagree on the output size: ${x.length} vs ${y.length}`);
  const f = floatFormat('float32');
  let worst = 0;
  for (let i = 0; i < x.length; i++) {
    if (x[i] === y[i] || (Number.isNaN(x[i]) && Number.isNaN(y[i]))) continue;
    worst = Math.max(worst, Math.abs(x[i] - y[i]) / f.ulp(x[i]));
  }
  return worst;
}

registerBenchmark({
  name: 'kernel-vs-onnxruntime',
  description: 'CPU kernel vs onnxruntime-node (CPU provider), float32, beta 1, per reduction',
  order: 20,
  async run(ctx) {
    const n = ctx.elements;
    const ort = await loadOrt();
    const { a, b } = inputs(n);
    const tensor = (data: Float32Array): Tensor => ({ dtype: 'float32', shape: [n], data });
    const figures: BenchFigure[] = [];
    for (const reduction of REDUCTIONS) {
      const args: CallArgs = { logits: { type: 'tensor', tensor: tensor(a) }, labels: { type: 'tensor', tensor: tensor(b) }, reduction: { type: 'str', value: reduction } };
      const sessions: [string, SmoothL1Session][] = [
        ['ort', await createSmoothL1Session({ dtype: 'float32', reduction, beta: BETA })],
        ['ort-1-thread', await createSmoothL1Session({ dtype: 'float32', reduction, beta: BETA }, { intraOpNumThreads: 1, interOpNumThreads: 1 })],
      ];
      try {
        // Agreement first: the same inputs must give the same answers (within rounding).
        const mine = cpuOutput(args);
        let worstUlp = 0;
        for (const [, s] of sessions) {
          const theirs = (await s.run(a, b, [n])).data as Float32Array;
          worstUlp = Math.max(worstUlp, maxUlpDifference(mine, theirs));
        }
        ctx.log(`kernel-vs-onnxruntime: ${reduction}: cpu kernel...`);
        const cpu = await timeMedian(() => cpuOutput(args), ctx.warmup, ctx.repeats);
        const times: Record<string, number> = {};
        for (const [label, s] of sessions) {
          ctx.log(`kernel-vs-onnxruntime: ${reduction}: ${label}...`);
          times[label] = (await timeMedian(() => s.run(a, b, [n]), ctx.warmup, ctx.repeats)).medianMs;
        }
        const ortMs = times['ort'];
        const ort1Ms = times['ort-1-thread'];
        figures.push(
          { metric: `${reduction}: cpu kernel time (median)`, value: sig(cpu.medianMs), unit: 'ms' },
          { metric: `${reduction}: onnxruntime time (median, default threads)`, value: sig(ortMs), unit: 'ms' },
          { metric: `${reduction}: onnxruntime time (median, 1 thread)`, value: sig(ort1Ms), unit: 'ms' },
          { metric: `${reduction}: cpu kernel throughput`, value: sig(n / cpu.medianMs / 1e3), unit: 'M elements/s' },
          { metric: `${reduction}: onnxruntime throughput (default threads)`, value: sig(n / ortMs / 1e3), unit: 'M elements/s' },
          { metric: `${reduction}: time ratio cpu/onnxruntime (< 1: cpu kernel faster)`, value: sig(cpu.medianMs / ortMs, 3), unit: 'x' },
          { metric: `${reduction}: speed-up onnxruntime/cpu (> 1: cpu kernel faster)`, value: sig(ortMs / cpu.medianMs, 3), unit: 'x' },
          { metric: `${reduction}: speed-up vs 1-thread onnxruntime (> 1: cpu kernel faster)`, value: sig(ort1Ms / cpu.medianMs, 3), unit: 'x' },
          { metric: `${reduction}: largest difference cpu kernel vs onnxruntime`, value: sig(worstUlp, 3), unit: 'float32 ulp' },
        );
      } finally {
        for (const [, s] of sessions) await s.release();
      }
    }
    return {
      name: this.name,
      description: this.description,
      setup: {
        elements: n,
        dtype: 'float32',
        beta: BETA,
        inputs: 'xoshiro128** uniform [-2, 2), seeds 20240601 / 20240602',
        warmup: ctx.warmup,
        repeats: ctx.repeats,
        onnxruntime: ort.env.versions.node ?? ort.env.versions.common ?? 'unknown',
        'onnxruntime default intra-op threads': `ORT default (machine has ${availableParallelism()} logical CPUs)`,
        'cpu kernel threads': 1,
      },
      figures,
    };
  },
});
