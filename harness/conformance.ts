/**
 * One conformance check as a library call, and the steps it shares with `smoothl1 run`.
 *
 * `checkSelected` is the one sequence both use (`run`'s worker thread, cli/run/worker.ts,
 * and `checkConformance` here): re-derive the selected cases' stored outcomes with the
 * oracle (harness/stored-outcomes.ts), start the runner, run every case through the
 * per-case step under the harness's one time limit (harness/time-limit.ts), apply the
 * expectations. So the library and the CLI give the same verdicts, the same corpus
 * defects and the same report for the same configuration.
 *
 *   import { checkConformance, createRunner, runnerFromFunction } from 'smoothl1-conformance';
 *   const report = await checkConformance(runnerFromFunction(mySmoothL1), { profile: 'cpu' });
 *   if (report.summary.failed + report.summary.unexpectedPasses > 0) ...
 */
import type { LoadedCase, ProfileName, Runner, ToleranceLevel } from '../common/types.js';
import { readSpecJson, tolerancesSpec } from '../common/spec-data.js';
import { defaultCasesDir, loadCorpus, selectCases, SelectionError } from './cases/index.js';
import type { Checker } from './check.js';
import { loadExpectations } from './expectations.js';
import type { Expectations } from './expectations.js';
import type { CaseResultJson, ReportJson } from './results.js';
import { buildReport, runCases, type RunOutcome } from './run.js';
import { parseShard } from './shard.js';
import type { Shard } from './shard.js';
import { assertStoredOutcomes } from './stored-outcomes.js';

export { SelectionError };
/** The same function as selectCases (harness/cases/select.ts), under its earlier name. */
export const selectForCheck = selectCases;

/** The implementation could not be started: the runner's init() threw, nothing was checked. */
export class RunnerStartError extends Error {
  override name = 'RunnerStartError';
}

export interface SelectedCheckOptions {
  /** The cases to run (already selected). */
  cases: readonly LoadedCase[];
  /** The profile whose rules are checked; absent: the runner's native profile, known once it has started. */
  profile?: ProfileName;
  tolerance: ToleranceLevel;
  /** Per-call time limit and start-up allowance (defaults: harness/time-limit.ts). */
  timeoutMs?: number;
  startupMs?: number;
  expectations: Expectations | null;
  /** The rerun command without its --filter, for the profile the run ends up with. */
  rerunPrefix: (profile: ProfileName) => string;
  checker?: Checker;
  signal?: AbortSignal;
  onResult?: (r: CaseResultJson, done: number, total: number) => void;
  onStart?: (caseId: string, done: number, total: number) => void;
}

/**
 * Checks `runner` on the selected cases. Throws CorpusDefectError (harness/check.ts)
 * when a stored outcome disagrees with the oracle, before any case runs (or, for a value
 * the oracle computes during the run, when it is reached); RunnerStartError when init()
 * throws; RunInterrupted when `signal` stops the run. The runner is closed in every case.
 */
export async function checkSelected(runner: Runner, o: SelectedCheckOptions): Promise<{ run: RunOutcome; profile: ProfileName }> {
  // With the profile known, a corpus defect stops the run before the implementation starts.
  if (o.profile) assertStoredOutcomes(o.cases, o.profile);
  try {
    await runner.init?.();
  } catch (e) {
    await runner.close?.().catch(() => {});
    throw new RunnerStartError(`runner '${runner.name}' cannot start: ${e instanceof Error ? e.message : String(e)}`);
  }
  const profile = o.profile ?? runner.nativeProfile;
  if (!o.profile) {
    try {
      assertStoredOutcomes(o.cases, profile);
    } catch (e) {
      await runner.close?.().catch(() => {});
      throw e;
    }
  }
  const run = await runCases({
    runner,
    cases: o.cases,
    profile,
    tolerance: o.tolerance,
    ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}),
    ...(o.startupMs !== undefined ? { startupMs: o.startupMs } : {}),
    expectations: o.expectations,
    rerunPrefix: o.rerunPrefix(profile),
    runnerStarted: true,
    ...(o.checker ? { checker: o.checker } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
    ...(o.onResult ? { onResult: o.onResult } : {}),
    ...(o.onStart ? { onStart: o.onStart } : {}),
  });
  return { run, profile };
}

