/**
 * What `smoothl1 run` shows a person: progress while it runs, then the summary (totals,
 * tables by area / dtype / reduction, every unexpected outcome in full).
 */
import type { CaseResultJson, ReportJson } from '../../harness/results.js';
import { isUnexpected } from '../../harness/results.js';
import { countBy, textTable, runLine } from '../../reports/tables.js';
import { failureText } from '../../reports/text.js';

/** Progress display: a bar on a TTY, a line every 10% otherwise, nothing when quiet. */
export function progress(quiet: boolean): { onResult: (r: CaseResultJson, done: number, total: number) => void; end: () => void } {
  const tty = process.stderr.isTTY === true;
  let bad = 0;
  let lastTenth = 0;
  let drawn = false;
  return {
    onResult(r, done, total) {
      if (isUnexpected(r.status)) bad++;
      if (quiet) return;
      if (tty) {
        const width = 30;
        const filled = total === 0 ? width : Math.round((done / total) * width);
        const cols = process.stderr.columns || 100; // 0 under some pseudo-terminals
        const line = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}${bad ? ` ${bad} unexpected` : ''} ${r.id}`;
        process.stderr.write('\r\x1b[K' + line.slice(0, Math.max(20, cols - 1)));
        drawn = true;
      } else {
        const tenth = Math.floor((done / total) * 10);
        if (tenth > lastTenth || done === total) {
          lastTenth = tenth;
          process.stderr.write(`progress: ${done}/${total} cases (${Math.floor((done / total) * 100)}%), ${bad} unexpected so far\n`);
        }
      }
    },
    end() {
      if (drawn) process.stderr.write('\r\x1b[K');
    },
  };
}

/** The console summary: totals, tables by area / dtype / reduction, then every unexpected outcome in full. */
export function consoleSummary(report: ReportJson, quiet: boolean): string {
  const out: string[] = [];
  const s = report.summary;
  if (!quiet) {
    out.push(runLine(report), '');
    for (const col of ['area', 'dtype', 'reduction'] as const) out.push(textTable(col, countBy(report.results, col)), '');
  }
  const unexpected = report.results.filter((r) => isUnexpected(r.status));
  if (unexpected.length > 0) {
    out.push(`${unexpected.length} unexpected outcome${unexpected.length === 1 ? '' : 's'}:`, '');
    for (const r of unexpected) out.push(failureText(r), '');
  }
  if (report.expectations && report.expectations.unused.length > 0) {
    out.push(`note: expectation entries that matched no case: ${report.expectations.unused.join(', ')}`, '');
  }
  out.push(
    `${unexpected.length === 0 ? 'PASS' : 'FAIL'}: ${s.total} cases: ${s.passed} passed, ${s.failed} failed, ${s.expectedFailures} expected failures, ${s.unexpectedPasses} unexpected passes, ${s.skipped} skipped`,
  );
  return out.join('\n') + '\n';
}
