/**
 * SIGINT and SIGTERM stop a run within 2 s whatever it is doing (the harness busy with
 * the oracle on a large case, or an implementation stuck in an endless loop), kill the
 * implementation's processes, exit 130 / 143, and leave the previous report set exactly
 * as it was, with nothing temporary beside it.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseJson } from '../../common/types.js';
import { fixtureCases, writeFixtureCorpus } from '../harness/run-fixtures.js';
import { alive, cli, ensureBuilt, tempDir, waitFor, writeModule, removeTempDirs } from './helpers.js';

beforeAll(() => ensureBuilt());
afterAll(removeTempDirs);

/** A corpus with one large generated case (the oracle needs seconds for it) and the doc example. */
function corpus(dir: string, elements: number): string {
  const cases = join(dir, 'cases');
  const large: CaseJson = structuredClone(fixtureCases['large/generated']);
  large.inputs.logits = { type: 'tensor', tensor: { dtype: 'float32', shape: [elements], generate: { prng: 'xoshiro128**', seed: 1, distribution: 'uniform', a: -4, b: 4 } } };
  large.inputs.labels = { type: 'tensor', tensor: { dtype: 'float32', shape: [elements], generate: { prng: 'xoshiro128**', seed: 2, distribution: 'uniform', a: -4, b: 4 } } };
  for (const p of ['cpu', 'gpu', 'ascend'] as const) large.expected[p] = { output: { dtype: 'float32', shape: [elements] } };
  writeFixtureCorpus(cases, { 'doc/example': fixtureCases['doc/example'], 'large/stop-here': large });
  return cases;
}

/** Puts a previous run's report set into `out` and returns its files' contents. */
async function previousReport(_cases: string, out: string): Promise<Record<string, string>> {
  mkdirSync(out);
  const files = { 'report.json': '{"previous": true}\n', 'junit.xml': '<testsuites name="previous"/>\n', 'report.md': '# previous\n', 'report.html': '<p>previous</p>\n' };
  for (const [f, text] of Object.entries(files)) writeFileSync(join(out, f), text);
  return files;
}

function unchanged(out: string, before: Record<string, string>): void {
  expect(readdirSync(out).sort()).toEqual(Object.keys(before).sort());
  for (const [f, text] of Object.entries(before)) expect(readFileSync(join(out, f), 'utf8'), f).toBe(text);
  // Nothing temporary beside the report folder.
  expect(readdirSync(join(out, '..')).filter((n) => n.includes('smoothl1-'))).toEqual([]);
}

describe('signals', () => {
  it('SIGINT while the oracle checks a large case: exit 130 within 2 s, the previous report kept', async () => {
    const dir = tempDir('sigint');
    const cases = corpus(dir, 3_000_000);
    const out = join(dir, 'report');
    const before = await previousReport(cases, out);
    const marker = join(dir, 'called');
    // Answers zeros at once (a wrong answer the oracle still checks in full) and says when.
    const mod = writeModule(dir, 'zeros.mjs', `import { writeFileSync } from 'node:fs';
export function smoothL1Loss(args) {
  const n = args.logits.tensor.shape[0];
  writeFileSync(${JSON.stringify(marker)}, 'called');
  return { dtype: 'float32', shape: [n], data: new Float32Array(n) };
}`);
    let signalledAt = 0;
    const r = await cli(['run', '--runner', 'module', '--module', mod, '--cases', cases, '--filter', 'large/*', '--report-dir', out, '--quiet'], {
      limitMs: 60_000,
      onSpawn: (child) => {
        void waitFor(() => existsSync(marker), 50_000).then(() =>
          setTimeout(() => {
            signalledAt = Date.now();
            child.kill('SIGINT');
          }, 300),
        );
      },
    });
    const stopMs = Date.now() - signalledAt;
    expect(signalledAt).toBeGreaterThan(0);
    expect(r.code, r.stderr).toBe(130);
    expect(stopMs).toBeLessThan(2000);
    expect(r.stderr).toContain('interrupted; no report written');
    unchanged(out, before);
  }, 90_000);

  it('SIGTERM while the implementation is in an endless loop: exit 143 within 2 s, its process killed', async () => {
    const dir = tempDir('sigterm');
    const cases = corpus(dir, 8);
    const out = join(dir, 'report');
    const before = await previousReport(cases, out);
    const pidFile = join(dir, 'pid');
    const mod = writeModule(dir, 'loop.mjs', `import { writeFileSync } from 'node:fs';
export function smoothL1Loss() { writeFileSync(${JSON.stringify(pidFile)}, String(process.pid)); for (;;) {} }`);
    let signalledAt = 0;
    const r = await cli(['run', '--runner', 'module', '--module', mod, '--cases', cases, '--filter', 'doc/*', '--report-dir', out, '--quiet'], {
      limitMs: 60_000,
      onSpawn: (child) => {
        void waitFor(() => existsSync(pidFile), 50_000).then(() => {
          signalledAt = Date.now();
          child.kill('SIGTERM');
        });
      },
    });
    const stopMs = Date.now() - signalledAt;
    expect(r.code, r.stderr).toBe(143);
    expect(stopMs).toBeLessThan(2000);
    const pid = Number(readFileSync(pidFile, 'utf8'));
    expect(await waitFor(() => !alive(pid), 2000), 'the implementation process must be gone').toBe(true);
    unchanged(out, before);
  }, 90_000);
});
