/**
 * The WebGPU runner against the in-repo CPU kernel on the same inputs: float32 and float64,
 * each reduction, xoshiro128** uniform [-2, 2) so both branches are taken about equally,
 * beta = 1. On a machine without a GPU the adapter is SwiftShader, so this measures a CPU
 * running the WGSL kernel through a software Vulkan driver (the report says which adapter
 * ran), and the kernel computes in binary64 emulated with integers (runners/webgpu/f64.ts).
 *
 * Both sides are timed as a caller sees them: runner.run() for the WebGPU kernel (bytes to
 * the page over local HTTP, the GPU passes, the readback), smoothL1Loss() for the CPU
 * kernel. The repetitions are interleaved (webgpu, cpu, webgpu, cpu, ...), so load from
 * other processes hits both; min and median are reported, and the ratio of each. The
 * answers are compared first (both pass the strict level; here they must agree within a
 * few ulps), so a fast wrong kernel cannot win.
 *
 * The WebGPU side is slow on SwiftShader, so the size is capped (1M elements, 5 repeats).
 */
import { floatFormat } from '../common/float-format.js';
import { generateElements } from '../common/prng.js';
import type { CallArgs, Reduction, RunnerResult, Tensor } from '../common/types.js';
import { smoothL1Loss } from '../runners/cpu/index.js';
import { createRunner, findChromium } from '../runners/webgpu/index.js';
import { registerBenchmark, sig } from './benchmarks.js';
import type { BenchFigure } from './benchmarks.js';

const REDUCTIONS: Reduction[] = ['none', 'mean', 'sum'];
const DTYPES = ['float32', 'float64'] as const;
const MAX_ELEMENTS = 1_000_000;
const MAX_REPEATS = 5;

function output(r: RunnerResult, who: string): Tensor {
  if (r.kind !== 'output') throw new Error(`${who} raised ${r.errorType}: ${r.message}`);
  return r.tensor;
}

/** Largest difference between two answers, in ulps of the dtype at the CPU kernel's value. */
function maxUlpDifference(dtype: 'float32' | 'float64', x: Tensor['data'], y: Tensor['data']): number {
  if (x.length !== y.length) throw new Error(`webgpu and cpu kernels disagree on the output size: ${x.length} vs ${y.length}`);
  const f = floatFormat(dtype);
  let worst = 0;
  for (let i = 0; i < x.length; i++) {
    const a = Number(x[i]);
    const b = Number(y[i]);
    if (a === b || (Number.isNaN(a) && Number.isNaN(b))) continue;
    worst = Math.max(worst, Math.abs(a - b) / f.ulp(a));
  }
  return worst;
}

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return { min: s[0], median: s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2 };
};

registerBenchmark({
  name: 'webgpu-vs-cpu',
  description: 'WebGPU kernel (WGSL, binary64 emulated in integers) vs the CPU kernel, float32 and float64, per reduction; on SwiftShader this is a CPU running the shader',
  order: 40,
  async run(ctx) {
    const n = Math.min(ctx.elements, MAX_ELEMENTS);
    const repeats = Math.min(ctx.repeats, MAX_REPEATS);
    const warmup = Math.min(ctx.warmup, 1);
    if (findChromium() === undefined) return { name: this.name, description: this.description, setup: {}, figures: [], skipped: 'no Chromium (apt-get install -y chromium)' };
    const runner = createRunner();
    await runner.init();
    const figures: BenchFigure[] = [];
    const split: Record<string, string> = {};
    try {
      const ctxRun = { profile: 'gpu' as const, caseId: 'bench', signal: new AbortController().signal };
      for (const dtype of DTYPES) {
        const gen = (seed: number) => generateElements({ prng: 'xoshiro128**', seed, distribution: 'uniform', a: -2, b: 2 }, dtype, n);
        const tensor = (data: Tensor['data']): Tensor => ({ dtype, shape: [n], data });
        const a = tensor(gen(20240601));
        const b = tensor(gen(20240602));
        for (const reduction of REDUCTIONS) {
          const args: CallArgs = { logits: { type: 'tensor', tensor: a }, labels: { type: 'tensor', tensor: b }, reduction: { type: 'str', value: reduction } };
          const gpu = async () => output(await runner.run(args, ctxRun), 'webgpu kernel');
          const cpu = () => output(smoothL1Loss(args, 'gpu'), 'cpu kernel');
          const worstUlp = maxUlpDifference(dtype, cpu().data, (await gpu()).data);
          for (let i = 1; i < warmup; i++) await gpu();
          const gpuMs: number[] = [];
          const cpuMs: number[] = [];
          const pageGpuMs: number[] = [];
          ctx.log(`webgpu-vs-cpu: ${dtype} ${reduction}: ${repeats} interleaved repetitions of ${n} elements...`);
          for (let i = 0; i < repeats; i++) {
            let t0 = process.hrtime.bigint();
            await gpu();
            gpuMs.push(Number(process.hrtime.bigint() - t0) / 1e6);
            pageGpuMs.push(runner.lastTimings?.gpuMs ?? NaN);
            t0 = process.hrtime.bigint();
            cpu();
            cpuMs.push(Number(process.hrtime.bigint() - t0) / 1e6);
          }
          const g = stats(gpuMs);
          const c = stats(cpuMs);
          const key = `${dtype} ${reduction}`;
          split[`${key}: GPU passes and readback in the page (median ms)`] = String(sig(stats(pageGpuMs).median));
          figures.push(
            { metric: `${key}: webgpu time (min / median)`, value: sig(g.min), unit: `ms (median ${sig(g.median)} ms)` },
            { metric: `${key}: cpu kernel time (min / median)`, value: sig(c.min), unit: `ms (median ${sig(c.median)} ms)` },
            { metric: `${key}: time ratio webgpu/cpu (min)`, value: sig(g.min / c.min, 3), unit: 'x' },
            { metric: `${key}: time ratio webgpu/cpu (median)`, value: sig(g.median / c.median, 3), unit: 'x' },
            { metric: `${key}: webgpu throughput (median)`, value: sig(n / g.median / 1e3), unit: 'M elements/s' },
            { metric: `${key}: largest difference webgpu vs cpu`, value: sig(worstUlp, 3), unit: `${dtype} ulp` },
          );
        }
      }
    } finally {
      await runner.close();
    }
    const info = runner.info;
    return {
      name: this.name,
      description: this.description,
      setup: {
        elements: n,
        beta: 1,
        inputs: 'xoshiro128** uniform [-2, 2), seeds 20240601 / 20240602',
        warmup,
        repeats,
        'webgpu adapter': info === undefined ? 'unknown' : `${info.adapter.vendor}/${info.adapter.architecture}${info.adapter.isFallbackAdapter ? ' (fallback adapter: a CPU through a software Vulkan driver)' : ''}`,
        'webgpu runner': runner.version,
        ...split,
      },
      figures,
    };
  },
});
