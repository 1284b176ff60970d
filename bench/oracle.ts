/**
 * The oracle's cost against a plain loop: expected value + standard acceptance interval +
 * check of a correct output, as the checking engine runs it (the fused value check of
 * oracle/judge.ts), per output dtype and reduction, next to a plain float64 loop that
 * reads the same inputs and writes the loss into a Float32Array, in the same process with
 * the repetitions interleaved (min and median of each). Targets (issue 9): float16,
 * bfloat16 and float32 within 3x of the plain loop, float64 within 10x. The target figures
 * check an output one ulp above the correctly rounded result everywhere (inside every
 * interval, so each element needs its expected value and its interval); the figures for
 * the correctly rounded output itself show the check's shortcut (a value proven to be the
 * correctly rounded one is inside its interval, which then need not be computed).
 *
 * Also reported: how many elements the fast path left to the exact path (fallbacks), and
 * the naive exact path (BigInt expected values, the error model in exact rationals, then
 * checkValues) on fewer elements, per element, as the baseline the fast path must beat by
 * at least 100x. A check that does not accept the correct output fails the benchmark.
 */
import { decodeTable16, floatFormat } from '../common/float-format.js';
import { generateElements } from '../common/prng.js';
import { tensorFromNumbers } from '../common/tensor.js';
import type { CallArgs, FloatDType, Reduction, Tensor } from '../common/types.js';
import { acceptance, checkOutput, checkValues, computeReference } from '../oracle/index.js';
import { registerBenchmark, sig, timeInterleaved } from './benchmarks.js';
import type { BenchFigure } from './benchmarks.js';

const N = 1_000_000;
const NAIVE_N = 20_000;
const DTYPES: FloatDType[] = ['float16', 'bfloat16', 'float32', 'float64'];
const REDUCTIONS: Reduction[] = ['none', 'sum', 'mean'];
/**
 * Inputs uniform in [-1/8, 1/8) and beta 1/8: |d| is below beta about half the time (both
 * branches), and a sum of 10^6 losses stays below float16's largest value (with wider
 * inputs the float16 sum would be inf and its check trivial).
 */
const BETA = 0.125;
const SCALE = 0.125;

function inputs(dtype: FloatDType, n: number): { x: Tensor; y: Tensor } {
  const gen = (seed: number): Tensor => {
    const u = generateElements({ prng: 'xoshiro128**', seed, distribution: 'uniform', a: -1, b: 1 }, 'float64', n) as Float64Array;
    for (let i = 0; i < n; i++) u[i] *= SCALE;
    return tensorFromNumbers(dtype, [n], u);
  };
  return { x: gen(7001), y: gen(7002) };
}

/** The plain loop: the loss in float64 of each element, written into a Float32Array. */
function plainLoop(x: Tensor, y: Tensor, out: Float32Array): void {
  const hb = 0.5 * BETA;
  const ib = 0.5 / BETA;
  if (x.data instanceof Uint16Array) {
    const t = decodeTable16(x.dtype as FloatDType);
    const a = x.data;
    const b = y.data as Uint16Array;
    for (let i = 0; i < out.length; i++) {
      const d = t[a[i]] - t[b[i]];
      const ad = Math.abs(d);
      out[i] = ad < BETA ? d * d * ib : ad - hb;
    }
    return;
  }
  const a = x.data as Float32Array | Float64Array;
  const b = y.data as Float32Array | Float64Array;
  for (let i = 0; i < out.length; i++) {
    const d = a[i] - b[i];
    const ad = Math.abs(d);
    out[i] = ad < BETA ? d * d * ib : ad - hb;
  }
}

function call(x: Tensor, y: Tensor, reduction: Reduction): CallArgs {
  return { logits: { type: 'tensor', tensor: x }, labels: { type: 'tensor', tensor: y }, beta: { type: 'float', value: BETA }, reduction: { type: 'str', value: reduction } };
}

