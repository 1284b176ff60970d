/**
 * 'ascend-sim': an in-repo simulation of how the newer Ascend SmoothL1Loss kernels
 * (aclnnSmoothL1Loss, CANN ops-nn) compute, as described in
 * shared/research/implementations.md, made correct where a literal transcription would not
 * be (docs/ascend-sim.md). It is an implementation of the 'ascend' profile only: it
 * always applies Ascend's rules (runners/validation.ts with profile 'ascend'), whatever
 * profile a run checks it against, the way a real Ascend build would. So under
 * `--profile cpu` it fails the cases where the platforms differ (float64, bfloat16,
 * beta = 0), which is the point of profiles.
 *
 * Pipeline: front end (validation) -> Cast to float32 -> elementwise loss (./elementwise.ts)
 * -> ReduceSum by a blocked float32 tree (./reduce.ts), mean = sum * (1/N) -> Cast to the
 * output dtype (round to nearest even). It never sees the oracle.
 */
import { profilesSpec, readSpecJson } from '../../common/spec-data.js';
import { numel } from '../../common/tensor.js';
import type { CallArgs, FloatDType, ProfileName, Runner, RunnerResult, Tensor } from '../../common/types.js';
import { errorResult, validateCall } from '../validation.js';
import type { NormalisedCall } from '../validation.js';
import { castFromFloat32, castToFloat32 } from './cast.js';
import { betaScalars, lossVector } from './elementwise.js';
import { treeSum } from './reduce.js';

/** The platform whose rules this kernel implements (its front end and nativeProfile). */
export const ASCEND: ProfileName = 'ascend';

/** A malformed tensor is a bug in whoever built the call, not an operator error: throw (a crash). */
function checkElementCount(name: string, t: Tensor): void {
  if (!t.shape.every((d) => Number.isInteger(d) && d >= 0)) throw new RangeError(`ascend-sim kernel: '${name}' has an invalid shape [${t.shape.join(', ')}]`);
  const n = numel(t.shape);
  if (t.data.length !== n) throw new RangeError(`ascend-sim kernel: '${name}' has shape [${t.shape.join(', ')}] (${n} elements) but ${t.data.length} data elements`);
}

/** The kernel proper, for a call the ascend front end accepted. */
export function compute(call: NormalisedCall): Tensor {
  const { logits, labels, computeDtype, beta, reduction } = call;
  checkElementCount('logits', logits);
  checkElementCount('labels', labels);
  // Mixed dtypes: both are cast to float32 (exact: the promoted dtype is at most float32
  // on ascend) and the result is cast to the promoted dtype the front end chose.
  const x = castToFloat32('logits', logits);
  const y = castToFloat32('labels', labels);
  const loss = new Float32Array(x.length);
  lossVector(x, y, betaScalars(beta), loss);
  if (reduction === 'none') return castFromFloat32(computeDtype, loss, [...logits.shape]);
  const sum = treeSum(loss);
  // mean = sum * fround(1/N): for N = 0, 0 * inf = NaN, the mean of nothing.
  const value = reduction === 'sum' ? sum : Math.fround(sum * Math.fround(1 / loss.length));
  return castFromFloat32(computeDtype, Float32Array.of(value), []);
}

/** One call under Ascend's rules: the documented error, or the output tensor. */
export function smoothL1Loss(args: CallArgs): RunnerResult {
  const v = validateCall(args, ASCEND);
  if (!v.ok) return errorResult(v.error);
  return { kind: 'output', tensor: compute(v.call) };
}

/** The dtypes this kernel computes (the ascend profile's), for documentation and tests. */
export function supportedDtypes(): FloatDType[] {
  return [...profilesSpec().profiles[ASCEND].dtypes];
}

/** The 'ascend-sim' runner. It takes no options; the registry passes its options object anyway. */
export function createRunner(_options: Record<string, unknown> = {}): Runner {
  return {
    name: 'ascend-sim',
    version: readSpecJson<{ version: string }>('package.json').version,
    nativeProfile: ASCEND,
    // ctx.profile is ignored on purpose: a simulated Ascend device applies Ascend's rules.
    run: (args) => smoothL1Loss(args),
  };
}
