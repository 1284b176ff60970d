/**
 * The webgpu runner in a real headless Chromium (SwiftShader's WebGPU adapter here):
 * values worked out by hand, the profile's errors, empty inputs, calls split into chunks,
 * 2-D dispatches and several reduction passes (checked against the oracle at the strict
 * level), and the fault paths (a lost device, a shader that does not compile, a timeout).
 * The whole corpus runs in webgpu-corpus.test.ts, the binary64 emulation on its own in
 * webgpu-f64.test.ts.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { floatFormat } from '../../common/float-format.js';
import type { ArgValue, CallArgs, FloatDType, ProfileName, RunnerResult, Tensor } from '../../common/types.js';
import { loadCorpus } from '../../harness/cases/index.js';
import { runCases } from '../../harness/run.js';
import { acceptance, checkValues, computeReference } from '../../oracle/index.js';
import { validateCall } from '../../runners/validation.js';
import { f32, f64, float, output, str } from './args.js';
import type { WebGpuRunnerOptions } from '../../runners/webgpu/index.js';
import { openRunner } from './webgpu-browser.js';

/** The runner's options: read at every call, so the chunking tests can lower the limits for a while. */
const options: WebGpuRunnerOptions = {};
const { runner, unavailable, skip } = await openRunner('webgpu runner tests', options);

const sig = () => new AbortController().signal;
async function call(args: CallArgs, profile: ProfileName = 'gpu', r = runner): Promise<RunnerResult> {
  return r.run(args, { profile, caseId: 'webgpu.test', signal: sig() });
}

/** A tensor argument from numbers (16-bit formats encoded with common/float-format.ts). */
function tensor(dtype: FloatDType, values: number[], shape: number[] = [values.length]): ArgValue {
  let data: Tensor['data'];
  if (dtype === 'float32') data = Float32Array.from(values);
  else if (dtype === 'float64') data = Float64Array.from(values);
  else data = Uint16Array.from(values.map((v) => Number(floatFormat(dtype).encode(v))));
  return { type: 'tensor', tensor: { dtype, shape, data } };
}

/** The oracle's strict verdict on a result (the expected values come from the oracle, not from the kernel). */
function strictFailures(args: CallArgs, profile: ProfileName, r: RunnerResult): string[] {
  const v = validateCall(args, profile);
  if (!v.ok) throw new Error(`test inputs are invalid: ${v.error.message}`);
  const acc = acceptance(computeReference(args, v.call.computeDtype), 'strict');
  const check = checkValues(acc, output(r));
  return check.failures.map((f) => `[${f.index}] expected ${f.expected} in [${f.lo}, ${f.hi}], got ${f.actual}`);
}

const f32bits = (x: number) => new Uint32Array(Float32Array.of(x).buffer)[0];

