/**
 * In-process runners (the in-repo kernels, the vitest integration's function) go through
 * the same per-case step: the implementation gets a copy of the inputs, so the oracle
 * judges the suite's own; its answer is read once, defensively, so a throwing Proxy or
 * getter is a crash of that case and never aborts the run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CallArgs, CaseJson, RunContext, Runner } from '../../common/types.js';
import { loadCorpus } from '../../harness/cases/index.js';
import { runCases } from '../../harness/run.js';
import { runCase } from '../../harness/case-step.js';
import { Checker } from '../../harness/check.js';
import { timeLimit } from '../../harness/time-limit.js';
import { f32, fixtureCases, writeFixtureCorpus } from '../harness/run-fixtures.js';

const behaviours: Record<string, (args: CallArgs) => unknown> = {
  'in/rewrite-inputs': (args) => {
    // Wrong, but right for the inputs it rewrote: labels copied into logits, zeros returned.
    if (args.logits.type === 'tensor' && args.labels.type === 'tensor') (args.logits.tensor.data as Float32Array).set(args.labels.tensor.data as Float32Array);
    return { kind: 'output', tensor: f32([0, 0, 0]) };
  },
  'in/scribble': (args) => {
    const r = { kind: 'output', tensor: f32([0, 0, 0.5]) };
    if (args.logits.type === 'tensor') (args.logits.tensor.data as Float32Array).fill(9);
    return r;
  },
  'in/keeps-writing': () => {
    // A correct answer whose data the implementation overwrites after returning it.
    const t = f32([0, 0, 0.5]);
    setImmediate(() => (t.data as Float32Array).fill(7));
    return Promise.resolve({ kind: 'output', tensor: t });
  },
  'in/proxy': () => new Proxy({}, { get: () => { throw new Error('proxy says no'); }, has: () => { throw new Error('proxy says no'); } }),
  'in/thenable-proxy': () => Promise.resolve(new Proxy({}, { get: () => { throw new Error('late proxy'); } })),
  'in/getter': () => ({ kind: 'output', get tensor() { throw new Error('no tensor'); } }),
  'in/not-typed': () => ({ kind: 'output', tensor: { dtype: 'float32', shape: [3], data: [0, 0, 0.5] } }),
};

const dirs: string[] = [];
const tempCorpus = () => {
  const d = mkdtempSync(join(tmpdir(), 'smoothl1-in-process-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function runner(): Runner {
  return { name: 'in-process', version: '1', nativeProfile: 'cpu', run: (args: CallArgs, ctx: RunContext) => behaviours[ctx.caseId](args) as never };
}

describe('in-process implementations', () => {
  it('get a copy of the inputs and have their answers read defensively; the run goes on', async () => {
    const dir = tempCorpus();
    const docs: Record<string, CaseJson> = {};
    for (const id of Object.keys(behaviours)) docs[id] = structuredClone(fixtureCases['doc/example']);
    writeFixtureCorpus(dir, docs);
    const o = await runCases({ runner: runner(), cases: loadCorpus(dir), profile: 'cpu', tolerance: 'standard', rerunPrefix: 'npx smoothl1 run' });
    const by = Object.fromEntries(o.results.map((r) => [r.id, r]));
    expect(by['in/rewrite-inputs'].status).toBe('wrong-value');
    expect(by['in/scribble'].status).toBe('pass');
    expect(by['in/keeps-writing'].status).toBe('pass');
    expect(by['in/proxy']).toMatchObject({ status: 'crash', reason: expect.stringContaining('reading the answer threw Error: proxy says no') });
    expect(by['in/thenable-proxy'].status).toBe('crash');
    expect(by['in/getter']).toMatchObject({ status: 'crash', reason: expect.stringContaining('reading the answer threw Error: no tensor') });
    expect(by['in/not-typed']).toMatchObject({ status: 'crash', reason: expect.stringContaining('float32 data must be a Float32Array') });
  });

  it('the per-case step leaves the materialised inputs it judges untouched', async () => {
    const dir = tempCorpus();
    writeFixtureCorpus(dir, { 'in/rewrite-inputs': fixtureCases['doc/example'] });
    const [c] = loadCorpus(dir);
    const checker = new Checker({ profile: 'cpu', tolerance: 'standard', rerunPrefix: 'x' });
    const step = await runCase(c, { runner: runner(), checker, profile: 'cpu', limit: timeLimit() });
    expect(step.result.status).toBe('wrong-value');
    expect(step.result.details?.inputs[0].elements?.map((e) => e.decimal)).toEqual(['1', '2', '3']);
  });
});
