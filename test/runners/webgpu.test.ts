/**
 * The webgpu runner in a real headless Chromium (SwiftShader's WebGPU adapter): values
 * worked out by hand, the edge cases of the shader's integer conversions, and the whole
 * corpus through the real checking engine at the standard level under its native profile.
 *
 * Without Chromium, or when the browser gives no WebGPU adapter, this file says so loudly
 * and skips; with SMOOTHL1_REQUIRE_CHROMIUM=1 (CI) it fails instead.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { floatFormat } from '../../common/float-format.js';
import type { ArgValue, CallArgs, FloatDType, ProfileName, RunnerResult, Tensor } from '../../common/types.js';
import { loadCorpus } from '../../harness/cases/index.js';
import { runCases } from '../../harness/run.js';
import { createRunner, findChromium, chromiumCandidates, FLOAT64_ERROR } from '../../runners/webgpu/index.js';

const required = process.env.SMOOTHL1_REQUIRE_CHROMIUM === '1';

/** Launch once for the hand-computed tests; a failure to get a device is recorded, not thrown. */
const runner = createRunner();
let unavailable: string | undefined;
if (findChromium() === undefined) {
  unavailable = `no Chromium found (${chromiumCandidates().join(', ')})`;
} else {
  try {
    await runner.init();
  } catch (e) {
    unavailable = `${(e as Error).name}: ${(e as Error).message}`;
    await runner.close();
  }
}
afterAll(() => runner.close());

if (unavailable !== undefined && !required) {
  console.warn(
    '\n' + '*'.repeat(100) + '\n' +
      `*** SKIPPED: webgpu runner tests: ${unavailable}\n` +
      '*** Install Debian\'s chromium (`apt-get install -y chromium`, which ships SwiftShader), or set\n' +
      '*** SMOOTHL1_REQUIRE_CHROMIUM=1 to make this a failure.\n' +
      '*'.repeat(100) + '\n',
  );
}

const sig = new AbortController().signal;
async function call(args: CallArgs, profile: ProfileName = 'ascend'): Promise<RunnerResult> {
  return runner.run(args, { profile, caseId: 'webgpu.test', signal: sig });
}

/** A tensor argument from numbers (16-bit formats encoded with common/float-format.ts). */
function tensor(dtype: FloatDType, values: number[], shape: number[] = [values.length]): ArgValue {
  let data: Tensor['data'];
  if (dtype === 'float32') data = Float32Array.from(values);
  else if (dtype === 'float64') data = Float64Array.from(values);
  else data = Uint16Array.from(values.map((v) => Number(floatFormat(dtype).encode(v))));
  return { type: 'tensor', tensor: { dtype, shape, data } };
}

const str = (value: string): ArgValue => ({ type: 'str', value });
const flt = (value: number): ArgValue => ({ type: 'float', value });

function output(r: RunnerResult): Tensor {
  if (r.kind !== 'output') throw new Error(`expected an output, got ${JSON.stringify(r)}`);
  return r.tensor;
}