describe.skipIf(skip)('webgpu runner (headless Chromium, WebGPU)', () => {
  it('has a WebGPU device, names it in its version, and probed the f32 flush mode', () => {
    expect(unavailable, `SMOOTHL1_REQUIRE_CHROMIUM=1 but: ${unavailable}`).toBeUndefined();
    expect(runner.nativeProfile).toBe('gpu');
    expect(runner.version).toMatch(/Chromium \d+.*adapter .*; f32 (flushes|keeps) subnormals; float16 (packed in u32|via shader-f16)\)$/);
    const info = runner.info!;
    // SwiftShader flushes f32 subnormal results (measured; docs/webgpu.md): the probe must see it.
    if (info.adapter.architecture === 'swiftshader') expect(info.flushesSubnormals.results).toBe(true);
  });

  it('the documentation example in float32 and float64: [0, 0, 0.5]; sum 0.5; mean 0.5 / 3', async () => {
    for (const dtype of ['float32', 'float64'] as const) {
      const args = { logits: tensor(dtype, [1, 2, 3]), labels: tensor(dtype, [1, 2, 2]) };
      const none = output(await call(args));
      expect([none.dtype, none.shape, [...none.data]]).toEqual([dtype, [3], [0, 0, 0.5]]);
      const sum = output(await call({ ...args, reduction: str('sum') }));
      expect([sum.dtype, sum.shape, [...sum.data]]).toEqual([dtype, [], [0.5]]);
      const mean = output(await call({ ...args, reduction: str('mean') }));
      expect(mean.data[0]).toBe(dtype === 'float32' ? Math.fround(0.5 / 3) : 0.5 / 3);
    }
  });

  it('float32 subnormal results are exact although SwiftShader flushes f32 subnormals', async () => {
    // beta = 2^-130 (a subnormal float32): d = 2^-131 is quadratic, 0.5 * 2^-262 / 2^-130 = 2^-133;
    // d = 2^-128 is linear, 2^-128 - 2^-131 = 7 * 2^-131. Both are exact float32 subnormals.
    const r = output(await call({ logits: f32([2 ** -131, 2 ** -128]), labels: f32([0, 0]), beta: float(2 ** -130) }));
    expect([...new Uint32Array(r.data.buffer)]).toEqual([f32bits(2 ** -133), f32bits(7 * 2 ** -131)]);
    // The sum of the two on the GPU: 2^-133 + 7 * 2^-131 = 29 * 2^-133, exact.
    const s = output(await call({ logits: f32([2 ** -131, 2 ** -128]), labels: f32([0, 0]), beta: float(2 ** -130), reduction: str('sum') }));
    expect(s.data[0]).toBe(29 * 2 ** -133);
  });

  it('float64: subnormal, overflowing and invalid intermediates follow IEEE binary64', async () => {
    // beta 1: d = 3 * 2^-538: 0.5 * 9 * 2^-1076 = 1.125 * 2^-1074 rounds to 2^-1074 (the smallest subnormal);
    // d = 2^-1074 - (-2^-1074) = 2^-1073: 0.5 * 2^-2146 underflows to +0;
    // 1e308 - (-1e308) overflows binary64: inf; inf - inf: NaN.
    const r = output(await call({ logits: f64([3 * 2 ** -538, 2 ** -1074, 1e308, Infinity]), labels: f64([0, -(2 ** -1074), -1e308, Infinity]) }));
    expect([...r.data]).toEqual([2 ** -1074, 0, Infinity, NaN]);
  });

  it('float64 mean whose sum overflows binary64 is still finite (the GPU rescales); an infinite term gives inf', async () => {
    // (1.7e308 - 0.5) + (1.5e308 - 0.5) exceeds the largest double, their mean does not.
    const big = { logits: f64([1.7e308, 1.5e308]), labels: f64([0, 0]), reduction: str('mean') };
    const r = await call(big);
    expect(Number.isFinite(output(r).data[0])).toBe(true);
    expect(strictFailures(big, 'gpu', r)).toEqual([]);
    expect(output(await call({ ...big, logits: f64([Infinity, 1.5e308]) })).data[0]).toBe(Infinity);
  });

  it('float16: d = 400, beta = 1000 gives 80; overflow gives inf; a subnormal result is kept', async () => {
    const r = output(await call({ logits: tensor('float16', [400]), labels: tensor('float16', [0]), beta: float(1000) }));
    expect([r.dtype, r.data[0]]).toEqual(['float16', 0x5500]);
    // 65504 - (-65504) - 0.5 = 131007.5 >= 65520: inf. d = 2^-10: 0.5 * 2^-20 = 2^-21 = 8 * 2^-24 (0x0008).
    const o = output(await call({ logits: tensor('float16', [65504, 2 ** -10, 2 ** -10]), labels: tensor('float16', [-65504, 0, 2 ** -10]) }));
    expect([...o.data]).toEqual([0x7c00, 0x0008, 0x0000]);
  });

  it('just below a half type\'s or float32\'s overflow midpoint the result is the largest finite value, not inf', async () => {
    // float16 65504 - (-16) = 65520, the midpoint between 65504 and 2^16 (where float16 rounds to inf);
    // the loss 65520 - beta/2 is just below it: 65504 (0x7bff). Computed in binary64 and rounded to
    // nearest twice, 65520 - 5e-31 would become 65520 and then inf; the last step rounds to odd.
    const r16 = output(await call({ logits: tensor('float16', [65504]), labels: tensor('float16', [-16]), beta: float(1e-30) }));
    expect(r16.data[0]).toBe(0x7bff);
    // float32: max + 2^103 is float32's midpoint to inf; max - (-2^103) - beta/2 lies below it.
    const max32 = floatFormat('float32').maxFinite;
    const r32 = output(await call({ logits: tensor('float32', [max32]), labels: tensor('float32', [-(2 ** 103)]), beta: float(1e-30) }));
    expect(r32.data[0]).toBe(max32);
    // and the sum of that one element, on the GPU
    const m16 = output(await call({ logits: tensor('float16', [65504]), labels: tensor('float16', [-16]), beta: float(1e-30), reduction: str('sum') }));
    expect(m16.data[0]).toBe(0x7bff);
  });

  it('bfloat16 (ascend profile) results halfway between two bfloat16 numbers round to even', async () => {
    // 2 - (0.5 - 2^-8) - 0.5 = 1 + 2^-8 (halfway between 1 and 1 + 2^-7: even is 1);
    // 2 - (0.5 - 3*2^-8) - 0.5 = 1 + 3*2^-8 (halfway between 1 + 2^-7 and 1 + 2^-6: even is 1 + 2^-6).
    const r = output(await call({ logits: tensor('bfloat16', [2, 2]), labels: tensor('bfloat16', [0.5 - 2 ** -8, 0.5 - 3 * 2 ** -8]) }, 'ascend'));
    expect([r.dtype, ...r.data]).toEqual(['bfloat16', 0x3f80, 0x3f82]);
  });

  it('NaN and infinities follow the formula: NaN d, |d| = inf, inf - inf, beta = inf', async () => {
    const logits = [NaN, Infinity, Infinity, 1, -Infinity, 3];
    const labels = [0, 0, Infinity, Infinity, 1, -1];
    const r32 = output(await call({ logits: tensor('float32', logits), labels: tensor('float32', labels) }));
    expect([...r32.data]).toEqual([NaN, Infinity, NaN, Infinity, Infinity, 3.5]);
    const r16 = output(await call({ logits: tensor('float16', logits), labels: tensor('float16', labels) }));
    expect([0, 2].map((i) => (Number(r16.data[i]) & 0x7fff) > 0x7c00)).toEqual([true, true]);
    expect([1, 3, 4, 5].map((i) => r16.data[i])).toEqual([0x7c00, 0x7c00, 0x7c00, 0x4300]);
    // beta = inf: finite d is quadratic, d^2 / inf = 0; an infinite d gives inf - inf = NaN.
    // 1.7e308 - (-1.7e308) overflows binary64, but the exact d is finite: d^2 / inf = 0 too.
    const inf = output(await call({ logits: tensor('float64', [5, Infinity, 1.7e308]), labels: tensor('float64', [0, 0, -1.7e308]), beta: float(Infinity) }));
    expect([...inf.data]).toEqual([0, NaN, 0]);
    const sum = output(await call({ logits: tensor('float32', [1, NaN]), labels: tensor('float32', [0, 0]), reduction: str('sum') }));
    expect(sum.data[0]).toBeNaN();
  });

  it("the gpu profile's rules come from the shared front end: bfloat16, mixed dtypes and beta = 0 are errors", async () => {
    const bf = await call({ logits: tensor('bfloat16', [1]), labels: tensor('bfloat16', [0]) });
    expect(bf.kind === 'error' && bf.errorType).toBe('RuntimeError');
    const mixed = await call({ logits: tensor('float16', [1]), labels: tensor('float32', [0]) });
    expect(mixed.kind).toBe('error');
    const zero = await call({ logits: tensor('float32', [1]), labels: tensor('float32', [0]), beta: float(0) });
    expect(zero.kind === 'error' && zero.errorType).toBe('RuntimeError');
  });

  it('other profiles: beta = 0 (ascend) is pure L1; mixed dtypes are promoted (float16 + bfloat16 -> float32; float16 + float64 on cpu)', async () => {
    const l1 = output(await call({ logits: tensor('float32', [0.25, -3]), labels: tensor('float32', [0, 0]), beta: float(0) }, 'ascend'));
    expect([...l1.data]).toEqual([0.25, 3]);
    const mixed = output(await call({ logits: tensor('float16', [3, 0.5]), labels: tensor('bfloat16', [1, 0]) }, 'ascend'));
    expect([mixed.dtype, ...mixed.data]).toEqual(['float32', 1.5, 0.125]);
    const wideArgs = { logits: tensor('float16', [3, 0.5]), labels: tensor('float64', [1, 0.1]) };
    const wide = await call(wideArgs, 'cpu');
    expect(output(wide).dtype).toBe('float64');
    expect(strictFailures(wideArgs, 'cpu', wide)).toEqual([]);
  });

  it('empty inputs: none gives an empty tensor; the GPU sums no terms (0) and divides 0 / 0 (NaN)', async () => {
    for (const dtype of ['float16', 'float32', 'float64'] as const) {
      const empty = { logits: tensor(dtype, [], [2, 0]), labels: tensor(dtype, [], [2, 0]) };
      const none = output(await call(empty));
      expect([none.dtype, none.shape, none.data.length]).toEqual([dtype, [2, 0], 0]);
      const sum = output(await call({ ...empty, reduction: str('sum') }));
      expect([sum.shape, sum.data[0]]).toEqual([[], 0]);
      const mean = output(await call({ ...empty, reduction: str('mean') }));
      expect(dtype === 'float16' ? (Number(mean.data[0]) & 0x7fff) > 0x7c00 : Number.isNaN(mean.data[0])).toBe(true);
    }
    const scalar = output(await call({ logits: tensor('float16', [3], []), labels: tensor('float16', [0], []), reduction: str('mean') }));
    expect([scalar.shape, [...scalar.data]]).toEqual([[], [Number(floatFormat('float16').encode(2.5))]]);
  });

  it('300001 float16 elements (odd count, many workgroups, bytes over HTTP): every element exact', async () => {
    // Integers in [-1000, 1000] against 0 with beta 1: |d| - 0.5 (or 0) is exact in float16.
    const n = 300_001;
    const values = Array.from({ length: n }, (_, i) => ((i * 7919) % 2001) - 1000);
    const r = output(await call({ logits: tensor('float16', values), labels: tensor('float16', new Array<number>(n).fill(0)) }));
    const f16 = floatFormat('float16');
    const wrong = values.map((v, i) => [i, Number(f16.encode(v === 0 ? 0 : Math.abs(v) - 0.5)), r.data[i]]).filter(([, e, g]) => e !== g);
    expect(r.data.length).toBe(n);
    expect(wrong.slice(0, 5)).toEqual([]);
  });
});

