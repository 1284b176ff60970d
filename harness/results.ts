/**
 * Result types of a conformance run: what the checking engine says about one case and
 * what report.json holds. The JSON shape is normative in spec/report.schema.json; these
 * types mirror it so the writers under reports/ and the `report merge` command can work
 * on a parsed report without touching the harness.
 *
 * Element values and ulp errors travel as strings written by common/number-format.ts
 * (JSON has no NaN or infinity; a value's shortest decimal in its dtype reads back exactly).
 */
import type { ArgName, ReportColumns } from '../common/operator.js';
import type { ProfileName, ToleranceLevel } from '../common/types.js';

/** What the checking engine concludes from one runner answer (or the lack of one). */
export type CheckStatus =
  | 'pass'
  | 'wrong-value'
  | 'wrong-dtype'
  | 'wrong-shape'
  | 'wrong-error-type'
  | 'missing-error'
  | 'unexpected-error'
  | 'crash'
  | 'timeout';

/** The status a report records: a check status, or what an expectations file or the profile made of it. */
export type ResultStatus = CheckStatus | 'expected-failure' | 'unexpected-pass' | 'skipped';

export const CHECK_STATUSES: readonly CheckStatus[] = [
  'pass',
  'wrong-value',
  'wrong-dtype',
  'wrong-shape',
  'wrong-error-type',
  'missing-error',
  'unexpected-error',
  'crash',
  'timeout',
];

/** One element of a tensor shown in a failure: decimal (shortest round-trip) and bit pattern. */
export interface ElementJson {
  index: number;
  decimal: string;
  hex: string;
}

/** One call argument as shown in a failure (big tensors truncated to first + failing elements). */
export interface InputJson {
  /** The argument (common/operator.ts ARG_NAMES). */
  name: ArgName;
  /** 'tensor', 'float', 'int', 'bool', 'str', 'none', 'list' or 'absent' (default used). */
  type: string;
  dtype?: string;
  shape?: number[];
  /** Number of elements of a tensor. */
  numel?: number;
  elements?: ElementJson[];
  /** True when some elements are not shown. */
  truncated?: boolean;
  /** Scalar / string / list value as text. */
  value?: string;
}

/** One output element outside its accepted interval. */
export interface ElementFailureJson {
  index: number;
  expected: string;
  expectedHex: string;
  lo: string;
  loHex: string;
  hi: string;
  hiHex: string;
  actual: string;
  actualHex: string;
  /** Error in ulps of the output dtype at the expected value ('inf' when unbounded). */
  ulpError: string;
  /** Further accepted intervals beyond [lo, hi] (ascending): the accepted set is their union ("accepted [lo, hi] or ..."). */
  more?: { lo: string; loHex: string; hi: string; hiHex: string }[];
}

export interface FailureDetailsJson {
  inputs: InputJson[];
  /** The expected outcome in words (e.g. "output float32 shape [3]" or "error ValueError"). */
  expected: string;
  /** What came back in words. */
  actual: string;
  /** Value failures: elements outside the accepted interval (at most a few). */
  elements?: ElementFailureJson[];
  failedCount?: number;
  /** Error message of a raised error, crash or timeout. */
  message?: string;
  /** Shell command that reruns just this case. */
  rerun: string;
}

/** One case's entry in report.json; its report columns (area, dtype, reduction) are the operator's (common/operator.ts). */
export interface CaseResultJson extends ReportColumns {
  id: string;
  status: ResultStatus;
  /** One line saying why. */
  reason: string;
  /** For expected-failure / unexpected-pass: the status the check gave. */
  observed?: CheckStatus;
  /** For expected-failure / unexpected-pass: the reason written in the expectations file. */
  expectation?: string;
  /** Largest error in ulps over the output's elements ('inf' when unbounded); null when no output was compared. */
  maxUlpError: number | 'inf' | null;
  details?: FailureDetailsJson;
}

export interface SummaryJson {
  total: number;
  passed: number;
  /** Unexpected failures (any failing check status not listed in the expectations). */
  failed: number;
  expectedFailures: number;
  unexpectedPasses: number;
  skipped: number;
}

export interface TimingsJson {
  /** ISO time the run started. */
  startedAt: string;
  /** The whole run, runner start-up and shut-down included. */
  totalMs: number;
  /** Time spent checking answers (mostly the oracle computing references), all cases together. */
  checkMs: number;
  /** Milliseconds per case id spent in the runner call alone, rounded to 0.01 ms. */
  cases: Record<string, number>;
}

