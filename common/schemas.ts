/**
 * The spec's JSON Schemas (spec/*.schema.json), compiled once each with ajv's draft
 * 2020-12 build, and the one wording of their errors. Every reader of a spec format
 * validates through here: case files (harness/cases/validate.ts), expectations files
 * (harness/expectations.ts), reports (reports/json.ts) and exec-protocol responses
 * (runners/exec/response-schema.ts), so a problem reads the same whichever file has it:
 * a JSON pointer and what was expected there ("missing required property 'reason'",
 * "expected one of \"none\", \"mean\", \"sum\", got \"avg\"").
 *
 * Options are the same for every schema: strict (an unknown keyword in a schema is an
 * error), with the standard formats (ajv-formats: report.json's date-time), and
 * strictTypes/strictRequired off because if/then branches legitimately name properties
 * and keywords without repeating "type".
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import * as addFormatsModule from 'ajv-formats';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot, readSpecJson } from './spec-data.js';

/** One schema problem: where (a JSON pointer; '' is the whole document) and what was expected. */
export interface SchemaProblem {
  pointer: string;
  message: string;
}

const compiled = new Map<string, ValidateFunction>();

function newAjv(allErrors: boolean): Ajv2020 {
  const ajv = new Ajv2020({ allErrors, strict: true, strictTypes: false, strictRequired: false, verbose: true });
  // ajv-formats is CommonJS; depending on the loader the plugin is the module or its default.
  const mod = addFormatsModule as unknown as { default: ((a: Ajv2020) => void) | { default: (a: Ajv2020) => void } };
  const plugin = typeof mod.default === 'function' ? mod.default : mod.default.default;
  plugin(ajv);
  return ajv;
}

/**
 * The compiled validator of a spec schema (a path under the package, e.g.
 * 'spec/case.schema.json'). `allErrors: false` stops at the first problem, for hot paths
 * where only validity matters (one exec response per call).
 */
export function specValidator(schemaFile: string, o: { allErrors?: boolean } = {}): ValidateFunction {
  const allErrors = o.allErrors ?? true;
  const key = `${schemaFile}\u0000${allErrors}`;
  let v = compiled.get(key);
  if (!v) {
    const ajv = newAjv(allErrors);
    // A schema may refer to another one of the spec's (result.schema.json to report.schema.json).
    for (const other of readdirSync(join(packageRoot(), 'spec'))) {
      if (other.endsWith('.schema.json') && `spec/${other}` !== schemaFile) ajv.addSchema(readSpecJson<object>(`spec/${other}`));
    }
    v = ajv.compile(readSpecJson<object>(schemaFile));
    compiled.set(key, v);
  }
  return v;
}

/** An ajv error as "what was expected" wording. */
export function describeSchemaError(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return `missing required property '${p.missingProperty}'`;
    case 'additionalProperties':
    case 'unevaluatedProperties':
      return `unexpected property '${p.additionalProperty ?? p.unevaluatedProperty}'`;
    case 'enum':
      return `expected one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}, got ${JSON.stringify(e.data)}`;
    case 'const':
      return `expected ${JSON.stringify(p.allowedValue)}, got ${JSON.stringify(e.data)}`;
    case 'type':
      return `expected ${p.type}, got ${Array.isArray(e.data) ? 'array' : e.data === null ? 'null' : typeof e.data}`;
    case 'pattern':
      return `expected a string matching /${p.pattern}/, got ${JSON.stringify(e.data)}`;
    case 'oneOf': {
      const alts = ((e.schema as { required?: string[] }[]) ?? []).map((s) => (s.required ? `'${s.required.join("', '")}'` : null));
      if (alts.length > 0 && alts.every((a) => a !== null)) return `expected exactly one of ${alts.join(', ')}`;
      return e.message ?? 'must match exactly one alternative';
    }
    case 'dependentRequired':
      return `property '${p.property}' needs '${p.missingProperty}'`;
    default:
      return `${e.message ?? e.keyword}${e.data !== undefined && typeof e.data !== 'object' ? `, got ${JSON.stringify(e.data)}` : ''}`;
  }
}

/** The problems ajv found, in its order, without repeats ('if' errors only say that their 'then' failed, which is reported itself). */
export function schemaErrorProblems(errors: readonly ErrorObject[] | null | undefined): SchemaProblem[] {
  const out: SchemaProblem[] = [];
  const seen = new Set<string>();
  for (const e of errors ?? []) {
    if (e.keyword === 'if') continue;
    const message = describeSchemaError(e);
    const key = e.instancePath + '\u0000' + message;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ pointer: e.instancePath, message });
  }
  return out;
}

/** Validates `doc` against a spec schema; the problems, or [] when it is valid. */
export function schemaProblems(schemaFile: string, doc: unknown): SchemaProblem[] {
  const v = specValidator(schemaFile);
  return v(doc) ? [] : schemaErrorProblems(v.errors);
}

/** "<pointer>: <message>", as case problems are written (harness/cases/errors.ts): '(document)' for the whole document. */
export function formatSchemaProblem(p: SchemaProblem): string {
  return `${p.pointer === '' ? '(document)' : p.pointer}: ${p.message}`;
}