export interface ConformanceOptions {
  /** The profile whose rules are checked. Default: the runner's native profile. */
  profile?: ProfileName;
  /** Acceptance level (spec/tolerances.json). Default: the spec's default level. */
  tolerance?: ToleranceLevel;
  /** Case filters as `smoothl1 run --filter`: each an id glob, folder or tag (commas = or); several must all match (and). */
  filters?: string[];
  /** Run only one shard: { index, count } or "i/n". */
  shard?: Shard | string | null;
  /** Known failures: an expectations file's path, or one already loaded (harness/expectations.ts). */
  expectations?: string | Expectations | null;
  /** The corpus, already loaded. Default: loaded from `casesDir`. */
  corpus?: LoadedCase[];
  /** Corpus folder. Default: the package's cases/. */
  casesDir?: string;
  /** Per-call time limit in milliseconds. Default: harness/time-limit.ts DEFAULT_TIMEOUT_MS (as `smoothl1 run`). */
  timeoutMs?: number;
  /** Added to a call that goes to a freshly (re)started implementation process. Default: DEFAULT_STARTUP_MS. */
  startupMs?: number;
  /** Recorded in the report (it seeds only randomised extra cases). Default null. */
  seed?: number | null;
  /** Include the timings section. Default true; false gives byte-identical reports. */
  timings?: boolean;
  /** The rerun command shown in failures, without its --filter. Default: `npx smoothl1 run --profile <p> --tolerance <t>`. */
  rerunPrefix?: string;
  /** A checker to reuse across checks of the same profile and tolerance (shares the oracle cache). */
  checker?: Checker;
  /** Aborting it stops the run: the check rejects with RunInterrupted, after closing the runner. */
  signal?: AbortSignal;
  /** Called after each case. */
  onResult?: (r: CaseResultJson, done: number, total: number) => void;
  /** Called as each case starts, with the number done before it. */
  onStart?: (caseId: string, done: number, total: number) => void;
}

/**
 * Checks `runner` against the corpus and returns the report (report.json's object,
 * spec/report.schema.json). The runner's init() and close() are called. Rejects with
 * SelectionError for a filter or shard that selects nothing, ExpectationsError for an
 * unreadable expectations file, CaseError for an invalid corpus, CorpusDefectError for a
 * stored outcome the oracle does not derive, and RunnerStartError when the
 * implementation cannot start; an implementation that crashes, hangs or answers garbage
 * only fails its cases.
 */
export async function checkConformance(runner: Runner, options: ConformanceOptions = {}): Promise<ReportJson> {
  const tolerance = options.tolerance ?? tolerancesSpec().default;
  const filters = [...(options.filters ?? [])];
  let shard: Shard | null = null;
  if (typeof options.shard === 'string') {
    const s = parseShard(options.shard);
    if (typeof s === 'string') throw new SelectionError(s);
    shard = s;
  } else if (options.shard) shard = options.shard;
  const expectations = typeof options.expectations === 'string' ? loadExpectations(options.expectations) : (options.expectations ?? null);
  const corpus = options.corpus ?? loadCorpus(options.casesDir ?? defaultCasesDir());
  const { run, profile } = await checkSelected(runner, {
    cases: selectCases(corpus, filters, shard),
    ...(options.profile ? { profile: options.profile } : {}),
    tolerance,
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.startupMs !== undefined ? { startupMs: options.startupMs } : {}),
    expectations,
    rerunPrefix: (p) => options.rerunPrefix ?? `npx smoothl1 run --profile ${p} --tolerance ${tolerance}`,
    ...(options.checker ? { checker: options.checker } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onResult ? { onResult: options.onResult } : {}),
    ...(options.onStart ? { onStart: options.onStart } : {}),
  });
  return buildReport(
    {
      toolVersion: readSpecJson<{ version: string }>('package.json').version,
      runner: { name: runner.name, version: runner.version },
      profile,
      tolerance,
      corpus,
      filters,
      shard,
      seed: options.seed ?? null,
      expectations,
      timings: options.timings ?? true,
    },
    run,
  );
}
