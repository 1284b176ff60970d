/**
 * The in-repo CPU implementation of SmoothL1Loss: the reference-quality kernel of the
 * 'cpu' profile, usable under every profile (float16, bfloat16, float32, float64; all
 * reductions). Validation and error reporting are the shared front end's
 * (runners/validation.ts); this module only converts storage and runs the loops of
 * ./kernels.ts. It never sees the oracle.
 */
import { dtypesSpec, readSpecJson } from '../../common/spec-data.js';
import { numel } from '../../common/tensor.js';
import type { CallArgs, FloatDType, ProfileName, Runner, RunnerResult, Tensor } from '../../common/types.js';
import { errorResult, validateCall } from '../validation.js';
import type { NormalisedCall } from '../validation.js';
import { lossF32, lossF64, meanF64, sumF32, sumF64 } from './kernels.js';
import { asFloat32, asFloat64, encodeSixteen, scalarTensor } from './storage.js';

/** Formats of at most 32 bits are worked on in float32 storage (float64 arithmetic); float64 in float64. */
function workingStorage(dtype: FloatDType): 'float32' | 'float64' {
  return dtypesSpec().float[dtype].bits > 32 ? 'float64' : 'float32';
}

/** A malformed tensor is a bug in whoever built the call, not an operator error: throw (a crash). */
function checkElementCount(name: string, t: Tensor): void {
  if (!t.shape.every((d) => Number.isInteger(d) && d >= 0)) throw new RangeError(`cpu kernel: '${name}' has an invalid shape [${t.shape.join(', ')}]`);
  const n = numel(t.shape);
  if (t.data.length !== n) throw new RangeError(`cpu kernel: '${name}' has shape [${t.shape.join(', ')}] (${n} elements) but ${t.data.length} data elements`);
}

/** The kernel proper, for a validated call. */
export function compute(call: NormalisedCall): Tensor {
  const { logits, labels, computeDtype: dtype, beta, reduction } = call;
  checkElementCount('logits', logits);
  checkElementCount('labels', labels);
  const n = logits.data.length;
  const reduced = reduction !== 'none';

  if (workingStorage(dtype) === 'float64') {
    const a = asFloat64(logits);
    const b = asFloat64(labels);
    if (reduced) return scalarTensor(dtype, reduction === 'sum' ? sumF64(a, b, beta) : meanF64(a, b, beta));
    const out = new Float64Array(n);
    lossF64(a, b, beta, out);
    return { dtype, shape: [...logits.shape], data: out };
  }

  const a = asFloat32(logits);
  const b = asFloat32(labels);
  if (reduced) {
    // mean of an empty tensor is 0 / 0 = NaN; the sum of no terms is 0.
    const s = sumF32(a, b, beta);
    return scalarTensor(dtype, reduction === 'sum' ? s : s / n);
  }
  const out = new Float32Array(n);
  lossF32(a, b, beta, out);
  if (dtypesSpec().float[dtype].storage === 'float32') return { dtype, shape: [...logits.shape], data: out };
  return encodeSixteen(dtype, out, [...logits.shape]);
}

/** One call under a profile's rules: the documented error, or the output tensor. */
export function smoothL1Loss(args: CallArgs, profile: ProfileName = 'cpu'): RunnerResult {
  const v = validateCall(args, profile);
  if (!v.ok) return errorResult(v.error);
  return { kind: 'output', tensor: compute(v.call) };
}

/** The package version, which is this kernel's version. */
function packageVersion(): string {
  return readSpecJson<{ version: string }>('package.json').version;
}

/** The 'cpu' runner. It takes no options; the registry passes its options object anyway. */
export function createRunner(_options: Record<string, unknown> = {}): Runner {
  return {
    name: 'cpu',
    version: packageVersion(),
    nativeProfile: 'cpu',
    run(args, ctx) {
      return smoothL1Loss(args, ctx.profile);
    },
  };
}
