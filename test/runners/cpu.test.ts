/**
 * The CPU kernel (runners/cpu) on hand-computed values. Expected results are written out
 * here (bit patterns worked out by hand in the comments) or follow from spec/profiles.json;
 * nothing is taken from the oracle or from the kernel's own helpers.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dtypesSpec, profilesSpec } from '../../common/spec-data.js';
import type { ArgValue, CallArgs, DType, FloatDType, ProfileName, RunnerResult, Tensor } from '../../common/types.js';
import { createRunner, smoothL1Loss } from '../../runners/cpu/index.js';
import { t, f32, f64, u16, float, str, output } from './args.js';

const spec = profilesSpec();
const profiles = Object.keys(spec.profiles) as ProfileName[];


function values(r: RunnerResult): number[] {
  return Array.from(output(r).data as Float32Array | Float64Array);
}
function bits(r: RunnerResult): number[] {
  return Array.from(output(r).data as Uint16Array);
}

describe('cpu kernel: documented and hand-computed values', () => {
  it('the documentation example: [1,2,3] vs [1,2,2], defaults -> [0, 0, 0.5] float32', () => {
    const r = smoothL1Loss({ logits: f32([1, 2, 3]), labels: f32([1, 2, 2]) }, 'cpu');
    expect(output(r).dtype).toBe('float32');
    expect(output(r).shape).toEqual([3]);
    expect(values(r)).toEqual([0, 0, 0.5]);
  });

  it('both branches and the boundary: |d| < beta is quadratic, |d| = beta is linear', () => {
    // beta 2: d=1 -> 0.5*1/2 = 0.25; d=2 -> 2 - 1 = 1 (= 0.5*4/2, continuous); d=-5 -> 5 - 1 = 4
    const r = smoothL1Loss({ logits: f32([1, 2, -5]), labels: f32([0, 0, 0]), beta: float(2) }, 'cpu');
    expect(values(r)).toEqual([0.25, 1, 4]);
  });

  it('float16 d = 400, beta = 1000 -> 80 exactly (no half-precision overflow of d*d)', () => {
    // 400 = 1.5625 * 2^8 -> 0 10111 1001000000 = 0x5e40; 80 = 1.25 * 2^6 -> 0 10101 0100000000 = 0x5500
    const r = smoothL1Loss({ logits: u16('float16', [0x5e40]), labels: u16('float16', [0x0000]), beta: float(1000) }, 'cpu');
    expect(output(r).dtype).toBe('float16');
    expect(bits(r)).toEqual([0x5500]);
  });

  it('float16 d = 60000, beta = 65000 -> RN16(27692.307...) = 27696', () => {
    // 60000 = 1875 * 32 -> 0 11110 1101010011 = 0x7b53; 0.5*60000^2/65000 = 27692.3077, float16
    // spacing 16 there -> 1731*16 = 27696 = 1.6904296875 * 2^14 -> 0 11101 1011000011 = 0x76c3
    const r = smoothL1Loss({ logits: u16('float16', [0x7b53]), labels: u16('float16', [0]), beta: float(65000) }, 'cpu');
    expect(bits(r)).toEqual([0x76c3]);
  });

  it('float16 result above the largest half rounds to inf', () => {
    // 65504 - (-65504) = 131008 -> 131007.5 (beta 1) > 65520 -> +inf = 0x7c00
    const r = smoothL1Loss({ logits: u16('float16', [0x7bff]), labels: u16('float16', [0xfbff]) }, 'cpu');
    expect(bits(r)).toEqual([0x7c00]);
  });

  it('bfloat16 on ascend: 3 vs 1 -> 1.5', () => {
    // 3 = 0x4040, 1 = 0x3f80, 1.5 = 0x3fc0
    const r = smoothL1Loss({ logits: u16('bfloat16', [0x4040]), labels: u16('bfloat16', [0x3f80]) }, 'ascend');
    expect(output(r).dtype).toBe('bfloat16');
    expect(bits(r)).toEqual([0x3fc0]);
  });

  it('beta is used as its float32 value, also for float64 inputs', () => {
    // 1 - 0.5 * float32(0.1) = 1 - 13421773 * 2^-28 = 255013683 * 2^-28 (not 0.95)
    const r = smoothL1Loss({ logits: f64([1]), labels: f64([0]), beta: float(0.1) }, 'cpu');
    expect(values(r)).toEqual([255013683 * 2 ** -28]);
  });

  it('beta = 0 on ascend is L1; int and bool betas work', () => {
    expect(values(smoothL1Loss({ logits: f32([1, -3, 0]), labels: f32([0, 0, 0]), beta: float(0) }, 'ascend'))).toEqual([1, 3, 0]);
    expect(values(smoothL1Loss({ logits: f32([1, 4]), labels: f32([0, 0]), beta: { type: 'int', value: 2n } }, 'cpu'))).toEqual([0.25, 3]);
    expect(values(smoothL1Loss({ logits: f32([0.5]), labels: f32([0]), beta: { type: 'bool', value: true } }, 'cpu'))).toEqual([0.125]);
  });

  it('float64 tiny differences: 0.5 * d^2 / beta keeps full precision when d^2 alone would underflow', () => {
    // d = 2^-540, beta = 2^-100 (a float32): 0.5 * 2^-1080 / 2^-100 = 2^-981, a normal double
    const r = smoothL1Loss({ logits: f64([2 ** -540]), labels: f64([0]), beta: float(2 ** -100) }, 'cpu');
    expect(values(r)).toEqual([2 ** -981]);
  });

  it('float32 tiny differences underflow to 0 as the exact result does', () => {
    // d = 2^-149: 0.5 * 2^-298 is far below the smallest float32 -> +0
    const r = smoothL1Loss({ logits: f32([2 ** -149]), labels: f32([0]) }, 'cpu');
    expect(Object.is(values(r)[0], 0)).toBe(true);
  });
});

describe('cpu kernel: reductions', () => {
  it('sum and mean of the documentation example', () => {
    const args = { logits: f32([1, 2, 3]), labels: f32([1, 2, 2]) };
    const sum = smoothL1Loss({ ...args, reduction: str('sum') }, 'cpu');
    expect(output(sum).shape).toEqual([]);
    expect(values(sum)).toEqual([0.5]);
    const mean = smoothL1Loss({ ...args, reduction: str('mean') }, 'cpu');
    expect(output(mean).shape).toEqual([]);
    expect(output(mean).dtype).toBe('float32');
    expect(values(mean)).toEqual([Math.fround(1 / 6)]);
  });

  it('a million equal float32 terms sum exactly (no float32 accumulation drift)', () => {
    // every d = 3 -> 2.5; sum = 2.5e6 and mean = 2.5 exactly; a float32 running sum would drift
    const n = 1_000_000;
    const a = new Float32Array(n).fill(3);
    const b = new Float32Array(n);
    const args = { logits: t('float32', [n], a), labels: t('float32', [n], b) };
    expect(values(smoothL1Loss({ ...args, reduction: str('sum') }, 'cpu'))).toEqual([2.5e6]);
    expect(values(smoothL1Loss({ ...args, reduction: str('mean') }, 'cpu'))).toEqual([2.5]);
  });

  it('float64 sum of 1 + many tiny terms is compensated', () => {
    // terms: 1.5 (d=2), then 2^20 terms of 2^-60 (d = 2^-29.5 is not exact, so use beta 1 and
    // d = 2^-30: 0.5 * 2^-60 = 2^-61); exact sum = 1.5 + 2^20 * 2^-61 = 1.5 + 2^-41, which a
    // plain float64 running sum loses completely (each 2^-61 is below half an ulp of 1.5).
    const n = 1 + 2 ** 20;
    const a = new Float64Array(n).fill(2 ** -30);
    a[0] = 2;
    const r = smoothL1Loss({ logits: t('float64', [n], a), labels: t('float64', [n], new Float64Array(n)), reduction: str('sum') }, 'cpu');
    expect(values(r)).toEqual([1.5 + 2 ** -41]);
  });

  it('float16 sum goes to float16 once: 3 x 0.5 (d = 1, beta 1) -> 1.5 = 0x3e00', () => {
    const one = 0x3c00;
    const r = smoothL1Loss({ logits: u16('float16', [one, one, one]), labels: u16('float16', [0, 0, 0]), reduction: str('sum') }, 'cpu');
    expect(output(r).dtype).toBe('float16');
    expect(bits(r)).toEqual([0x3e00]);
  });

  it('empty tensors: none -> empty of the same shape, sum -> 0, mean -> NaN', () => {
    for (const shape of [[0], [2, 0, 3]]) {
      const args = { logits: f32([], shape), labels: f32([], shape) };
      const none = output(smoothL1Loss(args, 'cpu'));
      expect(none.shape).toEqual(shape);
      expect(none.data.length).toBe(0);
      expect(values(smoothL1Loss({ ...args, reduction: str('sum') }, 'cpu'))).toEqual([0]);
      expect(values(smoothL1Loss({ ...args, reduction: str('mean') }, 'cpu'))[0]).toBeNaN();
    }
    // float16 empty mean: a NaN pattern (exponent all ones, fraction non-zero)
    const h = bits(smoothL1Loss({ logits: u16('float16', []), labels: u16('float16', []), reduction: str('mean') }, 'cpu'))[0];
    expect(h & 0x7c00).toBe(0x7c00);
    expect(h & 0x3ff).not.toBe(0);
  });

  it('a 0-d input gives a 0-d output for every reduction', () => {
    for (const reduction of spec.reductions) {
      const r = output(smoothL1Loss({ logits: f64([4], []), labels: f64([1], []), reduction: str(reduction) }, 'cpu'));
      expect(r.shape).toEqual([]);
      expect(Array.from(r.data as Float64Array)).toEqual([2.5]);
    }
  });

  it('none keeps a 3-d shape', () => {
    const r = output(smoothL1Loss({ logits: f32([0, 1, 2, 3, 4, 5, 6, 7], [2, 2, 2]), labels: f32([0, 0, 0, 0, 0, 0, 0, 0], [2, 2, 2]) }, 'cpu'));
    expect(r.shape).toEqual([2, 2, 2]);
    expect(Array.from(r.data as Float32Array)).toEqual([0, 0.5, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5]);
  });
});

describe('cpu kernel: special values', () => {
  it('NaN in, NaN out; inf - finite = inf; inf - inf = NaN; -inf vs +inf = inf', () => {
    const r = values(smoothL1Loss({ logits: f32([NaN, Infinity, Infinity, -Infinity, 1]), labels: f32([0, 5, Infinity, Infinity, NaN]) }, 'cpu'));
    expect(r[0]).toBeNaN();
    expect(r[1]).toBe(Infinity);
    expect(r[2]).toBeNaN();
    expect(r[3]).toBe(Infinity);
    expect(r[4]).toBeNaN();
  });

  it('a float32 difference beyond the float32 range gives inf (linear branch)', () => {
    const max = 3.4028234663852886e38;
    expect(values(smoothL1Loss({ logits: f32([max]), labels: f32([-max]) }, 'cpu'))).toEqual([Infinity]);
  });

  it('reductions: one NaN makes NaN; inf makes inf; inf with NaN makes NaN', () => {
    for (const reduction of ['sum', 'mean']) {
      expect(values(smoothL1Loss({ logits: f64([1, NaN, 2]), labels: f64([0, 0, 0]), reduction: str(reduction) }, 'cpu'))[0]).toBeNaN();
      expect(values(smoothL1Loss({ logits: f64([1, Infinity, 2]), labels: f64([0, 0, 0]), reduction: str(reduction) }, 'cpu'))).toEqual([Infinity]);
      expect(values(smoothL1Loss({ logits: f32([Infinity, NaN]), labels: f32([0, 0]), reduction: str(reduction) }, 'cpu'))[0]).toBeNaN();
      expect(values(smoothL1Loss({ logits: f32([1, -Infinity, 2]), labels: f32([0, 0, 0]), reduction: str(reduction) }, 'cpu'))).toEqual([Infinity]);
      expect(values(smoothL1Loss({ logits: f32([Infinity]), labels: f32([Infinity]), reduction: str(reduction) }, 'cpu'))[0]).toBeNaN();
    }
  });

  it('non-finite elements among many finite ones keep their IEEE values (none)', () => {
    const n = 10_000;
    const a = new Float32Array(n).fill(3);
    a[17] = Infinity;
    a[4242] = NaN;
    a[9999] = -Infinity;
    const b = new Float32Array(n);
    b[9999] = -Infinity;
    const r = values(smoothL1Loss({ logits: t('float32', [n], a), labels: t('float32', [n], b) }, 'cpu'));
    expect(r[17]).toBe(Infinity);
    expect(r[4242]).toBeNaN();
    expect(r[9999]).toBeNaN(); // -inf - (-inf)
    expect(r.filter((x) => x === 2.5).length).toBe(n - 3);
  });

  it('beta = inf (a float beyond float32): every finite difference is quadratic -> 0', () => {
    expect(values(smoothL1Loss({ logits: f32([1e30, 0]), labels: f32([0, 0]), beta: float(1e300) }, 'cpu'))).toEqual([0, 0]);
  });

  it('float64, beta = inf: 0 for finite x and y even where x - y overflows float64 (d*d or d itself), NaN for an infinite input', () => {
    // the exact d = 3.4e308 (or 1e200, whose square overflows) is finite, so < inf: quadratic, d^2 / (2 inf) = 0
    const call = (reduction: string) => smoothL1Loss({ logits: f64([1.7e308, 1e200, 3]), labels: f64([-1.7e308, 0, 1]), beta: float(Infinity), reduction: str(reduction) }, 'cpu');
    expect(values(call('none'))).toEqual([0, 0, 0]);
    expect(values(call('sum'))).toEqual([0]);
    expect(values(call('mean'))).toEqual([0]);
    // an infinite d is not < inf: the linear branch, inf - inf = NaN
    const inf = values(smoothL1Loss({ logits: f64([Infinity, 1.7e308]), labels: f64([0, Infinity]), beta: float(Infinity), reduction: str('none') }, 'cpu'));
    expect(inf[0]).toBeNaN();
    expect(inf[1]).toBeNaN();
  });

  it('float64 mean whose sum overflows: the finite mean, not inf', () => {
    // L = 2^1023 - 0.5 and 1.5 * 2^1023 - 0.5 (beta 1): their sum is beyond float64, the mean 1.25 * 2^1023 - 0.5 rounds to 1.25 * 2^1023
    const mean = (x: number[], y: number[]) => values(smoothL1Loss({ logits: f64(x), labels: f64(y), reduction: str('mean') }, 'cpu'))[0];
    expect(mean([2 ** 1023, 1.5 * 2 ** 1023], [0, 0])).toBe(1.25 * 2 ** 1023);
    // x - y = 2^1024 overflows float64, L = 2^1024 - 0.5 exactly; the mean with a 0 is 2^1023 - 0.25, which rounds to 2^1023
    expect(mean([2 ** 1023, 0], [-(2 ** 1023), 0])).toBe(2 ** 1023);
    // a mean that overflows itself stays inf: L = 2^1024 - 0.5 twice
    expect(mean([2 ** 1023, 2 ** 1023], [-(2 ** 1023), -(2 ** 1023)])).toBe(Infinity);
  });
});

describe('cpu kernel: agreement with the formula as written', () => {
  it('float32: random inputs and betas match fround(0.5*d*d/beta or |d| - beta/2 in float64) within 1 ulp, nearly always exactly', () => {
    // An independent, obviously-correct evaluation: the formula in float64, rounded once.
    // The kernel computes in a different (branch-free) order, so a float64 rounding can
    // tip a float32 tie the other way: allow 1 ulp, but demand exact agreement in bulk.
    let state = 12345;
    const rnd = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    let exact = 0;
    let total = 0;
    for (const scale of [1e-30, 1e-3, 1, 1e3, 1e30]) {
      const betas = [scale * 0.37, scale, scale * 5.5, Math.fround(scale * rnd() * 4)];
      const n = 2000;
      const a = new Float32Array(n).map(() => (rnd() - 0.5) * 8 * scale);
      const b = new Float32Array(n).map(() => (rnd() - 0.5) * 8 * scale);
      for (const beta of betas) {
        const bf = Math.fround(beta);
        const r = values(smoothL1Loss({ logits: t('float32', [n], a), labels: t('float32', [n], b), beta: float(beta) }, 'cpu'));
        for (let i = 0; i < n; i++) {
          const d = Math.abs(a[i] - b[i]);
          const want = Math.fround(d < bf ? (0.5 * d * d) / bf : d - 0.5 * bf);
          total++;
          if (r[i] === want) exact++;
          else expect(Math.abs(r[i] - want), `a=${a[i]} b=${b[i]} beta=${bf}`).toBeLessThanOrEqual(Math.abs(want) * 2 ** -23);
        }
        const sum = values(smoothL1Loss({ logits: t('float32', [n], a), labels: t('float32', [n], b), beta: float(beta), reduction: str('sum') }, 'cpu'))[0];
        let ref = 0;
        for (let i = 0; i < n; i++) {
          const d = Math.abs(a[i] - b[i]);
          ref += d < bf ? (0.5 * d * d) / bf : d - 0.5 * bf;
        }
        expect(Math.abs(sum - Math.fround(ref))).toBeLessThanOrEqual(Math.abs(ref) * 2 ** -23);
      }
    }
    expect(exact / total).toBeGreaterThan(0.999);
  });
});

describe('cpu kernel: float64 is the formula as written', () => {
  it('random float64 inputs over many scales give exactly |d| < beta ? 0.5*(|d|/beta)*|d| : |d| - beta/2', () => {
    let state = 777;
    const rnd = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    for (const scale of [1e-300, 1e-20, 1, 1e20, 1e300]) {
      const n = 3000;
      const a = new Float64Array(n).map(() => (rnd() - 0.5) * 6 * scale);
      const b = new Float64Array(n).map(() => (rnd() - 0.5) * 6 * scale);
      a[5] = Infinity;
      a[6] = NaN;
      b[7] = -Infinity;
      for (const beta of [Math.fround(Math.min(Math.max(scale, 2 ** -149), 3e38)), 1, 2 ** -149, Math.fround(3e38)]) {
        const r = values(smoothL1Loss({ logits: t('float64', [n], a), labels: t('float64', [n], b), beta: float(beta) }, 'cpu'));
        let sum = 0;
        for (let i = 0; i < n; i++) {
          const d = Math.abs(a[i] - b[i]);
          const want = d < beta ? 0.5 * (d / beta) * d : d - 0.5 * beta;
          if (!Object.is(r[i], want)) expect(r[i], `a=${a[i]} b=${b[i]} beta=${beta}`).toBe(want);
          sum += want;
        }
        expect(r[5]).toBe(Infinity);
        expect(r[6]).toBeNaN();
        expect(r[7]).toBe(Infinity);
        // the sum with inf and NaN terms is NaN
        expect(values(smoothL1Loss({ logits: t('float64', [n], a), labels: t('float64', [n], b), beta: float(beta), reduction: str('sum') }, 'cpu'))[0]).toBeNaN();
        expect(sum).toBeNaN();
      }
    }
  });
});

describe('cpu kernel: promotion', () => {
  it('float16 + float32 -> float32 (cpu); float32 + float64 -> float64 (cpu); float16 + bfloat16 -> float32 (ascend)', () => {
    const a = smoothL1Loss({ logits: u16('float16', [0x4200]), labels: f32([1]) }, 'cpu'); // 3 vs 1 -> 1.5
    expect(output(a).dtype).toBe('float32');
    expect(values(a)).toEqual([1.5]);
    const b = smoothL1Loss({ logits: f32([0.1]), labels: f64([0]) }, 'cpu'); // float32(0.1) exactly in float64
    expect(output(b).dtype).toBe('float64');
    expect(values(b)).toEqual([0.5 * Math.fround(0.1) ** 2]);
    const c = smoothL1Loss({ logits: u16('float16', [0x4200]), labels: u16('bfloat16', [0x3f80]) }, 'ascend');
    expect(output(c).dtype).toBe('float32');
    expect(values(c)).toEqual([1.5]);
  });
});

describe('cpu kernel: errors on every profile', () => {
  it('each error kind is raised with the type spec/profiles.json gives', () => {
    for (const profile of profiles) {
      const p = spec.profiles[profile];
      const ok = p.dtypes[0];
      const good = (shape = [2]): ArgValue => t(ok, shape, ok === 'float64' ? new Float64Array(2) : ok === 'float32' ? new Float32Array(2) : new Uint16Array(2));
      const unsupported = (Object.keys(dtypesSpec().float) as FloatDType[]).find((d) => !p.dtypes.includes(d))!;
      const cases: [string, CallArgs][] = [
        ['input-not-tensor', { logits: { type: 'list', value: [1, 2] }, labels: good() }],
        ['unsupported-dtype', { logits: t(unsupported, [2], unsupported === 'float64' ? new Float64Array(2) : new Uint16Array(2)), labels: good() }],
        ['unsupported-dtype', { logits: t('int32', [2], new Int32Array(2)), labels: good() }],
        ['shape-mismatch', { logits: good(), labels: t(ok, [1, 2], ok === 'float64' ? new Float64Array(2) : ok === 'float32' ? new Float32Array(2) : new Uint16Array(2)) }],
        ['invalid-reduction', { logits: good(), labels: good(), reduction: str('SUM') }],
        ['beta-bad-type', { logits: good(), labels: good(), beta: str('1') }],
        ['beta-out-of-range', { logits: good(), labels: good(), beta: float(-0.5) }],
      ];
      for (const [kind, args] of cases) {
        const r = smoothL1Loss(args, profile);
        expect(r.kind, `${profile} ${kind}`).toBe('error');
        if (r.kind === 'error') {
          const want = spec.errors[kind as keyof typeof spec.errors].type;
          expect(r.errorType, `${profile} ${kind}: ${r.message}`).toBe(want);
        }
      }
    }
  });

  it('dtype-mismatch on a profile that requires equal dtypes raises one of the documented types', () => {
    for (const profile of profiles.filter((p) => spec.profiles[p].mixedDtypes === 'error')) {
      const r = smoothL1Loss({ logits: f32([1]), labels: f64([1]) }, profile);
      expect(r.kind).toBe('error');
      if (r.kind === 'error') expect(['TypeError', 'ValueError', 'RuntimeError']).toContain(r.errorType);
    }
  });

  it('a malformed tensor (data length != numel) is a crash, not an operator error', () => {
    expect(() => smoothL1Loss({ logits: f32([1, 2], [3]), labels: f32([1, 2, 3], [3]) }, 'cpu')).toThrow(/3 elements/);
  });
});

describe('cpu runner', () => {
  it('is named cpu, targets the cpu profile, carries the package version, and is deterministic', async () => {
    const runner = createRunner();
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    expect(runner.name).toBe('cpu');
    expect(runner.nativeProfile).toBe('cpu');
    expect(runner.version).toBe(pkg.version);
    const args: CallArgs = { logits: f32([0.3, -7, 2.5e-8]), labels: f32([0.1, 1e-3, 0]), beta: float(0.7), reduction: str('none') };
    const ctx = { profile: 'cpu' as const, caseId: 'test', signal: new AbortController().signal };
    const r1 = output(await runner.run(args, ctx));
    const r2 = output(await runner.run(args, ctx));
    expect(Buffer.from(r1.data.buffer)).toEqual(Buffer.from(r2.data.buffer));
  });
});
