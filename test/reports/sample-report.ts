/**
 * A hand-written report.json for the writer tests: every status, a value failure with
 * element details, awkward characters in ids and messages. The writers' output is
 * checked against this input, not against another writer.
 */
import type { CaseResultJson, ReportJson } from '../../harness/results.js';

const rerun = (id: string) => `npx smoothl1 run --runner cpu --profile cpu --tolerance standard --filter '${id}'`;

export function sampleResults(): CaseResultJson[] {
  return [
    { id: 'beta/fraction-f32', status: 'pass', reason: 'all 3 elements within the standard interval (max 0 ulp)', maxUlpError: 0, area: 'beta', dtype: 'float32', reduction: 'default' },
    { id: 'beta/huge-f16', status: 'pass', reason: 'ok', maxUlpError: 0.5, area: 'beta', dtype: 'float16', reduction: 'sum' },
    {
      id: 'dtypes/float32-mean',
      status: 'wrong-value',
      reason: '1 of 1 float32 elements outside the standard interval; first at [0]: expected 0.5 in [0.5, 0.5], got 0.75 (4194304 ulp)',
      maxUlpError: 4194304,
      area: 'dtypes',
      dtype: 'float32',
      reduction: 'mean',
      details: {
        inputs: [
          { name: 'logits', type: 'tensor', dtype: 'float32', shape: [3], numel: 3, elements: [{ index: 0, decimal: '1', hex: '3f800000' }, { index: 1, decimal: '2', hex: '40000000' }, { index: 2, decimal: '3', hex: '40400000' }], truncated: false },
          { name: 'labels', type: 'tensor', dtype: 'float32', shape: [3], numel: 3, elements: [{ index: 0, decimal: '1', hex: '3f800000' }, { index: 1, decimal: '2', hex: '40000000' }, { index: 2, decimal: '2', hex: '40000000' }], truncated: false },
          { name: 'beta', type: 'absent' },
          { name: 'reduction', type: 'str', value: '"mean"' },
        ],
        expected: 'output float32 shape []',
        actual: 'output float32 shape []',
        elements: [{ index: 0, expected: '0.16666666666666666', expectedHex: '3e2aaaab', lo: '0.16666665', loHex: '3e2aaaaa', hi: '0.16666667', hiHex: '3e2aaaab', actual: '0.75', actualHex: '3f400000', ulpError: '4194304' }],
        failedCount: 1,
        rerun: rerun('dtypes/float32-mean'),
      },
    },
    {
      id: 'errors/<&"quote\'s">',
      status: 'wrong-error-type',
      reason: 'expected error ValueError (shape-mismatch), got IndexError: bad <index> & "stuff"\u0001',
      maxUlpError: null,
      area: 'errors',
      dtype: 'float32',
      reduction: 'invalid',
      details: { inputs: [], expected: 'error ValueError (shape-mismatch)', actual: 'error IndexError', message: 'IndexError: line one\nline <two> & ]]>', rerun: rerun('errors/x') },
    },
    { id: 'errors/crashy', status: 'crash', reason: 'the implementation crashed: TypeError: boom', maxUlpError: null, area: 'errors', dtype: 'n/a', reduction: 'default', details: { inputs: [], expected: 'error TypeError', actual: 'a crash', message: 'TypeError: boom', rerun: rerun('errors/crashy') } },
    { id: 'large/hang', status: 'timeout', reason: 'no answer: no answer within 50 ms', maxUlpError: null, area: 'large', dtype: 'float16', reduction: 'sum', details: { inputs: [], expected: 'output float16 shape []', actual: 'no answer (timeout)', message: 'no answer within 50 ms', rerun: rerun('large/hang') } },
    { id: 'precision/known', status: 'expected-failure', observed: 'wrong-value', expectation: 'bug #12: half accumulation', reason: 'known failure (bug #12): 3 elements off', maxUlpError: 'inf', area: 'precision', dtype: 'float16', reduction: 'sum' },
    { id: 'precision/fixed', status: 'unexpected-pass', observed: 'pass', expectation: 'bug #13', reason: 'listed as a known failure (bug #13) but passed', maxUlpError: 1, area: 'precision', dtype: 'bfloat16', reduction: 'none' },
    { id: 'shapes/ascend-only', status: 'skipped', reason: 'the case applies only to profile(s) ascend', maxUlpError: null, area: 'shapes', dtype: 'bfloat16', reduction: 'none' },
  ];
}

export function sampleReport(withTimings = true): ReportJson {
  const results = sampleResults();
  const r: ReportJson = {
    format: 'smoothl1-report/1',
    tool: { name: 'smoothl1-conformance', version: '0.1.0' },
    runner: { name: 'cpu', version: '0.1.0' },
    profile: 'cpu',
    tolerance: 'standard',
    corpusHash: 'a'.repeat(64),
    corpusSize: 120,
    selection: { filters: [], shard: null, selected: results.length },
    seed: null,
    expectations: { file: 'known.json', sha256: 'b'.repeat(64), unused: ['old/*'] },
    // Counted by hand from the list above.
    summary: { total: 9, passed: 2, failed: 4, expectedFailures: 1, unexpectedPasses: 1, skipped: 1 },
    results,
  };
  if (withTimings) r.timings = { startedAt: '2026-01-01T00:00:00.000Z', totalMs: 12.5, checkMs: 3.5, cases: Object.fromEntries(results.map((x, i) => [x.id, i + 0.25])) };
  return r;
}
