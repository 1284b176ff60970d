/**
 * Option values several commands share, each read in one place: the implementation
 * (--runner with --command or --module, --profile, --tolerance, --timeout,
 * --startup-timeout, --seed: `run`, `fuzz`, `sweep`), the corpus folder (--cases: `run`,
 * `cases`, `pack`, `expectations update`), the report formats (`run --formats`, `report
 * merge --formats`) and the case selection (`run` and `cases list`: repeated --filter,
 * --shard). A bad value is a UsageError (exit 2); an invalid corpus is a failed check
 * (exit 1), reported with every problem.
 */
import { isAbsolute, resolve } from 'node:path';
import { CaseError, inspectCorpus, selectCases, SelectionError, type CorpusInspection } from '../harness/cases/index.js';
import { parseShard, type Shard } from '../harness/shard.js';
import { parseFormats, REPORT_FORMATS, type ReportFormat } from '../reports/index.js';
import { profileNames, tolerancesSpec } from '../common/spec-data.js';
import type { LoadedCase, ProfileName, Runner, ToleranceLevel } from '../common/types.js';
import { createRunner, runnerNames, UnknownRunnerError } from '../runners/registry.js';
import { DEFAULT_STARTUP_MS, DEFAULT_TIMEOUT_MS } from '../harness/time-limit.js';
import { parseReporter, type ReporterName } from './reporter.js';
import { UsageError } from './usage.js';

/** The implementation options as given: --runner (default cpu) with --command (exec) or --module (module). */
export interface RunnerChoice {
  runner: string;
  command?: string;
  modulePath?: string;
}

/** --runner, --command and --module, checked together. */
export function runnerOption(o: Record<string, unknown>): RunnerChoice {
  const runner = (o.runner as string | undefined) ?? 'cpu';
  if (!runnerNames().includes(runner)) throw new UsageError(`unknown runner '${runner}'; known runners: ${runnerNames().join(', ')}`);
  const command = o.command as string | undefined;
  const modulePath = o.module as string | undefined;
  if (command !== undefined && runner !== 'exec') throw new UsageError(`--command is for the exec runner (got --runner ${runner})`);
  if (modulePath !== undefined && runner !== 'module') throw new UsageError(`--module is for the module runner (got --runner ${runner})`);
  if (runner === 'exec' && (command === undefined || command.trim() === '')) throw new UsageError(`the exec runner needs --command "<program and arguments>"`);
  if (runner === 'module' && (modulePath === undefined || modulePath === '')) throw new UsageError(`the module runner needs --module <path to an ES module>`);
  const choice: RunnerChoice = { runner };
  if (command !== undefined) choice.command = command;
  if (modulePath !== undefined) choice.modulePath = modulePath;
  return choice;
}

/**
 * Creates the chosen runner (not started). A runner that cannot be created (an optional
 * package missing, a --module file that does not exist) is a UsageError: nothing was checked.
 */
export async function createChosenRunner(c: RunnerChoice, o: { startupMs: number; profile?: ProfileName }): Promise<Runner> {
  const modulePath = c.modulePath === undefined ? undefined : isAbsolute(c.modulePath) ? c.modulePath : resolve(c.modulePath);
  try {
    return await createRunner(c.runner, { ...(c.command !== undefined ? { command: c.command } : {}), ...(modulePath !== undefined ? { modulePath } : {}), startupMs: o.startupMs, ...(o.profile ? { profile: o.profile } : {}) });
  } catch (e) {
    throw new UsageError(e instanceof UnknownRunnerError ? e.message : `cannot create runner '${c.runner}': ${(e as Error).message}`);
  }
}

/** --profile's value (undefined: the runner's native profile). */
export function profileOption(value: string | undefined): ProfileName | undefined {
  if (value !== undefined && !(profileNames() as string[]).includes(value)) throw new UsageError(`unknown profile '${value}'; expected one of ${profileNames().join(', ')}`);
  return value as ProfileName | undefined;
}

/** --tolerance's value (default: the spec's default level). */
export function toleranceOption(value: string | undefined): ToleranceLevel {
  const levels = Object.keys(tolerancesSpec().levels);
  const tolerance = value ?? tolerancesSpec().default;
  if (!levels.includes(tolerance)) throw new UsageError(`unknown tolerance '${tolerance}'; expected one of ${levels.join(', ')}`);
  return tolerance as ToleranceLevel;
}

