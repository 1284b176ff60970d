/**
 * The console summary a command prints after checking cases (`smoothl1 run`; any later
 * mode that produces a report): the run line, tables by area / dtype / reduction, every
 * unexpected outcome in full (reports/text.ts), unused expectations entries, the totals.
 */
import { REPORT_COLUMNS } from '../common/operator.js';
import type { ReportJson } from '../harness/results.js';
import { isUnexpected } from '../harness/results.js';
import { countBy, textTable, runLine, totalsLine } from './tables.js';
import { failureText } from './text.js';

/** The console summary: totals, tables by area / dtype / reduction, then every unexpected outcome in full. */
export function consoleSummary(report: ReportJson, quiet: boolean): string {
  const out: string[] = [];
  if (!quiet) {
    out.push(runLine(report), '');
    for (const col of REPORT_COLUMNS) out.push(textTable(col, countBy(report.results, col)), '');
  }
  const unexpected = report.results.filter((r) => isUnexpected(r.status));
  if (unexpected.length > 0) {
    out.push(`${unexpected.length} unexpected outcome${unexpected.length === 1 ? '' : 's'}:`, '');
    for (const r of unexpected) out.push(failureText(r), '');
  }
  if (report.expectations && report.expectations.unused.length > 0) {
    out.push(`note: expectation entries that matched no case: ${report.expectations.unused.join(', ')}`, '');
  }
  out.push(totalsLine(report));
  return out.join('\n') + '\n';
}
