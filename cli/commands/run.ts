/**
 * `smoothl1 run`: check an implementation against the corpus and write the reports.
 * Exit codes: 0 no unexpected outcome, 1 an unexpected outcome (a failure not listed in
 * the expectations file, or a listed case that passed), an invalid corpus or a runner
 * that cannot start, 2 a usage error (bad arguments, unknown runner, missing or invalid
 * expectations file, a filter that matches nothing, a bad shard).
 */
import { isAbsolute, relative, resolve } from 'node:path';
import type { LoadedCase, ProfileName, ToleranceLevel } from '../../common/types.js';
import { profileNames, readSpecJson, tolerancesSpec } from '../../common/spec-data.js';
import { CaseError, compileFilter, defaultCasesDir, loadCorpus } from '../../harness/cases/index.js';
import { CorpusDefectError, shellQuote } from '../../harness/check.js';
import { ExpectationsError, loadExpectations } from '../../harness/expectations.js';
import type { Expectations } from '../../harness/expectations.js';
import type { CaseResultJson, ReportJson } from '../../harness/results.js';
import { isUnexpected } from '../../harness/results.js';
import { buildReport, runCases, RunInterrupted } from '../../harness/run.js';
import { inShard, parseShard } from '../../harness/shard.js';
import type { Shard } from '../../harness/shard.js';
import { createRunner, describeRunners, runnerNames, UnknownRunnerError } from '../../runners/registry.js';
import { parseFormats, REPORT_FORMATS, writeReports } from '../../reports/index.js';
import type { ReportFormat } from '../../reports/index.js';
import { countBy, textTable, runLine } from '../../reports/tables.js';
import { failureText } from '../../reports/text.js';
import { parseOptions, UsageError } from '../usage.js';

