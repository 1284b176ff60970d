/**
 * report.json: the primary report. Rendering is plain JSON.stringify of a report built
 * in a fixed key order, so identical inputs give identical bytes; parsing validates
 * against spec/report.schema.json so `report merge` and the other writers can trust it.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import * as addFormatsModule from 'ajv-formats';
import { readSpecJson } from '../common/spec-data.js';
import type { ReportJson } from '../harness/results.js';

export function renderJson(report: ReportJson): string {
  return JSON.stringify(report, null, 2) + '\n';
}

let validator: ValidateFunction | undefined;
function reportValidator(): ValidateFunction {
  if (!validator) {
    const ajv = new Ajv2020({ allErrors: true, strict: true });
    // ajv-formats is CommonJS; depending on the loader the plugin is the module or its default.
    const mod = addFormatsModule as unknown as { default: ((a: Ajv2020) => void) | { default: (a: Ajv2020) => void } };
    const plugin = typeof mod.default === 'function' ? mod.default : mod.default.default;
    plugin(ajv);
    validator = ajv.compile(readSpecJson<object>('spec/report.schema.json'));
  }
  return validator;
}

function describeError(e: ErrorObject): string {
  const where = e.instancePath === '' ? '(top level)' : e.instancePath;
  const extra = e.keyword === 'additionalProperties' ? ` '${(e.params as { additionalProperty: string }).additionalProperty}'` : '';
  return `${where} ${e.message ?? 'is invalid'}${extra}`;
}

/** Schema problems of a parsed report (empty when valid). */
export function reportProblems(json: unknown): string[] {
  const v = reportValidator();
  if (v(json)) return [];
  return (v.errors ?? []).map(describeError);
}

/** The report file is not a valid report.json. */
export class ReportFormatError extends Error {
  override name = 'ReportFormatError';
}

/** Parse and validate a report.json text; throws ReportFormatError naming the file and the field. */
export function parseReport(file: string, text: string): ReportJson {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ReportFormatError(`${file}: not valid JSON: ${(e as Error).message}`);
  }
  const problems = reportProblems(json);
  if (problems.length > 0) {
    const shown = problems.slice(0, 10);
    throw new ReportFormatError(`${file}: not a valid report.json (spec/report.schema.json):\n  ${shown.join('\n  ')}${problems.length > shown.length ? `\n  … and ${problems.length - shown.length} more` : ''}`);
  }
  return json as ReportJson;
}
