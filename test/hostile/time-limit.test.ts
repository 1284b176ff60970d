/**
 * One time limit, owned by the harness: a slow-starting implementation is not a timeout
 * (a start-up allowance is added after every (re)start of its process), the allowance is
 * an option of its own, and the defaults are the harness's wherever a case is run.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseJson } from '../../common/types.js';
import type { ReportJson } from '../../harness/results.js';
import { DEFAULT_STARTUP_MS, DEFAULT_TIMEOUT_MS } from '../../harness/time-limit.js';
import { DEFAULT_TIMEOUT_MS as VITEST_TIMEOUT } from '../../adapters/vitest/conformance.js';
import { fixtureCases, writeFixtureCorpus } from '../harness/run-fixtures.js';
import { cli, ensureBuilt, NODE, tempDir, removeTempDirs } from './helpers.js';

beforeAll(() => ensureBuilt());
afterAll(removeTempDirs);
const impl = fileURLToPath(new URL('../fixtures/hostile/cpu-impl.mjs', import.meta.url));

function corpus(ids: string[]): string {
  const dir = join(tempDir('limit'), 'cases');
  const docs: Record<string, CaseJson> = {};
  for (const id of ids) docs[id] = structuredClone(fixtureCases['doc/example']);
  writeFixtureCorpus(dir, docs);
  return dir;
}

function report(dir: string): Record<string, { status: string; reason: string }> {
  const r = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as ReportJson;
  return Object.fromEntries(r.results.map((x) => [x.id, x]));
}

describe('the time limit', () => {
  it('a slow start-up is not a timeout, after the first start and after every restart', async () => {
    const cases = corpus(['t/1', 't/2-crash', 't/3']);
    const out = join(cases, '..', 'out');
    // 1 s to start, each time; 0.3 s per call: only the start-up allowance makes it pass.
    const r = await cli(['run', '--runner', 'exec', '--command', `${NODE} ${impl} --start-ms 1000 --crash-on t/2-crash`, '--cases', cases, '--timeout', '300', '--report-dir', out, '--quiet']);
    expect(r.code, r.stderr + r.stdout).toBe(1);
    const by = report(out);
    expect(by['t/1'].status).toBe('pass');
    expect(by['t/2-crash']).toMatchObject({ status: 'crash', reason: expect.stringContaining('exited with code 3 before answering') });
    expect(by['t/3'].status).toBe('pass'); // answered by the restarted process, after its own start-up
  }, 30_000);

  it('--startup-timeout sets the allowance, and the timeout names it', async () => {
    const cases = corpus(['s/1']);
    const out = join(cases, '..', 'out');
    const r = await cli(['run', '--runner', 'exec', '--command', `${NODE} ${impl} --start-ms 2000`, '--cases', cases, '--timeout', '300', '--startup-timeout', '300', '--report-dir', out, '--quiet']);
    expect(r.code).toBe(1);
    expect(report(out)['s/1']).toMatchObject({ status: 'timeout', reason: 'no answer: no answer within 600 ms (300 ms plus the 300 ms start-up allowance of a freshly started implementation process)' });
  }, 30_000);

  it('has one default, the harness\'s, wherever a case runs', () => {
    expect(DEFAULT_TIMEOUT_MS).toBe(30_000);
    expect(DEFAULT_STARTUP_MS).toBe(20_000);
    expect(VITEST_TIMEOUT).toBe(DEFAULT_TIMEOUT_MS);
  });
});
