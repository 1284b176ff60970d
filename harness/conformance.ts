/**
 * One conformance check as a library call: load the corpus, select cases, run them on a
 * runner under one profile and tolerance, and return report.json's object. It composes
 * the same steps as `smoothl1 run` (harness/cases, harness/run.ts, harness/expectations)
 * and gives the same report for the same configuration, without writing files or
 * printing (use reports/index.ts writeReports for the files).
 *
 *   import { checkConformance, createRunner, runnerFromFunction } from 'smoothl1-conformance';
 *   const report = await checkConformance(runnerFromFunction(mySmoothL1), { profile: 'cpu' });
 *   if (report.summary.failed + report.summary.unexpectedPasses > 0) ...
 */
import type { LoadedCase, ProfileName, Runner, ToleranceLevel } from '../common/types.js';
import { readSpecJson, tolerancesSpec } from '../common/spec-data.js';
import { compileFilter, defaultCasesDir, loadCorpus } from './cases/index.js';
import type { Checker } from './check.js';
import { loadExpectations } from './expectations.js';
import type { Expectations } from './expectations.js';
import type { CaseResultJson, ReportJson } from './results.js';
import { buildReport, runCases } from './run.js';
import { inShard, parseShard } from './shard.js';
import type { Shard } from './shard.js';

/** The per-call time limit when none is given (the CLI's default too). */
export const DEFAULT_CALL_TIMEOUT_MS = 30_000;

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
  /** Per-call time limit in milliseconds. Default 30 000. */
  timeoutMs?: number;
  /** Recorded in the report (it seeds only randomised extra cases). Default null. */
  seed?: number | null;
  /** Include the timings section. Default true; false gives byte-identical reports. */
  timings?: boolean;
  /** The rerun command shown in failures, without its --filter. Default: `npx smoothl1 run --profile <p> --tolerance <t>`. */
  rerunPrefix?: string;
  /** A checker to reuse across checks of the same profile and tolerance (shares the oracle cache). */
  checker?: Checker;
  /** Aborting it stops the run: runCases rejects with RunInterrupted, after closing the runner. */
  signal?: AbortSignal;
  /** Called after each case. */
  onResult?: (r: CaseResultJson, done: number, total: number) => void;
}

/** A filter, shard or option that selects nothing or cannot be read. */
export class SelectionError extends Error {
  override name = 'SelectionError';
}

/** Applies the filters (each must match some case of the corpus, all of them together some case) and the shard. */
export function selectForCheck(corpus: readonly LoadedCase[], filters: readonly string[], shard: Shard | null): LoadedCase[] {
  let selected = [...corpus];
  for (const f of filters) {
    let m: (c: LoadedCase) => boolean;
    try {
      m = compileFilter(f);
    } catch (e) {
      throw new SelectionError(`filter ${JSON.stringify(f)}: ${(e as Error).message}`);
    }
    if (!corpus.some(m)) throw new SelectionError(`filter ${JSON.stringify(f)} matches no case (a filter is a case-id glob such as 'beta/*', a folder, or a tag such as 'dtype:float16')`);
    selected = selected.filter(m);
  }
  if (selected.length === 0) throw new SelectionError(`the filters ${filters.map((f) => JSON.stringify(f)).join(' and ')} match no case together`);
  return selected.filter((c) => inShard(c.id, shard));
}

/**
 * Checks `runner` against the corpus and returns the report (report.json's object,
 * spec/report.schema.json). The runner's init() and close() are called. Rejects with
 * SelectionError for a filter or shard that selects nothing, ExpectationsError for an
 * unreadable expectations file, CaseError for an invalid corpus, and whatever init()
 * throws when the implementation cannot start; an implementation that crashes, hangs or
 * answers garbage only fails its cases.
 */
export async function checkConformance(runner: Runner, options: ConformanceOptions = {}): Promise<ReportJson> {
  const profile = options.profile ?? runner.nativeProfile;
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
  const selected = selectForCheck(corpus, filters, shard);
  const run = await runCases({
    runner,
    cases: selected,
    profile,
    tolerance,
    timeoutMs: options.timeoutMs ?? DEFAULT_CALL_TIMEOUT_MS,
    expectations,
    rerunPrefix: options.rerunPrefix ?? `npx smoothl1 run --profile ${profile} --tolerance ${tolerance}`,
    ...(options.checker ? { checker: options.checker } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onResult ? { onResult: options.onResult } : {}),
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
