/**
 * expectOutcome: what the specification says must happen for one call on one profile.
 * The rules are read from spec/profiles.json and spec/dtypes.json (never restated here);
 * when several errors apply, the first in profilesSpec().checkOrder is the one expected.
 * runners/validation.ts codes the same rules independently for in-repo kernels, and
 * cases compare the two.
 */
import { isFloatDType, profilesSpec, promote, type ErrorKind } from '../common/spec-data.js';
import type { CallArgs, FloatDType, OutcomeJson, ProfileName, Tensor } from '../common/types.js';
import { betaValue, computeReference, referenceBits } from './reference.js';

export interface ExpectOptions {
  /** Include the correctly rounded output bits (default true; large cases may leave them to run time). */
  withBits?: boolean;
}

/** Error kinds that apply to the call on the profile, in no particular order. */
export function applicableErrors(args: CallArgs, profile: ProfileName): Set<ErrorKind> {
  const ps = profilesSpec();
  const prof = ps.profiles[profile];
  if (prof === undefined) throw new Error(`expectOutcome: unknown profile '${profile}' (expected one of ${Object.keys(ps.profiles).join(', ')})`);
  const errs = new Set<ErrorKind>();
  const { beta, reduction } = args;
  if (beta !== undefined && beta.type !== 'float' && beta.type !== 'int' && beta.type !== 'bool') errs.add('beta-bad-type');
  if (reduction !== undefined && !(reduction.type === 'str' && (ps.reductions as string[]).includes(reduction.value))) errs.add('invalid-reduction');
  const tensors: Tensor[] = [];
  for (const a of [args.logits, args.labels]) {
    if (a.type === 'tensor') tensors.push(a.tensor);
    else errs.add('input-not-tensor');
  }
  const supported = (d: string): d is FloatDType => isFloatDType(d) && (prof.dtypes as string[]).includes(d);
  for (const t of tensors) if (!supported(t.dtype)) errs.add('unsupported-dtype');
  if (tensors.length === 2) {
    const [a, b] = tensors;
    if (a.dtype !== b.dtype) {
      if (prof.mixedDtypes === 'error') errs.add('dtype-mismatch');
      else if (supported(a.dtype) && supported(b.dtype) && !supported(promote(a.dtype, b.dtype))) errs.add('unsupported-dtype');
    }
    if (a.shape.length !== b.shape.length || a.shape.some((s, i) => s !== b.shape[i])) errs.add('shape-mismatch');
  }
  if (!errs.has('beta-bad-type')) {
    const b = betaValue(beta);
    // -0.0 compares equal to 0, so it is rejected by gt0 and accepted by ge0. NaN is
    // handled by expectOutcome (the documentation admits two readings).
    const ok = prof.beta.rule === 'gt0' ? b > 0 : b >= 0;
    if (!ok && !Number.isNaN(b)) errs.add('beta-out-of-range');
  }
  return errs;
}

/** The output dtype of a valid call: the common dtype of logits and labels. */
export function outputDType(args: CallArgs): FloatDType {
  if (args.logits.type !== 'tensor' || args.labels.type !== 'tensor') throw new Error('outputDType: logits and labels must be tensors');
  const a = args.logits.tensor.dtype;
  const b = args.labels.tensor.dtype;
  if (!isFloatDType(a) || !isFloatDType(b)) throw new Error(`outputDType: ${a} / ${b} are not both float dtypes`);
  return promote(a, b);
}

export function expectOutcome(args: CallArgs, profile: ProfileName, options: ExpectOptions = {}): OutcomeJson {
  const ps = profilesSpec();
  const errs = applicableErrors(args, profile);
  for (const kind of ps.checkOrder) {
    if (errs.has(kind)) return { error: ps.errors[kind].type, kind };
  }
  const dtype = outputDType(args);
  const ref = computeReference(args, dtype);
  const output = { dtype, shape: ref.shape, ...(options.withBits === false ? {} : { bits: referenceBits(ref) }) };
  if (Number.isNaN(ref.beta)) {
    const rule = ps.profiles[profile].beta;
    return {
      anyOf: [{ error: ps.errors['beta-out-of-range'].type, kind: 'beta-out-of-range' }, { output }],
      note: `beta is NaN: the documented rule (${rule.doc}) read as "beta violating it is an error" rejects NaN, read as "the opposite comparison raises" lets NaN through to an all-NaN result; the documentation does not say which`,
    };
  }
  return { output };
}