export interface ReportJson {
  /** Version of this report format (spec/report.schema.json). */
  format: 'smoothl1-report/1';
  tool: { name: string; version: string };
  runner: { name: string; version: string };
  profile: ProfileName;
  tolerance: ToleranceLevel;
  /** sha256 over the whole corpus: sorted case ids and file bytes (see harness/run.ts corpusHash). */
  corpusHash: string;
  corpusSize: number;
  selection: { filters: string[]; shard: { index: number; count: number } | null; selected: number };
  /** --seed as given (null when not given); it seeds only randomised extra cases, never the committed corpus. */
  seed: number | null;
  expectations: { file: string; sha256: string; unused: string[] } | null;
  /** Set by `report merge`: how many shard reports were merged. */
  mergedFrom?: number;
  summary: SummaryJson;
  results: CaseResultJson[];
  timings?: TimingsJson;
  /** Set by `smoothl1 fuzz`: the search and what it found. */
  fuzz?: FuzzSectionJson;
  /** Set by `smoothl1 sweep`: the pairs swept and the failing ones by input class. */
  sweep?: SweepSectionJson;
}

/** A failing call a search found, shrunk, and wrote as a case file. */
export interface FindingJson {
  /** The run (1-based) that drew it. */
  run: number;
  /** Its result's id, which is also the id of the case file written. */
  id: string;
  /** The case file, as written (below --out). */
  caseFile: string;
  /** The command that checks the implementation on that case file alone. */
  rerun: string;
  /** The call as first drawn: its status and reason (before shrinking). */
  found: { status: CheckStatus; reason: string };
  /** Simplifications taken, calls made while shrinking, and why shrinking ended. */
  shrinkSteps: number;
  shrinkCalls: number;
  shrinkEnd: 'minimal' | 'time-limit' | 'budget';
}

/** `smoothl1 fuzz`: the options that decide which calls are drawn, and how the search ended. */
export interface FuzzSectionJson {
  seed: number;
  /** --runs (null: until the time limit). */
  runs: number | null;
  /** --time-limit in seconds (null: none). */
  timeLimitS: number | null;
  maxElements: number;
  runsDone: number;
  end: 'runs' | 'time-limit' | 'failure';
  finding: FindingJson | null;
  /** The command that repeats this search (same seed, same calls). */
  replay: string;
}

/** Pairs of one input class: how many were checked, how many failed. */
export interface SweepClassJson {
  name: string;
  pairs: number;
  failing: number;
}

/** A failing pair written as a one-element case file. */
export interface SweepExampleJson {
  class: string;
  /** The pair's bit patterns. */
  logits: string;
  labels: string;
  /** The case file's id and path (below --out). */
  id: string;
  caseFile: string;
  /** Whether the implementation also fails the pair alone (a one-element call). */
  alone: 'fails' | 'passes';
}

/** `smoothl1 sweep`: which pairs, and the failing ones by class. Shard reports merge by adding. */
export interface SweepSectionJson {
  dtype: string;
  /** beta as passed (the case format's JSON form of the value). */
  beta: { type: string; value?: unknown };
  reduction: string;
  /** The logits patterns swept (hex, inclusive); labels take every pattern. */
  logits: { first: string; last: string };
  /** Logits patterns per chunk (one call per chunk: that many patterns times every labels pattern). */
  chunkPatterns: number;
  /** Chunks of the whole sweep, and chunks this report covers. */
  chunks: number;
  chunksDone: number;
  pairs: number;
  failingPairs: number;
  classes: SweepClassJson[];
  examples: SweepExampleJson[];
}

/** True for a status that makes the run fail (exit code 1). */
export function isUnexpected(status: ResultStatus): boolean {
  return status !== 'pass' && status !== 'expected-failure' && status !== 'skipped';
}

/** Derive the summary from the results (also used after merging shards). */
/** A summary with every count at zero. */
export function emptySummary(): SummaryJson {
  return { total: 0, passed: 0, failed: 0, expectedFailures: 0, unexpectedPasses: 0, skipped: 0 };
}

/** Counts one result into a summary: the one mapping from status to summary column. */
export function countStatus(s: SummaryJson, status: ResultStatus): void {
  s.total++;
  if (status === 'pass') s.passed++;
  else if (status === 'expected-failure') s.expectedFailures++;
  else if (status === 'unexpected-pass') s.unexpectedPasses++;
  else if (status === 'skipped') s.skipped++;
  else s.failed++;
}

export function summarize(results: readonly CaseResultJson[]): SummaryJson {
  const s = emptySummary();
  for (const r of results) countStatus(s, r.status);
  return s;
}
