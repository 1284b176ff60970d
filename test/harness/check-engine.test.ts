/**
 * The checking engine: every status from small synthetic answers to hand-written cases.
 * Correct answers are the documentation's example values; wrong answers are built by
 * hand; the engine's verdicts are compared with what the spec says they must be.
 */
import { describe, expect, it } from 'vitest';
import type { LoadedCase, RunnerResult, Tensor } from '../../common/types.js';
import { materialize } from '../../harness/cases/index.js';
import { Checker, CorpusDefectError, SLICE_MS } from '../../harness/check.js';
import { HEX, f32, fixtureCases, loadedFixture } from './run-fixtures.js';

const rerunPrefix = 'npx smoothl1 run --runner cpu --profile cpu --tolerance standard';
const checker = () => new Checker({ profile: 'cpu', tolerance: 'standard', rerunPrefix });
const out = (t: Tensor): RunnerResult => ({ kind: 'output', tensor: t });
const err = (errorType: string, message = 'm'): RunnerResult => ({ kind: 'error', errorType, message });

async function check(id: string, r: RunnerResult, ch = checker()) {
  const c = loadedFixture(id);
  return await ch.check(c, materialize(c), r);
}

describe('checking engine: outputs', () => {
  it('passes the documentation example', async () => {
    const v = (await check('doc/example', out(f32([0, 0, 0.5]))));
    expect(v.status).toBe('pass');
    expect(v.maxUlpError).toBe(0);
    expect(v.details).toBeUndefined();
  });

  it('passes the reductions with their exact values (sum 0.5, mean 1/6 correctly rounded)', async () => {
    expect((await check('reductions/sum', out(f32([0.5], [])))).status).toBe('pass');
    expect((await check('reductions/mean', out(f32([1 / 6], [])))).status).toBe('pass');
  });

  it('wrong-value: an element far outside its interval, with full details', async () => {
    const v = (await check('doc/example', out(f32([0, 0, 0.75]))));
    expect(v.status).toBe('wrong-value');
    expect(v.reason).toMatch(/1 of 3 float32 elements outside the standard interval; first at \[2\]: expected 0\.5/);
    const d = v.details!;
    expect(d.failedCount).toBe(1);
    expect(d.elements![0]).toMatchObject({ index: 2, expected: '0.5', expectedHex: HEX.half, actual: '0.75', actualHex: HEX.threeQuarters });
    // 0.75 - 0.5 = 0.25 = 2^-2, and ulp(0.5) in float32 is 2^-24: 2^22 ulps.
    expect(Number(d.elements![0].ulpError)).toBe(2 ** 22);
    expect(v.maxUlpError).toBe(2 ** 22);
    const logits = d.inputs.find((i) => i.name === 'logits')!;
    expect(logits.elements).toEqual([
      { index: 0, decimal: '1', hex: HEX.one },
      { index: 1, decimal: '2', hex: HEX.two },
      { index: 2, decimal: '3', hex: HEX.three },
    ]);
    expect(d.inputs.find((i) => i.name === 'beta')).toEqual({ name: 'beta', type: 'absent' });
    expect(d.rerun).toBe(`${rerunPrefix} --filter doc/example`);
  });

  it('wrong-value for NaN where a number is expected', async () => {
    expect((await check('reductions/sum', out(f32([NaN], [])))).status).toBe('wrong-value');
  });

  it('wrong-dtype, then wrong-shape, in that order', async () => {
    const f64: Tensor = { dtype: 'float64', shape: [3], data: Float64Array.from([0, 0, 0.5]) };
    expect((await check('doc/example', out(f64)))).toMatchObject({ status: 'wrong-dtype', reason: 'expected dtype float32, got float64' });
    expect((await check('reductions/sum', out(f32([0.5], [1]))))).toMatchObject({ status: 'wrong-shape', reason: 'expected shape [], got [1]' });
    const f64Wrongshape: Tensor = { dtype: 'float64', shape: [1], data: Float64Array.from([0.5]) };
    expect((await check('reductions/sum', out(f64Wrongshape))).status).toBe('wrong-dtype');
  });

  it('unexpected-error when an output was due', async () => {
    const v = (await check('doc/example', err('RuntimeError', 'no kernel\nmore')));
    expect(v.status).toBe('unexpected-error');
    expect(v.reason).toBe('expected output float32 shape [3], got RuntimeError: no kernel');
    expect(v.details!.message).toBe('RuntimeError: no kernel\nmore');
  });

  it('truncates big inputs to the first and the failing elements', async () => {
    const c = loadedFixture('large/generated');
    const args = materialize(c);
    const zeros = f32(new Array(1000).fill(0));
    const v = await checker().check(c, args, out(zeros));
    expect(v.status).toBe('wrong-value');
    const d = v.details!;
    expect(d.elements!.length).toBe(10);
    const failing = d.elements!.map((e) => e.index);
    const logits = d.inputs.find((i) => i.name === 'logits')!;
    expect(logits.truncated).toBe(true);
    expect(logits.numel).toBe(1000);
    const shown = logits.elements!.map((e) => e.index);
    expect(shown.slice(0, 8)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    for (const i of failing) expect(shown).toContain(i);
    // The shown element matches the materialised input, in decimal (the shortest that reads back as that float32) and hex.
    const x = (args.logits as { tensor: Tensor }).tensor.data as Float32Array;
    const e5 = logits.elements!.find((e) => e.index === 5)!;
    expect(Math.fround(Number(e5.decimal))).toBe(x[5]);
    expect(e5.decimal.replace(/^-?0?\.?0*|e.*$|\./g, '').length).toBeLessThanOrEqual(9);
    expect(e5.hex).toBe(Buffer.from(new Float32Array([x[5]]).buffer).readUInt32LE(0).toString(16).padStart(8, '0'));
  });
});

describe('checking engine: errors', () => {
  it('passes the documented error type, and any type for error "any"', async () => {
    expect((await check('errors/shape-mismatch', err('ValueError'))).status).toBe('pass');
    const gpu = new Checker({ profile: 'gpu', tolerance: 'standard', rerunPrefix });
    expect((await check('errors/any-type', err('IndexError'), gpu)).status).toBe('pass');
    expect((await check('errors/any-type', out(f32([0])), gpu)).status).toBe('missing-error');
  });

  it('wrong-error-type and missing-error', async () => {
    expect((await check('errors/shape-mismatch', err('TypeError', 'bad')))).toMatchObject({ status: 'wrong-error-type', reason: 'expected error ValueError (shape-mismatch), got TypeError: bad' });
    const v = (await check('errors/shape-mismatch', out(f32([0, 0]))));
    expect(v.status).toBe('missing-error');
    expect(v.reason).toBe('expected error ValueError (shape-mismatch), got an output float32 shape [2]');
  });
});

describe('checking engine: anyOf, malformed answers, the oracle cache, corpus defects', () => {
  it('anyOf passes when any alternative matches and reports the closest failure otherwise', async () => {
    expect((await check('beta/either', err('RuntimeError'))).status).toBe('pass');
    expect((await check('beta/either', out(f32([0, 0, 1])))).status).toBe('pass');
    const v = await check('beta/either', out(f32([0, 0, 0.75])));
    expect(v.status).toBe('wrong-value');
    expect(v.reason).toMatch(/^none of the 2 accepted outcomes matched; closest \(output float32 shape \[3\]\): 1 of 3/);
    expect((await check('beta/either', err('ValueError'))).status).toBe('wrong-error-type');
  });

  it('a malformed answer is a crash, not a wrong value', async () => {
    const bad = [
      { kind: 'output', tensor: { dtype: 'float32', shape: [3], data: new Float64Array(3) } },
      { kind: 'output', tensor: { dtype: 'float32', shape: [3], data: new Float32Array(2) } },
      { kind: 'output', tensor: { dtype: 'float8', shape: [3], data: new Float32Array(3) } },
      { kind: 'maybe' },
      { kind: 'error' },
      null,
    ];
    for (const b of bad) {
      const v = (await check('doc/example', b as unknown as RunnerResult));
      expect(v.status, JSON.stringify(b)).toBe('crash');
      expect(v.reason).toMatch(/malformed answer/);
    }
  });

  it('runs the oracle once per output compared, storing nothing per element; stored bits are verified once per case and dtype', async () => {
    const ch = checker();
    for (let i = 0; i < 5; i++) await check('doc/example', out(f32([0, 0, i === 0 ? 0.5 : 0.75])), ch);
    await check('reductions/sum', out(f32([0.5], [])), ch);
    await check('doc/example', err('RuntimeError'), ch); // an error answer: no value to compare
    expect(ch.oracleCalls).toBe(6);
    // with cacheElements the intervals are kept: once per case and dtype, however many answers
    const cached = new Checker({ profile: 'cpu', tolerance: 'standard', rerunPrefix, cacheElements: 100 });
    for (let i = 0; i < 5; i++) expect((await check('doc/example', out(f32([0, 0, i === 0 ? 0.5 : 0.75])), cached)).status).toBe(i === 0 ? 'pass' : 'wrong-value');
    await check('reductions/sum', out(f32([0.5], [])), cached);
    expect(cached.oracleCalls).toBe(2);
  });

  it('stored bits that disagree with the oracle are a corpus defect naming the case', async () => {
    const c = { ...loadedFixture('doc/example'), id: 'doc/broken' };
    c.expected = { ...c.expected, cpu: { output: { dtype: 'float32', shape: [3], bits: [HEX.zero, HEX.zero, HEX.one] } } };
    await expect(checker().check(c, materialize(c), out(f32([0, 0, 0.5])))).rejects.toThrow(CorpusDefectError);
    await expect(checker().check(c, materialize(c), out(f32([0, 0, 0.5])))).rejects.toThrow(/case 'doc\/broken' stores expected float32 bits 3f800000 \(1\) at element 2, but the oracle's correctly rounded result is 3f000000/);
  });

  it('yields to the event loop while it checks a large output, so a signal can be handled mid-case', async () => {
    // 2^22 generated float32 elements: tens of milliseconds of oracle work at least
    const n = 1 << 22;
    const gen = (seed: number) => ({ type: 'tensor' as const, tensor: { dtype: 'float32' as const, shape: [n], generate: { prng: 'xoshiro128**' as const, seed, distribution: 'uniform' as const, a: -4, b: 4 } } });
    const c: LoadedCase = {
      id: 'large/yield',
      file: 'large/yield.json',
      title: 'large case for the yield test',
      tags: ['area:large'],
      profiles: ['cpu'],
      inputs: { logits: gen(1), labels: gen(2), reduction: { type: 'str', value: 'none' } },
      expected: { cpu: { output: { dtype: 'float32', shape: [n] } } },
    };
    const args = materialize(c);
    const zeros = f32(new Array(n).fill(0)); // wrong almost everywhere: the full road for most elements is slower still
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const started = performance.now();
    try {
      const v = await checker().check(c, args, out(zeros));
      expect(v.status).toBe('wrong-value');
    } finally {
      clearInterval(timer);
    }
    const elapsed = performance.now() - started;
    // a synchronous check would let no timer run before it returns; one that yields every
    // SLICE_MS lets one run at least once per slice
    expect(ticks).toBeGreaterThanOrEqual(Math.max(1, Math.floor(elapsed / (4 * SLICE_MS))));
  });

  it('crash and timeout keep the message and the rerun command', () => {
    const c = loadedFixture('doc/example');
    const v = checker().unanswered(c, materialize(c), 'timeout', 'no answer within 50 ms');
    expect(v).toMatchObject({ status: 'timeout', reason: 'no answer: no answer within 50 ms', maxUlpError: null });
    expect(v.details!.rerun).toMatch(/--filter doc\/example$/);
  });

  it('fixture sanity: every fixture lists the profiles it has outcomes for', () => {
    for (const [id, c] of Object.entries(fixtureCases)) expect(Object.keys(c.expected).sort(), id).toEqual([...c.profiles].sort());
  });
});
