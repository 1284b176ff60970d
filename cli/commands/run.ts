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
import { describeRunners, runnerNames } from '../../runners/registry.js';
import { REPORT_FORMATS } from '../../reports/index.js';
import type { ReportFormat } from '../../reports/index.js';
import { EXIT, exitCodesHelp } from '../exit-codes.js';
import { formatsOption, shardOption } from '../options.js';
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
  const runner = (o.runner as string | undefined) ?? 'cpu';
  if (!runnerNames().includes(runner)) throw new UsageError(`unknown runner '${runner}'; known runners: ${runnerNames().join(', ')}`);
  const command = o.command as string | undefined;
  const modulePath = o.module as string | undefined;
  if (command !== undefined && runner !== 'exec') throw new UsageError(`--command is for the exec runner (got --runner ${runner})`);
  if (modulePath !== undefined && runner !== 'module') throw new UsageError(`--module is for the module runner (got --runner ${runner})`);
  if (runner === 'exec' && (command === undefined || command.trim() === '')) throw new UsageError(`the exec runner needs --command "<program and arguments>"`);
  if (runner === 'module' && (modulePath === undefined || modulePath === '')) throw new UsageError(`the module runner needs --module <path to an ES module>`);
  const profile = o.profile as string | undefined;
  if (profile !== undefined && !(profileNames() as string[]).includes(profile)) throw new UsageError(`unknown profile '${profile}'; expected one of ${profileNames().join(', ')}`);
  const levels = Object.keys(tolerancesSpec().levels);
  const tolerance = (o.tolerance as string | undefined) ?? tolerancesSpec().default;
  if (!levels.includes(tolerance)) throw new UsageError(`unknown tolerance '${tolerance}'; expected one of ${levels.join(', ')}`);
  const shard = shardOption(o.shard as string | undefined);
  const formats = formatsOption(o.formats as string | undefined);
  const reporter = parseReporter(o.reporter as string | undefined);
  const ms = (name: string, fallback: number): number => {
    const t = o[name] as string | undefined;
    if (t === undefined) return fallback;
    if (!/^[1-9][0-9]*$/.test(t) || Number(t) > 2_147_483_647) throw new UsageError(`--${name} must be a positive whole number of milliseconds (at most 2147483647), got '${t}'`);
    return Number(t);
  };
  const timeoutMs = ms('timeout', DEFAULT_TIMEOUT_MS);
  const startupMs = ms('startup-timeout', DEFAULT_STARTUP_MS);
  let seed: number | null = null;
  if (o.seed !== undefined) {
    const s = o.seed as string;
    if (!/^(0|[1-9][0-9]*)$/.test(s) || Number(s) > 0xffffffff) throw new UsageError(`--seed must be a whole number from 0 to 4294967295, got '${s}'`);
    seed = Number(s);
  }
  const parsed: ParsedRunArgs = {
    runner,
    tolerance: tolerance as ToleranceLevel,
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
  if (profile !== undefined) parsed.profile = profile as ProfileName;
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
