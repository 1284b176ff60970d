/**
 * The exact reference oracle (ARCHITECTURE.md "oracle/index.ts"): expected outcomes per
 * profile, the exact loss correctly rounded, acceptance intervals of the error model
 * (spec/fp-primer.md) and the value check that applies them, whole or chunk by chunk.
 */
export { computeReference, reductionValue, referenceBits, type OracleOutput, type ReferenceOptions } from './reference.js';
export { betaValue, betaReading, betaReading as exactBeta, betaReadings, betaSign, betaNumber, betaOfNumber, BETA_SOURCES, type Beta, type Beta as ExactBeta, type BetaReadings, type BetaSource } from './beta.js';
export { exactElementLoss } from './exact-loss.js';
export { expectOutcome, applicableErrors, outputDType, type ExpectOptions } from './expect.js';
export { roundScaled, roundDyadic, dyadicOf, bitLength, R, type Dyadic, type Rational, type ExtValue, type Dir } from './exact.js';
export { acceptance, acceptedIntervals, acceptsValue, type Acceptance, type AcceptanceOptions } from './acceptance.js';
export { levelSpec, type LevelSpec } from './level.js';
export { checkValues, ulpError, type ValueCheck, type ValueFailure } from './check.js';
export type { TensorSource, GeneratedTensor } from './inputs.js';
export { startValueCheck, checkOutput, type ValueCheckJob, type ValueCheckOptions, type FusedStats } from './judge.js';
