/**
 * Turns the JSON form of a case's inputs into the call's arguments (CallArgs): tensors
 * from bit patterns or generators, floats from their strings, ints as BigInt.
 */
import { numel, tensorFromHex } from '../../common/tensor.js';
import { generateElements } from '../../common/prng.js';
import { scalarFromJson } from '../../common/scalar-json.js';
import { isFloatDType } from '../../common/spec-data.js';
import type { ArgValue, CallArgs, CaseInputsJson, LoadedCase, Tensor, TensorJson, ValueJson } from '../../common/types.js';

/**
 * Generated tensors by generator and shape. A 1M-element case is checked under several
 * profiles and tolerance levels; generating it once per process keeps runs fast. The cache
 * is bounded so a long run over many large cases does not hold them all.
 */
const generated = new Map<string, Tensor>();
let cachedBytes = 0;
const CACHE_LIMIT_BYTES = 256 * 1024 * 1024;

function generatedTensor(t: TensorJson): Tensor {
  const g = t.generate!;
  if (!isFloatDType(t.dtype)) throw new RangeError(`generators produce float dtypes only, got ${t.dtype}`);
  const key = JSON.stringify([t.dtype, t.shape, g.prng, g.seed, g.distribution, g.a ?? null, g.b ?? null]);
  const hit = generated.get(key);
  if (hit) return hit;
  const n = numel(t.shape);
  const tensor: Tensor = { dtype: t.dtype, shape: [...t.shape], data: generateElements(g, t.dtype, n) };
  if (cachedBytes + tensor.data.byteLength > CACHE_LIMIT_BYTES) {
    generated.clear();
    cachedBytes = 0;
  }
  generated.set(key, tensor);
  cachedBytes += tensor.data.byteLength;
  return tensor;
}

/**
 * A tensor argument. Generated tensors are shared between calls (cached), so callers must
 * treat tensors as read-only; a runner that mutates its inputs is at fault.
 */
export function materializeTensor(t: TensorJson): Tensor {
  if (t.generate) return generatedTensor(t);
  if (!t.bits) throw new RangeError(`tensor of dtype ${t.dtype} has neither 'bits' nor 'generate'`);
  return tensorFromHex(t.dtype, t.shape, t.bits);
}

export function materializeValue(v: ValueJson): ArgValue {
  return v.type === 'tensor' ? { type: 'tensor', tensor: materializeTensor(v.tensor) } : scalarFromJson(v);
}

/** The call's arguments; an absent beta or reduction stays absent (the operator's default applies). */
export function materialize(c: LoadedCase | CaseInputsJson): CallArgs {
  const inputs: CaseInputsJson = 'inputs' in c ? c.inputs : c;
  const args: CallArgs = { logits: materializeValue(inputs.logits), labels: materializeValue(inputs.labels) };
  if (inputs.beta !== undefined) args.beta = materializeValue(inputs.beta);
  if (inputs.reduction !== undefined) args.reduction = materializeValue(inputs.reduction);
  return args;
}

/** Drops cached generated tensors (tests; long-running processes between corpora). */
export function clearGeneratedCache(): void {
  generated.clear();
  cachedBytes = 0;
}
