/**
 * The one order of case ids. The columns a report groups a case under are the
 * operator's (common/operator.ts caseColumns), re-exported here for earlier callers.
 */
export { caseColumns } from '../common/operator.js';

/** Code-unit order: locale independent, so every machine sorts ids the same way. */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
