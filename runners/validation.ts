/**
 * The shared front end of the in-repo kernels: what a framework does before it picks a
 * kernel. It checks one call against a profile's rules and either rejects it with the
 * error a framework would raise, or hands the kernel a normalised call (tensors, the
 * promoted compute dtype, beta as its float32 value, the reduction).
 *
 * The rules come from spec/profiles.json (read through common/spec-data.ts). This is a
 * second, independent coding of them: the oracle (oracle/expect.ts) codes the same rules
 * separately and the corpus checks that the two agree, so nothing here may import oracle/.
 */
import { isFloatDType, profilesSpec, promote } from '../common/spec-data.js';
import type { ErrorKind, ProfileSpec } from '../common/spec-data.js';
import type { ArgValue, CallArgs, ErrorType, FloatDType, ProfileName, Reduction, RunnerResult, Tensor } from '../common/types.js';

/** The operator's name as a framework spells it in messages. */
const OP = "For 'SmoothL1Loss'";

/** A call that passed validation, ready for a kernel. */
export interface NormalisedCall {
  logits: Tensor & { dtype: FloatDType };
  labels: Tensor & { dtype: FloatDType };
  /** The dtype both inputs are converted to and the output has (implicit type conversion). */
  computeDtype: FloatDType;
  /** beta as the kernel sees it: the float32 value of the Python value (float32 storage). */
  beta: number;
  reduction: Reduction;
}

export interface ValidationError {
  kind: ErrorKind;
  errorType: ErrorType;
  message: string;
}

export type Validated = { ok: true; call: NormalisedCall } | { ok: false; error: ValidationError };

/**
 * The error type an in-repo kernel raises for a kind. spec/profiles.json gives 'any' where
 * the documentation names no type (dtype-mismatch); a kernel still has to raise something,
 * and a dtype conflict is a TypeError in the frameworks this follows.
 */
function errorTypeOf(kind: ErrorKind): ErrorType {
  const t = profilesSpec().errors[kind]?.type;
  if (t === undefined) throw new Error(`spec/profiles.json: errors.${kind} is missing`);
  return t === 'any' ? 'TypeError' : t;
}

/** How Python would name the type of a call argument, for error messages. */
function pythonTypeName(v: ArgValue): string {
  switch (v.type) {
    case 'tensor':
      return 'Tensor';
    case 'float':
      return 'float';
    case 'int':
      return 'int';
    case 'bool':
      return 'bool';
    case 'str':
      return 'str';
    case 'none':
      return 'NoneType';
    case 'list':
      return 'list';
  }
}

/** A Python-like repr of an argument, for error messages (never the whole tensor). */
function pythonRepr(v: ArgValue): string {
  switch (v.type) {
    case 'tensor':
      return `Tensor(shape=[${v.tensor.shape.join(', ')}], dtype=${v.tensor.dtype})`;
    case 'float':
      return Number.isNaN(v.value) ? 'nan' : v.value === Infinity ? 'inf' : v.value === -Infinity ? '-inf' : Object.is(v.value, -0) ? '-0.0' : String(v.value);
    case 'int':
      return v.value.toString();
    case 'bool':
      return v.value ? 'True' : 'False';
    case 'str':
      return `'${v.value}'`;
    case 'none':
      return 'None';
    case 'list':
      return JSON.stringify(v.value);
  }
}

function fail(kind: ErrorKind, message: string): Validated {
  return { ok: false, error: { kind, errorType: errorTypeOf(kind), message } };
}

/**
 * beta as its float32 value (spec/smooth-l1-loss.md 4.1): a float rounds once; an int
 * rounds twice, as MindSpore's Python front end does (a Python float, a double, then the
 * kernel's float32 attribute): Number(bigint) is the nearest double (ties to even, +-inf
 * beyond binary64's range), Math.fround the nearest float32; a bool is 1 or 0.
 */
export function betaFloat32(v: ArgValue & { type: 'float' | 'int' | 'bool' }): number {
  switch (v.type) {
    case 'float':
      return Math.fround(v.value);
    case 'int':
      return Math.fround(Number(v.value));
    case 'bool':
      return v.value ? 1 : 0;
  }
}

/** Whether beta's float32 value satisfies the profile's range rule (NaN never does: a kernel tests `beta > 0`). */
function betaInRange(beta: number, p: ProfileSpec): boolean {
  switch (p.beta.rule) {
    case 'gt0':
      return beta > 0;
    case 'ge0':
      return beta >= 0;
  }
}