describe.skipIf(skip)('webgpu runner: calls split into chunks, 2-D dispatches, several reduction passes', () => {
  // At most 3 workgroups along x and 8192 elements per chunk: 70 003 elements take 9 chunks
  // of 3 x 3 grids of 2048 elements each (4 workgroups used, 5 spare) for the reductions,
  // and their 35 partial sums one more pass; reduction none takes 31 chunks (float16: 16)
  // of 3 x 3 grids of 256 (512) elements.
  beforeAll(() => {
    options.limits = { chunkElements: 8192, groupsX: 3 };
  });
  afterAll(() => {
    delete options.limits;
  });
  const n = 70_003;
  const values = (seed: number) => Array.from({ length: n }, (_, i) => Math.sin(i * 0.37 + seed) * 4 * (1 + (i % 7)));

  for (const dtype of ['float16', 'float32', 'float64'] as const) {
    it(`${dtype}: none, sum and mean over ${n} elements agree with the oracle at the strict level`, async () => {
      const args = { logits: tensor(dtype, values(1)), labels: tensor(dtype, values(2)), beta: float(0.75) };
      for (const reduction of ['none', 'sum', 'mean']) {
        const a = { ...args, reduction: str(reduction) };
        expect(strictFailures(a, 'gpu', await call(a)).slice(0, 3), `${dtype} ${reduction}`).toEqual([]);
      }
    }, 60_000);
  }
});

