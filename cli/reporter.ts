/**
 * What a command that checks cases prints on stdout when it is done (`--reporter`), for
 * `smoothl1 run`, `smoothl1 report merge` and any later mode that produces a report:
 *
 * - `console` (the default): the console summary (reports/console.ts);
 * - `github`: the same summary, then GitHub Actions annotations (reports/github.ts): the
 *   totals, one error per unexpected outcome, unused expectations entries, and an error
 *   for a problem that ended the command without a report (a setup error, an invalid
 *   corpus, a corpus defect). Everything printed between begin() and end() is shielded
 *   from GitHub's workflow-command parser, so an implementation's messages cannot issue
 *   commands. Where GitHub provides a job summary file ($GITHUB_STEP_SUMMARY), report.md's
 *   text is appended to it, so the verdict, the table by area and the failures show on
 *   the run's summary page (reports/github.ts stepSummary).
 *
 * Console output is not folded with `::group::`: the summary is printed while workflow
 * commands are stopped (an implementation's text is in it), so GitHub would not obey a
 * group command there, and opening one outside would fold our own annotations' context.
 */
import type { ReportJson } from '../harness/results.js';
import { consoleSummary } from '../reports/console.js';
import { appendStepSummary, githubAnnotations, resumeCommands, stopCommands, workflowCommand } from '../reports/github.js';
import { EXIT } from './exit-codes.js';
import { UsageError } from './usage.js';

export const REPORTERS = ['console', 'github'] as const;
export type ReporterName = (typeof REPORTERS)[number];

/** --reporter's value (default console); a UsageError for an unknown name. */
export function parseReporter(value: string | undefined): ReporterName {
  if (value === undefined) return 'console';
  if (!(REPORTERS as readonly string[]).includes(value)) throw new UsageError(`unknown reporter '${value}'; expected one of ${REPORTERS.join(', ')}`);
  return value as ReporterName;
}

export const REPORTER_HELP = `--reporter <r>         console (default) or github: the summary, then GitHub Actions annotations
                         (totals, one error per unexpected outcome)`;

export class Reporter {
  private token: string | undefined;
  private report: ReportJson | undefined;
  private readonly problems: string[] = [];

  constructor(
    readonly name: ReporterName,
    /** The command in annotation titles ('smoothl1 run'). */
    private readonly command: string,
    private readonly out: { write(text: string): unknown } = process.stdout,
    /** GitHub's job summary file (default $GITHUB_STEP_SUMMARY; '' or unset: none). */
    private readonly stepSummaryFile: string | undefined = process.env.GITHUB_STEP_SUMMARY,
    private readonly err: { write(text: string): unknown } = process.stderr,
  ) {}

  /** Call before anything an implementation wrote can be printed. */
  begin(): void {
    if (this.name !== 'github' || this.token !== undefined) return;
    const s = stopCommands();
    this.token = s.token;
    this.out.write(s.line);
    // Should the process end some other way (an internal error exits at once), GitHub
    // still gets its commands back for the rest of the step.
    process.once('exit', () => {
      if (this.token !== undefined) this.out.write(resumeCommands(this.token));
    });
  }

  /** Prints the console summary of the finished report (annotated at end()). */
  summary(report: ReportJson, quiet: boolean): void {
    this.annotate(report);
    this.out.write(consoleSummary(report, quiet));
  }

  /** The finished report, to be annotated at end() (a command that prints its own summary). */
  annotate(report: ReportJson): void {
    this.report = report;
  }

  /** A problem that ends the command without a verdict on the implementation; annotated at end(). */
  problem(message: string): void {
    this.problems.push(message);
  }

  /** After the last output: GitHub obeys commands again and gets the annotations. Idempotent. */
  end(): void {
    if (this.name !== 'github') return;
    if (this.token !== undefined) this.out.write(resumeCommands(this.token));
    this.token = undefined;
    for (const p of this.problems.splice(0)) this.out.write(workflowCommand('error', p, { title: this.command }));
    if (this.report) {
      this.out.write(githubAnnotations(this.report));
      // The summary page is a convenience: a file we cannot append to is a warning on
      // stderr, never a change of the verdict or the exit code.
      const problem = this.stepSummaryFile ? appendStepSummary(this.stepSummaryFile, this.report) : undefined;
      if (problem) this.err.write(`smoothl1: warning: ${problem}\n`);
    }
    this.report = undefined;
  }

  /**
   * Runs a command's body between begin() and end(). A usage or setup error is printed
   * (still shielded) and annotated, and the command exits 2 as cli/main.ts would have it.
   */
  async around(body: () => Promise<number>, stderr: { write(text: string): unknown } = process.stderr): Promise<number> {
    this.begin();
    try {
      return await body();
    } catch (e) {
      if (this.name !== 'github' || !(e instanceof UsageError)) throw e;
      stderr.write(`smoothl1: ${e.message}\n`);
      this.problem(e.message);
      return EXIT.usage;
    } finally {
      this.end();
    }
  }
}
