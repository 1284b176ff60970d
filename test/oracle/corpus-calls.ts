/**
 * The calls of the corpus whose outcome includes an output, with each output dtype once:
 * what the oracle computes for the corpus (used by the equality proofs).
 */
import type { CallArgs, FloatDType, LoadedCase, OutcomeJson } from '../../common/types.js';

function outputDtypes(o: OutcomeJson, into: Set<FloatDType>): void {
  if ('output' in o) into.add(o.output.dtype);
  else if ('anyOf' in o) for (const a of o.anyOf) outputDtypes(a, into);
}

function elementsOf(c: LoadedCase): number {
  const t = c.inputs.logits;
  return t.type === 'tensor' ? t.tensor.shape.reduce((a, b) => a * b, 1) : 0;
}

export function* corpusCalls(corpus: LoadedCase[], materialize: (c: LoadedCase) => CallArgs, maxElements = Infinity): Generator<{ id: string; args: CallArgs; dtype: FloatDType }> {
  for (const c of corpus) {
    if (elementsOf(c) > maxElements) continue;
    const dtypes = new Set<FloatDType>();
    for (const o of Object.values(c.expected)) if (o) outputDtypes(o, dtypes);
    if (dtypes.size === 0) continue;
    const args = materialize(c);
    for (const dtype of dtypes) yield { id: c.id, args, dtype };
  }
}