describe.skipIf(skip)('webgpu runner: random calls against the oracle at the strict level', () => {
  // Beyond the corpus: fast-check calls of every gpu dtype and reduction, with bit patterns
  // biased to the hard cases (subnormals, zeros of both signs, inf, NaN, huge values,
  // values one ulp apart) and betas from the float32 edge (subnormal, tiny, huge, inf).
  // SMOOTHL1_WEBGPU_RANDOM_RUNS sets the number of calls (default 24; npm run test:webgpu 300).
  const RUNS = Number(process.env.SMOOTHL1_WEBGPU_RANDOM_RUNS ?? '24');
  const bitsOf = { float16: 16, float32: 32, float64: 64 } as const;
  const element = (dtype: 'float16' | 'float32' | 'float64') => {
    const fmt = floatFormat(dtype);
    const special = [0, -0, Infinity, -Infinity, NaN, fmt.minSubnormal, -fmt.minSubnormal, fmt.minNormal, fmt.maxFinite, -fmt.maxFinite, 1, -1, 0.5];
    return fc.oneof(
      { arbitrary: fc.constantFrom(...special), weight: 2 },
      { arbitrary: fc.double({ min: -4, max: 4, noNaN: true }).map((x) => fmt.round(x)), weight: 4 },
      { arbitrary: fc.integer({ min: 0, max: 2 ** Math.min(bitsOf[dtype], 30) - 1 }).map((k) => fmt.decode(bitsOf[dtype] === 64 ? (BigInt(k) * 0x9e3779b97f4a7c15n) & 0xffffffffffffffffn : k)), weight: 2 },
      { arbitrary: fc.tuple(fc.integer({ min: -60, max: 60 }), fc.double({ min: 1, max: 2, noNaN: true })).map(([e, m]) => fmt.round(m * 2 ** e)), weight: 2 },
    );
  };
  const betas = fc.constantFrom(1, 0.1, 0.5, 3, 2 ** -149, 1e-30, 1e-5, 60000, 1e30, 3.4e38, Infinity);

  it(`${RUNS} random calls: float16, float32, float64; none, sum, mean`, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('float16', 'float32', 'float64'),
        fc.constantFrom('none', 'sum', 'mean'),
        betas,
        fc.integer({ min: 0, max: 5000 }),
        fc.nat(),
        async (dtype, reduction, beta, n, seed) => {
          const values = fc.sample(fc.array(element(dtype), { minLength: 2 * n, maxLength: 2 * n }), { numRuns: 1, seed })[0];
          const args = { logits: tensor(dtype, values.slice(0, n)), labels: tensor(dtype, values.slice(n)), beta: float(beta), reduction: str(reduction) };
          const failures = strictFailures(args, 'gpu', await call(args));
          if (failures.length > 0) throw new Error(`${dtype} ${reduction} beta ${beta} n ${n} seed ${seed}: ${failures.slice(0, 3).join('; ')}`);
        },
      ),
      { numRuns: RUNS, endOnFailure: true },
    );
  }, 600_000);
});

