/**
 * The exact reference oracle (ARCHITECTURE.md "oracle/index.ts"): expected outcomes per
 * profile, the exact loss correctly rounded, acceptance intervals of the error model
 * (spec/fp-primer.md) and the value check that applies them.
 */
export { computeReference, betaValue, exactBeta, betaSign, reductionValue, referenceBits, exactElementLoss, BETA_SOURCES, type OracleOutput, type BetaSource, type ExactBeta, type ReferenceOptions } from './reference.js';
export { expectOutcome, applicableErrors, outputDType, type ExpectOptions } from './expect.js';
export { roundScaled, roundDyadic, dyadicOf, bitLength, R, type Dyadic, type Rational, type ExtValue, type Dir } from './exact.js';
export { acceptance, type Acceptance, type AcceptanceOptions, type LevelSpec } from './acceptance.js';
export { checkValues, ulpError, type ValueCheck, type ValueFailure } from './check.js';
