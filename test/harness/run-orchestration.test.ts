/**
 * Run orchestration with deliberately misbehaving in-test runners: a throw is a crash, a
 * call that never settles is a timeout and the run goes on, wrong answers get their
 * statuses, close() is always called, expectations turn failures into expected failures
 * and stale entries into unexpected passes, and report.json is byte-identical across
 * runs (without timings) and valid against spec/report.schema.json.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallArgs, LoadedCase, RunContext, Runner, RunnerResult, Tensor } from '../../common/types.js';
import { ImplementationCrash, ImplementationTimeout } from '../../common/runner-errors.js';
import { loadCorpus } from '../../harness/cases/index.js';
import { parseExpectations } from '../../harness/expectations.js';
import { buildReport, corpusHash, runCases, RunInterrupted } from '../../harness/run.js';
import type { RunOutcome } from '../../harness/run.js';
import { renderJson, reportProblems } from '../../reports/json.js';
import { f32, writeFixtureCorpus } from './run-fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'smoothl1-run-'));
let corpus: LoadedCase[];
beforeAll(() => {
  writeFixtureCorpus(dir);
  corpus = loadCorpus(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Behaviour = (args: CallArgs, ctx: RunContext) => RunnerResult | Promise<RunnerResult>;

/** The documentation example's values, for the cases built on it (run-fixtures.ts). */
const correct: Record<string, () => RunnerResult> = {
  'doc/example': () => ({ kind: 'output', tensor: f32([0, 0, 0.5]) }),
  'beta/either': () => ({ kind: 'output', tensor: f32([0, 0, 1]) }),
  'reductions/sum': () => ({ kind: 'output', tensor: f32([0.5], []) }),
  'reductions/mean': () => ({ kind: 'output', tensor: f32([1 / 6], []) }),
  'errors/shape-mismatch': () => ({ kind: 'error', errorType: 'ValueError', message: 'shapes differ' }),
};

function testRunner(behaviours: Record<string, Behaviour>, log: string[] = []): Runner {
  return {
    name: 'test-runner',
    version: '1.2.3',
    nativeProfile: 'cpu',
    async init() {
      log.push('init');
    },
    run(args, ctx) {
      log.push(`run ${ctx.caseId}`);
      const b = behaviours[ctx.caseId] ?? correct[ctx.caseId];
      if (!b) throw new Error(`no behaviour for ${ctx.caseId}`);
      return b(args, ctx);
    },
    async close() {
      log.push('close');
    },
  };
}

const base = { profile: 'cpu' as const, tolerance: 'standard' as const, rerunPrefix: 'npx smoothl1 run --runner test' };
const statuses = (o: RunOutcome) => Object.fromEntries(o.results.map((r) => [r.id, r.status]));

