/**
 * The shared vocabulary of the suite: tensors, call arguments, runner results and
 * the JSON shape of a case. Every layer (oracle, harness, runners, reports) speaks
 * these types; none of them carries behaviour, so importing this module never
 * couples an implementation to the oracle.
 */

/** Float dtypes the operator can be asked to compute in (spec/dtypes.json "float"). */
export type FloatDType = 'float16' | 'bfloat16' | 'float32' | 'float64';
/** Non-float dtypes used only to provoke the unsupported-dtype error. */
export type OtherDType = 'int32' | 'int64' | 'uint8' | 'bool' | 'complex64';
export type DType = FloatDType | OtherDType;

export type ProfileName = 'cpu' | 'gpu' | 'ascend';
export type Reduction = 'none' | 'mean' | 'sum';
export type ErrorType = 'TypeError' | 'ValueError' | 'RuntimeError';
export type ToleranceLevel = 'strict' | 'standard';
/** Which value of beta: its float32 value (MindSpore's storage) or its exact value as given (spec/smooth-l1-loss.md 4.1). */
export type BetaSource = 'float32' | 'given';

/**
 * Element storage per dtype. float16/bfloat16 are 16-bit patterns (Node 20 has no
 * Float16Array); complex64 is interleaved (re, im) float32; bool is 0/1 bytes.
 */
export type TensorData =
  | Uint16Array // float16, bfloat16
  | Float32Array // float32, complex64 (interleaved)
  | Float64Array // float64
  | Int32Array // int32
  | BigInt64Array // int64
  | Uint8Array; // uint8, bool

export interface Tensor {
  dtype: DType;
  /** Row-major; [] is a 0-d tensor with one element. */
  shape: number[];
  data: TensorData;
}

/**
 * A call argument exactly as the case format describes it. A missing optional
 * argument (beta, reduction) means "call with the operator's default"; runners must
 * omit it rather than substitute the default themselves.
 */
export type ArgValue =
  | { type: 'tensor'; tensor: Tensor }
  | { type: 'float'; value: number } // a Python float (float64)
  | { type: 'int'; value: bigint } // a Python int (arbitrary size)
  | { type: 'bool'; value: boolean }
  | { type: 'str'; value: string }
  | { type: 'none' }
  | { type: 'list'; value: unknown[] }; // a plain (nested) list of JSON numbers

export interface CallArgs {
  logits: ArgValue;
  labels: ArgValue;
  beta?: ArgValue;
  reduction?: ArgValue;
}

/** What an implementation did with one call. */
export type RunnerResult =
  | { kind: 'output'; tensor: Tensor }
  | { kind: 'error'; errorType: string; message: string };

export interface RunContext {
  /** The profile the case is checked under (an implementation may ignore it). */
  profile: ProfileName;
  /** The case id, for logging only. */
  caseId: string;
  /** Aborted when the harness gives up on the call (time limit, or the run was interrupted). */
  signal: AbortSignal;
  /**
   * A process runner calls this when the call is (about to be) answered by an
   * implementation process that was just (re)started and has not answered anything yet:
   * the harness, which owns the one time limit, then adds its start-up allowance.
   * In-process runners never call it.
   */
  startingProcess?(): void;
  /**
   * A runner that learns, after it answered, that the answer cannot be trusted (the
   * process answered the same request twice, for example) reports it here: the harness
   * records the case as a crash with this error.
   */
  invalidate?(e: Error): void;
}

/**
 * The runner contract (spec/runner-contract.md). A runner adapts one implementation
 * to the harness: it receives one case's arguments and returns an output or a raised
 * error. Throwing from run() is a crash of the implementation, not of the harness.
 */
export interface Runner {
  readonly name: string;
  readonly version: string;
  /** The profile this implementation targets when --profile is not given (final once init() resolved). */
  readonly nativeProfile: ProfileName;
  /**
   * True when the implementation runs in another process and run() has copied the
   * arguments before it returns (the exec and module runners): the harness then skips its
   * own copy. Otherwise the harness hands run() a copy, so that an implementation that
   * writes to its inputs cannot change what the oracle judges.
   */
  readonly isolated?: boolean;
  /** Optional one-time start-up (spawn a process, open a browser, load a model). */
  init?(): Promise<void>;
  run(args: CallArgs, ctx: RunContext): RunnerResult | Promise<RunnerResult>;
  /** Release resources; called once at the end of a run, also after failures. */
  close?(): Promise<void>;
}

// ---------------------------------------------------------------------------
// Case file JSON (spec/case.schema.json is the normative definition)
// ---------------------------------------------------------------------------

/** Deterministic generator of tensor elements (spec/smooth-l1-loss.md "Generators"). */
export interface GeneratorSpec {
  prng: 'xoshiro128**';
  seed: number;
  /**
   * 'uniform': RN_dtype(a + (b - a) * r / 2^32) with r the next uint32 (a, b integers,
   * |a|, |b| <= 2^20, so the float64 evaluation is exact);
   * 'bits': raw random bit patterns of the dtype (all classes, NaN and Inf included);
   * 'finite-bits': random bit patterns, non-finite patterns skipped.
   */
  distribution: 'uniform' | 'bits' | 'finite-bits';
  a?: number;
  b?: number;
}

export interface TensorJson {
  dtype: DType;
  shape: number[];
  /** Bit patterns, one lowercase hex string per element, row-major. */
  bits?: string[];
  /** Optional readable decimals beside bits (informative; bits are normative). */
  decimal?: string[];
  /** Instead of bits: a generator. */
  generate?: GeneratorSpec;
}

export type ValueJson =
  | { type: 'tensor'; tensor: TensorJson }
  | { type: 'float'; value: string } // decimal or "nan", "inf", "-inf", "-0.0"; parsed as float64
  | { type: 'int'; value: string } // decimal integer of any size
  | { type: 'bool'; value: boolean }
  | { type: 'str'; value: string }
  | { type: 'none' }
  | { type: 'list'; value: unknown[] };

export interface CaseInputsJson {
  logits: ValueJson;
  labels: ValueJson;
  beta?: ValueJson;
  reduction?: ValueJson;
}

/** An expected output: dtype and shape always; values when stored in the case. */
export interface OutputExpectationJson {
  dtype: FloatDType;
  shape: number[];
  /** Correctly rounded exact result, as bit patterns; absent = the oracle computes it. */
  bits?: string[];
  decimal?: string[];
}

export type OutcomeJson =
  | { output: OutputExpectationJson; note?: string }
  | { error: ErrorType | 'any'; kind?: string; note?: string }
  | { anyOf: OutcomeJson[]; note?: string };

export interface CaseJson {
  $schema?: string;
  title: string;
  description?: string;
  tags: string[];
  profiles: ProfileName[];
  inputs: CaseInputsJson;
  expected: Partial<Record<ProfileName, OutcomeJson>>;
}

/** A case as loaded: its id is its path below cases/ without ".json". */
export interface LoadedCase extends CaseJson {
  id: string;
  file: string;
}
