/**
 * The library API of the `smoothl1-conformance` package (`import ... from
 * 'smoothl1-conformance'`). This module only re-exports from the layers (see
 * ARCHITECTURE.md); each name keeps its home. The vitest integration is a separate entry,
 * `smoothl1-conformance/vitest` (adapters/vitest/conformance.ts), so importing the
 * library never loads vitest.
 *
 *   import { checkConformance, runnerFromFunction } from 'smoothl1-conformance';
 *   const report = await checkConformance(runnerFromFunction(mySmoothL1), { profile: 'cpu' });
 *
 * A new public name is added here, next to its layer's group.
 */

// Vocabulary: dtypes, tensors, call arguments, the runner contract, case JSON (common/).
export type {
  ArgValue,
  CallArgs,
  CaseInputsJson,
  CaseJson,
  DType,
  ErrorType,
  FloatDType,
  GeneratorSpec,
  LoadedCase,
  OtherDType,
  OutcomeJson,
  OutputExpectationJson,
  ProfileName,
  Reduction,
  RunContext,
  Runner,
  RunnerResult,
  Tensor,
  TensorData,
  TensorJson,
  ToleranceLevel,
  ValueJson,
} from './common/types.js';
export { ImplementationCrash, ImplementationTimeout, isTimeoutError, type CrashDetails } from './common/runner-errors.js';
export { floatFormat, type Bits, type FloatFormat } from './common/float-format.js';
export { formatDecimal, formatFigure, formatFloatLiteral, formatHex } from './common/number-format.js';
export { ARG_NAMES, caseColumns, REPORT_COLUMNS, type ArgName, type ReportColumn } from './common/operator.js';
export { allocTensor, elementToNumber, numel, tensorFromHex, tensorFromNumbers, tensorToHex, tensorToNumbers } from './common/tensor.js';
export { dtypesSpec, packageRoot, profileNames, profilesSpec, promote, readSpecJson, tolerancesSpec, type DTypesSpec, type ProfilesSpec, type TolerancesSpec } from './common/spec-data.js';
export { MissingPackageError } from './common/optional-packages.js';

// The corpus: loading, validation, selection, inputs (harness/cases/).
export { CaseError, caseIdOf, checkCorpus, compileFilter, defaultCasesDir, filterCases, loadCaseFile, loadCorpus, materialize, selectCases, SelectionError, type CaseProblem, type FileCheck, type Filterable } from './harness/cases/index.js';
export { globToRegExp } from './harness/glob.js';
export { inShard, parseShard, shardOf, type Shard } from './harness/shard.js';

// The exact oracle (oracle/).
export {
  acceptance,
  acceptedIntervals,
  acceptsValue,
  checkValues,
  computeReference,
  expectOutcome,
  outputDType,
  ulpError,
  type Acceptance,
  type AcceptanceOptions,
  type ExpectOptions,
  type OracleOutput,
  type ReferenceOptions,
  type ValueCheck,
  type ValueFailure,
} from './oracle/index.js';

// Runners: by name, or from a plain function (runners/).
export { createRunner, describeRunners, runnerNames, RunnerOptionsError, UnknownRunnerError, type RunnerOptions } from './runners/registry.js';
export { runnerFromFunction, type SmoothL1Function } from './runners/module/index.js';

// Checking and running (harness/).
export { checkConformance, checkSelected, RunnerStartError, selectForCheck, type ConformanceOptions, type SelectedCheckOptions } from './harness/conformance.js';
export { DEFAULT_STARTUP_MS, DEFAULT_TIMEOUT_MS, timeLimit, type TimeLimit } from './harness/time-limit.js';
export { assertStoredOutcomes, storedOutcomeProblems } from './harness/stored-outcomes.js';
export { Checker, CorpusDefectError, type CheckOutcome, type CheckerOptions } from './harness/check.js';
export { buildReport, callWithTimeout, corpusHash, runCases, RunInterrupted, type ReportInputs, type RunOptions, type RunOutcome } from './harness/run.js';
export { ExpectationMatcher, ExpectationsError, loadExpectations, parseExpectations, type ExpectationEntry, type Expectations, type ExpectationVerdict } from './harness/expectations.js';
export { observedStatus, PLACEHOLDER_PREFIX, updateExpectations, type UpdateChanges, type UpdateInputs, type UpdateOutcome } from './harness/expectations-update.js';
export { isUnexpected, summarize, type CaseResultJson, type CheckStatus, type ReportJson, type ResultStatus, type SummaryJson } from './harness/results.js';

// Searching for failing calls: fuzz and sweep (search/).
export { fuzz, searchCase, type FuzzFinding, type FuzzOptions, type FuzzOutcome, type SearchSpace } from './search/fuzz.js';
export { sweep, sweepChunks, shardChunks, chunkArgs, type SweepOptions, type SweepOutcome } from './search/sweep.js';
export { smoothL1Space, callPlans, buildCall, type CallPlan, type SpaceOptions } from './search/operator/index.js';
export { PAIR_CLASSES, pairClassifier } from './search/operator/classes.js';
export { caseJsonFor, writeCaseFile, type CaseMeta } from './search/case-file.js';
export { searchReport, searchHash } from './search/report.js';
export type { FuzzSectionJson, SweepSectionJson, FindingJson } from './harness/results.js';

// Reports (reports/).
export { parseFormats, renderReports, REPORT_FORMATS, writeReports, type ReportFormat } from './reports/index.js';
export { parseReport, renderJson, ReportFormatError } from './reports/json.js';