/** A positive whole number of milliseconds (--timeout, --startup-timeout). */
export function msOption(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^[1-9][0-9]*$/.test(value) || Number(value) > 2_147_483_647) throw new UsageError(`--${name} must be a positive whole number of milliseconds (at most 2147483647), got '${value}'`);
  return Number(value);
}

/** A whole number in [min, max] (--runs, --max-elements). */
export function countOption(name: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (!/^(0|[1-9][0-9]*)$/.test(value) || Number(value) < min || Number(value) > max) throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, got '${value}'`);
  return Number(value);
}

/** --seed's value: a uint32, or null when not given. */
export function seedOption(value: string | undefined): number | null {
  if (value === undefined) return null;
  if (!/^(0|[1-9][0-9]*)$/.test(value) || Number(value) > 0xffffffff) throw new UsageError(`--seed must be a whole number from 0 to 4294967295, got '${value}'`);
  return Number(value);
}

/** --formats' value (default: every format). */
export function formatsOption(value: string | undefined): ReportFormat[] {
  if (value === undefined) return [...REPORT_FORMATS];
  const f = parseFormats(value);
  if (typeof f === 'string') throw new UsageError(f);
  return f;
}

/** How a command that checks calls times them and reports them (`fuzz`, `sweep`). */
export interface CheckOutputOptions {
  formats: ReportFormat[];
  timeoutMs: number;
  startupMs: number;
  /** Whether --startup-timeout was given (a rerun command repeats it then). */
  startupGiven: boolean;
  timings: boolean;
  quiet: boolean;
  reporter: ReporterName;
}

/** --formats, --timeout, --startup-timeout, --no-timings, --quiet and --reporter, read once. */
export function checkOutputOptions(o: Record<string, unknown>): CheckOutputOptions {
  return {
    formats: formatsOption(o.formats as string | undefined),
    timeoutMs: msOption('timeout', o.timeout as string | undefined, DEFAULT_TIMEOUT_MS),
    startupMs: msOption('startup-timeout', o['startup-timeout'] as string | undefined, DEFAULT_STARTUP_MS),
    startupGiven: o['startup-timeout'] !== undefined,
    timings: !o['no-timings'],
    quiet: o.quiet === true,
    reporter: parseReporter(o.reporter as string | undefined),
  };
}

/** --shard's value (default: no sharding). */
export function shardOption(value: string | undefined): Shard | null {
  if (value === undefined) return null;
  const s = parseShard(value);
  if (typeof s === 'string') throw new UsageError(s);
  return s;
}

/** The cases the --filter options (repeated: and; commas: or) and --shard select, as `run` selects them. */
export function selectedCases(corpus: readonly LoadedCase[], filters: readonly string[], shard: Shard | null): LoadedCase[] {
  try {
    return selectCases(corpus, filters, shard, '--filter');
  } catch (e) {
    if (e instanceof SelectionError) throw new UsageError(e.message);
    throw e;
  }
}

/**
 * Loads the corpus folder of --cases. A folder that does not exist or holds no cases is a
 * UsageError; an invalid corpus is reported with every problem through `report` (the
 * message ends with `consequence`, e.g. 'nothing was run') and gives null: the command
 * exits 1. Files that are not cases are noted on stderr unless `quiet`.
 */
export function loadCorpusOption(dir: string, o: { consequence: string; quiet?: boolean; report?: (message: string) => void }): LoadedCase[] | null {
  let inspection: CorpusInspection;
  try {
    inspection = inspectCorpus(resolve(dir));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new UsageError(`--cases: no such folder ${dir}`);
    throw e;
  }
  const problems = inspection.checks.flatMap((c) => c.problems);
  if (problems.length > 0) {
    const message = `the corpus is invalid, ${o.consequence}:\n${new CaseError(problems).message}`;
    if (o.report) o.report(message);
    else process.stderr.write(`smoothl1: ${message}\n`);
    return null;
  }
  const ignored = inspection.ignored.filter((i) => !i.expected);
  if (ignored.length > 0 && !o.quiet) process.stderr.write(`smoothl1: note: ${ignored.length} file(s) in the corpus folder are not cases and were ignored: ${ignored.map((i) => i.path).join(', ')}\n`);
  const cases = inspection.checks.map((c) => c.case!);
  if (cases.length === 0) throw new UsageError(`the corpus folder ${dir} holds no cases`);
  return cases;
}
