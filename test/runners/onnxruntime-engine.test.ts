/**
 * Raw onnxruntime-node behaviour the runner's graph depends on or works around, probed
 * with small hand-built models (no runner code between the test and the engine except the
 * ModelProto encoder). docs/onnxruntime.md cites these results; if an onnxruntime upgrade
 * changes one, the test says which documented statement became false.
 */
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { floatFormat } from '../../common/float-format.js';
import { buildSmoothL1Model } from '../../runners/onnxruntime/graph.js';
import { encodeModel, OnnxType } from '../../runners/onnxruntime/onnx-proto.js';
import type { OnnxElemType, OnnxNode } from '../../runners/onnxruntime/onnx-proto.js';

/** A one-input, one-output model of the given nodes (input 'x', output 'y'). */
function model(nodes: OnnxNode[], inType: OnnxElemType, outType: OnnxElemType, outShape?: number[]): Uint8Array {
  return encodeModel({
    irVersion: 8,
    opsetVersion: 18,
    producerName: 'probe',
    producerVersion: '0',
    docString: '',
    graphName: 'probe',
    nodes,
    initializers: [],
    inputs: [{ name: 'x', elemType: inType }],
    outputs: [outShape ? { name: 'y', elemType: outType, shape: outShape } : { name: 'y', elemType: outType }],
    metadata: {},
  });
}

async function run1(bytes: Uint8Array, x: ort.Tensor): Promise<ort.Tensor> {
  const s = await ort.InferenceSession.create(bytes);
  try {
    return (await s.run({ x })).y;
  } finally {
    await s.release();
  }
}

