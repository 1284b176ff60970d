/**
 * checkConformance (harness/conformance.ts), the library's one-call check: it must give
 * the report `smoothl1 run` writes for the same configuration, fail a wrong
 * implementation on the cases the spec says, and reject selections that select nothing.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CallArgs, RunContext } from '../../common/types.js';
import { main as runMain } from '../../cli/commands/run.js';
import { checkConformance, SelectionError } from '../../harness/conformance.js';
import { parseExpectations } from '../../harness/expectations.js';
import { renderJson } from '../../reports/json.js';
import { createRunner } from '../../runners/registry.js';
import { runnerFromFunction } from '../../runners/module/index.js';
import { smoothL1Loss } from '../../runners/cpu/index.js';
import { runCli } from '../cli/run-helpers.js';

describe('checkConformance', () => {
  it('gives the report smoothl1 run writes for the same configuration', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'smoothl1-api-'));
    const cli = await runCli(runMain, ['--filter', 'beta', '--filter', 'dtype:float32', '--report-dir', dir, '--formats', 'json', '--no-timings', '--quiet']);
    expect(cli.code).toBe(0);
    const report = await checkConformance(await createRunner('cpu'), { filters: ['beta', 'dtype:float32'], timings: false });
    expect(report.summary.total).toBeGreaterThan(5);
    expect(renderJson(report)).toBe(readFileSync(join(dir, 'report.json'), 'utf8'));
  });

  it('fails a wrong implementation where the documentation says, and applies expectations', async () => {
    // The documentation's example with the linear branch's 0.5 beta forgotten: [0, 0, 1] instead of [0, 0, 0.5].
    const wrong = runnerFromFunction((args: CallArgs, ctx: RunContext) => {
      const r = smoothL1Loss(args, ctx.profile);
      if (ctx.caseId === 'doc/example' && r.kind === 'output') return { dtype: 'float32', shape: [3], data: Float32Array.of(0, 0, 1) };
      return r;
    });
    const report = await checkConformance(wrong, { filters: ['doc/example,beta/half-float32'], profile: 'cpu' });
    expect(report.results.map((r) => [r.id, r.status])).toEqual([
      ['beta/half-float32', 'pass'],
      ['doc/example', 'wrong-value'],
    ]);
    expect(report.summary).toMatchObject({ total: 2, passed: 1, failed: 1 });
    expect(report.timings?.cases['doc/example']).toBeGreaterThanOrEqual(0);

    const known = parseExpectations('known.json', JSON.stringify({ expectations: [{ id: 'doc/*', reason: 'bug 1', statuses: ['wrong-value'] }] }));
    const again = await checkConformance(wrong, { filters: ['doc/example,beta/half-float32'], expectations: known });
    expect(again.results.find((r) => r.id === 'doc/example')).toMatchObject({ status: 'expected-failure', observed: 'wrong-value', expectation: 'bug 1' });
    expect(again.expectations).toMatchObject({ file: 'known.json', unused: [] });
  });

  it('splits into disjoint shards whose union is the selection', async () => {
    const cpu = await createRunner('cpu');
    const ids = async (shard?: string) => (await checkConformance(cpu, { filters: ['beta'], ...(shard ? { shard } : {}) })).results.map((r) => r.id);
    const [all, one, two] = [await ids(), await ids('1/2'), await ids('2/2')];
    expect(one.length).toBeGreaterThan(0);
    expect(two.length).toBeGreaterThan(0);
    expect([...one, ...two].sort()).toEqual(all);
  });

  it('rejects a filter that matches nothing, filters that match nothing together and a malformed shard', async () => {
    const cpu = await createRunner('cpu');
    await expect(checkConformance(cpu, { filters: ['no-such-area/**'] })).rejects.toThrow(SelectionError);
    await expect(checkConformance(cpu, { filters: ['doc', 'beta'] })).rejects.toThrow(/match no case together/);
    await expect(checkConformance(cpu, { shard: '3/2' })).rejects.toThrow(SelectionError);
  });
});
