/**
 * fast-check generators that hunt the hard spots of the oracle's fast path: calls whose
 * exact loss, or whose model bounds, fall on or next to a decision the fast path must
 * take exactly. Used by test/oracle/fast-equality.test.ts (CI-sized) and by
 * `npm run verify:oracle` (>= 10^7 elements per output dtype).
 *
 * Every generated element (x, y) is exactly representable in its input dtype. The spots:
 * - L at, and one or a few binary64/working ulps next to, a rounding midpoint of the
 *   output format (correct rounding's ties), and at output values;
 * - |d| at and next to beta, and next to bHi / (1 - u) and bLo / (1 + u) (the model's
 *   branch decisions), for every admitted reading of beta;
 * - subnormal inputs and |d| near the working format's smallest normal (flush rules);
 * - |d| near the thresholds where the quadratic branch's intermediates may underflow;
 * - huge exponent gaps between x and y (x - y inexact in binary64);
 * - L and |d| near the output's overflow threshold, and the inputs' largest values;
 * - beta at its edges: subnormal, minNormal, huge, 0, inf, NaN, given values that float32
 *   rounds (0.1, 1e-50), ints beyond float32 and binary64, betas whose rounding to the
 *   working format overflows (70000 for float16);
 * - raw random bit patterns.
 */
import fc from 'fast-check';
import { floatFormat, type FloatFormat } from '../../common/float-format.js';
import { tensorFromNumbers } from '../../common/tensor.js';
import type { ArgValue, CallArgs, FloatDType, Reduction } from '../../common/types.js';

export interface HuntCase {
  out: FloatDType;
  xDtype: FloatDType;
  yDtype: FloatDType;
  beta: ArgValue;
  reduction: Reduction;
  x: number[];
  y: number[];
}

/** The input dtype pairs whose promoted dtype is each output dtype (spec/dtypes.json "promotion"). */
export const INPUT_PAIRS: Record<FloatDType, [FloatDType, FloatDType][]> = {
  float16: [['float16', 'float16']],
  bfloat16: [['bfloat16', 'bfloat16']],
  float32: [
    ['float32', 'float32'],
    ['float16', 'float32'],
    ['bfloat16', 'float32'],
    ['float16', 'bfloat16'],
  ],
  float64: [
    ['float64', 'float64'],
    ['float32', 'float64'],
    ['float16', 'float64'],
  ],
};

/** beta arguments at their edges, plus ordinary ones (weighted towards ordinary). */
function betaArb(out: FloatDType): fc.Arbitrary<ArgValue> {
  const f32 = floatFormat('float32');
  const w = floatFormat(out === 'float64' ? 'float64' : out);
  const flt = (v: number): ArgValue => ({ type: 'float', value: v });
  const edges: ArgValue[] = [
    flt(1),
    flt(0.5),
    flt(2),
    flt(0.1),
    flt(1.5),
    flt(1e-50),
    flt(f32.minSubnormal),
    flt(f32.minNormal),
    flt(f32.maxFinite),
    flt(w.minNormal),
    flt(w.minNormal * 3),
    flt(w.maxFinite / 4),
    flt(70000),
    flt(60000),
    flt(16384),
    flt(Infinity),
    flt(0),
    flt(1e-7),
    flt(1e30),
    flt(1e-300),
    flt(3),
    flt(2 ** -130),
    { type: 'int', value: 2n },
    { type: 'int', value: 10n ** 40n },
    { type: 'int', value: 2n ** 24n + 1n },
    { type: 'int', value: 2n ** 60n + 1n },
    { type: 'bool', value: true },
  ];
  const ordinary = fc.tuple(fc.integer({ min: -40, max: 40 }), fc.integer({ min: 1, max: 2 ** 24 - 1 })).map(([e, m]): ArgValue => flt(m * 2 ** (e - 24)));
  const anyDouble = fc.double({ min: 1e-40, max: 1e40, noNaN: true }).map(flt);
  return fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...edges) }, { weight: 4, arbitrary: ordinary }, { weight: 2, arbitrary: anyDouble });
}

