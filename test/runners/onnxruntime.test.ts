/**
 * The onnxruntime runner with the real onnxruntime-node: each dtype x reduction on inputs
 * whose losses are exact (hand-computed below), the bfloat16 rounding path, mixed dtypes,
 * edge cases (empty, 0-d, NaN/Inf, -0), and errors from the validation front end.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { floatFormat } from '../../common/float-format.js';
import { tensorFromNumbers, tensorToNumbers } from '../../common/tensor.js';
import type { ArgValue, CallArgs, FloatDType, ProfileName, Reduction, Runner, RunnerResult, Tensor } from '../../common/types.js';
import { createRunner } from '../../runners/onnxruntime/index.js';

let runner: Runner;
beforeAll(async () => {
  runner = createRunner();
  await runner.init!();
});
afterAll(async () => {
  await runner.close!();
});

const t = (dtype: FloatDType, shape: number[], values: number[]): ArgValue => ({ type: 'tensor', tensor: tensorFromNumbers(dtype, shape, values) });
const float = (value: number): ArgValue => ({ type: 'float', value });
const str = (value: string): ArgValue => ({ type: 'str', value });

async function call(args: CallArgs, profile: ProfileName = 'cpu'): Promise<RunnerResult> {
  return runner.run(args, { profile, caseId: 'test', signal: new AbortController().signal });
}
async function output(args: CallArgs, profile: ProfileName = 'cpu'): Promise<Tensor> {
  const r = await call(args, profile);
  if (r.kind !== 'output') throw new Error(`expected an output, got ${r.errorType}: ${r.message}`);
  return r.tensor;
}
const bitsOf = (x: Tensor) => Array.from(x.data as Uint16Array);

// d = [0, 0, 1, -2.5, 0.25], beta = 1: L = [0, 0, 0.5, 2, 0.03125] -- exact in every dtype.
const LOGITS = [1, 2, 3, -1.5, 0.25];
const LABELS = [1, 2, 2, 1, 0];
const LOSS = [0, 0, 0.5, 2, 0.03125];
const SUM = 2.53125;

describe('onnxruntime runner: identity', () => {
  it('names itself after the installed onnxruntime-node and targets the cpu profile', () => {
    expect(runner.name).toBe('onnxruntime');
    expect(runner.version).toMatch(/^onnxruntime-node \d+\.\d+\.\d+$/);
    expect(runner.nativeProfile).toBe('cpu');
  });
});

describe('onnxruntime runner: dtype x reduction (hand-computed exact losses)', () => {
  const cases: [FloatDType, ProfileName][] = [
    ['float16', 'cpu'],
    ['float32', 'cpu'],
    ['float64', 'cpu'],
    ['bfloat16', 'ascend'],
  ];
  for (const [dtype, profile] of cases) {
    for (const reduction of ['none', 'sum', 'mean'] as Reduction[]) {
      it(`${dtype} ${reduction}`, async () => {
        const out = await output({ logits: t(dtype, [5], LOGITS), labels: t(dtype, [5], LABELS), beta: float(1), reduction: str(reduction) }, profile);
        expect(out.dtype).toBe(dtype);
        const fmt = floatFormat(dtype);
        if (reduction === 'none') {
          expect(out.shape).toEqual([5]);
          expect(Array.from(tensorToNumbers(out))).toEqual(LOSS);
        } else {
          expect(out.shape).toEqual([]);
          // The exact sum is representable; the mean 0.50625 is rounded once to the dtype.
          expect(tensorToNumbers(out)[0]).toBe(reduction === 'sum' ? SUM : fmt.round(SUM / 5));
        }
      });
    }
  }

  it('uses the default beta and reduction when they are absent (beta 1, none)', async () => {
    const out = await output({ logits: t('float32', [5], LOGITS), labels: t('float32', [5], LABELS) });
    expect(out.shape).toEqual([5]);
    expect(Array.from(tensorToNumbers(out))).toEqual(LOSS);
  });

  it('uses beta as its float32 value, on both branches', async () => {
    // beta = 0.1 -> float32 0.100000001490116...; d = 0.05 (quadratic) and d = 2 (linear).
    const b = Math.fround(0.1);
    const out = await output({ logits: t('float64', [2], [0.05, 2]), labels: t('float64', [2], [0, 0]), beta: float(0.1) });
    expect(tensorToNumbers(out)[1]).toBe(2 - 0.5 * b);
    expect(Math.abs(tensorToNumbers(out)[0] - (0.5 * 0.05 * 0.05) / b)).toBeLessThan(1e-17);
  });
});

describe('onnxruntime runner: bfloat16 is rounded to nearest even in the graph', () => {
  // beta = 0 is allowed on the ascend profile and makes the loss plain L1: the sum of
  // bfloat16 values is exact in float32/float64 and only the final Cast rounds.
  const sumOf = async (values: number[]) => {
    const out = await output({ logits: t('bfloat16', [values.length], values), labels: t('bfloat16', [values.length], values.map(() => 0)), beta: float(0), reduction: str('sum') }, 'ascend');
    expect(out.dtype).toBe('bfloat16');
    return bitsOf(out)[0];
  };
  it('ties go to even: 1 + 3*2^-8 -> 0x3f82 (truncation would give 0x3f81)', async () => {
    expect(await sumOf([1, 3 * 2 ** -8])).toBe(0x3f82);
  });
  it('ties go to even: 1 + 2^-8 -> 0x3f80', async () => {
    expect(await sumOf([1, 2 ** -8])).toBe(0x3f80);
  });
  it('above the tie rounds up: 1 + 2^-8 + 2^-20 -> 0x3f81', async () => {
    expect(await sumOf([1, 2 ** -8, 2 ** -20])).toBe(0x3f81);
  });
  it('overflow past the largest bfloat16 gives inf', async () => {
    const max = floatFormat('bfloat16').maxFinite;
    expect(await sumOf([max, max])).toBe(0x7f80);
  });
  it('an element-wise result is rounded too (beta 10, d 3: 0.45 -> 0x3ee6)', async () => {
    const out = await output({ logits: t('bfloat16', [1], [3]), labels: t('bfloat16', [1], [0]), beta: float(10) }, 'ascend');
    expect(bitsOf(out)).toEqual([floatFormat('bfloat16').encode(0.45)]);
    expect(bitsOf(out)).toEqual([0x3ee6]);
  });
});

describe('onnxruntime runner: mixed dtypes are promoted (exact widening on the JS side)', () => {
  it('float16 x float32 -> float32', async () => {
    const out = await output({ logits: t('float16', [5], LOGITS), labels: t('float32', [5], LABELS), reduction: str('sum') });
    expect(out.dtype).toBe('float32');
    expect(tensorToNumbers(out)[0]).toBe(SUM);
  });
  it('float32 x float64 -> float64, keeping every bit of the float32 input', async () => {
    const x = Math.fround(1 / 3);
    const out = await output({ logits: t('float32', [1], [x]), labels: t('float64', [1], [0]), beta: float(2) });
    expect(out.dtype).toBe('float64');
    // 0.5*x*x/2 with x exact: (0.5x)*(x/2) in float64, both steps exact up to one rounding.
    expect(tensorToNumbers(out)[0]).toBe(0.5 * x * (x / 2));
  });
  it('bfloat16 x float16 -> float32 (ascend)', async () => {
    const out = await output({ logits: t('bfloat16', [5], LOGITS), labels: t('float16', [5], LABELS), reduction: str('none') }, 'ascend');
    expect(out.dtype).toBe('float32');
    expect(Array.from(tensorToNumbers(out))).toEqual(LOSS);
  });
});

describe('onnxruntime runner: engine edge cases', () => {
  it('empty tensors: none keeps the shape, sum is 0, mean is NaN (0/0, not ReduceMean)', async () => {
    for (const dtype of ['float16', 'float32', 'float64'] as FloatDType[]) {
      const args = (r: string): CallArgs => ({ logits: t(dtype, [0, 3], []), labels: t(dtype, [0, 3], []), reduction: str(r) });
      const none = await output(args('none'));
      expect(none.shape).toEqual([0, 3]);
      expect(none.data.length).toBe(0);
      expect(Array.from(tensorToNumbers(await output(args('sum'))))).toEqual([0]);
      const mean = await output(args('mean'));
      expect(mean.shape).toEqual([]);
      expect(Number.isNaN(tensorToNumbers(mean)[0])).toBe(true);
    }
    const bf = await output({ logits: t('bfloat16', [0], []), labels: t('bfloat16', [0], []), reduction: str('mean') }, 'ascend');
    expect(Number.isNaN(tensorToNumbers(bf)[0])).toBe(true);
  });

  it('0-d tensors: shape [] for every reduction', async () => {
    for (const reduction of ['none', 'sum', 'mean']) {
      const out = await output({ logits: t('float32', [], [3]), labels: t('float32', [], [0.5]), reduction: str(reduction) });
      expect(out.shape).toEqual([]);
      expect(Array.from(tensorToNumbers(out))).toEqual([2]);
    }
  });

  it('NaN and Inf propagate through Less/Where; inf - inf is NaN', async () => {
    const out = await output({
      logits: t('float32', [5], [NaN, Infinity, -Infinity, Infinity, 1]),
      labels: t('float32', [5], [0, 0, 0, Infinity, NaN]),
    });
    const v = Array.from(tensorToNumbers(out));
    expect(v[0]).toBeNaN();
    expect(v[1]).toBe(Infinity);
    expect(v[2]).toBe(Infinity);
    expect(v[3]).toBeNaN();
    expect(v[4]).toBeNaN();
    const sum = await output({ logits: t('float64', [2], [Infinity, 1]), labels: t('float64', [2], [0, 0]), reduction: str('sum') });
    expect(tensorToNumbers(sum)[0]).toBe(Infinity);
  });

  it('beta = 0 (ascend) is L1 and no inf/NaN from the unused quadratic branch leaks', async () => {
    const out = await output({ logits: t('float32', [3], [0, -2, 1e30]), labels: t('float32', [3], [0, 0, 0]), beta: float(0) }, 'ascend');
    expect(Array.from(tensorToNumbers(out))).toEqual([0, 2, Math.fround(1e30)]);
  });

  it('-0 inputs give a +0 loss (|d| of a signed zero is +0)', async () => {
    const out = await output({ logits: t('float32', [2], [-0, 0]), labels: t('float32', [2], [0, -0]) });
    expect(Array.from(new Uint32Array((out.data as Float32Array).buffer))).toEqual([0, 0]);
  });

  it('a huge beta does not overflow the quadratic branch (0.5*d^2/beta as (0.5|d|)*(|d|/beta))', async () => {
    // float32: d = 2^70, beta = 2^100 -> 2^139 exact, while d*d = 2^140 would overflow float32.
    const out = await output({ logits: t('float32', [1], [2 ** 70]), labels: t('float32', [1], [0]), beta: float(2 ** 100) });
    expect(tensorToNumbers(out)[0]).toBe(2 ** 39);
    // float16: d = 400, beta = 1000: 0.5*d*d = 80000 would overflow float16; the loss is 80.
    const h = await output({ logits: t('float16', [1], [400]), labels: t('float16', [1], [0]), beta: float(1000) });
    expect(tensorToNumbers(h)[0]).toBe(80);
  });
});

describe('onnxruntime runner: float64 sums are pairwise', () => {
  it('[2^60, 1 x (n-1)] sums within ceil(log2 n) u sum|L| (a serial sum loses ~n/lanes)', async () => {
    // beta = 1, labels 0, linear branch L = |x| - 0.5: x = 1.5 gives L = 1 exactly; the big
    // element gives 2^60 - 0.5, which rounds to 2^60.
    const n = 2 ** 17;
    const x = new Array<number>(n).fill(1.5);
    x[0] = 2 ** 60;
    const out = await output({ logits: t('float64', [n], x), labels: t('float64', [n], new Array<number>(n).fill(0)), reduction: str('sum') });
    const exact = 2 ** 60 + (n - 1); // within 128 of the true 2^60 - 0.5 + (n - 1)
    const bound = Math.ceil(Math.log2(n)) * 2 ** -53 * 2 ** 61;
    expect(Math.abs(tensorToNumbers(out)[0] - exact)).toBeLessThanOrEqual(bound);
  });
});

describe('onnxruntime runner: errors come from the validation front end', () => {
  it('beta = 0 on cpu is a RuntimeError', async () => {
    const r = await call({ logits: t('float32', [1], [1]), labels: t('float32', [1], [0]), beta: float(0) });
    expect(r.kind === 'error' && r.errorType).toBe('RuntimeError');
  });
  it("reduction 'MEAN' is a ValueError", async () => {
    const r = await call({ logits: t('float32', [1], [1]), labels: t('float32', [1], [0]), reduction: str('MEAN') });
    expect(r.kind === 'error' && r.errorType).toBe('ValueError');
  });
  it('bfloat16 on cpu is a RuntimeError (unsupported dtype)', async () => {
    const r = await call({ logits: t('bfloat16', [1], [1]), labels: t('bfloat16', [1], [0]) });
    expect(r.kind === 'error' && r.errorType).toBe('RuntimeError');
  });
  it('shape mismatch is a ValueError', async () => {
    const r = await call({ logits: t('float32', [2], [1, 2]), labels: t('float32', [1], [0]) });
    expect(r.kind === 'error' && r.errorType).toBe('ValueError');
  });
});
