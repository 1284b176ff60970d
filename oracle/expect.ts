/**
 * expectOutcome: what the specification says must happen for one call on one profile.
 * The rules are read from spec/profiles.json and spec/dtypes.json (never restated here);
 * when several errors apply, the first in profilesSpec().checkOrder is the one expected.
 * runners/validation.ts codes the same rules independently for in-repo kernels, and
 * cases compare the two.
 */
import { isFloatDType, profilesSpec, promote, type ErrorKind } from '../common/spec-data.js';
import type { CallArgs, FloatDType, OutcomeJson, ProfileName, Tensor } from '../common/types.js';
import { betaSign, betaValue, computeReference, exactBeta, referenceBits, type BetaSource } from './reference.js';

export interface ExpectOptions {
  /** Include the correctly rounded output bits (default true; large cases may leave them to run time). */
  withBits?: boolean;
}

/**
 * Error kinds that apply to the call on the profile, in no particular order. The range
 * rule is applied to beta's float32 value (MindSpore's, the default) or to its value as
 * given (spec/smooth-l1-loss.md 4.1: the two differ only where float32 rounds a tiny beta
 * to a zero).
 */
export function applicableErrors(args: CallArgs, profile: ProfileName, betaSource: BetaSource = 'float32'): Set<ErrorKind> {
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
    const sign = betaSign(exactBeta(beta, betaSource));
    // -0.0 compares equal to 0, so it is rejected by gt0 and accepted by ge0. NaN is
    // handled by expectOutcome (the documentation admits two readings).
    const ok = prof.beta.rule === 'gt0' ? sign > 0 : sign >= 0;
    if (!ok && !Number.isNaN(sign)) errs.add('beta-out-of-range');
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

/** The outcome with beta read one way: the first applicable error, or the output computed with that beta. */
function outcomeWith(args: CallArgs, profile: ProfileName, source: BetaSource, options: ExpectOptions): OutcomeJson {
  const ps = profilesSpec();
  const errs = applicableErrors(args, profile, source);
  for (const kind of ps.checkOrder) {
    if (errs.has(kind)) return { error: ps.errors[kind].type, kind };
  }
  const dtype = outputDType(args);
  const ref = computeReference(args, dtype, { beta: source });
  return { output: { dtype, shape: ref.shape, ...(options.withBits === false ? {} : { bits: referenceBits(ref) }) } };
}

function describeGiven(args: CallArgs): string {
  const b = args.beta;
  if (b === undefined) return 'the default';
  if (b.type === 'float') return Object.is(b.value, -0) ? '-0.0' : String(b.value);
  if (b.type === 'int') return `${b.value} (int)`;
  return JSON.stringify(b);
}

export function expectOutcome(args: CallArgs, profile: ProfileName, options: ExpectOptions = {}): OutcomeJson {
  const ps = profilesSpec();
  const atF32 = outcomeWith(args, profile, 'float32', options);
  if ('error' in atF32 && atF32.kind !== 'beta-out-of-range') return atF32; // an earlier error: beta's reading does not matter
  const atGiven = outcomeWith(args, profile, 'given', options);
  if ('error' in atF32 !== 'error' in atGiven) {
    // The range rule decides differently for the float32 value and the given value: only
    // where float32 rounds a tiny beta to +0 or -0 (spec/smooth-l1-loss.md 4.1).
    const rule = ps.profiles[profile].beta;
    const b32 = betaValue(args.beta);
    const verdict = (o: OutcomeJson) => ('error' in o ? 'is out of range' : 'is valid');
    return {
      anyOf: [atF32, atGiven],
      note: `beta ${describeGiven(args)} rounds to ${Object.is(b32, -0) ? '-0.0' : String(b32)} in float32, which MindSpore uses (it stores beta as a C++ float): under the profile's rule (${rule.doc}) it ${verdict(atF32)}; the documentation only calls beta a Python float, int or bool, and by its value as given it ${verdict(atGiven)}. Either outcome is accepted (an output computed with the given beta is expected to be that beta's correctly rounded result)`,
    };
  }
  if (!('output' in atF32)) return atF32;
  const output = atF32.output;
  if (Number.isNaN(betaValue(args.beta))) {
    const rule = ps.profiles[profile].beta;
    return {
      anyOf: [{ error: ps.errors['beta-out-of-range'].type, kind: 'beta-out-of-range' }, { output }],
      note: `beta is NaN: the documented rule (${rule.doc}) read as "beta violating it is an error" rejects NaN, read as "the opposite comparison raises" lets NaN through to an all-NaN result; the documentation does not say which`,
    };
  }
  return { output };
}
