/**
 * Turns a template's case description into the case JSON: the expected outcome per
 * profile comes from the oracle (expectOutcome), and tags that follow from the inputs or
 * the outcomes (dtypes, reduction, errors, special values, shapes) are added here so they
 * are always right.
 */
import { expectOutcome } from '../../oracle/index.js';
import { materialize } from '../../harness/cases/materialize.js';
import { floatFormat } from '../../common/float-format.js';
import { isFloatDType, profileNames } from '../../common/spec-data.js';
import { numel } from '../../common/tensor.js';
import type { CaseInputsJson, CaseJson, FloatDType, OutcomeJson, ProfileName, TensorJson, ValueJson } from '../../common/types.js';
import { decimalOf } from './tensors.js';

export interface CaseSpec {
  /** Path below cases/ without .json, e.g. 'beta/nan-float32'. */
  id: string;
  title: string;
  /** What the case checks and what a wrong implementation would do. */
  description: string;
  tags: string[];
  inputs: CaseInputsJson;
  /** Default: every profile. */
  profiles?: ProfileName[];
}

export interface BuiltCase {
  id: string;
  json: CaseJson;
}

function tensorsOf(inputs: CaseInputsJson): TensorJson[] {
  return [inputs.logits, inputs.labels].filter((v): v is Extract<ValueJson, { type: 'tensor' }> => v.type === 'tensor').map((v) => v.tensor);
}

/** Normalises an oracle outcome: stable key order, decimals beside bits, bits dropped for generated inputs. */
function normalise(o: OutcomeJson, keepBits: boolean): OutcomeJson {
  if ('output' in o) {
    const { dtype, shape, bits } = o.output;
    const out: OutcomeJson = { output: { dtype, shape: [...shape] } };
    if (keepBits && bits) {
      out.output.bits = [...bits];
      const f = floatFormat(dtype);
      out.output.decimal = bits.map((h) => decimalOf(dtype, f.fromHex(h)));
    }
    if (o.note !== undefined) out.note = o.note;
    return out;
  }
  if ('error' in o) {
    const out: OutcomeJson = { error: o.error };
    if (o.kind !== undefined) out.kind = o.kind;
    if (o.note !== undefined) out.note = o.note;
    return out;
  }
  const out: OutcomeJson = { anyOf: o.anyOf.map((a) => normalise(a, keepBits)) };
  if (o.note !== undefined) out.note = o.note;
  return out;
}

function errorKinds(o: OutcomeJson, into: Set<string>): void {
  if ('error' in o && o.kind) into.add(o.kind);
  if ('anyOf' in o) for (const a of o.anyOf) errorKinds(a, into);
}

/** Tags implied by the inputs' element values (stored bit patterns only). */
function valueTags(inputs: CaseInputsJson, tags: Set<string>): void {
  const decoded: { dtype: FloatDType; vals: number[] }[] = [];
  for (const t of tensorsOf(inputs)) {
    if (!t.bits || !isFloatDType(t.dtype)) continue;
    const f = floatFormat(t.dtype);
    const vals = t.bits.map((h) => f.decode(f.fromHex(h)));
    decoded.push({ dtype: t.dtype, vals });
    for (const v of vals) {
      if (Number.isNaN(v)) tags.add('value:nan');
      else if (!Number.isFinite(v)) tags.add('value:inf');
      else if (Object.is(v, -0)) tags.add('value:negative-zero');
      else if (v !== 0 && Math.abs(v) < f.minNormal) tags.add('value:subnormal');
    }
  }
  if (decoded.length === 2 && decoded[0].vals.length === decoded[1].vals.length) {
    const [x, y] = decoded;
    if (x.vals.some((v, i) => !Number.isFinite(v) && !Number.isNaN(v) && v === y.vals[i])) tags.add('value:inf-minus-inf');
  }
}

export function buildCase(spec: CaseSpec): BuiltCase {
  const profiles = spec.profiles ?? profileNames();
  const tensors = tensorsOf(spec.inputs);
  const isGenerated = tensors.some((t) => t.generate !== undefined);
  const args = materialize(spec.inputs);
  const expected: Partial<Record<ProfileName, OutcomeJson>> = {};
  for (const p of profiles) expected[p] = normalise(expectOutcome(args, p, { withBits: !isGenerated }), !isGenerated);

  const tags = new Set(spec.tags);
  for (const t of tensors) {
    tags.add(`dtype:${t.dtype}`);
    if (t.shape.length === 0) tags.add('shape:0-d');
    if (t.shape.length >= 2) tags.add('shape:high-rank');
    if (t.shape.includes(1)) tags.add('shape:size-1');
    if (numel(t.shape) === 0) tags.add('shape:empty');
  }
  if (isGenerated) tags.add('generated');
  const r = spec.inputs.reduction;
  if (r === undefined) tags.add('reduction:default');
  else if (r.type === 'str' && (r.value === 'none' || r.value === 'mean' || r.value === 'sum')) tags.add(`reduction:${r.value}`);
  else tags.add('reduction:invalid');
  if (spec.inputs.beta === undefined) tags.add('beta:default');
  valueTags(spec.inputs, tags);
  const kinds = new Set<string>();
  for (const o of Object.values(expected)) errorKinds(o as OutcomeJson, kinds);
  for (const k of kinds) tags.add(`error:${k}`);
  if (kinds.size) tags.add('area:errors');
  // Notes may word the same rule per profile; only the outcomes themselves count here.
  const distinct = new Set(Object.values(expected).map((o) => JSON.stringify(o, (k, v) => (k === 'note' ? undefined : v))));
  if (distinct.size > 1) tags.add('profile-divergence');

  const depth = spec.id.split('/').length;
  const json: CaseJson = {
    $schema: '../'.repeat(depth) + 'spec/case.schema.json',
    title: spec.title,
    description: spec.description,
    tags: [...tags].sort(),
    profiles,
    inputs: orderInputs(spec.inputs),
    expected,
  };
  return { id: spec.id, json };
}

function orderInputs(i: CaseInputsJson): CaseInputsJson {
  const out: CaseInputsJson = { logits: i.logits, labels: i.labels };
  if (i.beta !== undefined) out.beta = i.beta;
  if (i.reduction !== undefined) out.reduction = i.reduction;
  return out;
}
