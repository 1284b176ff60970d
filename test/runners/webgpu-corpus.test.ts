/**
 * The whole committed corpus through the real checking engine (harness/run.ts, the oracle)
 * with the webgpu runner at the strict level, under every profile: its native profile gpu
 * (float16, float32, float64; beta > 0; equal dtypes), and cpu and ascend, whose bfloat16,
 * mixed dtypes and beta = 0 the kernel computes too. Every case that applies must pass.
 *
 * `npm test` runs the native profile (about 10 s on SwiftShader); `npm run test:webgpu`
 * (SMOOTHL1_WEBGPU_ALL_PROFILES=1) runs all three, with the longer emulation runs.
 */
import { describe, expect, it } from 'vitest';
import { profileNames } from '../../common/spec-data.js';
import type { LoadedCase } from '../../common/types.js';
import { loadCorpus } from '../../harness/cases/index.js';
import { runCases } from '../../harness/run.js';
import { openRunner } from './webgpu-browser.js';

const { runner, skip } = await openRunner('webgpu runner corpus tests');
let corpus: LoadedCase[] | undefined;
const cases = () => (corpus ??= loadCorpus());

describe.skipIf(skip)('webgpu kernel: whole corpus at strict tolerance', () => {
  const all = process.env.SMOOTHL1_WEBGPU_ALL_PROFILES === '1';
  for (const profile of all ? profileNames() : [runner.nativeProfile]) {
    it(`every case for profile ${profile} passes`, async () => {
      const outcome = await runCases({ runner, cases: cases(), profile, tolerance: 'strict', timeoutMs: 120_000, rerunPrefix: `npx smoothl1 run --runner webgpu --profile ${profile} --tolerance strict` });
      const ran = outcome.results.filter((r) => r.status !== 'skipped');
      for (const r of outcome.results.filter((x) => x.status === 'skipped')) expect(cases().find((c) => c.id === r.id)!.profiles).not.toContain(profile);
      expect(ran.length).toBeGreaterThan(300);
      expect(ran.filter((r) => r.status !== 'pass').map((r) => `${r.id}: ${r.status}: ${r.reason}`)).toEqual([]);
    }, 180_000);
  }
});