const DEFAULT_TIMEOUT_MS = 30_000;

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
  --seed <n>             recorded in the report; seeds randomised extra cases only (the committed
                         corpus has fixed generator seeds, so it changes nothing there)
  --cases <dir>          corpus folder (default: the package's cases/)
  --no-timings           leave the timings section out of report.json (byte-identical reports)
  --quiet                no progress and no summary tables; failures and totals only

exit codes: 0 no unexpected outcome, 1 unexpected outcomes, 2 usage error`;
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
  seed: number | null;
  casesDir: string;
  timings: boolean;
  quiet: boolean;
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
    seed: { type: 'string' },
    cases: { type: 'string' },
    'no-timings': { type: 'boolean' },
    quiet: { type: 'boolean', short: 'q' },
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
  let shard: Shard | null = null;
  if (o.shard !== undefined) {
    const s = parseShard(o.shard as string);
    if (typeof s === 'string') throw new UsageError(s);
    shard = s;
  }
  let formats: ReportFormat[] = [...REPORT_FORMATS];
  if (o.formats !== undefined) {
    const f = parseFormats(o.formats as string);
    if (typeof f === 'string') throw new UsageError(f);
    formats = f;
  }
  let timeoutMs = DEFAULT_TIMEOUT_MS;
  if (o.timeout !== undefined) {
    const t = o.timeout as string;
    if (!/^[1-9][0-9]*$/.test(t) || Number(t) > 2_147_483_647) throw new UsageError(`--timeout must be a positive whole number of milliseconds (at most 2147483647), got '${t}'`);
    timeoutMs = Number(t);
  }
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
    seed,
    casesDir: (o.cases as string | undefined) ?? defaultCasesDir(),
    timings: !o['no-timings'],
    quiet: o.quiet === true,
  };
  if (command !== undefined) parsed.command = command;
  if (modulePath !== undefined) parsed.modulePath = modulePath;
  if (profile !== undefined) parsed.profile = profile as ProfileName;
  if (o.expectations !== undefined) parsed.expectationsFile = o.expectations as string;
  return parsed;
}

/** Apply the filters (each must match something; together they must too) and the shard. */
export function selectCases(corpus: LoadedCase[], filters: string[], shard: Shard | null): LoadedCase[] {
  let selected = corpus;
  for (const f of filters) {
    let m: (c: LoadedCase) => boolean;
    try {
      m = compileFilter(f);
    } catch (e) {
      throw new UsageError(`--filter: ${(e as Error).message}`);
    }
    if (!corpus.some(m)) throw new UsageError(`--filter '${f}' matches no case (a filter is a case-id glob such as 'beta/*', a folder, or a tag such as 'dtype:float16')`);
    selected = selected.filter(m);
  }
  if (selected.length === 0) throw new UsageError(`the filters ${filters.map((f) => `'${f}'`).join(' and ')} match no case together`);
  return selected.filter((c) => inShard(c.id, shard));
}

/** Progress display: a bar on a TTY, a line every 10% otherwise, nothing when quiet. */
function progress(quiet: boolean): { onResult: (r: CaseResultJson, done: number, total: number) => void; end: () => void } {
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

function rerunPrefix(a: ParsedRunArgs, profile: ProfileName): string {
  const parts = ['npx smoothl1 run', `--runner ${shellQuote(a.runner)}`];
  if (a.command !== undefined) parts.push(`--command ${shellQuote(a.command)}`);
  if (a.modulePath !== undefined) parts.push(`--module ${shellQuote(a.modulePath)}`);
  parts.push(`--profile ${profile}`, `--tolerance ${a.tolerance}`);
  if (a.expectationsFile !== undefined) parts.push(`--expectations ${shellQuote(a.expectationsFile)}`);
  return parts.join(' ');
}

export async function main(argv: string[]): Promise<number> {
  const a = parseRunArgs(argv);
  if (a === null) {
    process.stdout.write(usage() + '\n');
    return 0;
  }
  let expectations: Expectations | null = null;
  if (a.expectationsFile !== undefined) {
    try {
      expectations = loadExpectations(a.expectationsFile);
    } catch (e) {
      if (e instanceof ExpectationsError) throw new UsageError(e.message);
      throw e;
    }
  }
  let corpus: LoadedCase[];
  try {
    corpus = loadCorpus(resolve(a.casesDir));
  } catch (e) {
    if (e instanceof CaseError) {
      process.stderr.write(`smoothl1: the corpus is invalid, nothing was run:\n${e.message}\n`);
      return 1;
    }
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new UsageError(`--cases: no such folder ${a.casesDir}`);
    throw e;
  }
  if (corpus.length === 0) throw new UsageError(`the corpus folder ${a.casesDir} holds no cases`);
  const selected = selectCases(corpus, a.filters, a.shard);

  let runner;
  try {
    runner = await createRunner(a.runner, { ...(a.command !== undefined ? { command: a.command } : {}), ...(a.modulePath !== undefined ? { modulePath: isAbsolute(a.modulePath) ? a.modulePath : resolve(a.modulePath) } : {}), timeoutMs: a.timeoutMs });
  } catch (e) {
    if (e instanceof UnknownRunnerError) throw new UsageError(e.message);
    throw new UsageError(`cannot create runner '${a.runner}': ${(e as Error).message}`);
  }
  const profile = a.profile ?? runner.nativeProfile;
  const show = progress(a.quiet);
  let run;
  // Ctrl-C / SIGTERM: stop after the call in flight is abandoned, close the runner (kill its
  // processes), write no report (the previous one stays intact). A second Ctrl-C exits at once.
  const stop = new AbortController();
  const onInterrupt = () => {
    if (stop.signal.aborted) process.exit(130);
    stop.abort();
  };
  process.on('SIGINT', onInterrupt);
  process.on('SIGTERM', onInterrupt);
  try {
    run = await runCases({ runner, cases: selected, profile, tolerance: a.tolerance, timeoutMs: a.timeoutMs, expectations, rerunPrefix: rerunPrefix(a, profile), onResult: show.onResult, signal: stop.signal });
  } catch (e) {
    process.removeListener('SIGINT', onInterrupt);
    process.removeListener('SIGTERM', onInterrupt);
    show.end();
    if (e instanceof RunInterrupted) {
      process.stderr.write(`smoothl1: ${e.message}; no report written\n`);
      return 130;
    }
    if (e instanceof CorpusDefectError) {
      process.stderr.write(`smoothl1: corpus defect, the run was stopped:\n${e.message}\n`);
      return 1;
    }
    process.stderr.write(`smoothl1: runner '${runner.name}' failed: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
  process.removeListener('SIGINT', onInterrupt);
  process.removeListener('SIGTERM', onInterrupt);
  show.end();
  const report = buildReport(
    {
      toolVersion: readSpecJson<{ version: string }>('package.json').version,
      runner: { name: runner.name, version: runner.version },
      profile,
      tolerance: a.tolerance,
      corpus,
      filters: a.filters,
      shard: a.shard,
      seed: a.seed,
      expectations,
      timings: a.timings,
    },
    run,
  );
  const written = writeReports(a.reportDir, report, a.formats);
  process.stdout.write(consoleSummary(report, a.quiet));
  if (!a.quiet) process.stdout.write(`reports: ${written.map((p) => relative(process.cwd(), p) || p).join(', ')}\n`);
  const s = report.summary;
  return s.failed + s.unexpectedPasses > 0 ? 1 : 0;
}
