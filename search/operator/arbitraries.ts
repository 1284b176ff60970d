/**
 * fast-check arbitraries of SmoothL1Loss calls (plans, search/operator/plan.ts) for one
 * profile. Weights favour what the profile supports (its dtypes, valid arguments) while
 * every error the spec documents stays reachable: unsupported and invalid dtypes, mixed
 * dtypes, values that are not tensors, shape mismatches, invalid reductions, betas of
 * the wrong type or out of range.
 *
 * Every field shrinks toward the simplest call: the size toward 0 elements (a size near a
 * power of two or a block size keeps its offset and shrinks the exponent), rank toward a
 * 1-d tensor, the value recipe toward zeros, the overrides toward none, beta toward its
 * first alternative (absent).
 */
import fc from 'fast-check';
import { dtypesSpec, profilesSpec } from '../../common/spec-data.js';
import type { DType, FloatDType, ProfileName } from '../../common/types.js';
import { BAD_BETAS, BLOCK_SIZES, EDGE_BETAS, ELEMENT_CLASSES, INVALID_REDUCTIONS, LABEL_SHAPES, NOT_TENSORS, SPECIAL_BETAS, VALUE_RECIPES } from './plan.js';
import type { BetaPlan, CallPlan, ReductionPlan, SidePlan, ValueRecipe } from './plan.js';

export interface SpaceOptions {
  profile: ProfileName;
  /** Largest number of elements of a tensor. */
  maxElements: number;
}

/**
 * Draws from one arbitrary, shrinks as another: sizes are drawn near powers of two and
 * block sizes, but shrink as plain integers toward 0 (halving the distance), so that a
 * failure that needs, say, n >= 4096 with n mod 8 != 0 shrinks to a count just above
 * 4096 rather than stopping at the power of two it was drawn near.
 */
class DrawnShrunk extends fc.Arbitrary<number> {
  constructor(
    private readonly draw: fc.Arbitrary<number>,
    private readonly shrinkAs: fc.Arbitrary<number>,
  ) {
    super();
  }
  generate(mrng: fc.Random, biasFactor: number | undefined): fc.Value<number> {
    return new fc.Value(this.draw.generate(mrng, biasFactor).value_, undefined);
  }
  canShrinkWithoutContext(value: unknown): value is number {
    return this.shrinkAs.canShrinkWithoutContext(value);
  }
  shrink(value: number, context: unknown): fc.Stream<fc.Value<number>> {
    return this.shrinkAs.shrink(value, context);
  }
}

/** Element counts: small ones, powers of two and block sizes plus or minus 1..9, and uniform up to the limit. */
export function sizes(maxElements: number): fc.Arbitrary<number> {
  const max = Math.max(0, Math.floor(maxElements));
  const clamp = (n: number) => Math.max(0, Math.min(max, n));
  const parts: fc.WeightedArbitrary<number>[] = [
    { weight: 4, arbitrary: fc.integer({ min: 0, max: Math.min(16, max) }) },
    { weight: 3, arbitrary: fc.integer({ min: 0, max: Math.min(300, max) }) },
  ];
  const maxExp = max >= 2 ? Math.floor(Math.log2(max + 9)) : 0;
  if (maxExp >= 1) parts.push({ weight: 3, arbitrary: fc.tuple(fc.integer({ min: 1, max: maxExp }), fc.integer({ min: -9, max: 9 })).map(([e, k]) => clamp(2 ** e + k)) });
  const blocks = BLOCK_SIZES.filter((b) => b - 9 <= max);
  if (blocks.length > 0) parts.push({ weight: 3, arbitrary: fc.tuple(fc.integer({ min: 0, max: blocks.length - 1 }), fc.integer({ min: -9, max: 9 })).map(([i, k]) => clamp(blocks[i] + k)) });
  if (max > 300) parts.push({ weight: 2, arbitrary: fc.integer({ min: 0, max }) });
  return new DrawnShrunk(fc.oneof(...parts), fc.integer({ min: 0, max }));
}

/**
 * Ranks 0..8: mostly 1-d and 2-d, every rank reachable. The drawn index shrinks toward 0,
 * so a failing call's rank shrinks toward 1 (a plain vector), then 0.
 */
const RANKS = [1, 0, 1, 1, 2, 1, 2, 3, 4, 5, 6, 7, 8];
const rankWeights = fc.integer({ min: 0, max: RANKS.length - 1 }).map((v) => RANKS[v]);

function sidePlans(profile: ProfileName): fc.Arbitrary<[SidePlan, SidePlan]> {
  const supported = profilesSpec().profiles[profile].dtypes;
  const floats = Object.keys(dtypesSpec().float) as FloatDType[];
  const all = [...floats, ...(Object.keys(dtypesSpec().other) as DType[])];
  const t = (dtype: DType): SidePlan => ({ kind: 'tensor', dtype });
  const notTensor = fc.constantFrom(...NOT_TENSORS).map((value): SidePlan => ({ kind: 'value', value }));
  return fc.oneof(
    { weight: 24, arbitrary: fc.constantFrom(...supported).map((d): [SidePlan, SidePlan] => [t(d), t(d)]) },
    { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...floats), fc.constantFrom(...floats)).map(([a, b]): [SidePlan, SidePlan] => [t(a), t(b)]) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...all), fc.constantFrom(...all)).map(([a, b]): [SidePlan, SidePlan] => [t(a), t(b)]) },
    {
      weight: 1,
      arbitrary: fc.tuple(fc.boolean(), notTensor, fc.constantFrom(...supported)).map(([first, v, d]): [SidePlan, SidePlan] => (first ? [v, t(d)] : [t(d), v])),
    },
  );
}

