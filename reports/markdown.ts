/**
 * report.md: a summary sized for a pull-request comment: verdict, totals, a table by
 * area, then every unexpected outcome with its details. Long lists are collapsed in
 * <details> so the comment stays readable; expected failures are always collapsed.
 */
import type { CaseResultJson, ReportJson } from '../harness/results.js';
import { fuzzText, sweepText } from './search.js';
import { failureText } from './text.js';
import { countBy, runLine, unexpectedResults } from './tables.js';

/** Escape text for a table cell or inline prose. */
function md(s: string): string {
  return s.replace(/[\\`*_{}[\]<>|#]/g, (c) => (c === '|' ? '\\|' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '\\' + c));
}

/** A fenced block whose fence is longer than any backtick run inside. */
function fenced(text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}text\n${text}\n${fence}`;
}

const COLLAPSE_AFTER = 5;

function failureBlock(r: CaseResultJson): string {
  return `**${md(r.id)}** — ${md(r.status)}\n\n${fenced(failureText(r))}`;
}

export function renderMarkdown(report: ReportJson): string {
  const s = report.summary;
  const unexpected = unexpectedResults(report);
  const verdict = unexpected.length === 0 ? '✅ conforms (no unexpected outcomes)' : `❌ ${unexpected.length} unexpected outcome${unexpected.length === 1 ? '' : 's'}`;
  const out: string[] = [`## SmoothL1Loss conformance: ${verdict}`, '', md(runLine(report)), ''];
  out.push('| total | passed | failed | expected failures | unexpected passes | skipped |', '|---:|---:|---:|---:|---:|---:|');
  out.push(`| ${s.total} | ${s.passed} | ${s.failed} | ${s.expectedFailures} | ${s.unexpectedPasses} | ${s.skipped} |`, '');
  out.push('### By area', '', '| area | total | pass | fail | xfail | xpass | skip |', '|---|---:|---:|---:|---:|---:|---:|');
  for (const [k, c] of countBy(report.results, 'area')) {
    out.push(`| ${md(k)} | ${c.total} | ${c.passed} | ${c.failed ? `**${c.failed}**` : '0'} | ${c.expectedFailures} | ${c.unexpectedPasses ? `**${c.unexpectedPasses}**` : '0'} | ${c.skipped} |`);
  }
  out.push('');
  if (report.fuzz) out.push('### Search', '', fenced(fuzzText(report.fuzz).trimEnd()), '');
  if (report.sweep) out.push('### Sweep: failing pairs by input class', '', fenced(sweepText(report.sweep).trimEnd()), '');
  if (unexpected.length > 0) {
    out.push(`### Unexpected outcomes (${unexpected.length})`, '');
    const shown = unexpected.slice(0, COLLAPSE_AFTER);
    for (const r of shown) out.push(failureBlock(r), '');
    if (unexpected.length > shown.length) {
      out.push(`<details><summary>${unexpected.length - shown.length} more unexpected outcomes</summary>`, '');
      for (const r of unexpected.slice(shown.length)) out.push(failureBlock(r), '');
      out.push('</details>', '');
    }
  }
  const expected = report.results.filter((r) => r.status === 'expected-failure');
  if (expected.length > 0) {
    out.push(`<details><summary>${expected.length} expected failure${expected.length === 1 ? '' : 's'} (listed in ${md(report.expectations?.file ?? 'the expectations file')})</summary>`, '');
    for (const r of expected) out.push(`- \`${r.id.replace(/`/g, "'")}\` — ${md(r.observed ?? '')}: ${md(r.expectation ?? '')}`);
    out.push('', '</details>', '');
  }
  if (report.expectations && report.expectations.unused.length > 0) {
    out.push(`Expectation entries that matched no case: ${report.expectations.unused.map((u) => `\`${u.replace(/`/g, "'")}\``).join(', ')}`, '');
  }
  return out.join('\n');
}