/** A rough double for the beta argument (for aiming |d| at it). */
function betaGuess(b: ArgValue): number {
  if (b.type === 'float') return Math.fround(b.value);
  if (b.type === 'int') return Number(b.value);
  if (b.type === 'bool') return b.value ? 1 : 0;
  return 1;
}

/** The neighbour k steps away in a format (k may be negative). */
function step(f: FloatFormat, v: number, k: number): number {
  let r = v;
  for (let i = 0; i < Math.abs(k); i++) r = k > 0 ? f.nextUp(r) : f.nextDown(r);
  return r;
}

/** An element aimed at a spot; returns [x, y] in their formats. */
type Aim = (fx: FloatFormat, fy: FloatFormat, out: FloatFormat, beta: number, r: () => number, k: number) => [number, number];

const uniform = (r: () => number, a: number, b: number) => a + (b - a) * r();

/** x such that x - y hits d, with y chosen ordinary or 0. */
function split(fx: FloatFormat, fy: FloatFormat, d: number, r: () => number, k: number): [number, number] {
  const mode = Math.floor(r() * 4);
  if (mode === 0) return [fx.round(d), 0];
  if (mode === 1) return [0, fy.round(-d)];
  const y = fy.round(uniform(r, -4, 4));
  return [step(fx, fx.round(y + d), k), y];
}

const aims: Aim[] = [
  // L at / near a rounding midpoint of the output: linear branch d = m + beta/2, quadratic d = sqrt(2 beta m)
  (fx, fy, out, beta, r, k) => {
    const scale = 2 ** Math.floor(uniform(r, -20, 20));
    const v = out.round(uniform(r, 0.5, 4) * scale);
    const m = (v + out.nextUp(v)) / 2;
    const quad = r() < 0.5 && Number.isFinite(beta) && beta > 0;
    const d = quad ? Math.sqrt(2 * beta * Math.min(m, beta / 2)) : m + (Number.isFinite(beta) ? beta / 2 : 0);
    return split(fx, fy, d, r, k);
  },
  // |d| at and next to beta (and next to beta / (1 -+ u) for the working formats' u)
  (fx, fy, _out, beta, r, k) => {
    const u = [2 ** -11, 2 ** -8, 2 ** -24, 2 ** -53][Math.floor(r() * 4)];
    const t = [1, 1 / (1 - u), 1 / (1 + u), 1 - u, 1 + u][Math.floor(r() * 5)];
    const b = Number.isFinite(beta) && beta > 0 ? beta : 1;
    return split(fx, fy, b * t, r, k);
  },
  // subnormal inputs and |d| near the smallest normal of each format
  (fx, fy, out, _b, r, k) => {
    const f = [fx, fy, out, floatFormat('float16'), floatFormat('float32')][Math.floor(r() * 5)];
    const d = f.minNormal * uniform(r, 0, 3);
    if (r() < 0.5) return [step(fx, fx.round(d), k), fy.round(f.minSubnormal * Math.floor(uniform(r, 0, 8)))];
    return split(fx, fy, d, r, k);
  },
  // quadratic branch with tiny |d|: the intermediates' underflow thresholds
  (fx, fy, out, beta, r, k) => {
    const b = Number.isFinite(beta) && beta > 0 ? beta : 1;
    const N = [floatFormat('float16').minNormal, floatFormat('float32').minNormal, out.minNormal][Math.floor(r() * 3)];
    const d = Math.sqrt(N * 2 * Math.min(1, b)) * uniform(r, 0.25, 4);
    return split(fx, fy, d, r, k);
  },
  // huge exponent gaps between x and y
  (fx, fy, _o, _b, r) => {
    const big = fx.round(uniform(r, 1, 2) * 2 ** Math.floor(uniform(r, -10, Math.min(fx.emax, 60))));
    const tiny = fy.round(uniform(r, 1, 2) * 2 ** Math.floor(uniform(r, fy.emin - fy.fractionBits, -20)));
    return r() < 0.5 ? [big, tiny] : [fx.round(tiny), fy.round(-big)];
  },
  // overflow edges: the largest inputs, L near the output's overflow threshold
  (fx, fy, out, beta, r, k) => {
    if (r() < 0.5) return [step(fx, fx.maxFinite, -Math.abs(k)), fy.round(-uniform(r, 0, 1) * fy.maxFinite)];
    const T = out.maxFinite + out.ulp(out.maxFinite) / 2;
    const b = Number.isFinite(beta) ? beta : 0;
    return split(fx, fy, T * uniform(r, 0.999, 1.001) + b / 2, r, k);
  },
  // ordinary values
  (fx, fy, _o, _b, r) => [fx.round(uniform(r, -8, 8)), fy.round(uniform(r, -8, 8))],
  // raw bit patterns (every class but NaN/inf, which are checked separately)
  (fx, fy, _o, _b, r) => {
    const bits = (f: FloatFormat) => {
      for (;;) {
        const v = f.bits === 64 ? f.decode((BigInt(Math.floor(r() * 2 ** 32)) << 32n) | BigInt(Math.floor(r() * 2 ** 32))) : f.decode(Math.floor(r() * 2 ** f.bits));
        if (Number.isFinite(v)) return v;
      }
    };
    return [bits(fx), bits(fy)];
  },
];

