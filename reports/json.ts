/**
 * report.json: the primary report. Rendering is plain JSON.stringify of a report built
 * in a fixed key order, so identical inputs give identical bytes; parsing validates
 * against spec/report.schema.json (common/schemas.ts) so `report merge` and the other
 * writers can trust it.
 */
import { formatSchemaProblem, schemaProblems } from '../common/schemas.js';
import type { ReportJson } from '../harness/results.js';

export function renderJson(report: ReportJson): string {
  return JSON.stringify(report, null, 2) + '\n';
}

/** Schema problems of a parsed report (empty when valid), each "<pointer>: <what was expected>". */
export function reportProblems(json: unknown): string[] {
  return schemaProblems('spec/report.schema.json', json).map(formatSchemaProblem);
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