describe.skipIf(unavailable !== undefined && !required)('webgpu runner (headless Chromium, WebGPU)', () => {
  it('has a WebGPU device', () => {
    expect(unavailable, `SMOOTHL1_REQUIRE_CHROMIUM=1 but: ${unavailable}`).toBeUndefined();
    expect(runner.info?.adapter).toBeDefined();
    expect(runner.version).toMatch(/Chromium \d+/);
  });

  it('the documentation example: [1, 2, 3] vs [1, 2, 2] gives [0, 0, 0.5]; sum 0.5; mean 1/6', async () => {
    const args = { logits: tensor('float32', [1, 2, 3]), labels: tensor('float32', [1, 2, 2]) };
    const none = output(await call(args));
    expect(none.dtype).toBe('float32');
    expect(none.shape).toEqual([3]);
    expect([...none.data]).toEqual([0, 0, 0.5]);
    expect([...output(await call({ ...args, reduction: str('sum') })).data]).toEqual([0.5]);
    const mean = output(await call({ ...args, reduction: str('mean') }));
    expect(mean.shape).toEqual([]);
    expect(mean.data[0]).toBe(Math.fround(0.5 / 3));
  });

  it('float16 d = 400, beta = 1000 gives 80 (0.5 * 400^2 overflows float16, the kernel computes in f32)', async () => {
    const r = output(await call({ logits: tensor('float16', [400]), labels: tensor('float16', [0]), beta: flt(1000) }));
    expect(r.dtype).toBe('float16');
    expect(r.data[0]).toBe(Number(floatFormat('float16').encode(80)));
  });

  it('bfloat16 results halfway between two bfloat16 numbers round to even (not truncated, not half-up)', async () => {
    // Linear branch, beta 1: 2 - (0.5 - 2^-8) - 0.5 = 1 + 2^-8 (halfway between 1 and 1 + 2^-7: even is 1);
    // 2 - (0.5 - 3*2^-8) - 0.5 = 1 + 3*2^-8 (halfway between 1 + 2^-7 and 1 + 2^-6: even is 1 + 2^-6).
    const r = output(await call({ logits: tensor('bfloat16', [2, 2]), labels: tensor('bfloat16', [0.5 - 2 ** -8, 0.5 - 3 * 2 ** -8]) }));
    expect(r.dtype).toBe('bfloat16');
    expect([...r.data]).toEqual([0x3f80, 0x3f82]);
  });

  it('float16: overflow of the output gives inf (not the NaN pack2x16float gave), a subnormal result is kept', async () => {
    // 65504 - (-65504) - 0.5 = 131007.5 > 65520: rounds to inf. d = 2^-10: 0.5 * 2^-20 = 2^-21 = 8 * 2^-24 (subnormal).
    const r = output(await call({ logits: tensor('float16', [65504, 2 ** -10, 2 ** -10]), labels: tensor('float16', [-65504, 0, 2 ** -10]) }));
    expect([...r.data]).toEqual([0x7c00, 0x0008, 0x0000]);
  });

  it('NaN and infinities follow the formula: NaN d, |d| = inf, inf - inf, beta = inf', async () => {
    const logits = [NaN, Infinity, Infinity, 1, -Infinity, 3];
    const labels = [0, 0, Infinity, Infinity, 1, -1];
    const f32 = output(await call({ logits: tensor('float32', logits), labels: tensor('float32', labels) }));
    expect([...f32.data]).toEqual([NaN, Infinity, NaN, Infinity, Infinity, 3.5]);
    const f16 = output(await call({ logits: tensor('float16', logits), labels: tensor('float16', labels) }));
    expect(f16.data[0] & 0x7fff).toBeGreaterThan(0x7c00); // a NaN
    expect([...f16.data].slice(1)).toEqual([0x7c00, f16.data[2], 0x7c00, 0x7c00, 0x4300]);
    expect(f16.data[2] & 0x7fff).toBeGreaterThan(0x7c00);
    // beta = inf: finite d takes the quadratic branch, d^2 / inf = 0; an infinite d gives inf - inf = NaN.
    const inf = output(await call({ logits: tensor('float32', [5, Infinity]), labels: tensor('float32', [0, 0]), beta: flt(Infinity) }));
    expect([...inf.data]).toEqual([0, NaN]);
    const sum = output(await call({ logits: tensor('float32', [1, NaN]), labels: tensor('float32', [0, 0]), reduction: str('sum') }));
    expect(sum.data[0]).toBeNaN();
  });

  it('beta = 0 on ascend is pure L1; mixed float16 + bfloat16 computes and returns float32', async () => {
    const l1 = output(await call({ logits: tensor('float32', [0.25, -3]), labels: tensor('float32', [0, 0]), beta: flt(0) }));
    expect([...l1.data]).toEqual([0.25, 3]);
    const mixed = output(await call({ logits: tensor('float16', [3, 0.5]), labels: tensor('bfloat16', [1, 0]) }));
    expect(mixed.dtype).toBe('float32');
    expect([...mixed.data]).toEqual([1.5, 0.125]);
  });

  it('empty and 0-d tensors (empty ones never reach the GPU)', async () => {
    const empty = { logits: tensor('float16', [], [2, 0]), labels: tensor('float16', [], [2, 0]) };
    const none = output(await call(empty));
    expect([none.dtype, none.shape, none.data.length]).toEqual(['float16', [2, 0], 0]);
    expect(output(await call({ ...empty, reduction: str('sum') })).data[0]).toBe(0);
    const mean = output(await call({ ...empty, reduction: str('mean') }));
    expect(mean.shape).toEqual([]);
    expect(mean.data[0] & 0x7fff).toBeGreaterThan(0x7c00); // 0/0: a float16 NaN
    const scalar = output(await call({ logits: tensor('bfloat16', [3], []), labels: tensor('bfloat16', [0], []) }));
    expect([scalar.shape, [...scalar.data]]).toEqual([[], [Number(floatFormat('bfloat16').encode(2.5))]]);
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

  it('float64 is answered with a RuntimeError (WGSL has no f64); validation errors come first', async () => {
    expect(await call({ logits: tensor('float64', [1]), labels: tensor('float64', [0]) }, 'cpu')).toEqual({ kind: 'error', ...FLOAT64_ERROR });
    const bad = await call({ logits: tensor('float32', [1]), labels: tensor('float32', [0]), reduction: str('Sum') });
    expect(bad.kind === 'error' && bad.errorType).toBe('ValueError');
  });

  it('the whole corpus passes at the standard level under the ascend profile (real engine and oracle)', async () => {
    const outcome = await runCases({
      runner: createRunner(),
      cases: loadCorpus(),
      profile: 'ascend',
      tolerance: 'standard',
      timeoutMs: 60_000,
      rerunPrefix: 'npx smoothl1 run --runner webgpu --profile ascend --tolerance standard',
    });
    const ran = outcome.results.filter((r) => r.status !== 'skipped');
    expect(ran.length).toBeGreaterThan(300);
    expect(ran.filter((r) => r.status !== 'pass').map((r) => `${r.id}: ${r.status}: ${r.reason}`)).toEqual([]);
  }, 60_000);
});
