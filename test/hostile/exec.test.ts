/**
 * Hostile exec implementations: a grandchild that keeps the pipes open cannot keep the
 * suite from exiting; an answer that comes twice is a protocol violation of the case it
 * repeats; and tensors too large for protocol 1's JSON lines travel as raw bytes in
 * protocol 2, or fail with a message that names the protocol, never the suite's own
 * string limit.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImplementationCrash } from '../../common/runner-errors.js';
import type { CallArgs, CaseJson } from '../../common/types.js';
import type { ReportJson } from '../../harness/results.js';
import { createRunner } from '../../runners/exec/index.js';
import { fixtureCases, writeFixtureCorpus } from '../harness/run-fixtures.js';
import { alive, cli, ensureBuilt, NODE, tempDir, waitFor, removeTempDirs } from './helpers.js';

beforeAll(() => ensureBuilt());
afterAll(removeTempDirs);
const impl = fileURLToPath(new URL('../fixtures/hostile/cpu-impl.mjs', import.meta.url));
const leftovers: number[] = [];
afterAll(() => {
  for (const pid of leftovers) if (alive(pid)) process.kill(pid, 'SIGKILL');
});

function corpus(ids: string[]): string {
  const dir = join(tempDir('exec'), 'cases');
  const docs: Record<string, CaseJson> = {};
  for (const id of ids) docs[id] = structuredClone(fixtureCases['doc/example']);
  writeFixtureCorpus(dir, docs);
  return dir;
}

const report = (dir: string) => JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as ReportJson;

describe('exec implementations', () => {
  it('a grandchild in its own session holding stdout: the run ends, reports and exits', async () => {
    const cases = corpus(['g/1', 'g/2']);
    const pidFile = join(cases, '..', 'grandchild.pid');
    const out = join(cases, '..', 'out');
    const r = await cli(['run', '--runner', 'exec', '--command', `${NODE} ${impl} --grandchild ${pidFile}`, '--cases', cases, '--report-dir', out, '--quiet'], { limitMs: 25_000 });
    if (await waitFor(() => readFileSync(pidFile, 'utf8') !== '', 1000)) leftovers.push(Number(readFileSync(pidFile, 'utf8')));
    expect(r.killed, 'the CLI must exit although the grandchild keeps the pipe').toBe(false);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^PASS: 2 cases: 2 passed/m);
    expect(report(out).summary.passed).toBe(2);
    expect(r.ms).toBeLessThan(20_000);
  }, 30_000);

  for (const v of ['protocol 1', 'protocol 2']) {
    it(`two answers to one request (${v}): a protocol violation of that case, the others pass`, async () => {
      const cases = corpus(['d/1', 'd/2-twice', 'd/3']);
      const out = join(cases, '..', 'out');
      const r = await cli(['run', '--runner', 'exec', '--command', `${NODE} ${impl} --twice d/2-twice${v === 'protocol 1' ? ' --v1' : ''}`, '--cases', cases, '--report-dir', out, '--quiet']);
      expect(r.code).toBe(1);
      const by = Object.fromEntries(report(out).results.map((x) => [x.id, x]));
      expect(by['d/1'].status).toBe('pass');
      expect(by['d/2-twice']).toMatchObject({ status: 'crash', reason: expect.stringMatching(/d\/2-twice \(seq 2\): the implementation answered seq 2 \(id "d\/2-twice"\) a second time \(a protocol violation\)/) });
      expect(by['d/3'].status).toBe('pass');
    }, 30_000);
  }
});

describe('tensors beyond protocol 1 (2^26 elements)', () => {
  const n = 2 ** 26;
  const big = (): CallArgs => ({
    logits: { type: 'tensor', tensor: { dtype: 'float16', shape: [n], data: new Uint16Array(n) } },
    labels: { type: 'tensor', tensor: { dtype: 'float16', shape: [n], data: new Uint16Array(n) } },
    reduction: { type: 'str', value: 'sum' },
  });
  const ctx = (caseId: string) => ({ caseId, profile: 'cpu' as const, signal: new AbortController().signal });

  it('travel as raw bytes to a protocol 2 implementation, and the answer comes back', async () => {
    const runner = createRunner({ command: `${NODE} ${impl}` });
    await runner.init();
    try {
      const r = await runner.run(big(), ctx('big/sum'));
      expect(r.kind).toBe('output');
      if (r.kind === 'output') {
        expect(r.tensor.dtype).toBe('float16');
        expect(r.tensor.shape).toEqual([]);
        expect(Array.from(r.tensor.data)).toEqual([0]); // the sum of 2^26 zero losses
      }
    } finally {
      await runner.close();
    }
  }, 60_000);

  it('to a protocol 1 implementation: a crash that names protocol 2, not a string-length error of the suite', async () => {
    const runner = createRunner({ command: `${NODE} ${impl} --v1` });
    await runner.init();
    try {
      // A first small call, so the process is known to speak protocol 1 (it sends no hello).
      const small: CallArgs = { logits: { type: 'float', value: 1 }, labels: { type: 'float', value: 1 } };
      expect((await runner.run(small, ctx('small'))).kind).toBe('error');
      const e = await Promise.resolve(runner.run(big(), ctx('big/sum'))).catch((x: Error) => x);
      expect(e).toBeInstanceOf(ImplementationCrash);
      expect((e as Error).message).toMatch(/big\/sum: its tensors need a \d+ MiB protocol 1 line, more than the suite builds; the implementation must speak exec protocol 2/);
      expect((e as Error).message).not.toMatch(/Invalid string length/);
    } finally {
      await runner.close();
    }
  }, 60_000);
});
