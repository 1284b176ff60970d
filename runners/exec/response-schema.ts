/**
 * Validation of response lines against spec/exec-response.schema.json (the normative
 * definition), compiled once by common/schemas.ts; the first problem found is enough.
 */
import { formatSchemaProblem, schemaErrorProblems, specValidator } from '../../common/schemas.js';
import type { WireTensor } from './wire.js';

export type WireResponse =
  | { protocol: 1 | 2; hello: { name: string; version?: string; nativeProfile?: 'cpu' | 'gpu' | 'ascend' } }
  | { seq: number; id: string; output: WireTensor }
  | { seq: number; id: string; error: { type: string; message: string } }
  | { seq: number; id: string; crash: { message: string } };

function describe(errors: Parameters<typeof schemaErrorProblems>[0]): string {
  const problems = schemaErrorProblems(errors);
  if (problems.length === 0) return 'does not match spec/exec-response.schema.json';
  // oneOf reports every branch; the most specific message is the deepest path.
  const best = [...problems].sort((a, b) => b.pointer.length - a.pointer.length)[0];
  return formatSchemaProblem(best);
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
  const f = specValidator('spec/exec-response.schema.json', { allErrors: false });
  if (!f(v)) return { ok: false, reason: `not a valid response: ${describe(f.errors)}` };
  return { ok: true, value: v as WireResponse };
}
