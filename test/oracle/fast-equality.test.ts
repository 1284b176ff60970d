/**
 * The fast path is bit-identical to the exact path (expected values and every interval
 * endpoint) on inputs that hunt its hard spots (test/oracle/hunt.ts), CI-sized here; the
 * full run is `npm run verify:oracle`.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { FloatDType } from '../../common/types.js';
import { huntCases } from './hunt.js';
import { compareCase, emptyStats } from './equality.js';

const ELEMENTS = Number(process.env.SMOOTHL1_EQUALITY_ELEMENTS ?? 6000);
const CASE_SIZE = 24;

describe('fast path = exact path on hunted inputs', () => {
  for (const out of ['float16', 'bfloat16', 'float32', 'float64'] as FloatDType[]) {
    it(`${out}: expected values and strict/standard intervals, bit for bit`, () => {
      const stats = emptyStats();
      fc.assert(
        fc.property(huntCases(out, CASE_SIZE), (c) => {
          const diff = compareCase(c, stats);
          if (diff !== undefined) throw new Error(`${diff}\n  case: ${JSON.stringify({ ...c, beta: c.beta.type === 'int' ? { type: 'int', value: String(c.beta.value) } : c.beta })}`);
        }),
        { numRuns: Math.ceil(ELEMENTS / CASE_SIZE), seed: 20260901 },
      );
      expect(stats.elements).toBeGreaterThan(0);
    });
  }
});
