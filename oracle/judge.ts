/**
 * The value check of one call, fused and chunked (oracle/fast/fused.ts): the verdict
 * checkValues(acceptance(computeReference(...))) would give, computed without storing
 * anything per element, in steps a caller can interleave with other work. This is what
 * the checking engine runs; computeReference, acceptance and checkValues stay for callers
 * that want the whole arrays (the oracle command, reports, tests).
 */
import type { ArgValue, BetaSource, CallArgs, FloatDType, Tensor, ToleranceLevel } from '../common/types.js';
import type { ValueCheck } from './check.js';
import { FusedValueCheck, type FusedStats } from './fast/fused.js';
import type { TensorSource } from './inputs.js';
import { levelSpec } from './level.js';
import { referenceSetup } from './reference.js';

export type { FusedStats };

/** A value check in progress. */
export interface ValueCheckJob {
  /** Elements to judge in all (the input elements). */
  readonly total: number;
  /** Elements judged so far. */
  readonly position: number;
  /** The output shape the oracle computes (the input shape for 'none', [] for a reduction). */
  readonly shape: number[];
  readonly done: boolean;
  /** Judge up to `budget` more elements (whole chunks); true when complete. */
  step(budget: number): boolean;
  /** The verdict, once done. */
  result(): ValueCheck & { stats: FusedStats };
}

export interface ValueCheckOptions {
  /** How many failing elements to report (default 10). */
  maxReported?: number;
  /** Which beta the expected values use (default 'float32'). */
  beta?: BetaSource;
  /** Read the inputs from these instead of the call's tensors (a generated tensor is streamed). */
  sources?: { logits?: TensorSource; labels?: TensorSource };
}

function tensorOf(name: string, a: ArgValue): Tensor {
  if (a.type !== 'tensor') throw new Error(`${name}: expected a tensor, got a ${a.type}`);
  return a.tensor;
}

/** Start checking an implementation's output `actual` (already of the expected dtype and shape). */
export function startValueCheck(args: CallArgs, dtype: FloatDType, level: ToleranceLevel, actual: Tensor, options: ValueCheckOptions = {}): ValueCheckJob {
  const logits = options.sources?.logits ?? tensorOf('logits', args.logits);
  const labels = options.sources?.labels ?? tensorOf('labels', args.labels);
  const setup = referenceSetup(logits, labels, args.beta, args.reduction, dtype, options.beta ?? 'float32');
  return new FusedValueCheck(setup, levelSpec(level), actual, options.maxReported ?? 10);
}

/** The whole check at once (a job run to completion). */
export function checkOutput(args: CallArgs, dtype: FloatDType, level: ToleranceLevel, actual: Tensor, options: ValueCheckOptions = {}): ValueCheck & { stats: FusedStats } {
  const job = startValueCheck(args, dtype, level, actual, options);
  while (!job.step(1 << 20));
  return job.result();
}