function sameShape(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function profileSpec(profile: ProfileName): ProfileSpec {
  const p = profilesSpec().profiles[profile];
  if (p === undefined) throw new Error(`unknown profile '${profile}' (spec/profiles.json has ${Object.keys(profilesSpec().profiles).join(', ')})`);
  return p;
}

/**
 * Check one call against a profile. Each check below is one error kind; they run in the
 * order spec/profiles.json "checkOrder" gives, so the first violated rule decides the error.
 */
export function validateCall(args: CallArgs, profile: ProfileName): Validated {
  const spec = profilesSpec();
  const p = profileSpec(profile);
  const where = p.title;
  const dtypeList = `[${p.dtypes.join(', ')}]`;

  const checks: Record<ErrorKind, () => Validated | undefined> = {
    'beta-bad-type': () => {
      const b = args.beta;
      if (b === undefined || b.type === 'float' || b.type === 'int' || b.type === 'bool') return undefined;
      return fail('beta-bad-type', `${OP}, the 'beta' must be a float, int or bool, but got ${pythonTypeName(b)} ${pythonRepr(b)}.`);
    },
    'invalid-reduction': () => {
      const r = args.reduction;
      if (r === undefined || (r.type === 'str' && (spec.reductions as string[]).includes(r.value))) return undefined;
      const list = `[${spec.reductions.map((x) => `'${x}'`).join(', ')}]`;
      return fail('invalid-reduction', `${OP}, the 'reduction' must be in ${list}, but got ${pythonRepr(r)}.`);
    },
    'input-not-tensor': () => {
      for (const [name, v] of [['logits', args.logits], ['labels', args.labels]] as const) {
        if (v.type !== 'tensor') return fail('input-not-tensor', `${OP}, the '${name}' must be a Tensor, but got ${pythonTypeName(v)}.`);
      }
      return undefined;
    },
    'unsupported-dtype': () => {
      for (const [name, v] of [['logits', args.logits], ['labels', args.labels]] as const) {
        const d = tensorOf(v).dtype;
        if (!isFloatDType(d) || !p.dtypes.includes(d)) {
          return fail('unsupported-dtype', `${OP}, the dtype of '${name}' must be in ${dtypeList} on ${where}, but got ${d}.`);
        }
      }
      // Mixed dtypes are computed in their promoted dtype, which the platform must support too.
      const a = tensorOf(args.logits).dtype as FloatDType;
      const b = tensorOf(args.labels).dtype as FloatDType;
      if (a !== b && p.mixedDtypes === 'promote' && !p.dtypes.includes(promote(a, b))) {
        return fail('unsupported-dtype', `${OP}, 'logits' (${a}) and 'labels' (${b}) are computed in ${promote(a, b)}, which is not in ${dtypeList} on ${where}.`);
      }
      return undefined;
    },
    'dtype-mismatch': () => {
      const a = tensorOf(args.logits).dtype;
      const b = tensorOf(args.labels).dtype;
      if (p.mixedDtypes === 'promote' || a === b) return undefined;
      return fail('dtype-mismatch', `${OP}, the 'logits' and 'labels' must have the same dtype on ${where}, but got ${a} and ${b}.`);
    },
    'shape-mismatch': () => {
      const a = tensorOf(args.logits).shape;
      const b = tensorOf(args.labels).shape;
      if (sameShape(a, b)) return undefined;
      return fail('shape-mismatch', `${OP}, the shape of 'logits' must be the same as the shape of 'labels', but got [${a.join(', ')}] and [${b.join(', ')}].`);
    },
    'beta-out-of-range': () => {
      const beta = betaOf(args, spec.defaults.beta);
      if (betaInRange(beta, p)) return undefined;
      const shown = args.beta === undefined ? String(beta) : `${pythonRepr(args.beta)} (float32 value ${beta})`;
      const must = p.beta.rule === 'gt0' ? 'greater than 0' : 'greater than or equal to 0';
      return fail('beta-out-of-range', `${OP}, the 'beta' must be ${must} on ${where}, but got ${shown}.`);
    },
  };

  for (const kind of spec.checkOrder) {
    const check = checks[kind];
    if (check === undefined) throw new Error(`spec/profiles.json: checkOrder names '${kind}', which runners/validation.ts does not know`);
    const r = check();
    if (r !== undefined) return r;
  }
  // Every kind in spec.errors must have been checked, or a rule would silently be skipped.
  for (const kind of Object.keys(spec.errors) as ErrorKind[]) {
    if (!spec.checkOrder.includes(kind)) throw new Error(`spec/profiles.json: error kind '${kind}' is missing from checkOrder`);
  }

  const logits = tensorOf(args.logits) as NormalisedCall['logits'];
  const labels = tensorOf(args.labels) as NormalisedCall['labels'];
  const r = args.reduction;
  return {
    ok: true,
    call: {
      logits,
      labels,
      computeDtype: promote(logits.dtype, labels.dtype),
      beta: betaOf(args, spec.defaults.beta),
      reduction: r === undefined ? spec.defaults.reduction : ((r as ArgValue & { type: 'str' }).value as Reduction),
    },
  };
}

/** Only called after input-not-tensor has passed. */
function tensorOf(v: ArgValue): Tensor {
  if (v.type !== 'tensor') throw new Error('runners/validation.ts: tensor expected after the input-not-tensor check');
  return v.tensor;
}

/** Only called after beta-bad-type has passed; an absent beta is the operator's default. */
function betaOf(args: CallArgs, dflt: number): number {
  const b = args.beta;
  if (b === undefined) return Math.fround(dflt);
  if (b.type === 'float' || b.type === 'int' || b.type === 'bool') return betaFloat32(b);
  throw new Error('runners/validation.ts: numeric beta expected after the beta-bad-type check');
}

/** A validation error as the raised error a runner reports. */
export function errorResult(e: ValidationError): RunnerResult {
  return { kind: 'error', errorType: e.errorType, message: e.message };
}
