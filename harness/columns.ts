/**
 * Case ids and report columns: the one order of case ids, and the area / dtype /
 * reduction a report groups a case under (read from its JSON inputs, nothing materialised).
 */
import type { CaseInputsJson, ValueJson } from '../common/types.js';
import { profilesSpec } from '../common/spec-data.js';

/** Code-unit order: locale independent, so every machine sorts ids the same way. */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * area = the first segment of its id (the corpus folder); dtype = the logits tensor's
 * dtype, "a+b" for two different tensor dtypes, "n/a" without tensors; reduction = the
 * reduction string when it is one of the three names, "default" when absent, else "invalid".
 */
export function caseColumns(c: { id: string; inputs: CaseInputsJson }): { area: string; dtype: string; reduction: string } {
  const slash = c.id.indexOf('/');
  const area = slash > 0 ? c.id.slice(0, slash) : 'other';
  const dt = (v: ValueJson | undefined): string | undefined => (v && v.type === 'tensor' ? v.tensor.dtype : undefined);
  const a = dt(c.inputs.logits);
  const b = dt(c.inputs.labels);
  const dtype = a && b && a !== b ? `${a}+${b}` : (a ?? b ?? 'n/a');
  const r = c.inputs.reduction;
  const reduction = r === undefined ? 'default' : r.type === 'str' && (profilesSpec().reductions as string[]).includes(r.value) ? r.value : 'invalid';
  return { area, dtype, reduction };
}
