/**
 * The whole committed corpus through the real checking engine (harness/run.ts, the oracle,
 * strict tolerance) with the onnxruntime runner under its native profile (cpu), plus the
 * cases that use bfloat16 under the ascend profile (the only profile with bfloat16), so
 * the Cast-rounding path is checked end to end. (The other profiles pass too:
 * `smoothl1 run --runner onnxruntime --tolerance strict --profile gpu|ascend`.)
 */
import { describe, expect, it } from 'vitest';
import type { LoadedCase, ProfileName } from '../../common/types.js';
import { loadCorpus } from '../../harness/cases/index.js';
import { runCases } from '../../harness/run.js';
import { createRunner } from '../../runners/onnxruntime/index.js';

let corpus: LoadedCase[] | undefined;
const cases = () => (corpus ??= loadCorpus());

async function failuresOf(selected: LoadedCase[], profile: ProfileName): Promise<{ ran: number; failures: string[] }> {
  const outcome = await runCases({
    runner: createRunner(),
    cases: selected,
    profile,
    tolerance: 'strict',
    timeoutMs: 60_000,
    rerunPrefix: `npx smoothl1 run --runner onnxruntime --profile ${profile} --tolerance strict`,
  });
  const ran = outcome.results.filter((r) => r.status !== 'skipped');
  return { ran: ran.length, failures: ran.filter((r) => r.status !== 'pass').map((r) => `${r.id}: ${r.status}: ${r.reason}`) };
}

describe('onnxruntime runner: corpus at strict tolerance', () => {
  it('every case for its native profile (cpu) passes', async () => {
    const { ran, failures } = await failuresOf(cases(), 'cpu');
    expect(ran).toBeGreaterThan(100);
    expect(failures).toEqual([]);
  });

  it('every bfloat16 case passes under the ascend profile', async () => {
    const bf16 = cases().filter((c) => c.tags.includes('dtype:bfloat16') && c.profiles.includes('ascend'));
    expect(bf16.length).toBeGreaterThan(5);
    const { ran, failures } = await failuresOf(bf16, 'ascend');
    expect(ran).toBe(bf16.length);
    expect(failures).toEqual([]);
  });
});
