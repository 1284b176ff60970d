/**
 * Reads the normative data files under spec/. These JSON files are the single source
 * of dtype tables, profile rules, error types and tolerance levels: code reads them
 * here instead of copying their contents.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DType, FloatDType, ProfileName, ToleranceLevel } from './types.js';

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

const cache = new Map<string, unknown>();
/** Parse a JSON file below the package root once. */
export function readSpecJson<T>(relPath: string): T {
  let v = cache.get(relPath);
  if (v === undefined) {
    const file = join(packageRoot(), relPath);
    try {
      v = JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      throw new Error(`${file}: cannot read spec data: ${(e as Error).message}`);
    }
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

export interface ToleranceSpec {
  doc: string;
  elementwise: Record<FloatDType, FloatDType>;
  betaRoundedToWorking: boolean;
  elementRoundedToOutputBeforeReduction: boolean;
  accumulation: Record<FloatDType, FloatDType>;
  summation: 'pairwise' | 'any-order';
  flushSubnormals: boolean;
}
export interface TolerancesSpec { default: ToleranceLevel; levels: Record<ToleranceLevel, ToleranceSpec> }
export function tolerancesSpec(): TolerancesSpec {
  return readSpecJson<TolerancesSpec>('spec/tolerances.json');
}
