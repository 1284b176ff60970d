/**
 * The conformance pack's file format (spec/pack.md, schemas spec/pack-manifest.schema.json
 * and spec/pack-case.schema.json): the JSON types of manifest.json and of a case file, and
 * where each file lives. Every path is relative to the pack's root folder.
 */
import type { ScalarJson } from '../common/scalar-json.js';
import type { DType, ErrorType, FloatDType, ProfileName, ToleranceLevel } from '../common/types.js';

export const PACK_FORMAT = 'smoothl1-pack/2';

/** The normative text, copied into every pack as its README.md. */
export const PACK_README_SOURCE = 'spec/pack.md';
/** Schemas copied into every pack: source below the package root -> path in the pack. */
export const PACK_SCHEMAS: readonly { source: string; path: string }[] = [
  { source: 'spec/pack-manifest.schema.json', path: 'schema/manifest.schema.json' },
  { source: 'spec/pack-case.schema.json', path: 'schema/case.schema.json' },
];

export interface PackDTypeJson {
  bytes: number;
  exponentBits?: number;
  fractionBits?: number;
}

export interface PackManifestJson {
  format: typeof PACK_FORMAT;
  suite: { name: string; version: string };
  corpusHash: string;
  profiles: ProfileName[];
  levels: ToleranceLevel[];
  defaultLevel: ToleranceLevel;
  dtypes: Partial<Record<DType, PackDTypeJson>>;
  cases: string[];
  files: number;
  bytes: number;
  contentSha256: string;
}

/** A tensor (its bytes in a file of the pack), or any other argument in the JSON form case files and the exec protocol use too (common/scalar-json.ts). */
export type PackValueJson = { type: 'tensor'; dtype: DType; shape: number[]; data: string } | ScalarJson;

export interface PackOutputJson {
  dtype: FloatDType;
  shape: number[];
  /** File of the correctly rounded exact result, as output-dtype bit patterns. */
  expected: string;
  /** Per level: files of the accepted closed interval's ends, as output-dtype bit patterns. */
  intervals: Partial<Record<ToleranceLevel, PackIntervalsJson>>;
}

/**
 * One level's accepted set per element: the interval [lo, hi], and where the level's
 * discrete alternatives give several disjoint intervals, further ones (`more`): entry k is
 * the interval [lo[k], hi[k]] of element index[k] (int64 element indices, ascending; lo/hi
 * output-dtype bit patterns). An element's accepted set is the union of its intervals.
 */
export interface PackIntervalsJson {
  lo: string;
  hi: string;
  more?: { count: number; index: string; lo: string; hi: string };
}

export type PackOutcomeJson =
  | { output: PackOutputJson; note?: string }
  | { error: ErrorType | 'any'; kind?: string; note?: string }
  | { anyOf: PackOutcomeJson[]; note?: string };

export interface PackCaseJson {
  id: string;
  title: string;
  description?: string;
  tags: string[];
  args: { logits: PackValueJson; labels: PackValueJson; beta?: PackValueJson; reduction?: PackValueJson };
  expected: Partial<Record<ProfileName, PackOutcomeJson>>;
}

/** cases/<id>.json */
export function caseFilePath(id: string): string {
  return `cases/${id}.json`;
}

/** cases/<id>/<name>.bin: a tensor argument ('logits', 'labels') or a value file ('float32.expected', 'float32.standard.lo'). */
export function dataFilePath(id: string, name: string): string {
  return `cases/${id}/${name}.bin`;
}

/**
 * JSON with two-space indentation where arrays of numbers, strings and booleans stay on one
 * line (shapes, tags, lists), so case files read like the corpus's. Deterministic: keys in
 * insertion order, JSON.stringify's number and string forms.
 */
export function packJson(value: unknown): string {
  const out = (v: unknown, indent: string): string => {
    if (v === null || typeof v !== 'object') return JSON.stringify(v);
    const inner = indent + '  ';
    if (Array.isArray(v)) {
      if (v.length === 0) return '[]';
      if (v.every((x) => x === null || typeof x !== 'object')) return `[${v.map((x) => JSON.stringify(x)).join(', ')}]`;
      return `[\n${v.map((x) => inner + out(x, inner)).join(',\n')}\n${indent}]`;
    }
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
    if (entries.length === 0) return '{}';
    return `{\n${entries.map(([k, x]) => `${inner}${JSON.stringify(k)}: ${out(x, inner)}`).join(',\n')}\n${indent}}`;
  };
  return out(value, '') + '\n';
}