const RECIPE_WEIGHTS: Record<ValueRecipe, number> = {
  zeros: 1,
  'small-ints': 2,
  uniform: 5,
  specials: 2,
  subnormals: 3,
  'near-beta': 3,
  'overflow-edge': 2,
  'exponent-gap': 2,
  'large-then-small': 3,
  'finite-bits': 2,
  'all-bits': 2,
};
const recipes = fc.oneof({ withCrossShrink: true }, ...VALUE_RECIPES.map((r) => ({ weight: RECIPE_WEIGHTS[r], arbitrary: fc.constant(r) })));

/** beta: absent, the spec's edge values, a value at the elements' scale, random float32 and float64 values, ints (beyond 2^53 and float32's range too), bools, other types. */
export const betas: fc.Arbitrary<BetaPlan> = fc.oneof(
  { withCrossShrink: true },
  { weight: 3, arbitrary: fc.constant<BetaPlan>({ kind: 'absent' }) },
  { weight: 3, arbitrary: fc.constantFrom(...SPECIAL_BETAS).map((value): BetaPlan => ({ kind: 'float', value })) },
  { weight: 4, arbitrary: fc.constantFrom(...EDGE_BETAS).map((value): BetaPlan => ({ kind: 'float', value })) },
  { weight: 4, arbitrary: fc.record({ k: fc.integer({ min: -3, max: 3 }), m: fc.integer({ min: 0, max: 7 }) }).map(({ k, m }): BetaPlan => ({ kind: 'relative', k, m })) },
  { weight: 2, arbitrary: fc.float({ noNaN: true, noDefaultInfinity: true, min: 0 }).map((value): BetaPlan => ({ kind: 'float', value })) },
  { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }).map((value): BetaPlan => ({ kind: 'float', value })) },
  { weight: 1, arbitrary: fc.integer({ min: -3, max: 10 }).map((v): BetaPlan => ({ kind: 'int', value: BigInt(v) })) },
  {
    // Ints past 2^53 and past float32's range: a power of two, plus an odd multiple of a
    // power of two that lands on or near a float32 rounding boundary, plus a small offset.
    weight: 2,
    arbitrary: fc
      .record({ a: fc.integer({ min: 24, max: 140 }), b: fc.integer({ min: 1, max: 40 }), odd: fc.integer({ min: 0, max: 7 }), c: fc.integer({ min: -2, max: 2 }), neg: fc.boolean() })
      .map(({ a, b, odd, c, neg }): BetaPlan => {
        const v = (1n << BigInt(a)) + BigInt(2 * odd + 1) * (1n << BigInt(Math.max(0, a - 24 - (b % 8)))) + BigInt(c);
        return { kind: 'int', value: neg && b % 5 === 0 ? -v : v };
      }),
  },
  { weight: 1, arbitrary: fc.boolean().map((value): BetaPlan => ({ kind: 'bool', value })) },
  { weight: 1, arbitrary: fc.constantFrom(...BAD_BETAS).map((value): BetaPlan => ({ kind: 'other', value })) },
);

/** reduction: absent, each name, or an invalid value. */
export const reductions: fc.Arbitrary<ReductionPlan> = fc.oneof(
  { withCrossShrink: true },
  { weight: 2, arbitrary: fc.constant<ReductionPlan>({ kind: 'absent' }) },
  { weight: 9, arbitrary: fc.constantFrom(...profilesSpec().reductions).map((r): ReductionPlan => ({ kind: 'given', value: { type: 'str', value: r } })) },
  { weight: 1, arbitrary: fc.constantFrom(...INVALID_REDUCTIONS).map((value): ReductionPlan => ({ kind: 'given', value })) },
);

/** Calls for one profile. */
export function callPlans(o: SpaceOptions): fc.Arbitrary<CallPlan> {
  const labelShapes = fc.oneof({ withCrossShrink: true }, { weight: 30, arbitrary: fc.constant('same' as const) }, { weight: 1, arbitrary: fc.constantFrom(...LABEL_SHAPES.slice(1)) });
  return fc
    .record({
      sides: sidePlans(o.profile),
      size: sizes(o.maxElements),
      rank: rankWeights,
      splits: fc.array(fc.nat(1000), { minLength: 7, maxLength: 7 }),
      labels: labelShapes,
      values: fc.record({ recipe: recipes, seed: fc.nat(), scale: fc.nat(1000), variant: fc.nat(1000) }),
      overrides: fc.array(fc.record({ at: fc.nat(65535), x: fc.constantFrom(...ELEMENT_CLASSES), y: fc.constantFrom(...ELEMENT_CLASSES) }), { maxLength: 4 }),
      beta: betas,
      reduction: reductions,
    })
    .map(({ sides, size, rank, splits, labels, values, overrides, beta, reduction }): CallPlan => {
      // Arguments that make the call an error need no large tensors.
      const plain = sides.every((s) => s.kind === 'tensor' && s.dtype in dtypesSpec().float);
      return {
        logits: sides[0],
        labels: sides[1],
        shape: { size: plain ? size : Math.min(size, 8), rank, splits, labels },
        values,
        overrides,
        beta,
        reduction,
      };
    });
}