describe('onnxruntime engine probes', () => {
  it('DEVIATION: ReduceMean of an empty tensor returns 0, not NaN (the runner uses ReduceSum / count instead)', async () => {
    const bytes = model([{ opType: 'ReduceMean', name: 'm', inputs: ['x'], outputs: ['y'], attributes: [{ name: 'keepdims', i: 0 }] }], OnnxType.FLOAT, OnnxType.FLOAT, []);
    const empty = await run1(bytes, new ort.Tensor('float32', new Float32Array(0), [0, 3]));
    expect(empty.dims).toEqual([]);
    expect(Array.from(empty.data as Float32Array)).toEqual([0]); // the spec's mean of nothing is NaN
    // The same graph on a non-empty input is an ordinary mean.
    const some = await run1(bytes, new ort.Tensor('float32', new Float32Array([1, 2, 6]), [3]));
    expect(Array.from(some.data as Float32Array)).toEqual([3]);
  });

  it('ReduceSum of an empty tensor returns 0, and Size of it is 0, so sum/count is 0/0 = NaN', async () => {
    const sum = model([{ opType: 'ReduceSum', name: 's', inputs: ['x'], outputs: ['y'], attributes: [{ name: 'keepdims', i: 0 }] }], OnnxType.DOUBLE, OnnxType.DOUBLE, []);
    expect(Array.from((await run1(sum, new ort.Tensor('float64', new Float64Array(0), [2, 0]))).data as Float64Array)).toEqual([0]);
    const size = model([{ opType: 'Size', name: 'n', inputs: ['x'], outputs: ['y'] }], OnnxType.DOUBLE, OnnxType.INT64, []);
    expect(Array.from((await run1(size, new ort.Tensor('float64', new Float64Array(0), [2, 0]))).data as BigInt64Array)).toEqual([0n]);
  });

  it('ReduceSum of float64 accumulates serially: its error exceeds the pairwise bound (the runner sums pairwise)', async () => {
    // [2^60, 1, 1, ..., 1]: a serial sum drops most of the ones (2^60 + 1 rounds back to
    // 2^60); a pairwise sum adds the ones among themselves first. Exact sum: 2^60 + n - 1.
    const n = 2 ** 17;
    const x = new Float64Array(n).fill(1);
    x[0] = 2 ** 60;
    const bound = Math.ceil(Math.log2(n)) * 2 ** -53 * (2 ** 60 + n - 1); // = 17 * 128 = 2176
    const exact = 2 ** 60 + n - 1; // a double (2^60 + 131071 rounds; the error below is measured in units far above that)
    const sum = model([{ opType: 'ReduceSum', name: 's', inputs: ['x'], outputs: ['y'], attributes: [{ name: 'keepdims', i: 0 }] }], OnnxType.DOUBLE, OnnxType.DOUBLE, []);
    const raw = ((await run1(sum, new ort.Tensor('float64', x, [n]))).data as Float64Array)[0];
    expect(Math.abs(raw - exact)).toBeGreaterThan(bound);
  });

  it('Cast float32 -> bfloat16 -> float32 on a graph input rounds to nearest even (it is not optimised away)', async () => {
    const bytes = model(
      [
        { opType: 'Cast', name: 'a', inputs: ['x'], outputs: ['b'], attributes: [{ name: 'to', i: OnnxType.BFLOAT16 }] },
        { opType: 'Cast', name: 'c', inputs: ['b'], outputs: ['y'], attributes: [{ name: 'to', i: OnnxType.FLOAT }] },
      ],
      OnnxType.FLOAT,
      OnnxType.FLOAT,
    );
    const xs = [1 + 3 * 2 ** -8, 1 + 2 ** -8, 1 + 2 ** -8 + 2 ** -20, -(1 + 3 * 2 ** -8), 3.4e38, 1e-40, NaN, -0];
    const y = Array.from((await run1(bytes, new ort.Tensor('float32', new Float32Array(xs), [xs.length]))).data as Float32Array);
    const bf = floatFormat('bfloat16');
    // Independent expectation: RN-even to bfloat16 from the (exact) float32 input.
    const want = xs.map((v) => bf.round(Math.fround(v)));
    expect(y.slice(0, 6)).toEqual(want.slice(0, 6));
    expect(y[4]).toBe(Infinity); // 3.4e38 is above bfloat16's largest finite value plus half an ulp
    expect(y[6]).toBeNaN();
    expect(Object.is(y[7], -0)).toBe(true);
  });

  it('float16 arithmetic on the CPU provider runs in float32: a float16 graph equals the float32-arithmetic graph when beta is a float16 value', async () => {
    // 20000 random finite float16 pairs; beta 1000 is exact in float16. If ORT rounded every
    // intermediate (Sub, Abs, Mul, Div, Sub) to float16, results would differ in many places.
    const n = 20000;
    let s = 0x9e3779b9;
    const next = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0), s >>> 16);
    const x = new Uint16Array(n);
    const y = new Uint16Array(n);
    for (let i = 0; i < n; i++) {
      x[i] = next() & 0xfbff; // exponent field never all ones: finite
      y[i] = next() & 0xfbff;
    }
    const results: Uint16Array[] = [];
    for (const [beta, mode] of [
      [1000, 'float32'],
      [1000, 'native'],
      [0.5, 'float32'],
      [0.5, 'native'],
      [Math.fround(0.1), 'float32'],
      [Math.fround(0.1), 'native'],
    ] as const) {
      const sess = await ort.InferenceSession.create(buildSmoothL1Model({ dtype: 'float16', reduction: 'none', beta, halfArithmetic: mode }));
      results.push((await sess.run({ logits: new ort.Tensor('float16', x, [n]), labels: new ort.Tensor('float16', y, [n]) })).loss.data as Uint16Array);
      await sess.release();
    }
    const differences = (a: Uint16Array, b: Uint16Array) => a.reduce((c, v, i) => c + (v !== b[i] ? 1 : 0), 0);
    expect(differences(results[0], results[1])).toBe(0);
    expect(differences(results[2], results[3])).toBe(0);
    // beta = 0.1 is not a float16 value: the float16 graph rounds beta itself (Cast), which is
    // all that is left of "float16 arithmetic" -- and it changes results (standard level only).
    expect(differences(results[4], results[5])).toBeGreaterThan(100);
  });

  it('one element where float16 rounding of d would show: 1026 - 0.5 with beta 1000 gives 525.5, not 526, at every optimisation level', async () => {
    // In float16, d = 1025.5 is a tie between 1025 and 1026 and rounds to even 1026, so a
    // per-op float16 graph would return 1026 - 500 = 526 (0x601c); float32 keeps d exact
    // and the loss is 525.5 (0x601b), a float16 value.
    for (const level of ['disabled', 'all'] as const) {
      const sess = await ort.InferenceSession.create(buildSmoothL1Model({ dtype: 'float16', reduction: 'none', beta: 1000, halfArithmetic: 'native' }), { graphOptimizationLevel: level });
      const out = await sess.run({ logits: new ort.Tensor('float16', new Uint16Array([0x6402]), [1]), labels: new ort.Tensor('float16', new Uint16Array([0x3800]), [1]) });
      await sess.release();
      expect(Array.from(out.loss.data as Uint16Array)).toEqual([0x601b]);
    }
  });
});
