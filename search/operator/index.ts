/**
 * SmoothL1Loss's input space for the search engine (search/fuzz.ts): plans drawn for a
 * profile (arbitraries.ts), built into calls (build.ts); and the classes of an input pair
 * the sweep summarises failures by (classes.ts). Another operator would replace this
 * folder, as it would common/operator.ts for its names.
 */
import type { SearchSpace } from '../fuzz.js';
import { callPlans, type SpaceOptions } from './arbitraries.js';
import { buildCall } from './build.js';
import type { CallPlan } from './plan.js';

export { callPlans, sizes, betas, reductions, type SpaceOptions } from './arbitraries.js';
export { buildCall, shapeOf, labelsShapeOf, type BuiltCall } from './build.js';
export type { CallPlan, ValueRecipe, BetaPlan, ReductionPlan, SidePlan, ShapePlan, ValuesPlan, OverridePlan } from './plan.js';

/** The calls `smoothl1 fuzz` draws for a profile, elements per tensor at most `maxElements`. */
export function smoothL1Space(o: SpaceOptions): SearchSpace<CallPlan> {
  return { plans: callPlans(o), build: buildCall };
}