registerBenchmark({
  name: 'oracle',
  description: 'oracle (expected value + standard interval + check, fused) vs a plain float64 loop, 1M elements per dtype and reduction, interleaved; fallbacks; the naive exact path',
  order: 40,
  async run(ctx) {
    const figures: BenchFigure[] = [];
    const repeats = Math.min(ctx.repeats, 9);
    const n = Math.min(N, ctx.elements);
    for (const dtype of DTYPES) {
      const { x, y } = inputs(dtype, n);
      const plainOut = new Float32Array(n);
      for (const reduction of REDUCTIONS) {
        const args = call(x, y, reduction);
        // Two correct outputs: the correctly rounded result itself (the check proves each value
        // is it, which needs no interval), and that result one ulp up everywhere (every value
        // inside its interval but not the correctly rounded one: expected value + interval + check)
        const ref = computeReference(args, dtype);
        const fmt = floatFormat(dtype);
        const exact = tensorFromNumbers(dtype, ref.shape, ref.expected);
        const offByOne = tensorFromNumbers(dtype, ref.shape, ref.expected.map((v) => (v === 0 || !Number.isFinite(v) ? v : fmt.nextUp(v))));
        let last = checkOutput(args, dtype, 'standard', offByOne);
        let lastExact = checkOutput(args, dtype, 'standard', exact);
        if (!last.ok || !lastExact.ok) throw new Error(`oracle: the standard check rejects the correctly rounded ${dtype} ${reduction} result or its one-ulp neighbour`);
        ctx.log(`oracle: ${dtype} ${reduction}...`);
        const t = await timeInterleaved(
          {
            plain: () => plainLoop(x, y, plainOut),
            oracle: () => {
              last = checkOutput(args, dtype, 'standard', offByOne);
            },
            exact: () => {
              lastExact = checkOutput(args, dtype, 'standard', exact);
            },
          },
          1,
          repeats,
        );
        const perEl = (ms: number) => sig((ms * 1e6) / n, 3);
        const target = dtype === 'float64' ? 10 : 3;
        const s = last.stats;
        const se = lastExact.stats;
        figures.push(
          { metric: `${dtype} ${reduction}: oracle per element (min / median)`, value: perEl(t.oracle.minMs), unit: `ns (median ${perEl(t.oracle.medianMs)})` },
          { metric: `${dtype} ${reduction}: plain loop per element (min / median)`, value: perEl(t.plain.minMs), unit: `ns (median ${perEl(t.plain.medianMs)})` },
          { metric: `${dtype} ${reduction}: ratio oracle/plain (min)`, value: sig(t.oracle.minMs / t.plain.minMs, 3), unit: `x (target <= ${target})` },
          { metric: `${dtype} ${reduction}: ratio oracle/plain (median)`, value: sig(t.oracle.medianMs / t.plain.medianMs, 3), unit: `x (target <= ${target})` },
          { metric: `${dtype} ${reduction}: fallbacks (expected / interval / reduction)`, value: s.exactExpected + s.exactIntervals + s.exactReductions, unit: `elements (${s.exactExpected} / ${s.exactIntervals} / ${s.exactReductions} of ${n}; ${s.slowElements} judged the long way)` },
          { metric: `${dtype} ${reduction}: correctly rounded output: oracle per element (min / median)`, value: perEl(t.exact.minMs), unit: `ns (median ${perEl(t.exact.medianMs)})` },
          { metric: `${dtype} ${reduction}: correctly rounded output: ratio oracle/plain (min / median)`, value: sig(t.exact.minMs / t.plain.minMs, 3), unit: `x (median ${sig(t.exact.medianMs / t.plain.medianMs, 3)}; fallbacks ${se.exactExpected} / ${se.exactIntervals} / ${se.exactReductions})` },
        );
      }
    }
    // the naive exact path, per element, against the fused check on the same float32 inputs
    {
      const { x, y } = inputs('float32', NAIVE_N);
      const args = call(x, y, 'none');
      const ref = computeReference(args, 'float32');
      const actual = tensorFromNumbers('float32', ref.shape, ref.expected);
      ctx.log('oracle: the naive exact path...');
      const t = await timeInterleaved(
        {
          naive: () => {
            const exact = computeReference(args, 'float32', { path: 'exact' });
            if (!checkValues(acceptance(exact, 'standard', { arithmetic: 'exact' }), actual).ok) throw new Error('oracle: the exact path rejects the correctly rounded result');
          },
          oracle: () => checkOutput(args, 'float32', 'standard', actual),
        },
        0,
        Math.min(repeats, 3),
      );
      figures.push(
        { metric: 'float32 none: naive exact path per element (min)', value: sig((t.naive.minMs * 1e6) / NAIVE_N, 3), unit: 'ns' },
        { metric: 'float32 none: speed-up of the oracle over the naive exact path (min)', value: sig(t.naive.minMs / t.oracle.minMs, 3), unit: 'x (target >= 100)' },
      );
    }
    return {
      name: this.name,
      description: this.description,
      figures,
      setup: { elements: n, 'naive path elements': NAIVE_N, level: 'standard', beta: BETA, inputs: 'xoshiro128** uniform [-1, 1) times 1/8, seeds 7001 / 7002, rounded to the dtype', repeats, 'plain loop': 'float64 arithmetic, loss written into a Float32Array' },
    };
  },
});
