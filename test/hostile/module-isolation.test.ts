/**
 * Hostile module implementations through the real `smoothl1 run --runner module`: each
 * misbehaviour costs exactly the case concerned (crash or timeout, with a precise
 * reason), the run goes on, the report is written and the exit code agrees with it. The
 * module works on its own copy of the inputs: what it does to them cannot change what the
 * oracle judges.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseJson } from '../../common/types.js';
import type { ReportJson } from '../../harness/results.js';
import { fixtureCases, writeFixtureCorpus } from '../harness/run-fixtures.js';
import { cli, ensureBuilt, tempDir, writeModule, removeTempDirs } from './helpers.js';

beforeAll(() => ensureBuilt());
afterAll(removeTempDirs);

/** Every behaviour gets its own copy of the documentation example (expected [0, 0, 0.5]). */
const behaviours: Record<string, string> = {
  'hostile/a-before': 'return correct();',
  'hostile/exit': 'process.exit(0);',
  'hostile/loop': 'for (;;) {}',
  'hostile/proxy': "return new Proxy({}, { get() { throw new Error('proxy says no'); }, has() { throw new Error('proxy says no'); } });",
  'hostile/kind-getter': "return { get kind() { throw new Error('no kind for you'); } };",
  'hostile/errortype-getter': "return { kind: 'error', get errorType() { throw new Error('no type'); }, message: 'm' };",
  'hostile/rejection': "Promise.reject(new Error('stray rejection')); return correct();",
  'hostile/segv': "process.kill(process.pid, 'SIGSEGV'); for (;;) {}",
  // Wrong, but on inputs it rewrote it would look right: labels copied into logits, zeros returned.
  'hostile/rewrite-inputs': 'args.logits.tensor.data.set(args.labels.tensor.data); return f32([0, 0, 0]);',
  // Right, then it scribbles on its inputs before returning.
  'hostile/scribble': 'const r = correct(); args.logits.tensor.data.fill(9); args.labels.tensor.data.fill(-9); return r;',
  // Answers right, but leaves a rejection that fires after its answer went out: the case
  // answered can no longer fail, so the next one does, naming where it came from.
  'hostile/y-late': "setImmediate(() => setImmediate(() => Promise.reject(new Error('late rejection')))); return correct();",
  'hostile/y-later': 'return new Promise((resolve) => setTimeout(() => resolve(correct()), 300));',
  'hostile/z-after': 'return correct();',
};

const moduleSource = `
const f32 = (v, shape = [v.length]) => ({ dtype: 'float32', shape, data: Float32Array.from(v) });
const correct = () => f32([0, 0, 0.5]);
const behaviours = {
${Object.entries(behaviours)
  .map(([id, body]) => `  ${JSON.stringify(id)}: (args) => { ${body} },`)
  .join('\n')}
};
export const name = 'hostile-module';
export function smoothL1Loss(args, ctx) { return behaviours[ctx.caseId](args); }
`;

describe('module implementations run isolated', () => {
  it('process.exit, an endless loop, throwing proxies and getters, an unhandled rejection, a native crash: one case each, the run goes on', async () => {
    const dir = tempDir('isolation');
    const cases = join(dir, 'cases');
    const docs: Record<string, CaseJson> = {};
    for (const id of Object.keys(behaviours)) docs[id] = structuredClone(fixtureCases['doc/example']);
    writeFixtureCorpus(cases, docs);
    const mod = writeModule(dir, 'hostile.mjs', moduleSource);
    const out = join(dir, 'report');
    // cwd = the temporary folder: a core dump from the SIGSEGV case lands there, if anywhere.
    const r = await cli(['run', '--runner', 'module', '--module', mod, '--cases', cases, '--report-dir', out, '--timeout', '1500', '--quiet'], { cwd: dir, limitMs: 60_000 });
    expect(r.killed).toBe(false);
    expect(r.code, r.stderr).toBe(1);
    expect(existsSync(join(out, 'report.json'))).toBe(true);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as ReportJson;
    const by = Object.fromEntries(report.results.map((x) => [x.id, x]));
    expect(Object.keys(by).sort()).toEqual(Object.keys(behaviours).sort());

    expect(by['hostile/a-before'].status).toBe('pass');
    expect(by['hostile/z-after'].status).toBe('pass');
    expect(by['hostile/exit']).toMatchObject({ status: 'crash', reason: expect.stringContaining('exited with code 0 before answering') });
    expect(by['hostile/exit'].details!.message).toContain('process.exit() or a fatal error in the implementation');
    expect(by['hostile/loop']).toMatchObject({ status: 'timeout', reason: expect.stringContaining('no answer within 1500 ms') });
    expect(by['hostile/proxy']).toMatchObject({ status: 'crash', reason: expect.stringContaining('malformed answer: reading the answer threw Error: proxy says no') });
    expect(by['hostile/kind-getter']).toMatchObject({ status: 'crash', reason: expect.stringContaining('reading the answer threw Error: no kind for you') });
    expect(by['hostile/errortype-getter']).toMatchObject({ status: 'crash', reason: expect.stringContaining('reading the answer threw Error: no type') });
    expect(by['hostile/rejection']).toMatchObject({ status: 'crash', reason: expect.stringContaining('an unhandled promise rejection: Error: stray rejection') });
    expect(by['hostile/segv']).toMatchObject({ status: 'crash', reason: expect.stringContaining('killed by signal SIGSEGV') });
    // The oracle judges the suite's pristine inputs, whatever the module did to its copy.
    expect(by['hostile/rewrite-inputs']).toMatchObject({ status: 'wrong-value' });
    expect(by['hostile/scribble'].status).toBe('pass');
    expect(by['hostile/y-late'].status).toBe('pass');
    expect(by['hostile/y-later']).toMatchObject({ status: 'crash', reason: expect.stringContaining('an unhandled promise rejection: Error: late rejection') });

    // The exit code says no more than the report: 9 failures, 4 passes.
    expect(report.summary).toMatchObject({ total: 13, passed: 4, failed: 9 });
    expect(r.stdout).toMatch(/^FAIL: 13 cases: 4 passed, 9 failed/m);
    // Crash details appear once: the stderr tail is not repeated inside the message.
    const msg = by['hostile/segv'].details!.message!;
    expect(msg.match(/signal: SIGSEGV/g)?.length).toBe(1);
  }, 90_000);
});
