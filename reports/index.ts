/**
 * All report formats, rendered in memory from report.json and then written as one set
 * (reports/atomic-write.ts), so a run that fails while rendering or writing leaves the
 * previous set in place, and a finished one leaves only its own files.
 */
import type { ReportJson } from '../harness/results.js';
import { checkReportDir, registerReportName, writeReportFiles } from './atomic-write.js';
import type { RenderedFile } from './atomic-write.js';
import { renderHtml } from './html.js';
import { renderJson } from './json.js';
import { renderJunit } from './junit.js';
import { renderMarkdown } from './markdown.js';

export type ReportFormat = 'json' | 'junit' | 'md' | 'html';
export const REPORT_FORMATS: readonly ReportFormat[] = ['json', 'junit', 'md', 'html'];

const FILES: Record<ReportFormat, { name: string; render: (r: ReportJson) => string }> = {
  json: { name: 'report.json', render: renderJson },
  junit: { name: 'junit.xml', render: renderJunit },
  md: { name: 'report.md', render: renderMarkdown },
  html: { name: 'report.html', render: renderHtml },
};

for (const f of Object.values(FILES)) registerReportName(f.name);

export { checkReportDir };

/** Parse "json,junit,md,html" (any subset, any order); returns an error message for unknown names. */
export function parseFormats(text: string): ReportFormat[] | string {
  const names = text.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (names.length === 0) return `--formats needs at least one of ${REPORT_FORMATS.join(', ')}`;
  const bad = names.filter((n) => !(REPORT_FORMATS as readonly string[]).includes(n));
  if (bad.length > 0) return `--formats: unknown format${bad.length > 1 ? 's' : ''} ${bad.map((b) => `'${b}'`).join(', ')} (known: ${REPORT_FORMATS.join(', ')})`;
  return REPORT_FORMATS.filter((f) => names.includes(f));
}

export function renderReports(report: ReportJson, formats: readonly ReportFormat[]): RenderedFile[] {
  return formats.map((f) => ({ name: FILES[f].name, content: FILES[f].render(report) }));
}

/** Render every requested format first, then write them; returns the written paths. */
export function writeReports(dir: string, report: ReportJson, formats: readonly ReportFormat[]): string[] {
  return writeReportFiles(dir, renderReports(report, formats));
}
