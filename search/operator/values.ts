/**
 * The elements of a generated call: a plan's recipe (search/operator/plan.ts) drawn with
 * the suite's generator (common/prng.ts), so the same plan gives the same tensors on every
 * machine. Each recipe writes doubles (rounded to nearest even into the tensor's dtype) or
 * raw bit patterns (the bits recipes); relational recipes (near-beta, exponent-gap,
 * overflow-edge) aim at a property of the pair, measured in the logits' format.
 */
import { floatFormat, type FloatFormat } from '../../common/float-format.js';
import { Xoshiro128ss } from '../../common/prng.js';
import { isFloatDType } from '../../common/spec-data.js';
import { allocTensor } from '../../common/tensor.js';
import type { DType, FloatDType, Tensor } from '../../common/types.js';
import type { ElementClass, OverridePlan, ValuesPlan } from './plan.js';

const TWO32 = 4294967296;

/** A uniform double in [0, 1) from one output. */
const unit = (g: Xoshiro128ss) => g.next() / TWO32;
/** An integer in [0, n). */
const below = (g: Xoshiro128ss, n: number) => Math.floor(unit(g) * n);
const sign = (g: Xoshiro128ss) => ((g.next() & 1) === 0 ? 1 : -1);

/** Moves a format value k steps (ulps) up (k > 0) or down. */
function stepUlps(f: FloatFormat, x: number, k: number): number {
  let v = x;
  for (let i = 0; i < Math.abs(k); i++) v = k > 0 ? f.nextUp(v) : f.nextDown(v);
  return v;
}

/** The lowest and highest binary exponents of the format's finite nonzero values. */
export function exponentRange(f: FloatFormat): { lo: number; hi: number } {
  return { lo: f.emin - f.fractionBits, hi: f.emax };
}

/** The exponent `uniform` draws below for a scale of 0..1000. */
export function scaleExponent(f: FloatFormat, scale: number): number {
  const { lo, hi } = exponentRange(f);
  return lo + Math.min(hi - lo, Math.floor((scale / 1001) * (hi - lo + 1)));
}

/** A magnitude uniform below 2^e (as a double; rounded to the format when stored). */
function magnitudeBelow(g: Xoshiro128ss, e: number): number {
  return unit(g) * 2 ** e;
}

/** The format's special values. */
function specials(f: FloatFormat): number[] {
  const maxSub = f.minNormal - f.minSubnormal;
  return [0, -0, 1, -1, Infinity, -Infinity, NaN, f.maxFinite, -f.maxFinite, f.minNormal, -f.minNormal, f.minSubnormal, -f.minSubnormal, maxSub, -maxSub];
}

/** A subnormal of the format whose mantissa lies in [2^t, 2^(t+1)), t drawn over every range. */
function subnormal(g: Xoshiro128ss, f: FloatFormat): number {
  const t = below(g, f.fractionBits);
  const m = 2 ** t + below(g, 2 ** t);
  return sign(g) * m * f.minSubnormal;
}

/** beta moved into the format: its value there, 1 where it is not a positive finite value of it. */
function betaIn(f: FloatFormat, beta: number): number {
  const b = f.round(Math.abs(beta));
  return Number.isFinite(b) && b > 0 ? b : 1;
}

/** The value of one element class in a format, beta as given. */
export function classValue(c: ElementClass, f: FloatFormat, beta: number): number {
  const b = betaIn(f, beta);
  switch (c) {
    case 'zero': return 0;
    case 'neg-zero': return -0;
    case 'one': return 1;
    case 'nan': return NaN;
    case 'inf': return Infinity;
    case 'neg-inf': return -Infinity;
    case 'max': return f.maxFinite;
    case 'neg-max': return -f.maxFinite;
    case 'min-normal': return f.minNormal;
    case 'min-subnormal': return f.minSubnormal;
    case 'max-subnormal': return f.minNormal - f.minSubnormal;
    case 'high-subnormal': return (2 ** (f.fractionBits - 1) + 1) * f.minSubnormal;
    case 'beta': return b;
    case 'beta-up': return f.nextUp(b);
    case 'beta-down': return f.nextDown(b);
    case 'neg-beta': return -b;
  }
}

