/**
 * The real frameworks, run for real through their adapters: every deviation they show
 * must be listed in their expectations file (no unexpected failure), and every listed
 * deviation must still happen (no unexpected pass), so expectations/*.json and the
 * published reports stay true.
 *
 * PyTorch runs only when /usr/bin/python3 can import torch; otherwise the test is skipped
 * loudly, and fails instead when SMOOTHL1_REQUIRE_TORCH=1 (CI installs torch and sets it).
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { packageRoot } from '../../common/spec-data.js';
import { createRunner as execRunner } from '../../runners/exec/index.js';
import { createRunner as moduleRunner } from '../../runners/module/index.js';
import { describeUnexpected, isSlow, pythonHas, runSuite } from './run-suite.js';

const root = packageRoot();
const hasTorch = pythonHas('torch');
const requireTorch = process.env.SMOOTHL1_REQUIRE_TORCH === '1';
if (!hasTorch && !requireTorch) {
  console.warn('\n!!!!!!!! SKIPPING the PyTorch conformance check: /usr/bin/python3 cannot import torch (apt-get install -y --no-install-recommends python3-torch; set SMOOTHL1_REQUIRE_TORCH=1 to make this an error) !!!!!!!!\n');
}

describe('real frameworks match their expectations files', () => {
  it.skipIf(!hasTorch && !requireTorch)('PyTorch (exec runner, adapters/pytorch/adapter.py)', async () => {
    if (!hasTorch) throw new Error('SMOOTHL1_REQUIRE_TORCH=1 but /usr/bin/python3 cannot import torch');
    const runner = execRunner({ command: `/usr/bin/python3 ${join(root, 'adapters/pytorch/adapter.py')}` });
    const run = await runSuite(runner, { expectations: join(root, 'expectations/pytorch.json') });
    expect(runner.name).toBe('pytorch');
    expect(run.unexpected, describeUnexpected(run.unexpected)).toEqual([]);
    expect(run.unusedExpectations.filter((g) => !isSlow(g)), 'entries in expectations/pytorch.json that match no case').toEqual([]);
    // The findings are real: a healthy share of the corpus deviates, most of it passes.
    const summary = run.results.reduce((m, r) => m.set(r.status, (m.get(r.status) ?? 0) + 1), new Map<string, number>());
    expect(summary.get('expected-failure') ?? 0).toBeGreaterThan(0);
    expect(summary.get('pass') ?? 0).toBeGreaterThan(0);
  }, 120_000);

  it('TensorFlow.js (module runner, adapters/tfjs/adapter.mjs)', async () => {
    const runner = await moduleRunner({ modulePath: join(root, 'adapters/tfjs/adapter.mjs') });
    const run = await runSuite(runner, { expectations: join(root, 'expectations/tfjs.json') });
    expect(runner.name).toBe('tfjs');
    expect(run.unexpected, describeUnexpected(run.unexpected)).toEqual([]);
    expect(run.unusedExpectations.filter((g) => !isSlow(g)), 'entries in expectations/tfjs.json that match no case').toEqual([]);
    const summary = run.results.reduce((m, r) => m.set(r.status, (m.get(r.status) ?? 0) + 1), new Map<string, number>());
    expect(summary.get('expected-failure') ?? 0).toBeGreaterThan(0);
    expect(summary.get('pass') ?? 0).toBeGreaterThan(0);
  }, 120_000);
});
