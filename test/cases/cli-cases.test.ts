/** `smoothl1 cases validate|list|show`, spawned as a user runs it. */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, ROOT, smoothl1 } from './cli-helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'smoothl1-cli-cases-'));
beforeAll(() => ensureBuilt());
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('smoothl1 cases validate', () => {
  it('accepts the committed corpus (exit 0)', () => {
    const r = smoothl1(['cases', 'validate']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^\d+ case files valid\n$/);
    expect(r.code).toBe(0);
  });

  it('lists every problem of every bad file with file and JSON pointer (exit 1)', () => {
    const dir = join(tmp, 'bad');
    mkdirSync(join(dir, 'x'), { recursive: true });
    copyFileSync(join(ROOT, 'cases/doc/example.json'), join(dir, 'x/good.json'));
    const c = JSON.parse(require('node:fs').readFileSync(join(ROOT, 'cases/doc/example.json'), 'utf8'));
    c.inputs.logits.tensor.bits[1] = '4000';
    c.tags.push('no-such-tag');
    delete c.expected.gpu;
    writeFileSync(join(dir, 'x/broken.json'), JSON.stringify(c));
    writeFileSync(join(dir, 'truncated.json'), '{"title": "x", ');
    const r = smoothl1(['cases', 'validate', '--dir', dir]);
    expect(r.code).toBe(1);
    const broken = join(dir, 'x/broken.json');
    expect(r.stdout).toContain(`${broken}: /inputs/logits/tensor/bits/1: expected a string matching /^[0-9a-f]{8}$/, got "4000"`);
    // The tag check needs no valid structure, so it is reported beside schema problems;
    // the other semantic checks (profiles, counts) run once the schema passes.
    expect(r.stdout).toContain(`${broken}: /tags/6: tag 'no-such-tag' is not registered in spec/tags.json`);
    expect(r.stdout).not.toContain("listed profile 'gpu'");
    expect(r.stdout).toContain(`${join(dir, 'truncated.json')}: (document): not valid JSON`);
    expect(r.stdout).toMatch(/2 of 3 case files invalid, 3 problem\(s\)/);
    c.inputs.logits.tensor.bits[1] = '40000000';
    writeFileSync(broken, JSON.stringify(c));
    const r2 = smoothl1(['cases', 'validate', '--dir', dir]);
    expect(r2.stdout).toContain(`${broken}: /tags/6: tag 'no-such-tag' is not registered in spec/tags.json`);
    expect(r2.stdout).toContain(`${broken}: /expected: missing the expected outcome for listed profile 'gpu'`);
  });

  it('a missing folder is a usage error (exit 2)', () => {
    const r = smoothl1(['cases', 'validate', '--dir', join(tmp, 'nope')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--cases: no such folder .*nope/);
  });
});

describe('smoothl1 cases list', () => {
  it('filters by tag and by id glob, text and JSON', () => {
    const r = smoothl1(['cases', 'list', '--filter', 'doc-example']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^doc\/example\s+cpu,gpu,ascend\s+.*doc-example/m);
    const j = smoothl1(['cases', 'list', '--json', '--filter', 'shapes/rank-*-none']);
    const ids = JSON.parse(j.stdout).map((c: { id: string }) => c.id);
    expect(ids).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8].map((k) => `shapes/rank-${k}-none`));
    const all = JSON.parse(smoothl1(['cases', 'list', '--json']).stdout);
    expect(all.length).toBeGreaterThanOrEqual(300);
    expect(all[0]).toEqual(expect.objectContaining({ id: expect.any(String), title: expect.any(String), profiles: expect.any(Array), tags: expect.any(Array) }));
  });

  it('selects exactly what run selects: repeated --filter is and, commas or, --shard; a filter matching nothing is exit 2', () => {
    const args = ['--filter', 'beta,reductions', '--filter', 'dtype:float16,dtype:bfloat16', '--filter', 'reduction:none', '--shard', '2/3'];
    const listed = smoothl1(['cases', 'list', '--json', ...args]);
    expect(listed.code).toBe(0);
    const ids: string[] = JSON.parse(listed.stdout).map((c: { id: string }) => c.id);
    const out = join(tmp, 'same-selection');
    const run = smoothl1(['run', ...args, '--report-dir', out, '--formats', 'json', '--quiet']);
    expect(run.code).toBe(0);
    const ran = (JSON.parse(require('node:fs').readFileSync(join(out, 'report.json'), 'utf8')) as { results: { id: string }[] }).results.map((r) => r.id);
    expect(ids.length).toBeGreaterThan(2);
    expect(ids).toEqual(ran);
    for (const id of ids) expect(id).toMatch(/^(beta|reductions)\/.*(float16|bfloat16)/);
    const text = smoothl1(['cases', 'list', ...args]);
    expect(text.stdout).toMatch(new RegExp(`^${ids.length} of \\d+ cases$`, 'm'));
    const none = smoothl1(['cases', 'list', '--filter', 'beta', '--filter', 'no-such/*']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/--filter 'no-such\/\*' matches no case/);
    expect(smoothl1(['cases', 'list', '--filter', 'doc', '--filter', 'beta']).stderr).toMatch(/the filters 'doc' and 'beta' match no case together/);
  });

  it('an invalid corpus makes list fail with the problems (exit 1)', () => {
    const dir = join(tmp, 'bad-list');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'a.json'), '[]');
    const r = smoothl1(['cases', 'list', '--dir', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${join(dir, 'a.json')}: (document): expected object, got array`);
  });
});

describe('smoothl1 cases show', () => {
  it('prints inputs in decimal and hex and the expectation per profile', () => {
    const r = smoothl1(['cases', 'show', 'beta/underflow-to-zero-float32']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('beta: float 1e-50');
    expect(r.stdout).toMatch(/\[6\] 100\s+42c80000/);
    // cpu: the float32 value 0 is out of range, the given 1e-50 is not: either outcome
    expect(r.stdout).toMatch(/ cpu:\n\s+any one of:\n\s+error RuntimeError \(beta-out-of-range\)\n\s+output float32 shape \[10\]/);
    expect(r.stdout).toMatch(/note: beta 1e-50 rounds to 0 in float32/);
    expect(r.stdout).toMatch(/ ascend:\n\s+output float32 shape \[10\]/);
  });

  it('shows generated inputs by their generator and first elements', () => {
    const r = smoothl1(['cases', 'show', 'large/float32-65536-none']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('generated: xoshiro128** seed 3, uniform [-4, 4)');
    expect(r.stdout).toContain('... 65520 more ...');
    expect(r.stdout).toContain('(values computed by the oracle at run time)');
  });

  it('an unknown id is a usage error naming similar ids', () => {
    const r = smoothl1(['cases', 'show', 'doc/exampel']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no case 'doc\/exampel'/);
    expect(smoothl1(['cases', 'frobnicate']).code).toBe(2);
  });
});
