/**
 * checkConformance (harness/conformance.ts), the library's one-call check: it must give
 * the report `smoothl1 run` writes for the same configuration, fail a wrong
 * implementation on the cases the spec says, and reject selections that select nothing.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CallArgs, LoadedCase, RunContext, Runner } from '../../common/types.js';
import { main as runMain } from '../../cli/commands/run.js';
import { checkConformance, RunnerStartError, SelectionError } from '../../harness/conformance.js';
import { CorpusDefectError } from '../../harness/check.js';
import { fixtureCases, HEX, loadedFixture } from './run-fixtures.js';
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

  it('re-derives stored outcomes before any case, as smoothl1 run does: a corpus defect blames no implementation', async () => {
    const defective: LoadedCase = { ...loadedFixture('doc/example'), expected: { ...fixtureCases['doc/example'].expected, cpu: { output: { dtype: 'float32', shape: [3], bits: [HEX.zero, HEX.zero, HEX.one] } } } };
    let calls = 0;
    let inits = 0;
    const counting: Runner = { name: 'counting', version: '1', nativeProfile: 'cpu', init: async () => void inits++, run: (args, ctx) => (calls++, smoothL1Loss(args, ctx.profile)) };
    const err = await checkConformance(counting, { corpus: [defective, loadedFixture('reductions/sum')], profile: 'cpu' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CorpusDefectError);
    expect((err as Error).message).toMatch(/doc.example\.json: \/expected\/cpu\/output\/bits\/2: case 'doc\/example' stores float32 bits 3f800000/);
    expect([inits, calls]).toEqual([0, 0]);
    // Without a profile the native one is known after init(); the check still comes before any case.
    await expect(checkConformance(counting, { corpus: [defective] })).rejects.toThrow(CorpusDefectError);
    expect(calls).toBe(0);
  });

  it('takes its time limit from the harness: the start-up allowance applies to a freshly started process', async () => {
    // A "process" that reports it just started, then answers after 400 ms: within 100 ms + the allowance.
    const slowStart: Runner = {
      name: 'slow-start',
      version: '1',
      nativeProfile: 'cpu',
      run: async (args, ctx) => {
        ctx.startingProcess?.();
        await new Promise((r) => setTimeout(r, 400));
        return smoothL1Loss(args, ctx.profile);
      },
    };
    const ok = await checkConformance(slowStart, { filters: ['doc/example'], timeoutMs: 100, startupMs: 2000 });
    expect(ok.results.map((r) => r.status)).toEqual(['pass']);
    const late = await checkConformance(slowStart, { filters: ['doc/example'], timeoutMs: 100, startupMs: 1 });
    expect(late.results.map((r) => r.status)).toEqual(['timeout']);
  });

  it('an implementation that cannot start rejects with RunnerStartError, after close()', async () => {
    let closed = false;
    const broken: Runner = { name: 'broken', version: '1', nativeProfile: 'cpu', init: async () => { throw new Error('no device'); }, close: async () => void (closed = true), run: () => { throw new Error('never'); } };
    await expect(checkConformance(broken, { filters: ['doc'] })).rejects.toThrow(RunnerStartError);
    await expect(checkConformance(broken, { filters: ['doc'] })).rejects.toThrow(/runner 'broken' cannot start: no device/);
    expect(closed).toBe(true);
  });
});
