/**
 * Throughput of the in-repo CPU kernel against onnxruntime-node on the same inputs:
 * 10M float32 elements (uniform in [-2, 2), so both branches of the loss are taken about
 * equally), beta = 1, each reduction. Both sides are timed end to end as a caller sees
 * them: the CPU kernel through smoothL1Loss() (validation, loop, output allocation), ORT
 * through session.run() on the graph runners/onnxruntime builds (tensor wrapping, the
 * graph, output read-back). Session creation is excluded (done once, before the warm-up).
 *
 * The two compute the same thing to the same accuracy standard (float64 accumulation of
 * float32 terms for the reductions), and the benchmark checks both answers with the oracle
 * at the standard level before timing, so a fast wrong kernel cannot win: an answer outside
 * the acceptance interval fails the benchmark. The sides' repetitions are interleaved
 * (cpu, ort, ort-1-thread, cpu, ...), and the threads ORT actually starts for a session
 * are counted (the process's threads before and after creating it).
 */
import { readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { floatFormat } from '../common/float-format.js';
import { generateElements } from '../common/prng.js';
import type { CallArgs, Reduction, Tensor } from '../common/types.js';
import { smoothL1Loss } from '../runners/cpu/index.js';
import { createSmoothL1Session, loadOrt } from '../runners/onnxruntime/index.js';
import { checkOutput } from '../oracle/index.js';
import { registerBenchmark, sig, timeInterleaved } from './benchmarks.js';
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

/** Threads of this process now (Linux: /proc/self/task), or null elsewhere. */
function threadCount(): number | null {
  try {
    return readdirSync('/proc/self/task').length;
  } catch {
    return null;
  }
}

/** The answer must lie in the oracle's standard interval (the bench compares correct kernels only). */
function mustPass(who: string, args: CallArgs, t: Tensor): void {
  const v = checkOutput(args, 'float32', 'standard', t);
  if (!v.ok) throw new Error(`${who}: ${v.failedCount} element(s) outside the standard acceptance interval (first at [${v.failures[0]?.index}]): the sides disagree beyond the interval`);
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
    let started: { default: number | null; oneThread: number | null } = { default: null, oneThread: null };
    for (const reduction of REDUCTIONS) {
      const args: CallArgs = { logits: { type: 'tensor', tensor: tensor(a) }, labels: { type: 'tensor', tensor: tensor(b) }, reduction: { type: 'str', value: reduction } };
      const t0 = threadCount();
      const ortDefault = await createSmoothL1Session({ dtype: 'float32', reduction, beta: BETA });
      const t1 = threadCount();
      const ortOne = await createSmoothL1Session({ dtype: 'float32', reduction, beta: BETA }, { intraOpNumThreads: 1, interOpNumThreads: 1 });
      const t2 = threadCount();
      if (reduction === 'none') started = { default: t0 === null || t1 === null ? null : t1 - t0, oneThread: t1 === null || t2 === null ? null : t2 - t1 };
      try {
        // Agreement first: every answer inside the oracle's standard interval, and how far apart they are.
        const mine = cpuOutput(args);
        mustPass('cpu kernel', args, { dtype: 'float32', shape: reduction === 'none' ? [n] : [], data: mine });
        let worstUlp = 0;
        for (const [label, s] of [['onnxruntime', ortDefault], ['onnxruntime (1 thread)', ortOne]] as const) {
          const theirs = (await s.run(a, b, [n])).data as Float32Array;
          mustPass(label, args, { dtype: 'float32', shape: reduction === 'none' ? [n] : [], data: theirs });
          worstUlp = Math.max(worstUlp, maxUlpDifference(mine, theirs));
        }
        ctx.log(`kernel-vs-onnxruntime: ${reduction}...`);
        const t = await timeInterleaved({ cpu: () => cpuOutput(args), ort: () => ortDefault.run(a, b, [n]), ort1: () => ortOne.run(a, b, [n]) }, ctx.warmup, ctx.repeats);
        const cpuMs = t.cpu.medianMs;
        const ortMs = t.ort.medianMs;
        const ort1Ms = t.ort1.medianMs;
        figures.push(
          { metric: `${reduction}: cpu kernel time (median)`, value: sig(cpuMs), unit: 'ms' },
          { metric: `${reduction}: cpu kernel time (min)`, value: sig(t.cpu.minMs), unit: 'ms' },
          { metric: `${reduction}: onnxruntime time (median, default threads)`, value: sig(ortMs), unit: 'ms' },
          { metric: `${reduction}: onnxruntime time (min, default threads)`, value: sig(t.ort.minMs), unit: 'ms' },
          { metric: `${reduction}: onnxruntime time (median, 1 thread)`, value: sig(ort1Ms), unit: 'ms' },
          { metric: `${reduction}: onnxruntime time (min, 1 thread)`, value: sig(t.ort1.minMs), unit: 'ms' },
          { metric: `${reduction}: cpu kernel throughput`, value: sig(n / cpuMs / 1e3), unit: 'M elements/s' },
          { metric: `${reduction}: onnxruntime throughput (default threads)`, value: sig(n / ortMs / 1e3), unit: 'M elements/s' },
          { metric: `${reduction}: time ratio cpu/onnxruntime (< 1: cpu kernel faster)`, value: sig(cpuMs / ortMs, 3), unit: 'x' },
          { metric: `${reduction}: speed-up onnxruntime/cpu (> 1: cpu kernel faster)`, value: sig(ortMs / cpuMs, 3), unit: `x (min ${sig(t.ort.minMs / t.cpu.minMs, 3)})` },
          { metric: `${reduction}: speed-up vs 1-thread onnxruntime (> 1: cpu kernel faster)`, value: sig(ort1Ms / cpuMs, 3), unit: `x (min ${sig(t.ort1.minMs / t.cpu.minMs, 3)})` },
          { metric: `${reduction}: largest difference cpu kernel vs onnxruntime`, value: sig(worstUlp, 3), unit: 'float32 ulp' },
        );
      } finally {
        await ortDefault.release();
        await ortOne.release();
      }
    }
    figures.push(
      { metric: 'threads onnxruntime started for a default session', value: started.default, unit: 'threads', ...(started.default === null ? { note: 'not measurable here (no /proc/self/task)' } : {}) },
      { metric: 'threads onnxruntime started for a 1-thread session', value: started.oneThread, unit: 'threads', ...(started.oneThread === null ? { note: 'not measurable here (no /proc/self/task)' } : {}) },
    );
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
        'onnxruntime default intra-op threads': `ORT default (machine has ${availableParallelism()} logical CPUs; the threads it started are among the figures)`,
        'cpu kernel threads': 1,
      },
      figures,
    };
  },
});
