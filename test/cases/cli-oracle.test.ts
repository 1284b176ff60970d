/**
 * `smoothl1 oracle <file>`, spawned as a user runs it. Expected values are worked out by
 * hand from the formula (spec/smooth-l1-loss.md), not taken from the oracle.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, ROOT, smoothl1 } from './cli-helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'smoothl1-cli-oracle-'));
beforeAll(() => ensureBuilt());
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function write(name: string, doc: unknown): string {
  const f = join(tmp, name);
  writeFileSync(f, typeof doc === 'string' ? doc : JSON.stringify(doc));
  return f;
}

const f32 = (bits: string[]) => ({ type: 'tensor', tensor: { dtype: 'float32', shape: [bits.length], bits } });
// [1, 2, 3] vs [1, 2, 2]: the documentation's example, L = [0, 0, 0.5].
const DOC_INPUTS = { logits: f32(['3f800000', '40000000', '40400000']), labels: f32(['3f800000', '40000000', '40000000']) };

describe('smoothl1 oracle', () => {
  it('takes a bare inputs object and prints every profile with per-element intervals', () => {
    const r = smoothl1(['oracle', write('doc.json', DOC_INPUTS)]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    for (const p of ['cpu', 'gpu', 'ascend']) expect(r.stdout).toContain(`${p}: output float32 shape [3]`);
    expect(r.stdout).toMatch(/\[2\] expected 0\.5 \(3f000000\)  accepted \[[0-9.]+, [0-9.]+\]  \[3effffff?\w*, 3f0000\w\w\]/);
    expect(r.stdout).toMatch(/\[0\] expected 0 \(00000000\)/);
  });

  it('--json --profile --tolerance: intervals contain the exact value and are tighter at strict', () => {
    const f = write('doc2.json', DOC_INPUTS);
    const strict = JSON.parse(smoothl1(['oracle', f, '--profile', 'gpu', '--tolerance', 'strict', '--json']).stdout);
    const standard = JSON.parse(smoothl1(['oracle', f, '--profile', 'gpu', '--json']).stdout);
    expect(strict.profiles.map((p: { profile: string }) => p.profile)).toEqual(['gpu']);
    const s = strict.profiles[0].acceptance;
    expect(s.tolerance).toBe('strict');
    expect(s.dtype).toBe('float32');
    expect(s.elements[2]).toEqual(expect.objectContaining({ index: 2, expected: '0.5', expectedHex: '3f000000' }));
    expect(Number(s.elements[2].lo)).toBeLessThanOrEqual(0.5);
    expect(Number(s.elements[2].hi)).toBeGreaterThanOrEqual(0.5);
    const t = standard.profiles[0].acceptance.elements[2];
    expect(Number(t.lo)).toBeLessThanOrEqual(Number(s.elements[2].lo));
    expect(Number(t.hi)).toBeGreaterThanOrEqual(Number(s.elements[2].hi));
  });

  it('float16, d = 400, beta = 1000: exactly 80 expected, interval finite', () => {
    const f = write('f16.json', {
      logits: { type: 'tensor', tensor: { dtype: 'float16', shape: [], bits: ['5e40'] } }, // 400
      labels: { type: 'tensor', tensor: { dtype: 'float16', shape: [], bits: ['0000'] } },
      beta: { type: 'float', value: '1000' },
    });
    const j = JSON.parse(smoothl1(['oracle', f, '--profile', 'gpu', '--json']).stdout);
    const e = j.profiles[0].acceptance.elements[0];
    // 400^2 / (2 * 1000) = 80 = 0x5500 in float16.
    expect(e.expected).toBe('80');
    expect(e.expectedHex).toBe('5500');
    expect(Number(e.hi)).toBeLessThan(65504);
    expect(Number(e.lo)).toBeGreaterThan(70);
  });

  it('reads a whole case file and uses its profiles; errors and anyOf outcomes are printed', () => {
    const r = smoothl1(['oracle', join(ROOT, 'cases/beta/nan-float32.json')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/cpu: any one of: error RuntimeError \(beta-out-of-range\) \| output float32 shape \[10\]/);
    expect(r.stdout).toContain('note: beta is NaN');
    const e = smoothl1(['oracle', write('err.json', { ...DOC_INPUTS, beta: { type: 'str', value: '1' } }), '--profile', 'ascend']);
    expect(e.stdout.trim()).toBe('ascend: error TypeError (beta-bad-type)');
  });

  it('a malformed file is reported with its name and the JSON pointer (exit 1)', () => {
    const bad = write('bad.json', { ...DOC_INPUTS, logits: f32(['3f80', '40000000', '40400000']) });
    const r = smoothl1(['oracle', bad]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${bad}: /logits/tensor/bits/0: expected a string matching /^[0-9a-f]{8}$/, got "3f80"`);
    const badCase = write('badcase.json', { title: 't', tags: ['hand'], profiles: ['cpu'], inputs: { ...DOC_INPUTS, reduction: { type: 'str' } }, expected: { cpu: { error: 'any' } } });
    const r2 = smoothl1(['oracle', badCase]);
    expect(r2.code).toBe(1);
    expect(r2.stderr).toContain(`${badCase}: /inputs/reduction: missing required property 'value'`);
    const notJson = write('nj.json', '{"logits": ');
    const r3 = smoothl1(['oracle', notJson]);
    expect(r3.code).toBe(1);
    expect(r3.stderr).toContain(`${notJson}: (document): not valid JSON`);
  });

  it('usage errors exit 2', () => {
    expect(smoothl1(['oracle']).code).toBe(2);
    expect(smoothl1(['oracle', join(tmp, 'missing.json')]).stderr).toMatch(/cannot read/);
    const f = write('u.json', DOC_INPUTS);
    const r = smoothl1(['oracle', f, '--tolerance', 'loose']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown tolerance 'loose'/);
    expect(smoothl1(['oracle', f, '--profile', 'tpu']).code).toBe(2);
  });

  it("--tolerance names a level or is a usage error: 'constructor' and 'toString' are not levels (no stack trace)", () => {
    const f = write('doc-tol.json', DOC_INPUTS);
    for (const level of ['constructor', 'toString', 'exact']) {
      const r = smoothl1(['oracle', f, '--tolerance', level]);
      expect(r.code, level).toBe(2);
      expect(r.stderr).toContain(`unknown tolerance '${level}' (expected strict or standard)`);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.stdout).toBe('');
    }
  });

});
