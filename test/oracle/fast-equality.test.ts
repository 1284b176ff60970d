/**
 * The fast path is bit-identical to the exact path (expected values and every interval
 * endpoint), and the fused value check gives checkValues' verdict on the exact intervals:
 * on inputs that hunt the fast path's hard spots (test/oracle/hunt.ts) and on the corpus.
 * CI-sized here (SMOOTHL1_EQUALITY_ELEMENTS hunted elements per output dtype, corpus cases
 * up to SMOOTHL1_EQUALITY_CORPUS_MAX elements); the full run is `npm run verify:oracle`.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { FloatDType } from '../../common/types.js';
import { loadCorpus, materialize } from '../../harness/cases/index.js';
import { huntArgs, huntCases } from './hunt.js';
import { compareCall, emptyStats } from './equality.js';
import { corpusCalls } from './corpus-calls.js';

const ELEMENTS = Number(process.env.SMOOTHL1_EQUALITY_ELEMENTS ?? 5000);
const CORPUS_MAX = Number(process.env.SMOOTHL1_EQUALITY_CORPUS_MAX ?? 5000);
const CASE_SIZE = 24;

describe('fast path = exact path on hunted inputs', () => {
  for (const out of ['float16', 'bfloat16', 'float32', 'float64'] as FloatDType[]) {
    it(`${out}: expected values, strict/standard intervals and the fused check, bit for bit`, () => {
      const stats = emptyStats();
      let k = 0;
      fc.assert(
        fc.property(huntCases(out, CASE_SIZE), (c) => {
          k++;
          const diff = compareCall(huntArgs(c), out, stats, { givenIntervals: k % 4 === 0, fusedSeed: k });
          if (diff !== undefined) throw new Error(`${diff}\n  case: ${JSON.stringify({ ...c, beta: c.beta.type === 'int' ? { type: 'int', value: String(c.beta.value) } : c.beta })}`);
        }),
        { numRuns: Math.ceil(ELEMENTS / CASE_SIZE), seed: 20261202 },
      );
      expect(stats.intervalsCompared).toBeGreaterThan(ELEMENTS);
      expect(stats.fusedCompared).toBeGreaterThan(0);
    });
  }
});

describe('fast path = exact path on the corpus', () => {
  it(`every case up to ${CORPUS_MAX} elements, every output dtype it expects`, () => {
    const stats = emptyStats();
    let k = 0;
    for (const { id, args, dtype } of corpusCalls(loadCorpus(), materialize, CORPUS_MAX)) {
      const diff = compareCall(args, dtype, stats, { givenIntervals: true, fusedSeed: ++k });
      expect(diff, `${id} (${dtype})`).toBeUndefined();
    }
    expect(stats.cases).toBeGreaterThan(200);
  });
});
