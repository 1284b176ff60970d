/**
 * `smoothl1 run`: check an implementation against the corpus and write the reports.
 * This file reads the command line; cli/run/supervisor.ts runs the check (in a worker
 * thread, so that signals are always answered) and owns the exit code (cli/exit-codes.ts):
 * 0 only with a complete report in which every case met its expectation; 1 an unexpected
 * outcome, an invalid corpus or a corpus defect; 2 a usage or setup error (bad
 * arguments, unknown runner, missing or invalid expectations file, a filter that matches
 * nothing, a bad shard, an unusable report folder, an implementation that cannot be
 * created or started); 3 an internal error; 130 / 143 after SIGINT / SIGTERM (no report
 * written, the previous one intact).
 */
import type { ProfileName, ToleranceLevel } from '../../common/types.js';
import { profileNames, tolerancesSpec } from '../../common/spec-data.js';
import { defaultCasesDir } from '../../harness/cases/index.js';
import type { Shard } from '../../harness/shard.js';
import { DEFAULT_STARTUP_MS, DEFAULT_TIMEOUT_MS } from '../../harness/time-limit.js';
import { describeRunners } from '../../runners/registry.js';
import { REPORT_FORMATS } from '../../reports/index.js';
import type { ReportFormat } from '../../reports/index.js';
import { EXIT, exitCodesHelp } from '../exit-codes.js';
import { formatsOption, msOption, profileOption, runnerOption, seedOption, shardOption, toleranceOption } from '../options.js';
import { parseReporter, Reporter, REPORTER_HELP, type ReporterName } from '../reporter.js';
import { superviseRun } from '../run/supervisor.js';
import { parseOptions, UsageError } from '../usage.js';

function usage(): string {
  return `usage: smoothl1 run [options]

Check an implementation of SmoothL1Loss against the case corpus and write reports.

options:
  --runner <name>        implementation to check (default cpu):
${describeRunners()}
  --command "<prog args>" program to start (exec runner)
  --module <path>        ES module to load (module runner)
  --profile <p>          ${profileNames().join('|')} (default: the runner's native profile)
  --tolerance <t>        ${Object.keys(tolerancesSpec().levels).join('|')} (default ${tolerancesSpec().default})
  --filter <glob|tag>    select cases by id glob, folder or tag; commas mean "or"; repeat the
                         option to require every filter ("and")
  --expectations <file>  known failures (spec/expectations.schema.json)
  --shard <i/n>          run the i-th of n disjoint shards (1-based; by a hash of the case id)
  --report-dir <dir>     where to write reports (default ./smoothl1-report)
  --formats <list>       comma-separated subset of ${REPORT_FORMATS.join(',')} (default all)
  --timeout <ms>         time limit per call (default ${DEFAULT_TIMEOUT_MS})
  --startup-timeout <ms> added to the time limit of a call that goes to a freshly (re)started
                         implementation process (default ${DEFAULT_STARTUP_MS})
  --seed <n>             recorded in the report; seeds randomised extra cases only (the committed
                         corpus has fixed generator seeds, so it changes nothing there)
  --cases <dir>          corpus folder (default: the package's cases/)
  --no-timings           leave the timings section out of report.json (byte-identical reports)
  --quiet                no progress and no summary tables; failures and totals only
  ${REPORTER_HELP}

Progress goes to stderr: a bar on an interactive terminal, plain lines (each tenth of the
cases, and at least every 30 s) when stderr is not a terminal or CI is set.

${exitCodesHelp('every case met its expectation; a complete report was written', 'unexpected outcomes (report written), an invalid corpus or a corpus defect')}`;
}

export interface ParsedRunArgs {
  runner: string;
  command?: string;
  modulePath?: string;
  profile?: ProfileName;
  tolerance: ToleranceLevel;
  filters: string[];
  expectationsFile?: string;
  shard: Shard | null;
  reportDir: string;
  formats: ReportFormat[];
  timeoutMs: number;
  startupMs: number;
  /** Whether --startup-timeout was given (the rerun command repeats it then). */
  startupGiven: boolean;
  seed: number | null;
  casesDir: string;
  /** Whether --cases was given (the rerun command repeats it then). */
  casesGiven: boolean;
  timings: boolean;
  quiet: boolean;
  reporter: ReporterName;
}

/** Parse and check the arguments; throws UsageError for anything wrong. Returns null for --help. */
export function parseRunArgs(argv: string[]): ParsedRunArgs | null {
  const { options: o, positionals } = parseOptions(argv, {
    runner: { type: 'string' },
    command: { type: 'string' },
    module: { type: 'string' },
    profile: { type: 'string' },
    tolerance: { type: 'string' },
    filter: { type: 'string', multiple: true },
    expectations: { type: 'string' },
    shard: { type: 'string' },
    'report-dir': { type: 'string' },
    formats: { type: 'string' },
    timeout: { type: 'string' },
    'startup-timeout': { type: 'string' },
    seed: { type: 'string' },
    cases: { type: 'string' },
    'no-timings': { type: 'boolean' },
    quiet: { type: 'boolean', short: 'q' },
    reporter: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (o.help) return null;
  if (positionals.length > 0) throw new UsageError(`run takes no positional arguments, got '${positionals[0]}' (did you mean --filter '${positionals[0]}'?)`);
  const { runner, command, modulePath } = runnerOption(o);
  const profile = profileOption(o.profile as string | undefined);
  const tolerance = toleranceOption(o.tolerance as string | undefined);
  const shard = shardOption(o.shard as string | undefined);
  const formats = formatsOption(o.formats as string | undefined);
  const reporter = parseReporter(o.reporter as string | undefined);
  const timeoutMs = msOption('timeout', o.timeout as string | undefined, DEFAULT_TIMEOUT_MS);
  const startupMs = msOption('startup-timeout', o['startup-timeout'] as string | undefined, DEFAULT_STARTUP_MS);
  const seed = seedOption(o.seed as string | undefined);
  const parsed: ParsedRunArgs = {
    runner,
    tolerance,
    filters: (o.filter as string[] | undefined) ?? [],
    shard,
    reportDir: (o['report-dir'] as string | undefined) ?? 'smoothl1-report',
    formats,
    timeoutMs,
    startupMs,
    startupGiven: o['startup-timeout'] !== undefined,
    seed,
    casesDir: (o.cases as string | undefined) ?? defaultCasesDir(),
    casesGiven: o.cases !== undefined,
    timings: !o['no-timings'],
    quiet: o.quiet === true,
    reporter,
  };
  if (command !== undefined) parsed.command = command;
  if (modulePath !== undefined) parsed.modulePath = modulePath;
  if (profile !== undefined) parsed.profile = profile;
  if (o.expectations !== undefined) parsed.expectationsFile = o.expectations as string;
  return parsed;
}

export async function main(argv: string[]): Promise<number> {
  const a = parseRunArgs(argv);
  if (a === null) {
    process.stdout.write(usage() + '\n');
    return EXIT.ok;
  }
  const reporter = new Reporter(a.reporter, 'smoothl1 run');
  return reporter.around(() => superviseRun(a, reporter));
}