/** Special values now and then: NaN, infinities, zeros of both signs. */
function special(fx: FloatFormat, r: () => number): number {
  return [NaN, Infinity, -Infinity, 0, -0, fx.maxFinite, -fx.minSubnormal][Math.floor(r() * 7)];
}

/** mulberry32: cheap deterministic randomness inside one generated case (fast-check picks the seed). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Cases of `size` elements for one output dtype; reduction 'none' mostly, small sums and means too. */
export function huntCases(out: FloatDType, size: number): fc.Arbitrary<HuntCase> {
  const fo = floatFormat(out);
  return fc
    .record({
      pair: fc.constantFrom(...INPUT_PAIRS[out]),
      beta: betaArb(out),
      reduction: fc.constantFrom<Reduction>('none', 'none', 'none', 'sum', 'mean'),
      seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
      aimMix: fc.integer({ min: 0, max: aims.length }),
    })
    .map(({ pair, beta, reduction, seed, aimMix }) => {
      const r = rng(seed);
      const fx = floatFormat(pair[0]);
      const fy = floatFormat(pair[1]);
      const b = betaGuess(beta);
      const n = reduction === 'none' ? size : Math.max(1, Math.floor(size / 8));
      const x: number[] = [];
      const y: number[] = [];
      for (let i = 0; i < n; i++) {
        const aim = aims[aimMix < aims.length && r() < 0.7 ? aimMix : Math.floor(r() * aims.length)];
        const k = Math.floor(uniform(r, -3, 4));
        let [xi, yi] = aim(fx, fy, fo, b, r, k);
        if (!Number.isFinite(xi) || Number.isNaN(xi)) xi = fx.maxFinite;
        if (!Number.isFinite(yi) || Number.isNaN(yi)) yi = 0;
        if (r() < 0.01) xi = special(fx, r);
        if (r() < 0.5 && r() < 0.02) yi = special(fy, r);
        x.push(fx.round(xi));
        y.push(fy.round(yi));
      }
      return { out, xDtype: pair[0], yDtype: pair[1], beta, reduction, x, y };
    });
}

export function huntArgs(c: HuntCase): CallArgs {
  return {
    logits: { type: 'tensor', tensor: tensorFromNumbers(c.xDtype, [c.x.length], c.x) },
    labels: { type: 'tensor', tensor: tensorFromNumbers(c.yDtype, [c.y.length], c.y) },
    beta: c.beta,
    reduction: { type: 'str', value: c.reduction },
  };
}