describe.skipIf(skip)('webgpu runner: float16 storage, packed in u32 or read through shader-f16', () => {
  const halfArgs = (reduction: string) => ({
    logits: tensor('float16', [65504, 2 ** -24, 3 * 2 ** -24, 400, 1.5, -0, NaN, Infinity, 0.1, 2 ** -14]),
    labels: tensor('float16', [-65504, 0, 2 ** -24, 0, -1.5, 0, 1, 1, 0.3, 2 ** -15]),
    beta: float(0.5),
    reduction: str(reduction),
  });

  it('packed words, u32 views and (where the adapter offers shader-f16) f16 views give the same bits; forcing f16 elsewhere is a crash naming the feature', async () => {
    const hasF16 = runner.info!.features.includes('shader-f16');
    try {
      for (const reduction of ['none', 'sum', 'mean']) {
        const a = halfArgs(reduction);
        options.halfStorage = 'packed';
        expect(runner.halfViews()).toBe('none');
        const packed = await call(a);
        expect(strictFailures(a, 'gpu', packed)).toEqual([]);
        // The f16 path's bindings and indexing, with u32-typed views (no feature needed).
        options.halfStorage = 'u32-views';
        expect([...output(await call(a)).data]).toEqual([...output(packed).data]);
        options.halfStorage = 'shader-f16';
        if (hasF16) expect([...output(await call(a)).data]).toEqual([...output(packed).data]);
      }
      if (!hasF16) {
        await expect(call(halfArgs('none'))).rejects.toThrow(/does not offer shader-f16/);
        console.warn(`*** note: adapter ${runner.info!.adapter.vendor}/${runner.info!.adapter.architecture} has no shader-f16: the packed and u32-view float16 paths ran, not the f16 one`);
      }
    } finally {
      delete options.halfStorage;
    }
  }, 60_000);
});

