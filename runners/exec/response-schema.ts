/**
 * Validation of response lines against spec/exec-response.schema.json (the normative
 * definition), compiled once with ajv.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import { readSpecJson } from '../../common/spec-data.js';
import type { WireTensor } from './wire.js';

export type WireResponse =
  | { protocol: 1 | 2; hello: { name: string; version?: string; nativeProfile?: 'cpu' | 'gpu' | 'ascend' } }
  | { seq: number; id: string; output: WireTensor }
  | { seq: number; id: string; error: { type: string; message: string } }
  | { seq: number; id: string; crash: { message: string } };

let validate: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (!validate) {
    const ajv = new Ajv2020({ allErrors: false, strict: true });
    validate = ajv.compile(readSpecJson<object>('spec/exec-response.schema.json'));
  }
  return validate as ValidateFunction;
}

function describe(errors: ErrorObject[] | null | undefined): string {
  if (!errors || errors.length === 0) return 'does not match spec/exec-response.schema.json';
  // oneOf reports every branch; the most specific message is the deepest path.
  const best = [...errors].sort((a, b) => b.instancePath.length - a.instancePath.length)[0];
  return `${best.instancePath || '(top level)'} ${best.message ?? 'is invalid'}`;
}

/** Parses and validates one stdout line; returns the response or a reason it is not one. */
export function parseResponseLine(line: string): { ok: true; value: WireResponse } | { ok: false; reason: string } {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return { ok: false, reason: 'not a JSON object' };
  const f = validator();
  if (!f(v)) return { ok: false, reason: `not a valid response: ${describe(f.errors)}` };
  return { ok: true, value: v as WireResponse };
}
