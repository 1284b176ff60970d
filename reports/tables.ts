/**
 * Counting results by a report column (common/operator.ts), shared by the console summary,
 * report.md and report.html. Rows come out sorted by key so every format is deterministic.
 */
import type { ReportColumn } from '../common/operator.js';
import type { CaseResultJson, ReportJson, SummaryJson } from '../harness/results.js';
import { countStatus, emptySummary, isUnexpected } from '../harness/results.js';

/** Counts per row of a table: the same columns as report.json's summary. */
export type Counts = SummaryJson;
export { emptySummary as emptyCounts, countStatus as addTo };

/** A report column (common/operator.ts REPORT_COLUMNS). */
export type Column = ReportColumn;

export function countBy(results: readonly CaseResultJson[], col: Column): [string, Counts][] {
  const m = new Map<string, Counts>();
  for (const r of results) {
    let c = m.get(r[col]);
    if (!c) m.set(r[col], (c = emptySummary()));
    countStatus(c, r.status);
  }
  return [...m.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

export function unexpectedResults(report: ReportJson): CaseResultJson[] {
  return report.results.filter((r) => isUnexpected(r.status));
}

/** A plain-text table with right-aligned numbers (console output). */
export function textTable(title: string, rows: [string, Counts][]): string {
  const head = [title, 'total', 'pass', 'fail', 'xfail', 'xpass', 'skip'];
  const body = rows.map(([k, c]) => [k, c.total, c.passed, c.failed, c.expectedFailures, c.unexpectedPasses, c.skipped].map(String));
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const fmt = (r: string[]) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');
  return [fmt(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(fmt)].join('\n');
}

/** One-line description of the run (shared by the headers of every format). */
export function runLine(report: ReportJson): string {
  // A search has no corpus: its calls are drawn (fuzz) or enumerated in chunks (sweep).
  const source = report.fuzz ? `fuzz ${report.corpusHash.slice(0, 12)} (${report.corpusSize} calls)` : report.sweep ? `sweep ${report.corpusHash.slice(0, 12)} (${report.corpusSize} chunks)` : `corpus ${report.corpusHash.slice(0, 12)} (${report.corpusSize} cases)`;
  const parts = [`runner ${report.runner.name} ${report.runner.version}`, `profile ${report.profile}`, `tolerance ${report.tolerance}`, source];
  if (report.selection.filters.length > 0) parts.push(`filter ${report.selection.filters.join(' ')}`);
  if (report.selection.shard) parts.push(`shard ${report.selection.shard.index}/${report.selection.shard.count}`);
  if (report.mergedFrom !== undefined) parts.push(`merged from ${report.mergedFrom} reports`);
  if (report.seed !== null) parts.push(`seed ${report.seed}`);
  return parts.join(', ');
}

/** The counts of a summary in words ("348 cases: 340 passed, 2 failed, ..."). */
export function countsText(s: SummaryJson): string {
  return `${s.total} cases: ${s.passed} passed, ${s.failed} failed, ${s.expectedFailures} expected failures, ${s.unexpectedPasses} unexpected passes, ${s.skipped} skipped`;
}

/** The verdict and the counts: the last line of the console summary, the GitHub notice. */
export function totalsLine(report: ReportJson): string {
  const s = report.summary;
  return `${s.failed + s.unexpectedPasses === 0 ? 'PASS' : 'FAIL'}: ${countsText(s)}`;
}
