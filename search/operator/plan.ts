/**
 * SmoothL1Loss's input space for the search (`smoothl1 fuzz`): what a generated call is
 * made of. A *plan* is a small, printable description of one call (dtypes, shape, how the
 * elements are drawn, beta, reduction); search/operator/build.ts turns it into the call's
 * arguments, search/operator/arbitraries.ts draws plans with fast-check, whose shrinkers
 * then simplify a failing plan field by field (fewer elements, a simpler recipe, fewer
 * special elements, a plainer beta).
 *
 * Elements are not fast-check values: a plan names a recipe and a seed, and the suite's
 * own generator (common/prng.ts) draws the elements, so a plan for 300 000 elements is as
 * cheap to draw and to shrink as one for three.
 */
import type { DType } from '../../common/types.js';
import type { ScalarJson } from '../../common/scalar-json.js';

/** logits or labels: a tensor of some dtype (supported or not), or a value that is not a tensor. */
export type SidePlan = { kind: 'tensor'; dtype: DType } | { kind: 'value'; value: ScalarJson };

/**
 * How the elements of logits (x) and labels (y) are drawn, simplest first (the shrinker
 * tries earlier recipes first):
 * - zeros: x = y = 0;
 * - small-ints: integers in [-4, 4];
 * - uniform: uniform magnitudes below 2^e, random signs; e from `scale` over the whole
 *   exponent range of the format (subnormal scales to the largest finite values);
 * - specials: each element one of the format's special values (±0, ±inf, NaN, ±max,
 *   ±smallest normal and subnormal, the largest subnormal, ±1);
 * - subnormals: x subnormal with a mantissa drawn from every range [2^t, 2^(t+1)), y zero,
 *   a small normal, another subnormal or -x;
 * - near-beta: |x - y| within a few ulps of beta (both sides of the switch);
 * - overflow-edge: values within a few ulps of the largest finite value, and differences
 *   whose square overflows;
 * - exponent-gap: x near the top of the exponent range, y near the bottom (or the other way);
 * - large-then-small: the first element large (2^e, e from `scale`), every other one
 *   2^-(23..28) of it, so a sum accumulated in order from the start loses the small
 *   terms once the partial sum is large (stagnation; issue 10's summation class): with
 *   thousands of them, what a sequential accumulator drops exceeds any correct sum's error;
 * - finite-bits, all-bits: raw bit patterns (all-bits includes NaN and infinities).
 */
export const VALUE_RECIPES = ['zeros', 'small-ints', 'uniform', 'specials', 'subnormals', 'near-beta', 'overflow-edge', 'exponent-gap', 'large-then-small', 'finite-bits', 'all-bits'] as const;
export type ValueRecipe = (typeof VALUE_RECIPES)[number];

export interface ValuesPlan {
  recipe: ValueRecipe;
  /** Seeds common/prng.ts for the elements (uint32). */
  seed: number;
  /** 0..1000: where in the format's exponent range `uniform` draws (0 = the subnormal end). */
  scale: number;
  /** 0..1000: the recipe's variant (which y goes with a subnormal x, how many ulps from beta, ...). */
  variant: number;
}

/**
 * Single elements placed over the drawn ones, at a fraction `at` / 65536 of the tensor (so
 * they survive shrinking its size): a special value, beta or its neighbours.
 */
export const ELEMENT_CLASSES = ['zero', 'neg-zero', 'one', 'nan', 'inf', 'neg-inf', 'max', 'neg-max', 'min-normal', 'min-subnormal', 'max-subnormal', 'high-subnormal', 'beta', 'beta-up', 'beta-down', 'neg-beta'] as const;
export type ElementClass = (typeof ELEMENT_CLASSES)[number];
export interface OverridePlan {
  at: number;
  x: ElementClass;
  y: ElementClass;
}

/** How labels' shape relates to logits' (anything but 'same' is a shape mismatch). */
export const LABEL_SHAPES = ['same', 'extra-dim', 'drop-dim', 'grow-dim', 'reversed', 'scalar'] as const;
export type LabelShape = (typeof LABEL_SHAPES)[number];

