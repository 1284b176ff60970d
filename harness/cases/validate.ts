/**
 * Validation of one parsed case document: the JSON Schema (spec/case.schema.json, through
 * common/schemas.ts) and then the checks a schema cannot express. All problems
 * are collected, not just the first, so one `cases validate` run lists everything.
 */
import { isFloatDType, readSpecJson } from '../../common/spec-data.js';
import { ARG_NAMES } from '../../common/operator.js';
import { generatorProblems } from '../../common/prng.js';
import { schemaProblems as specSchemaProblems } from '../../common/schemas.js';
import { numel } from '../../common/tensor.js';
import type { CaseJson, OutcomeJson, OutputExpectationJson, TensorJson, ValueJson } from '../../common/types.js';
import { pointerJoin, type CaseProblem } from './errors.js';

/**
 * Largest element count a tensor of a case may declare: 2^30 (1,073,741,824), stated in
 * spec/smooth-l1-loss.md section 10 and spec/case.schema.json. A run holds the inputs,
 * the implementation's copy of them and its output, about 20 bytes per float32 element
 * (the oracle stores nothing per element), so 2^30 float32 elements need about 21 GiB;
 * beyond that a typo in a shape would only exhaust memory.
 */
export const MAX_CASE_ELEMENTS = 2 ** 30;

interface TagsSpec { tags: Record<string, string> }
export function registeredTags(): Record<string, string> {
  return readSpecJson<TagsSpec>('spec/tags.json').tags;
}

function schemaProblems(file: string, doc: unknown): CaseProblem[] {
  return specSchemaProblems('spec/case.schema.json', doc).map((p) => ({ file, ...p }));
}

/** Elements of a declared shape (common/tensor.ts numel); a count past 2^53 is Infinity, over any limit. */
function product(shape: number[]): number {
  try {
    return numel(shape);
  } catch {
    return Infinity;
  }
}

function checkTensor(file: string, ptr: string, t: TensorJson, out: CaseProblem[]): void {
  const n = product(t.shape);
  if (n > MAX_CASE_ELEMENTS) out.push({ file, pointer: pointerJoin(ptr, 'shape'), message: `shape ${JSON.stringify(t.shape)} has ${n} elements; a tensor may have at most 2^30 = ${MAX_CASE_ELEMENTS} (spec/smooth-l1-loss.md section 10)` });
  if (t.bits && t.bits.length !== n) out.push({ file, pointer: pointerJoin(ptr, 'bits'), message: `expected ${n} bit patterns (the number of elements of shape ${JSON.stringify(t.shape)}), got ${t.bits.length}` });
  if (t.decimal) {
    if (!t.bits) out.push({ file, pointer: pointerJoin(ptr, 'decimal'), message: "'decimal' is only allowed beside 'bits'" });
    else if (t.decimal.length !== t.bits.length) out.push({ file, pointer: pointerJoin(ptr, 'decimal'), message: `expected ${t.bits.length} decimals (one per bit pattern), got ${t.decimal.length}` });
  }
  if (t.generate) {
    if (!isFloatDType(t.dtype)) out.push({ file, pointer: pointerJoin(ptr, 'generate'), message: `generators produce float dtypes only; dtype is ${t.dtype}` });
    for (const m of generatorProblems(t.generate)) out.push({ file, pointer: pointerJoin(ptr, 'generate'), message: m });
  }
}

function checkValue(file: string, ptr: string, v: ValueJson, out: CaseProblem[]): void {
  if (v.type === 'tensor') checkTensor(file, pointerJoin(ptr, 'tensor'), v.tensor, out);
}

function inputsGenerated(c: CaseJson): boolean {
  return [c.inputs.logits, c.inputs.labels].some((v) => v.type === 'tensor' && v.tensor.generate !== undefined);
}

function checkOutcome(file: string, ptr: string, o: OutcomeJson, generated: boolean, out: CaseProblem[]): void {
  if ('output' in o) {
    const e: OutputExpectationJson = o.output;
    const p = pointerJoin(ptr, 'output');
    const n = product(e.shape);
    if (e.bits && e.bits.length !== n) out.push({ file, pointer: pointerJoin(p, 'bits'), message: `expected ${n} bit patterns (the number of elements of shape ${JSON.stringify(e.shape)}), got ${e.bits.length}` });
    if (e.decimal && (!e.bits || e.decimal.length !== e.bits.length)) out.push({ file, pointer: pointerJoin(p, 'decimal'), message: `expected one decimal per bit pattern (${e.bits?.length ?? 0}), got ${e.decimal.length}` });
    if (!e.bits && !generated) out.push({ file, pointer: p, message: "expected 'bits': only cases with generated inputs may leave the expected values to the oracle" });
  } else if ('anyOf' in o) o.anyOf.forEach((a, i) => checkOutcome(file, pointerJoin(pointerJoin(ptr, 'anyOf'), i), a, generated, out));
}

/**
 * All problems of one parsed case document (empty = valid). `file` only labels the
 * problems. Semantic checks run only when the schema accepts the document, since they
 * rely on its shape.
 */
export function caseProblems(file: string, doc: unknown): CaseProblem[] {
  const out = schemaProblems(file, doc);
  const tags = registeredTags();
  const checkTags = (list: unknown[]) =>
    list.forEach((t, i) => {
      if (typeof t === 'string' && !Object.prototype.hasOwnProperty.call(tags, t)) out.push({ file, pointer: `/tags/${i}`, message: `tag '${t}' is not registered in spec/tags.json` });
    });
  if (out.length) {
    // The other semantic checks rely on the document's shape; the tag check does not, so
    // an unregistered tag is reported together with the schema problems.
    const t = (doc as { tags?: unknown } | null)?.tags;
    if (Array.isArray(t)) checkTags(t);
    return out;
  }
  const c = doc as CaseJson;
  checkTags(c.tags);
  for (const k of ARG_NAMES) {
    const v = c.inputs[k];
    if (v) checkValue(file, `/inputs/${k}`, v, out);
  }
  const listed = new Set(c.profiles);
  for (const p of c.profiles) if (!(p in c.expected)) out.push({ file, pointer: '/expected', message: `missing the expected outcome for listed profile '${p}'` });
  const generated = inputsGenerated(c);
  for (const [p, o] of Object.entries(c.expected)) {
    if (!listed.has(p as never)) out.push({ file, pointer: `/expected/${p}`, message: `profile '${p}' is not in 'profiles' (${c.profiles.join(', ')})` });
    else checkOutcome(file, `/expected/${p}`, o as OutcomeJson, generated, out);
  }
  return out;
}