describe('run orchestration', () => {
  it('classifies crashes, timeouts and wrong answers and keeps going', async () => {
    const log: string[] = [];
    let abortedSignal: AbortSignal | undefined;
    const f64 = (v: number[]): Tensor => ({ dtype: 'float64', shape: [v.length], data: Float64Array.from(v) });
    const runner = testRunner(
      {
        'reductions/sum': () => {
          throw new Error('boom');
        },
        'reductions/mean': (_a, ctx) => {
          abortedSignal = ctx.signal;
          return new Promise<RunnerResult>(() => {}); // never settles
        },
        'errors/shape-mismatch': () => ({ kind: 'error', errorType: 'TypeError', message: 'nope' }),
        'beta/either': () => ({ kind: 'output', tensor: f64([0, 0, 1]) }),
        'large/generated': () => ({ kind: 'output', tensor: f32([0, 0, 0], [3]) }),
      },
      log,
    );
    const o = await runCases({ ...base, runner, cases: corpus, timeoutMs: 100 });
    expect(statuses(o)).toEqual({
      'beta/either': 'wrong-dtype', // anyOf: output float32 or RuntimeError; float64 is closest to the output alternative
      'doc/example': 'pass',
      'errors/any-type': 'skipped', // gpu only
      'errors/shape-mismatch': 'wrong-error-type',
      'large/generated': 'wrong-shape',
      'reductions/mean': 'timeout',
      'reductions/sum': 'crash',
      'shapes/ascend-only': 'skipped',
    });
    const crash = o.results.find((r) => r.id === 'reductions/sum')!;
    expect(crash.reason).toBe('the implementation crashed: Error: boom');
    expect(o.results.find((r) => r.id === 'reductions/mean')!.reason).toBe('no answer: no answer within 100 ms');
    expect(abortedSignal?.aborted).toBe(true);
    // Ran in sorted order, after init, every applicable case once, then close.
    expect(log).toEqual(['init', 'run beta/either', 'run doc/example', 'run errors/shape-mismatch', 'run large/generated', 'run reductions/mean', 'run reductions/sum', 'close']);
  });

  it('a synchronous throw, an ImplementationCrash and an ImplementationTimeout', async () => {
    const runner = testRunner({
      'doc/example': () => {
        throw new TypeError('sync');
      },
      'reductions/sum': () => Promise.reject(new ImplementationCrash('the process exited', { reason: 'exit', exitCode: 139, signal: 'SIGSEGV', stderrTail: 'Segmentation fault' })),
      'reductions/mean': () => Promise.reject(new ImplementationTimeout('killed after 5 ms', 5)),
    });
    const cases = corpus.filter((c) => ['doc/example', 'reductions/sum', 'reductions/mean'].includes(c.id));
    const o = await runCases({ ...base, runner, cases, timeoutMs: 5000 });
    const by = Object.fromEntries(o.results.map((r) => [r.id, r]));
    expect(by['doc/example']).toMatchObject({ status: 'crash', reason: 'the implementation crashed: TypeError: sync' });
    expect(by['reductions/sum'].status).toBe('crash');
    expect(by['reductions/sum'].details!.message).toBe('the process exited\nexit code: 139\nsignal: SIGSEGV\nstderr (last part):\nSegmentation fault');
    expect(by['reductions/mean'].status).toBe('timeout');
  });

  it('close() is called when init() fails, and the failure propagates', async () => {
    const log: string[] = [];
    const runner: Runner = { ...testRunner({}, log), init: async () => Promise.reject(new Error('cannot start')) };
    await expect(runCases({ ...base, runner, cases: corpus, timeoutMs: 100 })).rejects.toThrow('cannot start');
    expect(log).toEqual(['close']);
  });

  it('an interrupt abandons the call in flight, closes the runner and rejects with RunInterrupted', async () => {
    const log: string[] = [];
    const stop = new AbortController();
    const runner = testRunner(
      {
        'doc/example': () => {
          setTimeout(() => stop.abort(), 20);
          return new Promise<RunnerResult>(() => {}); // hangs until the interrupt
        },
      },
      log,
    );
    const t0 = Date.now();
    await expect(runCases({ ...base, runner, cases: corpus, timeoutMs: 60_000, signal: stop.signal })).rejects.toThrow(RunInterrupted);
    expect(Date.now() - t0).toBeLessThan(5_000); // not the 60 s timeout
    expect(log).toEqual(['init', 'run beta/either', 'run doc/example', 'close']);
  });

  it('applies expectations: listed failures are expected, listed passes are unexpected', async () => {
    const exp = parseExpectations(
      'known.json',
      JSON.stringify({
        expectations: [
          { id: 'reductions/*', reason: 'bug 1', statuses: ['wrong-value'] },
          { id: 'doc/example', reason: 'bug 2' },
          { id: 'nothing/here', reason: 'stale' },
        ],
      }),
    );
    const runner = testRunner({ 'reductions/sum': () => ({ kind: 'output', tensor: f32([2], []) }), 'reductions/mean': () => ({ kind: 'error', errorType: 'RuntimeError', message: 'x' }) });
    const cases = corpus.filter((c) => ['doc/example', 'reductions/sum', 'reductions/mean', 'errors/shape-mismatch'].includes(c.id));
    const o = await runCases({ ...base, runner, cases, timeoutMs: 1000, expectations: exp });
    const by = Object.fromEntries(o.results.map((r) => [r.id, r]));
    expect(by['reductions/sum']).toMatchObject({ status: 'expected-failure', observed: 'wrong-value', expectation: 'bug 1' });
    expect(by['reductions/mean']).toMatchObject({ status: 'unexpected-error' }); // listed for wrong-value only
    expect(by['doc/example']).toMatchObject({ status: 'unexpected-pass', observed: 'pass' });
    expect(by['doc/example'].reason).toMatch(/passed: remove it from known\.json/);
    expect(by['errors/shape-mismatch'].status).toBe('pass');
    expect(o.unusedExpectations).toEqual(['nothing/here']);
  });
});

describe('report.json from a run', () => {
  async function report(timings: boolean) {
    const runner = testRunner({ 'large/generated': () => ({ kind: 'output', tensor: f32(new Array(1000).fill(0)) }), 'reductions/mean': () => ({ kind: 'output', tensor: f32([0.25], []) }) });
    const run = await runCases({ ...base, runner, cases: corpus, timeoutMs: 1000 });
    return buildReport({ toolVersion: '0.1.0', runner: { name: runner.name, version: runner.version }, profile: 'cpu', tolerance: 'standard', corpus, filters: [], shard: null, seed: 7, expectations: null, timings }, run);
  }

  it('is valid, byte-identical across runs without timings, and differs only in timings with them', async () => {
    const a = renderJson(await report(false));
    const b = renderJson(await report(false));
    expect(a).toBe(b);
    const parsed = JSON.parse(a);
    expect(reportProblems(parsed)).toEqual([]);
    expect(parsed.summary).toEqual({ total: 8, passed: 4, failed: 2, expectedFailures: 0, unexpectedPasses: 0, skipped: 2 });
    expect(parsed.seed).toBe(7);
    expect(parsed.timings).toBeUndefined();
    const withT = await report(true);
    expect(reportProblems(JSON.parse(renderJson(withT)))).toEqual([]);
    expect(Object.keys(withT.timings!.cases).sort()).toEqual(['beta/either', 'doc/example', 'errors/shape-mismatch', 'large/generated', 'reductions/mean', 'reductions/sum']);
    delete withT.timings;
    expect(renderJson(withT)).toBe(a);
  });

  it('the corpus hash covers ids and bytes, independent of order', () => {
    const h = corpusHash(corpus);
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(corpusHash([...corpus].reverse())).toBe(h);
    expect(corpusHash(corpus.slice(1))).not.toBe(h);
    const renamed = corpus.map((c, i) => (i === 0 ? { ...c, id: c.id + 'x' } : c));
    expect(corpusHash(renamed)).not.toBe(h);
  });
});