export interface ShapePlan {
  /** Elements of logits (rank 0 has one). */
  size: number;
  /** 0..8. */
  rank: number;
  /** Picks each leading dimension among the divisors of what is left (index modulo their count). */
  splits: number[];
  labels: LabelShape;
}

/**
 * beta: absent (the default applies), a Python float, int or bool, a value of another
 * type (an error), or `relative`: a float 2^(E + k)·(1 + m/8) where E is the scale the
 * elements are drawn at, so that both branches of the formula occur whatever the scale.
 */
export type BetaPlan =
  | { kind: 'absent' }
  | { kind: 'float'; value: number }
  | { kind: 'int'; value: bigint }
  | { kind: 'bool'; value: boolean }
  | { kind: 'relative'; k: number; m: number }
  | { kind: 'other'; value: ScalarJson };

/** reduction: absent, or the value passed (a valid name, another string, or another type). */
export type ReductionPlan = { kind: 'absent' } | { kind: 'given'; value: ScalarJson };

export interface CallPlan {
  logits: SidePlan;
  labels: SidePlan;
  shape: ShapePlan;
  values: ValuesPlan;
  overrides: OverridePlan[];
  beta: BetaPlan;
  reduction: ReductionPlan;
}

/**
 * The beta values the spec singles out (spec/smooth-l1-loss.md 4.1): the default and
 * ordinary values, zeros of both signs, values float32 rounds to zero, float32's and
 * float16's smallest and largest values and their neighbourhoods, values that overflow
 * float16 or float32, infinities and NaN. `SPECIAL_BETAS` are drawn more often.
 */
export const SPECIAL_BETAS: readonly number[] = [Infinity, -Infinity, NaN, 0, -0, -1];
export const EDGE_BETAS: readonly number[] = [
  1, 0.5, 0.1, 2, 3, 0.25, 1.5, 1e-7, 5.960464477539063e-8, 6.103515625e-5, 1e-3,
  1e-50, -1e-50, 5e-324, 1e-45, 1.401298464324817e-45, 1.1754943508222875e-38, 1e-38,
  16384, 16385, 60000, 65504, 65519.99, 65520, 70000, 1e10,
  2 ** 127, 3.4028234663852886e38, 3.4028235677973362e38, 3.4028235677973366e38, 3.402823669209385e38, 1e39, 1e300, 1.7976931348623157e308,
  -0.5, -1e-45,
];

/** Strings that are not one of the three reduction names, and reduction values of other types. */
export const INVALID_REDUCTIONS: readonly ScalarJson[] = [
  { type: 'str', value: 'Mean' },
  { type: 'str', value: 'MEAN' },
  { type: 'str', value: 'SUM' },
  { type: 'str', value: '' },
  { type: 'str', value: ' sum' },
  { type: 'str', value: 'none ' },
  { type: 'str', value: 'avg' },
  { type: 'str', value: 'elementwise_mean' },
  { type: 'none' },
  { type: 'int', value: '1' },
  { type: 'bool', value: true },
];

/** Values that are not tensors, for logits or labels (input-not-tensor) and beta (beta-bad-type). */
export const NOT_TENSORS: readonly ScalarJson[] = [
  { type: 'float', value: '1.5' },
  { type: 'int', value: '2' },
  { type: 'str', value: 'abc' },
  { type: 'none' },
  { type: 'list', value: [1.0, 2.0] },
  { type: 'bool', value: false },
];
export const BAD_BETAS: readonly ScalarJson[] = [
  { type: 'str', value: '1.0' },
  { type: 'none' },
  { type: 'list', value: [1.0] },
];

/** Block sizes kernels are built around (vector widths, warps, thread blocks, grid limits); sizes are drawn near them. */
export const BLOCK_SIZES: readonly number[] = [3, 4, 8, 16, 32, 64, 96, 100, 128, 192, 256, 384, 512, 768, 1000, 1024, 2048, 3072, 4096, 8192, 10000, 16384, 32768, 49152, 65535, 65536, 100000, 131072, 262144, 1048576];
