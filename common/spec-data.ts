/**
 * Reads the normative data files under spec/. These JSON files are the single source
 * of dtype tables, profile rules, error types and tolerance levels: code reads them
 * here instead of copying their contents.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject } from 'ajv';
import type { BetaSource, DType, FloatDType, ProfileName, ToleranceLevel } from './types.js';

let root: string | undefined;

/** The package root (the folder holding package.json), found from this module's location so it works from sources and from dist/. */
export function packageRoot(): string {
  if (root !== undefined) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && JSON.parse(readFileSync(pkg, 'utf8')).name === 'smoothl1-conformance') {
      root = dir;
      return dir;
    }
    const up = dirname(dir);
    if (up === dir) throw new Error('smoothl1-conformance: cannot find the package root (package.json) above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
}

/**
 * The spec data files that have a schema of their own: each is validated once, when it is
 * first read, so a malformed file fails at load with the file, the JSON pointer and what
 * was expected, instead of as a stack trace wherever a field is first used.
 */
const DATA_SCHEMAS: Record<string, string> = {
  'spec/dtypes.json': 'spec/dtypes.schema.json',
  'spec/profiles.json': 'spec/profiles.schema.json',
  'spec/tolerances.json': 'spec/tolerances.schema.json',
  'spec/tags.json': 'spec/tags.schema.json',
};

/** A spec data file does not match its schema (or cannot be read). */
export class SpecDataError extends Error {
  override name = 'SpecDataError';
}

function describeSchemaError(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  const at = e.instancePath === '' ? '(top level)' : e.instancePath;
  if (e.keyword === 'required') return `${at}: missing required property '${p.missingProperty}'`;
  if (e.keyword === 'additionalProperties') return `${at}: unexpected property '${p.additionalProperty}'`;
  if (e.keyword === 'enum') return `${at}: expected one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}, got ${JSON.stringify(e.data)}`;
  return `${at}: ${e.message ?? e.keyword}${e.data !== undefined && typeof e.data !== 'object' ? `, got ${JSON.stringify(e.data)}` : ''}`;
}

export function validateSpecData(relPath: string, doc: unknown): void {
  const schemaPath = DATA_SCHEMAS[relPath];
  if (schemaPath === undefined) return;
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, verbose: true });
  const validate = ajv.compile(readSpecJson<object>(schemaPath));
  if (validate(doc)) return;
  const problems = (validate.errors ?? []).map(describeSchemaError);
  throw new SpecDataError(`${relPath} does not match ${schemaPath}:\n  ${[...new Set(problems)].join('\n  ')}`);
}

const cache = new Map<string, unknown>();
/** Parse a JSON file below the package root once (and validate it, for the spec data files with a schema). */
export function readSpecJson<T>(relPath: string): T {
  let v = cache.get(relPath);
  if (v === undefined) {
    const file = join(packageRoot(), relPath);
    try {
      v = JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      throw new SpecDataError(`${file}: cannot read spec data: ${(e as Error).message}`);
    }
    validateSpecData(relPath, v);
    cache.set(relPath, v);
  }
  return v as T;
}

export interface FloatDTypeInfo { bits: number; exponentBits: number; fractionBits: number; storage: 'uint16' | 'float32' | 'float64'; note?: string }
export interface OtherDTypeInfo { bits: number; kind: 'int' | 'uint' | 'bool' | 'complex'; storage: 'int32' | 'bigint64' | 'uint8' | 'float32'; note?: string }
export interface DTypesSpec {
  float: Record<FloatDType, FloatDTypeInfo>;
  other: Record<Exclude<DType, FloatDType>, OtherDTypeInfo>;
  promotion: { pairs: { a: FloatDType; b: FloatDType; result: FloatDType }[] };
}
export function dtypesSpec(): DTypesSpec {
  return readSpecJson<DTypesSpec>('spec/dtypes.json');
}
export function isFloatDType(d: string): d is FloatDType {
  return Object.prototype.hasOwnProperty.call(dtypesSpec().float, d);
}
export function isKnownDType(d: string): d is DType {
  return isFloatDType(d) || Object.prototype.hasOwnProperty.call(dtypesSpec().other, d);
}
/** The implicit-conversion result of two float dtypes (same dtype -> itself). */
export function promote(a: FloatDType, b: FloatDType): FloatDType {
  if (a === b) return a;
  const p = dtypesSpec().promotion.pairs.find((q) => (q.a === a && q.b === b) || (q.a === b && q.b === a));
  if (!p) throw new Error(`spec/dtypes.json: no promotion rule for ${a} and ${b}`);
  return p.result;
}

export type ErrorKind = 'input-not-tensor' | 'unsupported-dtype' | 'shape-mismatch' | 'invalid-reduction' | 'beta-bad-type' | 'beta-out-of-range' | 'dtype-mismatch';
export interface ProfileSpec {
  title: string;
  dtypes: FloatDType[];
  beta: { rule: 'gt0' | 'ge0'; doc: string };
  mixedDtypes: 'promote' | 'error';
}
export interface ProfilesSpec {
  defaults: { beta: number; reduction: 'none' | 'mean' | 'sum' };
  reductions: ('none' | 'mean' | 'sum')[];
  betaStorage: FloatDType;
  errors: Record<ErrorKind, { type: 'TypeError' | 'ValueError' | 'RuntimeError' | 'any'; doc: string }>;
  checkOrder: ErrorKind[];
  profiles: Record<ProfileName, ProfileSpec>;
}
export function profilesSpec(): ProfilesSpec {
  return readSpecJson<ProfilesSpec>('spec/profiles.json');
}
export function profileNames(): ProfileName[] {
  return Object.keys(profilesSpec().profiles) as ProfileName[];
}

/** How sums may be formed: a balanced tree, trees of bounded height, or any order (spec/fp-primer.md "Summation trees"). */
export type SummationModel = 'pairwise' | 'bounded-height' | 'any-order';
export interface ToleranceSpec {
  doc: string;
  elementwise: Record<FloatDType, FloatDType>;
  /** The values of beta an implementation may use (spec/smooth-l1-loss.md 4.1): its float32 value, its value as given. */
  betaValues: BetaSource[];
  betaRoundedToWorking: boolean;
  elementRoundedToOutputBeforeReduction: boolean;
  accumulation: Record<FloatDType, FloatDType>;
  /** The summation trees a level admits per output dtype (spec/fp-primer.md "Summation trees"); their heights live in oracle/reduction.ts summationDepth. */
  summation: Record<FloatDType, SummationModel>;
  flushSubnormals: boolean;
}
export interface TolerancesSpec { default: ToleranceLevel; levels: Record<ToleranceLevel, ToleranceSpec> }
export function tolerancesSpec(): TolerancesSpec {
  return readSpecJson<TolerancesSpec>('spec/tolerances.json');
}
/** The names of the tolerance levels, in file order. */
export function toleranceLevels(): ToleranceLevel[] {
  return Object.keys(tolerancesSpec().levels) as ToleranceLevel[];
}
/** Whether a string names a tolerance level (own keys only: 'constructor' is not a level). */
export function isToleranceLevel(s: string): s is ToleranceLevel {
  return Object.prototype.hasOwnProperty.call(tolerancesSpec().levels, s);
}
/** One level of spec/tolerances.json; throws naming the known levels for an unknown name. */
export function toleranceSpec(level: string): ToleranceSpec {
  if (!isToleranceLevel(level)) throw new SpecDataError(`unknown tolerance level '${level}' (spec/tolerances.json has ${toleranceLevels().join(', ')})`);
  return tolerancesSpec().levels[level];
}
