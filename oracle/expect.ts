/**
 * expectOutcome: what the specification says must happen for one call on one profile.
 * The rules are read from spec/profiles.json and spec/dtypes.json (never restated here).
 * When several errors apply, any of them is accepted (an anyOf over their error types):
 * the documentation gives no order of checks, and correct implementations differ (PyTorch
 * checks reduction before beta; MindSpore checks construction arguments first).
 * profilesSpec().checkOrder is MindSpore's front-end order, used by the in-repo kernels
 * and here only to list the alternatives in a stable order.
 * runners/validation.ts codes the same rules independently for in-repo kernels, and
 * cases compare the two.
 */
import { isFloatDType, profilesSpec, promote, type ErrorKind } from '../common/spec-data.js';
import type { CallArgs, FloatDType, OutcomeJson, ProfileName, Tensor } from '../common/types.js';
import { betaReading, betaSign, betaValue, type BetaSource } from './beta.js';
import { computeReference, reductionValue, referenceBits } from './reference.js';

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
    const sign = betaSign(betaReading(beta, betaSource));
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

/** The output computed with beta read one way (the call has no applicable error under that reading). */
function outputWith(args: CallArgs, source: BetaSource, options: ExpectOptions): OutcomeJson {
  const dtype = outputDType(args);
  if (options.withBits === false) {
    // dtype and shape only: no element needs computing (a 10^9-element case stays cheap)
    const t = args.logits as { type: 'tensor'; tensor: { shape: number[] } };
    return { output: { dtype, shape: reductionValue(args.reduction) === 'none' ? [...t.tensor.shape] : [] } };
  }
  const ref = computeReference(args, dtype, { beta: source });
  return { output: { dtype, shape: ref.shape, bits: referenceBits(ref) } };
}

/** The error outcome of one kind (its documented type, from spec/profiles.json). */
function errorOf(kind: ErrorKind): OutcomeJson {
  return { error: profilesSpec().errors[kind].type, kind };
}

/**
 * The outcome when one or more documented errors apply: any of them. Alternatives are
 * deduplicated by error type (the harness compares the type, not the kind), keeping the
 * kind that comes first in checkOrder; a kind whose type is 'any' accepts every error, so
 * it subsumes the rest. One kind gives a plain error outcome.
 */
function errorsOutcome(kinds: Set<ErrorKind>): OutcomeJson {
  const ps = profilesSpec();
  const ordered = ps.checkOrder.filter((k) => kinds.has(k));
  for (const k of kinds) if (!ordered.includes(k)) throw new Error(`spec/profiles.json: error kind '${k}' is missing from checkOrder`);
  if (ordered.length === 1) return errorOf(ordered[0]);
  const listed = ordered.map((k) => `${k} (${ps.errors[k].type === 'any' ? 'any error' : ps.errors[k].type})`).join(', ');
  const note = `several documented errors apply: ${listed}. The documentation gives no order of checks, so any applicable documented error is accepted`;
  const anyKind = ordered.find((k) => ps.errors[k].type === 'any');
  if (anyKind !== undefined) return { ...errorOf(anyKind), note: `${note} (${anyKind} accepts any error type)` };
  const byType = new Map<string, OutcomeJson>();
  for (const k of ordered) if (!byType.has(ps.errors[k].type)) byType.set(ps.errors[k].type, errorOf(k));
  const alts = [...byType.values()];
  return alts.length === 1 ? { ...alts[0], note } : { anyOf: alts, note };
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
  const at32 = applicableErrors(args, profile, 'float32');
  const atGiven = applicableErrors(args, profile, 'given');
  const nanBeta = !at32.has('beta-bad-type') && Number.isNaN(betaValue(args.beta));
  const others = [...at32].filter((k) => k !== 'beta-out-of-range');
  if (others.length > 0) {
    // An error is required whatever beta's reading; the range error is one of the accepted
    // ones if it applies under any admitted reading of beta (float32, as given, NaN).
    const kinds = new Set<ErrorKind>([...at32, ...atGiven]);
    if (nanBeta) kinds.add('beta-out-of-range');
    return errorsOutcome(kinds);
  }
  const out32: OutcomeJson = at32.size > 0 ? errorOf('beta-out-of-range') : outputWith(args, 'float32', options);
  const outGiven: OutcomeJson = atGiven.size > 0 ? errorOf('beta-out-of-range') : outputWith(args, 'given', options);
  if ('error' in out32 !== 'error' in outGiven) {
    // The range rule decides differently for the float32 value and the given value: only
    // where float32 rounds a tiny beta to +0 or -0 (spec/smooth-l1-loss.md 4.1).
    const rule = ps.profiles[profile].beta;
    const b32 = betaValue(args.beta);
    const verdict = (o: OutcomeJson) => ('error' in o ? 'is out of range' : 'is valid');
    return {
      anyOf: [out32, outGiven],
      note: `beta ${describeGiven(args)} rounds to ${Object.is(b32, -0) ? '-0.0' : String(b32)} in float32, which MindSpore uses (it stores beta as a C++ float): under the profile's rule (${rule.doc}) it ${verdict(out32)}; the documentation only calls beta a Python float, int or bool, and by its value as given it ${verdict(outGiven)}. Either outcome is accepted (an output computed with the given beta is expected to be that beta's correctly rounded result)`,
    };
  }
  if (!('output' in out32)) return out32;
  const output = out32.output;
  if (nanBeta) {
    const rule = ps.profiles[profile].beta;
    return {
      anyOf: [errorOf('beta-out-of-range'), { output }],
      note: `beta is NaN: the documented rule (${rule.doc}) read as "beta violating it is an error" rejects NaN, read as "the opposite comparison raises" lets NaN through to an all-NaN result; the documentation does not say which`,
    };
  }
  return { output };
}