/** Fills a float tensor's storage from doubles (round to nearest even) or raw patterns. */
class FloatFill {
  readonly f: FloatFormat;
  private readonly u16?: Uint16Array;
  private readonly f32?: Float32Array;
  private readonly f64?: Float64Array;
  private readonly words?: Uint32Array;
  constructor(readonly t: Tensor) {
    this.f = floatFormat(t.dtype as FloatDType);
    const d = t.data;
    if (d instanceof Uint16Array) this.u16 = d;
    else if (d instanceof Float32Array) this.f32 = d;
    else this.f64 = d as Float64Array;
    if (!(d instanceof Uint16Array)) this.words = new Uint32Array(d.buffer, d.byteOffset, d.byteLength / 4);
  }
  value(i: number, x: number): void {
    if (this.u16) this.u16[i] = this.f.encode(x) as number;
    else if (this.f32) this.f32[i] = x;
    else this.f64![i] = x;
  }
  /** A random pattern; finite only when asked (exponent not all ones). */
  bits(i: number, g: Xoshiro128ss, finiteOnly: boolean): void {
    const f = this.f;
    const expMask = 2 ** f.exponentBits - 1;
    if (f.bits === 64) {
      let hi: number, lo: number;
      do {
        hi = g.next();
        lo = g.next();
      } while (finiteOnly && ((hi >>> 20) & expMask) === expMask);
      this.words![2 * i] = lo;
      this.words![2 * i + 1] = hi;
    } else if (f.bits === 32) {
      let p: number;
      do p = g.next();
      while (finiteOnly && ((p >>> 23) & expMask) === expMask);
      this.words![i] = p;
    } else {
      let p: number;
      do p = g.next() >>> 16;
      while (finiteOnly && ((p >>> f.fractionBits) & expMask) === expMask);
      this.u16![i] = p;
    }
  }
}

/** Elements of a tensor of a dtype the operator does not support (their values do not matter, only that they are valid). */
function fillOther(t: Tensor, g: Xoshiro128ss): void {
  const d = t.data;
  for (let i = 0; i < d.length; i++) {
    if (d instanceof BigInt64Array) d[i] = BigInt(below(g, 21) - 10);
    else if (t.dtype === 'bool') (d as Uint8Array)[i] = g.next() & 1;
    else if (d instanceof Float32Array) d[i] = below(g, 9) - 4;
    else (d as Int32Array | Uint8Array)[i] = below(g, 11);
  }
}

/**
 * The pair of one element: [x, y] as doubles of the two formats (x in fx, y in fy), for
 * the value recipes; the bits recipes are written directly by the caller.
 */
function pair(v: ValuesPlan, g: Xoshiro128ss, fx: FloatFormat, fy: FloatFormat, beta: number): [number, number] {
  switch (v.recipe) {
    case 'zeros':
      return [0, 0];
    case 'small-ints':
      return [below(g, 9) - 4, below(g, 9) - 4];
    case 'uniform': {
      const e = scaleExponent(fx, v.scale);
      return [sign(g) * magnitudeBelow(g, e), sign(g) * magnitudeBelow(g, e)];
    }
    case 'specials': {
      const sx = specials(fx);
      const sy = specials(fy);
      return [sx[below(g, sx.length)], sy[below(g, sy.length)]];
    }
    case 'subnormals': {
      const x = subnormal(g, fx);
      switch ((v.variant + below(g, 4)) % 4) {
        case 0: return [x, 0];
        case 1: return [x, sign(g) * fy.minNormal * (1 + below(g, 4))];
        case 2: return [x, subnormal(g, fy)];
        default: return [x, -x];
      }
    }
    case 'near-beta': {
      const b = betaIn(fx, beta);
      const k = below(g, 2 * (1 + (v.variant % 8)) + 1) - (1 + (v.variant % 8));
      const t = sign(g) * stepUlps(fx, b, k);
      if (below(g, 2) === 0) return [t, 0];
      // y of a magnitude at most t's, so x = y + t keeps |x - y| close to |t|.
      const y = fy.round(sign(g) * unit(g) * Math.abs(t));
      return [fx.round(y + t), y];
    }
    case 'overflow-edge': {
      const k = below(g, 8);
      const top = stepUlps(fx, fx.maxFinite, -k);
      switch ((v.variant + below(g, 3)) % 3) {
        case 0: return [sign(g) * top, 0];
        case 1: {
          const s = sign(g);
          return [s * top, -s * stepUlps(fy, fy.maxFinite, -below(g, 8))];
        }
        default:
          // |d| around sqrt(max): d*d overflows while d itself and, with a large beta, the loss do not.
          return [sign(g) * fx.round(Math.sqrt(fx.maxFinite) * (1 + unit(g))), 0];
      }
    }
    case 'exponent-gap': {
      const rx = exponentRange(fx);
      const ry = exponentRange(fy);
      const big = (f: FloatFormat, r: { hi: number }) => f.round(sign(g) * (1 + unit(g)) * 2 ** (r.hi - below(g, 8)));
      const small = (f: FloatFormat, r: { lo: number }) => f.round(sign(g) * (1 + unit(g)) * 2 ** (r.lo + f.fractionBits + below(g, 8)));
      return below(g, 2) === 0 ? [big(fx, rx), small(fy, ry)] : [small(fx, rx), big(fy, ry)];
    }
    case 'large-then-small': {
      // The small terms; drawTensors puts the large one first. x and y of opposite signs
      // or not, |x - y| in [1, 2) times the small magnitude (stagnationScale).
      const d = (1 + unit(g)) * stagnationScale(fx, v, beta).small;
      const y = fy.round(sign(g) * unit(g) * d);
      return [fx.round(y + sign(g) * d), y];
    }
    default:
      return [0, 0];
  }
}

