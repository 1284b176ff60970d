/**
 * The whole committed corpus through the real checking engine (harness/run.ts, the oracle,
 * strict tolerance) with the in-repo CPU kernel, under every profile: every case that
 * applies to the profile must pass. This is the end-to-end agreement check between the
 * two independent codings of the profile rules (oracle/expect.ts and runners/validation.ts)
 * and the kernel's numerics against the oracle's acceptance intervals.
 */
import { describe, expect, it } from 'vitest';
import { profileNames } from '../../common/spec-data.js';
import type { LoadedCase } from '../../common/types.js';
import { loadCorpus } from '../../harness/cases/index.js';
import { runCases } from '../../harness/run.js';
import { createRunner } from '../../runners/cpu/index.js';

let corpus: LoadedCase[] | undefined;
const cases = () => (corpus ??= loadCorpus());

describe('cpu kernel: whole corpus at strict tolerance', () => {
  it('the corpus is not trivially small', () => {
    expect(cases().length).toBeGreaterThan(100);
  });

  for (const profile of profileNames()) {
    it(`every case for profile ${profile} passes`, async () => {
      const outcome = await runCases({ runner: createRunner(), cases: cases(), profile, tolerance: 'strict', timeoutMs: 60_000, rerunPrefix: `npx smoothl1 run --runner cpu --profile ${profile} --tolerance strict` });
      const ran = outcome.results.filter((r) => r.status !== 'skipped');
      // every case either ran or was skipped because it is written for other profiles
      for (const r of outcome.results.filter((x) => x.status === 'skipped')) expect(cases().find((c) => c.id === r.id)!.profiles).not.toContain(profile);
      expect(ran.length).toBeGreaterThan(0);
      const failures = ran.filter((r) => r.status !== 'pass').map((r) => `${r.id}: ${r.status}: ${r.reason}`);
      expect(failures).toEqual([]);
    });
  }
});
