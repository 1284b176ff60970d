/**
 * GitHub Actions output (`--reporter github`): workflow commands that GitHub turns into
 * annotations on the job and the pull request.
 *
 * - one `::error` per unexpected outcome, titled with the case id and status, the
 *   message its reason, the expectations entry where one applies and the rerun command;
 * - one `::notice` with the verdict and the totals (printed first: GitHub shows only the
 *   first few annotations of each kind per step, so the totals are never the ones cut);
 * - one `::warning` listing expectations entries that matched no case.
 *
 * Escaping follows GitHub's workflow-command rules (the toolkit's command.ts): in a
 * message '%', CR and LF become %25, %0D, %0A; in a property value ':' and ',' too
 * (%3A, %2C). Every command is therefore exactly one line, whatever an implementation
 * put in its error message.
 *
 * - report.md's text appended to the job summary file ($GITHUB_STEP_SUMMARY), cut to
 *   GitHub's limit of 1 MiB per step with a note that the full text is in the reports.
 *
 * Text we print that we do not control (an implementation's messages and stderr in the
 * console summary) could otherwise hold a line such as '::error::' or '::add-mask::'
 * that GitHub would obey: `stopCommands()` / `resumeCommands(token)` bracket it with
 * `::stop-commands::<token>` so GitHub ignores commands until the token comes back.
 */
import { randomBytes } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import type { CaseResultJson, ReportJson } from '../harness/results.js';
import { isUnexpected } from '../harness/results.js';
import { renderMarkdown } from './markdown.js';
import { runLine, totalsLine } from './tables.js';

/** A message (the part after the last '::'). */
export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A property value (title=..., file=...). */
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** Longest message we send (GitHub truncates long annotations; the rest is in the reports). */
const MAX_MESSAGE = 4000;

/** One workflow command line, with its newline. */
export function workflowCommand(name: 'error' | 'warning' | 'notice', message: string, properties: Record<string, string> = {}): string {
  const props = Object.entries(properties)
    .map(([k, v]) => `${k}=${escapeProperty(v)}`)
    .join(',');
  const text = message.length > MAX_MESSAGE ? message.slice(0, MAX_MESSAGE) + '… (cut; the full text is in the reports)' : message;
  return `::${name}${props ? ' ' + props : ''}::${escapeData(text)}\n`;
}

function resultMessage(r: CaseResultJson): string {
  const lines = [r.reason];
  if (r.expectation !== undefined) lines.push(`expectations file: ${r.expectation}${r.observed ? ` (observed: ${r.observed})` : ''}`);
  if (r.details) lines.push(`rerun: ${r.details.rerun}`);
  return lines.join('\n');
}

/** The annotations for a report: the totals, one error per unexpected outcome, unused expectations. */
export function githubAnnotations(report: ReportJson): string {
  const out = [workflowCommand('notice', `${totalsLine(report)}\n${runLine(report)}`, { title: 'SmoothL1Loss conformance' })];
  for (const r of report.results) {
    if (isUnexpected(r.status)) out.push(workflowCommand('error', resultMessage(r), { title: `${r.id}: ${r.status}` }));
  }
  if (report.expectations && report.expectations.unused.length > 0) {
    out.push(workflowCommand('warning', `expectations entries that matched no case (remove them from ${report.expectations.file}): ${report.expectations.unused.join(', ')}`, { title: 'smoothl1 expectations' }));
  }
  return out.join('');
}

/** Starts ignoring workflow commands; returns the line to print and the token that resumes them. */
export function stopCommands(): { line: string; token: string } {
  const token = `smoothl1-${randomBytes(12).toString('hex')}`;
  return { line: `::stop-commands::${token}\n`, token };
}

/** The line that makes GitHub obey workflow commands again. */
export function resumeCommands(token: string): string {
  return `::${token}::\n`;
}

/** GitHub refuses a step summary above 1 MiB (it then shows none); we stay below with room for the note. */
export const STEP_SUMMARY_LIMIT = 1024 * 1024 - 4096;

/** The job summary text for a report: report.md, cut at a line to fit STEP_SUMMARY_LIMIT bytes. */
export function stepSummaryText(report: ReportJson): string {
  const md = renderMarkdown(report);
  if (Buffer.byteLength(md) <= STEP_SUMMARY_LIMIT) return md.endsWith('\n') ? md : md + '\n';
  // Cut at a line end within the limit (counting bytes, not UTF-16 units), then close
  // any fence or <details> left open so the rest of the page renders.
  let cut = Buffer.from(md).subarray(0, STEP_SUMMARY_LIMIT).toString('utf8');
  cut = cut.slice(0, cut.lastIndexOf('\n') + 1);
  const fences = cut.match(/^`{3,}/gm) ?? [];
  let closing = '';
  if (fences.length % 2 === 1) closing += fences[fences.length - 1] + '\n';
  const opened = (cut.match(/<details>/g) ?? []).length - (cut.match(/<\/details>/g) ?? []).length;
  for (let i = 0; i < opened; i++) closing += '</details>\n';
  return `${cut}${closing}\n… (cut to GitHub's step summary limit; the full text is in report.md)\n`;
}

/** Appends the job summary for a report to `file`; returns a problem, or undefined when written. */
export function appendStepSummary(file: string, report: ReportJson): string | undefined {
  try {
    appendFileSync(file, stepSummaryText(report));
    return undefined;
  } catch (e) {
    return `cannot append the job summary to $GITHUB_STEP_SUMMARY (${file}): ${(e as Error).message}`;
  }
}