/**
 * large-then-small's magnitudes: the first element 2^e (e from `scale`, kept 4 below the
 * format's top so its loss stays finite) and the others' |x - y| about 2^-(23 + variant
 * mod 6) of it: around half an ulp of a float32 partial sum that large (each lost, or
 * rounded up to a whole ulp), where a few thousand terms add up to more than a tree's
 * error bound. The small differences are kept at least beta (the linear branch, so their
 * losses keep that ratio to the large one) where the format has room for it.
 */
function stagnationScale(f: FloatFormat, v: ValuesPlan, beta: number): { big: number; small: number } {
  const { hi } = exponentRange(f);
  const top = hi - 4;
  const gap = 23 + (v.variant % 6);
  let e = Math.min(scaleExponent(f, v.scale), top);
  const b = Math.abs(beta);
  if (Number.isFinite(b) && b > 2 ** (e - gap)) e = Math.min(top, Math.ceil(Math.log2(b)) + gap);
  return { big: 2 ** e, small: 2 ** (e - gap) };
}

/** Logits and labels of a plan: tensors of their dtypes and shapes, every element drawn from `values`, then the overrides placed. */
export function drawTensors(dx: DType, shapeX: number[], dy: DType, shapeY: number[], values: ValuesPlan, overrides: readonly OverridePlan[], beta: number): { x: Tensor; y: Tensor } {
  const x = allocTensor(dx, shapeX);
  const y = allocTensor(dy, shapeY);
  const g = new Xoshiro128ss(values.seed >>> 0);
  const floatX = isFloatDType(dx);
  const floatY = isFloatDType(dy);
  if (!floatX) fillOther(x, g);
  if (!floatY) fillOther(y, g);
  if (!floatX && !floatY) return { x, y };
  const nx = floatX ? x.data.length : 0;
  const ny = floatY ? y.data.length : 0;
  const fillX = floatX ? new FloatFill(x) : undefined;
  const fillY = floatY ? new FloatFill(y) : undefined;
  const fx = fillX?.f ?? fillY!.f;
  const fy = fillY?.f ?? fx;
  const n = Math.max(nx, ny);
  const bitsRecipe = values.recipe === 'all-bits' || values.recipe === 'finite-bits';
  for (let i = 0; i < n; i++) {
    if (bitsRecipe) {
      const finite = values.recipe === 'finite-bits';
      if (i < nx) fillX!.bits(i, g, finite);
      if (i < ny) fillY!.bits(i, g, finite);
      continue;
    }
    const [a, b] = pair(values, g, fx, fy, beta);
    if (i < nx) fillX!.value(i, a);
    if (i < ny) fillY!.value(i, b);
  }
  if (values.recipe === 'large-then-small' && n > 0) {
    const big = stagnationScale(fx, values, beta).big;
    if (fillX && nx > 0) fillX.value(0, big);
    if (fillY && ny > 0) fillY.value(0, 0);
  }
  for (const o of overrides) {
    if (fillX && nx > 0) fillX.value(Math.floor((o.at / 65536) * nx), classValue(o.x, fx, beta));
    if (fillY && ny > 0) fillY.value(Math.floor((o.at / 65536) * ny), classValue(o.y, fy, beta));
  }
  return { x, y };
}