describe.skipIf(skip)('webgpu runner: faults are crashes of the call, and the next call gets a fresh browser', () => {
  const ok = { logits: tensor('float32', [3]), labels: tensor('float32', [1]) };

  it('a lost device rejects the call with the adapter\'s message; the next call works', async () => {
    await runner.loseDevice();
    await expect(call(ok)).rejects.toThrow(/GPU device lost \(destroyed\)/);
    expect([...output(await call(ok)).data]).toEqual([1.5]);
  });

  it('a shader that does not compile rejects every call with the compiler\'s message', async () => {
    const broken = await openRunner('webgpu runner tests (broken shader)', { shaderSuffix: '\nfn broken() -> u32 { return 1.5; }\n' });
    await expect(call(ok, 'gpu', broken.runner)).rejects.toThrow(/WGSL compilation failed: \d+:\d+ cannot convert value of type 'abstract-float' to type 'u32'/);
    await expect(call(ok, 'gpu', broken.runner)).rejects.toThrow(/WGSL compilation failed/);
    // validation still answers without the GPU
    expect((await call({ ...ok, reduction: str('avg') }, 'gpu', broken.runner)).kind).toBe('error');
    // Through the real engine: the computing case is a crash with the compiler's message, the error case still passes.
    const cases = loadCorpus().filter((c) => c.id === 'doc/example' || c.id === 'reductions/invalid-avg');
    expect(cases.length).toBe(2);
    const outcome = await runCases({ runner: broken.runner, cases, profile: 'gpu', tolerance: 'strict', timeoutMs: 60_000, rerunPrefix: 'npx smoothl1 run --runner webgpu' });
    const status = Object.fromEntries(outcome.results.map((r) => [r.id, `${r.status}: ${r.reason}`]));
    expect(status['doc/example']).toMatch(/^crash: .*WGSL compilation failed: \d+:\d+ cannot convert/);
    expect(status['reductions/invalid-avg']).toMatch(/^pass/);
  });

  it('an aborted call (the harness\'s time limit) rejects as a timeout; the next call works', async () => {
    // 1M float64 elements: 16 MB to move and 1M binary64 losses to compute; aborted after 20 ms.
    const n = 1_000_000;
    const filled = (x: number): ArgValue => ({ type: 'tensor', tensor: { dtype: 'float64', shape: [n], data: new Float64Array(n).fill(x) } });
    const big = { logits: filled(3), labels: filled(0) };
    const ctl = new AbortController();
    const pending = runner.run(big, { profile: 'gpu', caseId: 'webgpu.test', signal: ctl.signal });
    setTimeout(() => ctl.abort(), 20);
    await expect(pending).rejects.toMatchObject({ name: 'TimeoutError' });
    expect([...output(await call(ok)).data]).toEqual([1.5]);
  });
});
