/**
 * `smoothl1 fuzz`: search for a failing call instead of running the fixed corpus. Calls are
 * drawn from SmoothL1Loss's input space (search/operator/) with fast-check, each decided
 * by the oracle and run through the harness's per-case step (search/fuzz.ts); the first
 * failure is shrunk to a minimal call and written as a case file to --out, with the
 * command that reruns it. Deterministic for a seed. Exit codes (cli/exit-codes.ts): 0 no
 * failure found, 1 a failure found (case file and report written), 2 a usage or setup
 * error, 3 an internal error, 130 / 143 interrupted (no report written).
 */
import { join, relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { ProfileName, Runner, ToleranceLevel } from '../../common/types.js';
import { profileNames, tolerancesSpec } from '../../common/spec-data.js';
import { shellQuote } from '../../harness/check.js';
import { rerunPrefix } from '../../harness/rerun.js';
import type { CheckStatus, FuzzSectionJson } from '../../harness/results.js';
import { DEFAULT_STARTUP_MS, DEFAULT_TIMEOUT_MS, timeLimit } from '../../harness/time-limit.js';
import { describeRunners } from '../../runners/registry.js';
import { checkReportDir, REPORT_FORMATS, writeReports } from '../../reports/index.js';
import { caseDirProblem, caseJsonFor, writeCaseFile } from '../../search/case-file.js';
import { fuzz, RunInterrupted, type FuzzOutcome } from '../../search/fuzz.js';
import { smoothL1Space, type CallPlan } from '../../search/operator/index.js';
import { searchReport } from '../../search/report.js';
import { fuzzText } from '../../reports/search.js';
import { EXIT, exitCodesHelp, signalExitCode } from '../exit-codes.js';
import { checkOutputOptions, countOption, createChosenRunner, type CheckOutputOptions, profileOption, runnerOption, seedOption, toleranceOption, type RunnerChoice } from '../options.js';
import { progressDisplay } from '../progress.js';
import { Reporter, REPORTER_HELP } from '../reporter.js';
import { parseOptions, UsageError } from '../usage.js';

export const DEFAULT_RUNS = 1000;
export const DEFAULT_MAX_ELEMENTS = 300_000;
/** The most elements --max-elements allows (the case format's limit per tensor is higher; a search call is held in memory several times). */
const MAX_ELEMENTS_LIMIT = 1 << 26;

function usage(): string {
  return `usage: smoothl1 fuzz [options]

Search for a call on which an implementation of SmoothL1Loss fails: calls are drawn at
random (dtypes, shapes, special values, subnormals, values near beta, overflow edges,
betas, reductions, invalid arguments), the oracle decides each one, and the first failure
is shrunk to a minimal call, written as a case file with the command that reruns it.

options:
  --runner <name>        implementation to search (default cpu):
${describeRunners()}
  --command "<prog args>" program to start (exec runner)
  --module <path>        ES module to load (module runner)
  --profile <p>          ${profileNames().join('|')} (default: the runner's native profile)
  --tolerance <t>        ${Object.keys(tolerancesSpec().levels).join('|')} (default ${tolerancesSpec().default})
  --seed <n>             0..4294967295: the same seed draws the same calls (default: a random
                         seed, printed and recorded, so the search can be repeated)
  --runs <n>             calls to draw at most (default ${DEFAULT_RUNS}; with --time-limit alone:
                         until the time is up)
  --time-limit <s>       stop drawing after this many seconds (shrinking a failure stops too;
                         a call in flight is never abandoned)
  --max-elements <n>     most elements per tensor (default ${DEFAULT_MAX_ELEMENTS})
  --out <dir>            corpus folder the minimal failing call is written to, as
                         <dir>/<area>/seed-<s>-run-<k>.json (default ./smoothl1-fuzz-cases)
  --report-dir <dir>     where to write reports (default ./smoothl1-fuzz-report)
  --formats <list>       comma-separated subset of ${REPORT_FORMATS.join(',')} (default all)
  --timeout <ms>         time limit per call (default ${DEFAULT_TIMEOUT_MS})
  --startup-timeout <ms> added to a call that goes to a freshly (re)started process (default ${DEFAULT_STARTUP_MS})
  --no-timings           leave the timings section out of report.json (byte-identical reports)
  --quiet                no progress and no summary tables
  ${REPORTER_HELP}

${exitCodesHelp('no failure found (a complete report was written)', 'a failure found: the minimal failing call is written to --out, the report to --report-dir')}`;
}

export interface ParsedFuzzArgs extends RunnerChoice, CheckOutputOptions {
  profile?: ProfileName;
  tolerance: ToleranceLevel;
  seed: number | null;
  runs: number | null;
  timeLimitS: number | null;
  maxElements: number;
  out: string;
  reportDir: string;
}

export function parseFuzzArgs(argv: string[]): ParsedFuzzArgs | null {
  const { options: o, positionals } = parseOptions(argv, {
    runner: { type: 'string' },
    command: { type: 'string' },
    module: { type: 'string' },
    profile: { type: 'string' },
    tolerance: { type: 'string' },
    seed: { type: 'string' },
    runs: { type: 'string' },
    'time-limit': { type: 'string' },
    'max-elements': { type: 'string' },
    out: { type: 'string' },
    'report-dir': { type: 'string' },
    formats: { type: 'string' },
    timeout: { type: 'string' },
    'startup-timeout': { type: 'string' },
    'no-timings': { type: 'boolean' },
    quiet: { type: 'boolean', short: 'q' },
    reporter: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (o.help) return null;
  if (positionals.length > 0) throw new UsageError(`fuzz takes no positional arguments, got '${positionals[0]}'`);
  let timeLimitS: number | null = null;
  if (o['time-limit'] !== undefined) {
    const t = o['time-limit'] as string;
    if (!/^([0-9]+(\.[0-9]*)?|\.[0-9]+)$/.test(t) || !(Number(t) > 0) || Number(t) > 1e7) throw new UsageError(`--time-limit must be a positive number of seconds (at most 10000000), got '${t}'`);
    timeLimitS = Number(t);
  }
  const runsGiven = o.runs !== undefined;
  const runs = runsGiven ? countOption('runs', o.runs as string, DEFAULT_RUNS, 1, Number.MAX_SAFE_INTEGER) : timeLimitS !== null ? null : DEFAULT_RUNS;
  const out = (o.out as string | undefined) ?? 'smoothl1-fuzz-cases';
  const reportDir = (o['report-dir'] as string | undefined) ?? 'smoothl1-fuzz-report';
  if (resolve(out) === resolve(reportDir)) throw new UsageError('--out (the case files) and --report-dir (the reports) must be different folders');
  const parsed: ParsedFuzzArgs = {
    ...runnerOption(o),
    tolerance: toleranceOption(o.tolerance as string | undefined),
    seed: seedOption(o.seed as string | undefined),
    runs,
    timeLimitS,
    maxElements: countOption('max-elements', o['max-elements'] as string | undefined, DEFAULT_MAX_ELEMENTS, 0, MAX_ELEMENTS_LIMIT),
    out,
    reportDir,
    ...checkOutputOptions(o),
  };
  const profile = profileOption(o.profile as string | undefined);
  if (profile !== undefined) parsed.profile = profile;
  return parsed;
}

export async function main(argv: string[]): Promise<number> {
  const a = parseFuzzArgs(argv);
  if (a === null) {
    process.stdout.write(usage() + '\n');
    return EXIT.ok;
  }
  const reporter = new Reporter(a.reporter, 'smoothl1 fuzz');
  return reporter.around(() => runFuzz(a, reporter));
}

/** The options of a command line that repeats what this one ran (without output folders). */
function implementationFlags(a: ParsedFuzzArgs, profile: ProfileName): string[] {
  const f = [`--runner ${shellQuote(a.runner)}`];
  if (a.command !== undefined) f.push(`--command ${shellQuote(a.command)}`);
  if (a.modulePath !== undefined) f.push(`--module ${shellQuote(a.modulePath)}`);
  f.push(`--profile ${profile}`, `--tolerance ${a.tolerance}`);
  return f;
}

async function runFuzz(a: ParsedFuzzArgs, reporter: Reporter): Promise<number> {
  const dirProblem = checkReportDir(a.reportDir);
  if (dirProblem) throw new UsageError(`--report-dir: ${dirProblem}`);
  const outProblem = caseDirProblem(a.out);
  if (outProblem) throw new UsageError(`--out: ${outProblem}`);
  const runner = await createChosenRunner(a, { startupMs: a.startupMs, ...(a.profile ? { profile: a.profile } : {}) });
  try {
    await runner.init?.();
  } catch (e) {
    await runner.close?.().catch(() => {});
    throw new UsageError(`runner '${runner.name}' cannot start: ${e instanceof Error ? e.message : String(e)}`);
  }
  const profile = a.profile ?? runner.nativeProfile;
  const seed = a.seed ?? Math.floor(Math.random() * 0x100000000);
  if (!a.quiet) process.stderr.write(`fuzz: runner ${runner.name}, profile ${profile}, tolerance ${a.tolerance}, seed ${seed}, ${a.runs === null ? 'no limit on' : `at most ${a.runs}`} calls${a.timeLimitS !== null ? `, time limit ${a.timeLimitS} s` : ''}, up to ${a.maxElements} elements\n`);

  const stop = new AbortController();
  let signalCode: number | undefined;
  const onSignal = (s: NodeJS.Signals) => {
    signalCode ??= signalExitCode(s === 'SIGTERM' ? 'SIGTERM' : 'SIGINT');
    stop.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const show = progressDisplay({ quiet: a.quiet, unit: 'calls' });
  const runsBound = a.runs ?? Infinity;
  const casePath = (id: string) => join(a.out, `${id}.json`);
  const rerun = (id: string) =>
    `${rerunPrefix({ runner: a.runner, command: a.command, modulePath: a.modulePath, casesDir: a.out, timeoutMs: a.timeoutMs, startupMs: a.startupGiven ? a.startupMs : undefined, profile, tolerance: a.tolerance })} --filter ${shellQuote(id)}`;
  let outcome: FuzzOutcome<CallPlan>;
  try {
    outcome = await fuzz({
      runner,
      space: smoothL1Space({ profile, maxElements: a.maxElements }),
      profile,
      tolerance: a.tolerance,
      seed,
      runs: runsBound,
      ...(a.timeLimitS !== null ? { deadline: performance.now() + a.timeLimitS * 1000 } : {}),
      limit: timeLimit({ timeoutMs: a.timeoutMs, startupMs: a.startupMs }),
      caseId: (category, run) => `${category}/seed-${seed}-run-${run}`,
      rerun,
      signal: stop.signal,
      onResult: (r, run) => show.onResult(r, run, runsBound),
      onShrink: (r, steps, tried) => {
        if (!a.quiet && (steps === 1 || steps % 10 === 0)) process.stderr.write(`shrinking: ${steps} simpler failing calls after ${tried} tries (${r.reason.slice(0, 100)})\n`);
      },
    });
  } catch (e) {
    show.end();
    await runner.close?.().catch(() => {});
    if (e instanceof RunInterrupted) {
      process.stderr.write(`smoothl1: interrupted; no report written (${a.reportDir} keeps the previous one)\n`);
      reporter.problem('interrupted; no report written');
      return signalCode ?? EXIT.sigint;
    }
    throw e;
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
  show.end();
  await runner.close?.().catch(() => {});

  const f = outcome.finding;
  let finding: FuzzSectionJson['finding'] = null;
  if (f) {
    const json = caseJsonFor(f.args, {
      id: f.result.id,
      title: `Found by smoothl1 fuzz: ${f.result.status} on a ${f.result.dtype} call, reduction ${f.result.reduction} (${f.category})`.slice(0, 200),
      description: `A minimal failing call found by smoothl1 fuzz (seed ${seed}, run ${f.run}) against runner ${runner.name} ${runner.version} under profile ${profile}, tolerance ${a.tolerance}, and shrunk in ${f.shrinkSteps} steps. As drawn: ${f.found.result.status}: ${f.found.result.reason}. Shrunk: ${f.result.status}: ${f.result.reason}. The expected outcomes are the oracle's, for every profile.`,
      tags: ['fuzz'],
    });
    writeCaseFile(a.out, f.result.id, json);
    finding = {
      run: f.run,
      id: f.result.id,
      caseFile: casePath(f.result.id),
      rerun: rerun(f.result.id),
      found: { status: f.found.result.status as CheckStatus, reason: f.found.result.reason },
      shrinkSteps: f.shrinkSteps,
      shrinkCalls: f.shrinkCalls,
      shrinkEnd: f.shrinkEnd,
    };
  }
  const replay = ['npx smoothl1 fuzz', ...implementationFlags(a, profile), `--seed ${seed}`, `--runs ${outcome.runsDone}`, `--max-elements ${a.maxElements}`].join(' ');
  const fuzzSection: FuzzSectionJson = { seed, runs: a.runs, timeLimitS: a.timeLimitS, maxElements: a.maxElements, runsDone: outcome.runsDone, end: outcome.end, finding, replay };
  const report = searchReport({
    runner: { name: runner.name, version: runner.version },
    profile,
    tolerance: a.tolerance,
    definition: { search: 'smoothl1 fuzz', profile, tolerance: a.tolerance, seed, maxElements: a.maxElements },
    size: outcome.runsDone,
    seed,
    shard: null,
    results: outcome.results,
    timings: a.timings ? { startedAt: outcome.startedAt, totalMs: outcome.totalMs, checkMs: outcome.checkMs, cases: outcome.caseMs } : null,
    fuzz: fuzzSection,
  });
  const written = writeReports(a.reportDir, report, a.formats);
  reporter.summary(report, a.quiet);
  process.stdout.write(fuzzText(fuzzSection));
  if (!a.quiet) process.stdout.write(`reports: ${written.map((p) => relative(process.cwd(), p) || p).join(', ')}\n`);
  return finding ? EXIT.failed : EXIT.ok;
}
