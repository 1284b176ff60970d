/**
 * A plan (search/operator/plan.ts) as the call's arguments (CallArgs): the shapes from
 * the element count, rank and splits; beta and reduction as the values passed; the
 * elements drawn by search/operator/values.ts. The same plan always builds the same call.
 */
import { floatFormat } from '../../common/float-format.js';
import { scalarFromJson } from '../../common/scalar-json.js';
import { isFloatDType, profilesSpec } from '../../common/spec-data.js';
import type { ArgValue, CallArgs, FloatDType } from '../../common/types.js';
import type { BetaPlan, CallPlan, LabelShape, ShapePlan } from './plan.js';
import { drawTensors, scaleExponent } from './values.js';

/** Divisors of n in increasing order (n >= 1). */
function divisors(n: number): number[] {
  const low: number[] = [];
  const high: number[] = [];
  for (let d = 1; d * d <= n; d++) {
    if (n % d === 0) {
      low.push(d);
      if (d * d !== n) high.push(n / d);
    }
  }
  return [...low, ...high.reverse()];
}

/** The logits' shape: `rank` dimensions whose product is `size` (rank 0: one element; size 0: one zero dimension). */
export function shapeOf(s: ShapePlan): number[] {
  if (s.rank === 0) return [];
  if (s.size === 0) {
    const dims = Array.from({ length: s.rank }, (_, i) => 1 + ((s.splits[i] ?? 0) % 3));
    dims[(s.splits[0] ?? 0) % s.rank] = 0;
    return dims;
  }
  const dims: number[] = [];
  let rest = s.size;
  for (let i = 0; i < s.rank - 1; i++) {
    const ds = divisors(rest);
    const d = ds[(s.splits[i] ?? 0) % ds.length];
    dims.push(d);
    rest /= d;
  }
  dims.push(rest);
  return dims;
}

/** The labels' shape: the logits' shape, or one that differs from it (a shape mismatch). */
export function labelsShapeOf(x: number[], how: LabelShape): number[] {
  switch (how) {
    case 'same':
      return [...x];
    case 'extra-dim':
      return [1, ...x];
    case 'drop-dim':
      return x.length > 0 ? x.slice(1) : [1];
    case 'grow-dim':
      return x.length > 0 ? [...x.slice(0, -1), x[x.length - 1] + 1] : [2];
    case 'reversed': {
      const r = [...x].reverse();
      return r.join() === x.join() ? [...x, 1] : r;
    }
    case 'scalar':
      return x.length === 0 ? [1] : [];
  }
}

/** The scale (binary exponent) the elements are drawn at, for a `relative` beta. */
function valuesExponent(p: CallPlan, dtype: FloatDType): number {
  const f = floatFormat(dtype);
  switch (p.values.recipe) {
    case 'uniform':
      return scaleExponent(f, p.values.scale);
    case 'subnormals':
      return f.emin - 1;
    case 'overflow-edge':
    case 'exponent-gap':
      return f.emax - 2;
    default:
      return 0;
  }
}

function betaArg(b: BetaPlan, p: CallPlan, dtype: FloatDType | undefined): ArgValue | undefined {
  switch (b.kind) {
    case 'absent':
      return undefined;
    case 'float':
      return { type: 'float', value: b.value };
    case 'int':
      return { type: 'int', value: b.value };
    case 'bool':
      return { type: 'bool', value: b.value };
    case 'relative': {
      const e = dtype ? valuesExponent(p, dtype) : 0;
      return { type: 'float', value: (1 + b.m / 8) * 2 ** Math.max(-1074, Math.min(1023, e + b.k)) };
    }
    case 'other':
      return scalarFromJson(b.value);
  }
}

/** beta as a number, to aim elements at it (absent: the default; other types: 1). */
function betaNumber(beta: ArgValue | undefined): number {
  if (beta === undefined) return profilesSpec().defaults.beta;
  if (beta.type === 'float') return beta.value;
  if (beta.type === 'int') return Number(beta.value);
  if (beta.type === 'bool') return beta.value ? 1 : 0;
  return 1;
}

export interface BuiltCall {
  args: CallArgs;
  /** What the call mostly exercises: its value recipe, or 'arguments' when an argument is not a tensor of a float dtype. */
  category: string;
}

/** The call a plan describes. */
export function buildCall(p: CallPlan): BuiltCall {
  const dx = p.logits.kind === 'tensor' ? p.logits.dtype : undefined;
  const dy = p.labels.kind === 'tensor' ? p.labels.dtype : undefined;
  const floatOf = [dx, dy].find((d): d is FloatDType => d !== undefined && isFloatDType(d));
  const beta = betaArg(p.beta, p, floatOf);
  const shapeX = shapeOf(p.shape);
  const shapeY = labelsShapeOf(shapeX, p.shape.labels);
  const drawn = drawTensors(dx ?? dy ?? 'float32', shapeX, dy ?? dx ?? 'float32', shapeY, p.values, p.overrides, betaNumber(beta));
  const side = (s: CallPlan['logits'], t: typeof drawn.x): ArgValue => (s.kind === 'tensor' ? { type: 'tensor', tensor: t } : scalarFromJson(s.value));
  const args: CallArgs = { logits: side(p.logits, drawn.x), labels: side(p.labels, drawn.y) };
  if (beta !== undefined) args.beta = beta;
  if (p.reduction.kind === 'given') args.reduction = scalarFromJson(p.reduction.value);
  const plainTensors = dx !== undefined && dy !== undefined && isFloatDType(dx) && isFloatDType(dy);
  return { args, category: plainTensors ? p.values.recipe : 'arguments' };
}
