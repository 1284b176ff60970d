/**
 * The whole committed corpus through the real checking engine (harness/run.ts, the oracle)
 * with the Ascend-simulating kernel under its profile, ascend, at the standard tolerance
 * (the default, where multiplying by a rounded 1/beta and 1/N and float32 accumulation are
 * admitted) and at strict (pairwise-quality sums: the blocked tree meets it). Every case
 * that applies to ascend must pass; the others must be skipped.
 */
import { describe, expect, it } from 'vitest';
import type { LoadedCase, ToleranceLevel } from '../../common/types.js';
import { loadCorpus } from '../../harness/cases/index.js';
import { runCases } from '../../harness/run.js';
import { createRunner } from '../../runners/ascend-sim/index.js';

let corpus: LoadedCase[] | undefined;
const cases = () => (corpus ??= loadCorpus());

describe('ascend-sim kernel: whole corpus under the ascend profile', () => {
  it('the corpus is not trivially small and has ascend cases', () => {
    expect(cases().length).toBeGreaterThan(100);
    expect(cases().filter((c) => c.profiles.includes('ascend')).length).toBeGreaterThan(100);
  });

  for (const tolerance of ['standard', 'strict'] as ToleranceLevel[]) {
    it(`every ascend case passes at ${tolerance}`, async () => {
      const outcome = await runCases({ runner: createRunner(), cases: cases(), profile: 'ascend', tolerance, timeoutMs: 60_000, rerunPrefix: `npx smoothl1 run --runner ascend-sim --tolerance ${tolerance}` });
      for (const r of outcome.results.filter((x) => x.status === 'skipped')) expect(cases().find((c) => c.id === r.id)!.profiles).not.toContain('ascend');
      const ran = outcome.results.filter((r) => r.status !== 'skipped');
      expect(ran.length).toBe(cases().filter((c) => c.profiles.includes('ascend')).length);
      const failures = ran.filter((r) => r.status !== 'pass').map((r) => `${r.id}: ${r.status}: ${r.reason}`);
      expect(failures).toEqual([]);
    });
  }
});
